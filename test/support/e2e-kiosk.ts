import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { seedDemoStations } from '../../central/seed/demo-stations.js';
import { startCentral, type RunningCentral, type StartCentralOptions } from '../../central/server.js';
import { VPCD_SLOTS, type CardFaults, type VirtualCard } from '../../hardware-sim/virtual-card/index.js';
import { parseKioskConfig, type KioskConfig } from '../../kiosk/config/index.js';
import { createKioskRuntime, type CreateRuntimeOptions } from '../../kiosk/runtime/create-runtime.js';
import type { KioskRuntime } from '../../kiosk/runtime/kiosk-runtime.js';
import { createMemoryLogger } from '../../kiosk/runtime/logger.js';
import type { AgentLogin } from './agent-console.js';
import { openKioskBrowser, type KioskBrowser } from './browser.js';
import { FaultProxy } from './fault-proxy.js';
import { tapCard } from './pcsc-card.js';
import { ensureUiBuilt, UI_DIST } from './e2e-ui-build.js';

/** The vpcd slot the kiosk end-to-end suites own (slot 0 is the demo daemon's). */
export const E2E_SLOT = VPCD_SLOTS[1];
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

export const KIOSK_ID = 'E2E-K01';
const KIOSK_TOKEN = 'e2e-kiosk-token-0123456789';
export const STAFF_TOKEN = 'e2e-staff-token-0123456789';

/** More than the passenger suites need: agents at central, a camera in Chromium, runtime settings. */
export interface KioskUnderTestOptions {
  /** Central's call settings: `agents` become personal accounts (they log in at /login/), the rest (queue rules) is written to `calls.json` before it starts. */
  readonly calls?: { readonly agents?: readonly AgentLogin[]; readonly [key: string]: unknown };
  /** Chromium with a fake camera and microphone, granted without a prompt. */
  readonly media?: boolean;
  readonly runtime?: Pick<CreateRuntimeOptions, 'call' | 'faultMonitor'>;
  /**
   * Start the runtime as its own process, with the kiosk's own command (`kiosk start --config …
   * --no-browser --no-sim --no-central`), so that `crashRuntime()` can SIGKILL it. Until then
   * `runtime` is not reachable from the test (it lives in the other process).
   */
  readonly runtimeProcess?: boolean;
  /** Put a fault proxy between the kiosk and central (`proxy` on the result): cut central off and back. */
  readonly faultProxy?: boolean;
  /** More of central's settings: accounts that log in at /login/, a short alarm escalation time. */
  readonly central?: Pick<StartCentralOptions, 'accounts' | 'alarmEscalateAfterSeconds' | 'alarmSweepMs'>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A runtime in its own process: `kiosk start`, as the kiosk runs it. */
interface RuntimeProcess {
  readonly child: ChildProcess;
  /** The one-time launch link it printed (`Open … in Chromium`). */
  readonly url: string;
  readonly port: number;
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

async function startRuntimeProcess(rawConfig: Record<string, unknown>, dir: string): Promise<RuntimeProcess> {
  const file = join(dir, 'kiosk-config.json');
  await writeFile(file, JSON.stringify(rawConfig));
  // --demo: the ticket page link stays on the loopback central of the test, which only the demo allows.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'kiosk/cli.ts'), 'start', '--config', file, '--no-browser', '--no-sim', '--no-central', '--demo'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kiosk start did not print its launch link within 60 s: ${stderr}`)), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^Open (http\S+) in Chromium/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`kiosk start ended (${String(how)}) before it was up: ${stderr}`));
    });
  });
  return { child, url, port: Number(new URL(url).port), exited };
}

