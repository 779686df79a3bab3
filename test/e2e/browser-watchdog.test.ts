// The kiosk window under its watchdog, with real Chromium on a virtual X display, started the
// way `kiosk start` starts it as root: as an unprivileged user, sandbox on. The renderer is
// crashed, the page is hung and the browser is killed; each time the window comes back by
// itself and shows the passenger's half-written report.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import type { BrowserEvent, BrowserSupervisor } from '../../kiosk/appliance/browser-supervisor.js';
import { openSupervisedKioskWindow } from '../../kiosk/appliance/kiosk-window.js';
import { parseKioskConfig } from '../../kiosk/config/index.js';
import { createKioskRuntime } from '../../kiosk/runtime/create-runtime.js';
import type { KioskRuntime } from '../../kiosk/runtime/kiosk-runtime.js';
import { createMemoryLogger } from '../../kiosk/runtime/logger.js';
import { ensureUiBuilt, UI_DIST } from '../support/e2e-ui-build.js';
import { E2E_SLOT } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';
import { startXvfb, type VirtualDisplay } from '../support/xvfb.js';

const KIOSK_TOKEN = 'watchdog-kiosk-token-0123456789';

let x: VirtualDisplay;
let central: RunningCentral;
let runtime: KioskRuntime;
let supervisor: BrowserSupervisor;
let dir: string;
const events: BrowserEvent[] = [];
const browserLog = createMemoryLogger();

async function evaluate<T>(expression: string): Promise<T> {
  const r = (await supervisor.sendToPage('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, 5_000)) as { result?: { value?: T } };
  return r.result?.value as T;
}

/** Waits for the page to answer and show `selector`. */
async function waitFor(selector: string, timeoutMs = 45_000): Promise<void> {
  await eventually(`${selector} on the kiosk page`, () => evaluate<boolean>(`!!document.querySelector(${JSON.stringify(selector)})`).catch(() => false), timeoutMs);
}

async function click(selector: string): Promise<void> {
  await waitFor(selector);
  await evaluate(`document.querySelector(${JSON.stringify(selector)}).click()`);
}

const description = () => evaluate<string>(`(document.querySelector('[data-testid="description"]')?.textContent ?? '').replace(/\\u00a0$/, '')`);

function nextLaunch(after: number): Promise<void> {
  return eventually(`launch ${after + 1} attached`, () => Promise.resolve(events.some((e) => e.type === 'page-ready' && e.launch > after)), 90_000).then(() => undefined);
}

beforeAll(async () => {
  await ensureUiBuilt();
  dir = await mkdtemp(join(tmpdir(), 'kiosk-watchdog-'));
  x = await startXvfb(1080, 1920);
  central = await startCentral({ storage: { engine: 'sqlite', file: join(dir, 'central.sqlite') }, kiosks: [{ id: 'WD-K01', token: KIOSK_TOKEN, stationId: 'GZ-L3-TYXL', ticketCode: 'GZ0109' }], staffToken: 'watchdog-staff-token-0123456789', dataDir: join(dir, 'central'), port: 0 });
  const config = parseKioskConfig(
    { stationId: 'GZ-L3-TYXL', stationName: { zh: '体育西路站', en: 'Tiyu Xilu Station' }, kioskId: 'WD-K01', kioskCode: 'GZ0109', cityCode: '5810', central: { url: central.url, token: KIOSK_TOKEN }, ui: { port: 0 }, readerName: E2E_SLOT.reader, dataDir: join(dir, 'kiosk'), hid: null },
    'watchdog config',
  );
  runtime = await createKioskRuntime(config, { logger: createMemoryLogger(), staticDir: UI_DIST });
  await runtime.start();
  const window = await openSupervisedKioskWindow({
    url: () => runtime.launchUrl(),
    logger: browserLog,
    env: { ...process.env, DISPLAY: x.display, WAYLAND_DISPLAY: '' },
    supervisor: { heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 4_000, restartMinMs: 300, restartMaxMs: 1_000 },
  });
  if (!window.ok) throw new Error(window.reason);
  supervisor = window.supervisor;
  supervisor.on((e) => events.push(e));
  await nextLaunch(0);
  await waitFor('main[data-screen="attract"]');
}, 120_000);

afterAll(async () => {
  await supervisor?.stop();
  await runtime?.stop();
  await central?.close();
  await x?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the kiosk window under its watchdog (real Chromium on Xvfb)', () => {
  it('runs Chromium as an unprivileged user with its sandbox, sized to the display, and logs its output', async () => {
    const pid = supervisor.pid!;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    expect(uid).not.toBe(0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).not.toContain('--no-sandbox');
    expect(cmdline).toContain('--window-position=0,0');
    // The page covers the whole 1080×1920 display: full width, and at least the full height.
    const [w, h] = (await evaluate<string>('`${window.innerWidth}x${window.innerHeight}`')).split('x').map(Number);
    expect(w).toBe(1080);
    expect(h).toBeGreaterThanOrEqual(1920);
    expect(h).toBeLessThanOrEqual(1921);
    expect(browserLog.entries.some((e) => e.message === 'browser output')).toBe(true);
  });

  it('brings the half-written report back after a renderer crash, a hung page and a killed browser', async () => {
    await click('[data-testid="start"]');
    await click('[data-testid="menu-report"]');
    await click('[data-category="gate"]');
    await waitFor('main[data-screen="report-describe"]');
    // The keyboard opens in pinyin; Latin letters type as they are.
    await click('[data-testid="mode-latin"]');
    for (const ch of 'gate 3') await click(`.keyboard [data-key="${ch === ' ' ? 'space' : ch}"]`);
    await eventually('typed text', async () => (await description()) === 'gate 3');

    // 1. The renderer crashes.
    let launch = supervisor.launches;
    supervisor.sendToPage('Page.crash').catch(() => undefined);
    await nextLaunch(launch);
    expect(events.some((e) => e.type === 'renderer-crashed')).toBe(true);
    await waitFor('main[data-screen="report-describe"]');
    expect(await description()).toBe('gate 3');

    // 2. The page hangs (a script that never returns): the heartbeat goes unanswered.
    launch = supervisor.launches;
    supervisor.sendToPage('Runtime.evaluate', { expression: 'setTimeout(() => { for (;;) {} }, 0); 1' }).catch(() => undefined);
    await nextLaunch(launch);
    expect(events.some((e) => e.type === 'unresponsive')).toBe(true);
    await waitFor('main[data-screen="report-describe"]');
    expect(await description()).toBe('gate 3');

    // 3. The browser is killed.
    launch = supervisor.launches;
    process.kill(supervisor.pid!, 'SIGKILL');
    await nextLaunch(launch);
    expect(events).toContainEqual({ type: 'exited', code: null, signal: 'SIGKILL' });
    await waitFor('main[data-screen="report-describe"]');
    expect(await description()).toBe('gate 3');

    const messages = browserLog.entries.map((e) => e.message);
    expect(messages).toContain('browser renderer crashed; relaunching');
    expect(messages).toContain('browser page stopped answering its heartbeat; relaunching');
    expect(browserLog.entries.filter((e) => e.message === 'browser exited; restarting').length).toBeGreaterThanOrEqual(3);
  });
});
