/**
 * `kiosk browser [--config FILE] [--browser-user NAME]`: the passenger's window on its own, as
 * the installed window service runs it inside the cage compositor: waits for the runtime, then
 * keeps Chromium in kiosk mode open on it (relaunched when it exits, crashes or hangs) until
 * SIGTERM. Each launch asks the runtime for a fresh one-time launch URL over its unix socket
 * (`<dataDir>/launch.sock`, see kiosk/appliance/launch-socket.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadKioskConfig } from '../config/index.js';
import type { BrowserSupervisor } from '../appliance/browser-supervisor.js';
import { openSupervisedKioskWindow } from '../appliance/kiosk-window.js';
import { fetchLaunchUrl, LAUNCH_SOCKET } from '../appliance/launch-socket.js';
import { createJsonLogger } from '../runtime/logger.js';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string', default: 'config/demo.json' }, 'browser-user': { type: 'string' } } });
  let socket: string;
  try {
    const config = await loadKioskConfig(values.config);
    socket = join(config.dataDir, LAUNCH_SOCKET);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      return 2;
    }
    throw e;
  }
  const logger = createJsonLogger('browser');
  let stopping = false;
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  void stopped.then(() => (stopping = true));
  let waited = 0;
  while (!existsSync(socket)) {
    if (stopping) return 0;
    if (waited % 20 === 0) logger.warn('the kiosk runtime is not up yet; waiting for its launch socket', { socket });
    waited += 1;
    await new Promise((r) => setTimeout(r, 500));
  }
  const window = await openSupervisedKioskWindow({ url: () => fetchLaunchUrl(socket), logger, requestedUser: values['browser-user'] ?? null });
  if (!window.ok) {
    process.stderr.write(`kiosk browser: the kiosk window was not opened: ${window.reason}\n`);
    return 1;
  }
  const supervisor: BrowserSupervisor = window.supervisor;
  await stopped;
  await supervisor.stop();
  return 0;
}
