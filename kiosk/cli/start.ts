/**
 * `kiosk start [--config FILE] [--no-browser] [--browser-user NAME] [--heartbeat-seconds N] [--no-sim] [--no-central] [--demo]`
 *
 * Brings up the whole demo terminal in one go: the simulated hardware (the sim daemon, a child
 * process), a local central service (a child process), the kiosk runtime (this process) with
 * its UI, and Chromium in kiosk mode when a display exists (watched and relaunched; as an
 * unprivileged user when this runs as root). Ctrl-C stops everything.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { APP_ROOT, nodeEntry } from '../appliance/app-layout.js';
import { ConfigError, isLoopbackUrl, loadKioskConfig, publicUrlProblem, ticketPageBase, type KioskConfig } from '../config/index.js';
import { openSupervisedKioskWindow } from '../appliance/kiosk-window.js';
import { hasDisplay } from '../runtime/browser/chromium.js';
import { ChildService, waitForHttp } from './child-service.js';
import { createKioskRuntime } from '../runtime/create-runtime.js';
import type { KioskRuntime } from '../runtime/kiosk-runtime.js';
import { createJsonLogger } from '../runtime/logger.js';
import type { BrowserSupervisor } from '../appliance/browser-supervisor.js';
import { SystemdNotifier } from '../appliance/systemd-notify.js';
import { DEFAULT_HEARTBEAT_SECONDS, HeartbeatSender, runtimeHeartbeatSources } from '../appliance/heartbeat.js';
import { kioskRelease, kioskVersionLabel } from '../appliance/versions.js';
import { writeHealthReport } from '../appliance/update.js';
import { LAUNCH_SOCKET, serveLaunchUrls, type LaunchUrlServer } from '../appliance/launch-socket.js';
import { join } from 'node:path';

const ROOT = APP_ROOT;
const SIM_PORT = 8090;
const SERVICE_START_TIMEOUT_MS = 60_000;

const say = (line: string) => process.stdout.write(line + '\n');

/** The local central knows this kiosk; `--demo` adds the published demo accounts (agent, station staff, supervisor, administrator) and help articles (development only). */
function centralArgs(config: KioskConfig, demo: boolean): string[] {
  const port = new URL(config.central.url).port || '80';
  return ['serve', '--data', 'var/central', '--port', port, '--kiosk-id', config.kioskId, '--kiosk-token', config.central.token, '--station', config.stationId, '--kiosk-code', config.kioskCode, ...(demo ? ['--demo'] : [])];
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', default: 'config/demo.json' },
      'no-browser': { type: 'boolean', default: false },
      'no-sim': { type: 'boolean', default: false },
      'no-central': { type: 'boolean', default: false },
      'browser-user': { type: 'string' },
      'heartbeat-seconds': { type: 'string', default: String(DEFAULT_HEARTBEAT_SECONDS) },
      demo: { type: 'boolean', default: false },
    },
  });
  let config: KioskConfig;
  try {
    config = await loadKioskConfig(values.config);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      return 2;
    }
    throw e;
  }
  const publicProblem = publicUrlProblem(config, values.demo);
  if (publicProblem !== null) {
    process.stderr.write(`${values.config}: ${publicProblem}\n`);
    return 2;
  }

  // Listen for the stop signals before anything starts or is announced: whoever reads the banner
  // (systemd, a test, a person) may stop us at once, and a stop during start-up stops what started.
  let stopSignal: NodeJS.Signals | null = null;
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      stopSignal ??= signal;
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const stopRequested = (): boolean => stopSignal !== null;

  const children: ChildService[] = [];
  let runtime: KioskRuntime | null = null;
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await runtime?.stop();
    await Promise.all(children.map((c) => c.stop()));
  };

  try {
    if (!values['no-sim'] && existsSync(nodeEntry('hardware-sim/cli.ts').script)) {
      const sim = new ChildService({ name: 'sim', script: 'hardware-sim/cli.ts', args: ['serve'], cwd: ROOT, output: say });
      children.push(sim);
      sim.start();
      if (!(await waitForHttp(`http://127.0.0.1:${SIM_PORT}/`, SERVICE_START_TIMEOUT_MS, () => !sim.running || stopRequested())) && !stopRequested()) {
        throw new Error(`the hardware simulator did not come up on port ${SIM_PORT} (see [sim] lines above)`);
      }
    }
    if (!values['no-central'] && !stopRequested() && isLoopbackUrl(config.central.url)) {
      const central = new ChildService({ name: 'central', script: 'central/cli.ts', args: centralArgs(config, values.demo), cwd: ROOT, output: say });
      children.push(central);
      central.start();
      if (!(await waitForHttp(`${config.central.url}/v1/health`, SERVICE_START_TIMEOUT_MS, () => !central.running || stopRequested())) && !stopRequested()) {
        throw new Error(`the local central service did not come up at ${config.central.url} (see [central] lines above)`);
      }
    }

    if (!stopRequested()) {
      runtime = await createKioskRuntime(config, { logger: createJsonLogger('kiosk'), demo: values.demo });
      await runtime.start();
    }
  } catch (e) {
    process.stderr.write(`kiosk start: ${e instanceof Error ? e.message : String(e)}\n`);
    await stopAll();
    return 1;
  }
  if (stopSignal !== null || runtime === null) {
    say(`stopping (${stopSignal ?? 'start-up ended'}) before the kiosk was up…`);
    await stopAll();
    say('stopped.');
    return 0;
  }

  say('');
  say(`  Kiosk:               ${runtime.url}`);
  if (children.some((c) => c.running) && !values['no-sim']) say(`  Sim control panel:   http://127.0.0.1:${SIM_PORT}/  (tap a card on "${config.readerName ?? 'any reader'}")`);
  const ticketBase = ticketPageBase(config);
  say(`  Ticket page (receipt and QR code): ${ticketBase}/t/<ticket id>${isLoopbackUrl(ticketBase) ? '  (loopback, demo only: a phone cannot open it; set publicBaseUrl)' : ''}`);
  say(`  Central staff page:  ${config.central.url}/staff/`);
  say(`  Agent console:       ${config.central.url}/console/`);
  say('  Ctrl-C stops everything.');
  say('');

  // Under systemd (Type=notify, WatchdogSec=): ready now, then alive as long as the event loop runs.
  const notifier = new SystemdNotifier({ logger: createJsonLogger('systemd') });
  notifier.ready(`serving ${runtime.url}`);
  // The updater's proof that this release came up (kiosk update waits for it).
  try {
    writeHealthReport(join(config.dataDir, 'health.json'), { ...kioskRelease(), pid: process.pid, at: new Date().toISOString() });
  } catch (e) {
    say(`could not write the health report: ${e instanceof Error ? e.message : String(e)}`);
  }

  const heartbeatSeconds = Number(values['heartbeat-seconds']);
  const heartbeat = new HeartbeatSender({
    centralUrl: config.central.url,
    kioskId: config.kioskId,
    token: config.central.token,
    intervalMs: (Number.isFinite(heartbeatSeconds) && heartbeatSeconds >= 1 ? heartbeatSeconds : DEFAULT_HEARTBEAT_SECONDS) * 1000,
    sources: runtimeHeartbeatSources(runtime, kioskVersionLabel()),
    logger: createJsonLogger('heartbeat'),
  });
  heartbeat.start();

  const started = runtime;
  // The window service (`kiosk browser`, another process) asks here for one-time launch URLs.
  let launches: LaunchUrlServer | null = null;
  try {
    launches = await serveLaunchUrls(join(config.dataDir, LAUNCH_SOCKET), () => started.launchUrl());
  } catch (e) {
    say(`the launch socket for the window service could not open: ${e instanceof Error ? e.message : String(e)}`);
  }

  let browser: BrowserSupervisor | null = null;
  if (!values['no-browser'] && hasDisplay()) {
    // Each launch of the browser gets its own one-time launch code for the UI key.
    const window = await openSupervisedKioskWindow({ url: () => started.launchUrl(), logger: createJsonLogger('browser'), requestedUser: values['browser-user'] ?? null });
    if (window.ok) browser = window.supervisor;
    else say(`The kiosk window was not opened: ${window.reason}. Open ${started.launchUrl()} in Chromium (one-time link).`);
  } else {
    // The link carries a one-time code for the UI key: the first page to open it is the kiosk page.
    const link = started.launchUrl();
    say(values['no-browser'] ? `Open ${link} in Chromium (one-time link).` : `No display ($DISPLAY / $WAYLAND_DISPLAY): open ${link} in a browser (one-time link).`);
  }

  // In a terminal, Ctrl-C reaches the helpers too: one of them ending then is part of the stop.
  const reason = await new Promise<string>((resolve) => {
    void signalled.then(resolve);
    for (const c of children) void c.whenExited().then((code) => !stopping && stopSignal === null && resolve(`a helper service exited (code ${code})`));
  });
  say(`stopping (${reason})…`);
  await notifier.stop();
  await launches?.close();
  await heartbeat.stop();
  await browser?.stop();
  await stopAll();
  say('stopped.');
  return stopSignal !== null ? 0 : 1;
}