export interface KioskUnderTest {
  readonly central: RunningCentral;
  readonly runtime: KioskRuntime;
  readonly config: KioskConfig;
  readonly browser: KioskBrowser;
  readonly page: Page;
  readonly logs: ReturnType<typeof createMemoryLogger>;
  readonly dir: string;
  /** With `faultProxy`: the kiosk reaches central only through it. */
  readonly proxy: FaultProxy | null;
  /** Puts a committed card image on the kiosk's reader; returns the card (remove it with `card.remove()`). */
  /** Taps a card image on the kiosk's reader, misbehaving as `faults` say (a slow answer, …). */
  tap(image: string, faults?: CardFaults): Promise<VirtualCard>;
  /** Stops the runtime cleanly (it flushes its session) and starts it again on the same data dir and port (an update). */
  restartRuntime(): Promise<KioskRuntime>;
  /**
   * SIGKILLs the runtime's process (needs `runtimeProcess`), as a crash or a power cut would:
   * nothing is flushed or closed. Then starts the runtime again on the same data dir and port,
   * in this process, so the test can look at it.
   */
  crashRuntime(): Promise<KioskRuntime>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole kiosk for an end-to-end test: a real central on loopback, the real runtime
 * (store, flows, PC/SC reader service on vpcd slot 1, UI server on a free port) and real
 * Chromium showing the page. Everything is closed by `close()`.
 */
export async function startKioskUnderTest(overrides: Partial<Record<string, unknown>> = {}, options: KioskUnderTestOptions = {}): Promise<KioskUnderTest> {
  await ensureUiBuilt();
  const dir = await mkdtemp(join(tmpdir(), 'kiosk-e2e-'));
  const cards: VirtualCard[] = [];
  let central: RunningCentral | null = null;
  let runtime: KioskRuntime | null = null;
  let runtimeProcess: RuntimeProcess | null = null;
  let browser: KioskBrowser | null = null;
  let proxy: FaultProxy | null = null;
  const logs = createMemoryLogger();
  const close = async () => {
    for (const c of cards) await c.remove().catch(() => undefined);
    await browser?.close();
    if (runtimeProcess) {
      runtimeProcess.child.kill('SIGTERM');
      await runtimeProcess.exited;
    }
    await runtime?.stop();
    await central?.close();
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (options.calls) {
      await mkdir(join(dir, 'central'), { recursive: true });
      const { agents: _agents, ...callsFile } = options.calls;
      await writeFile(join(dir, 'central', 'calls.json'), JSON.stringify(callsFile));
    }
    central = await startCentral({
      storage: { engine: 'sqlite', file: join(dir, 'central.sqlite') },
      kiosks: [{ id: KIOSK_ID, token: KIOSK_TOKEN, stationId: 'GZ-L3-TYXL', ticketCode: 'GZ0102' }],
      staffToken: STAFF_TOKEN,
      dataDir: join(dir, 'central'),
      port: 0,
      ...options.central,
      accounts: [...(options.central?.accounts ?? []), ...(options.calls?.agents ?? [])],
    });
    // The station tables shipped for the demo city and the simulated cards' cities, as an operator imports them.
    await seedDemoStations(central.storage, new Date());
    if (options.faultProxy) proxy = await FaultProxy.start(central.url);
    const rawConfig: Record<string, unknown> = {
      stationId: 'GZ-L3-TYXL',
      stationName: { zh: '体育西路站', en: 'Tiyu Xilu Station' },
      kioskId: KIOSK_ID,
      kioskCode: 'GZ0102',
      cityCode: '5810',
      central: { url: proxy?.url ?? central.url, token: KIOSK_TOKEN },
      ui: { port: 0 },
      readerName: E2E_SLOT.reader,
      dataDir: join(dir, 'kiosk'),
      hid: null,
      ...overrides,
    };
    const config = parseKioskConfig(rawConfig, 'e2e config');
    // A restart keeps the port, so that the open page reconnects to the new runtime.
    const build = (port = 0) => createKioskRuntime({ ...config, ui: { port } }, { logger: logs, staticDir: UI_DIST, ...options.runtime });
    let url: string;
    if (options.runtimeProcess) {
      runtimeProcess = await startRuntimeProcess(rawConfig, dir);
      url = runtimeProcess.url;
    } else {
      runtime = await build();
      await runtime.start();
      url = runtime.launchUrl();
    }
    browser = await openKioskBrowser({ media: options.media ?? false });
    const page = browser.page;
    await page.goto(url);
    await page.locator('main[data-screen="attract"]').waitFor();
    await mkdir(SCREENSHOTS, { recursive: true });
    const kiosk: KioskUnderTest = {
      central,
      get runtime() {
        if (!runtime) throw new Error('the runtime runs in its own process until crashRuntime()');
        return runtime;
      },
      config,
      browser,
      page,
      logs,
      dir,
      proxy,
      async tap(image, faults) {
        const card = await tapCard(image, faults, E2E_SLOT);
        cards.push(card);
        return card;
      },
      async restartRuntime() {
        if (!runtime) throw new Error('restartRuntime stops an in-process runtime; use crashRuntime for one in its own process');
        const port = runtime.ui.port;
        await runtime.stop();
        runtime = await build(port);
        await runtime.start();
        return runtime;
      },
      async crashRuntime() {
        const proc = runtimeProcess;
        if (!proc) throw new Error('crashRuntime needs the runtime in its own process ({ runtimeProcess: true })');
        proc.child.kill('SIGKILL');
        const how = await proc.exited;
        if (how !== 'SIGKILL') throw new Error(`the runtime process ended by ${String(how)}, not by the SIGKILL`);
        runtimeProcess = null;
        runtime = await build(proc.port);
        await runtime.start();
        return runtime;
      },
      async screenshot(name) {
        await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
      },
      close,
    };
    return kiosk;
  } catch (e) {
    await close();
    throw e;
  }
}
