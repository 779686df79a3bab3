// The real kiosk window on a 1080×1920 X display, started the way the installed window service
// starts it (`kiosk browser --config FILE`, compiled, as an unprivileged user), against the real
// runtime and central. A screenshot of the whole X display shows the start screen filling the
// display; a card tapped on the reader shows the balance, still filling the display.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { loadCardImage, VirtualCard } from '../../hardware-sim/virtual-card/index.js';
import { LAUNCH_SOCKET, serveLaunchUrls, type LaunchUrlServer } from '../../kiosk/appliance/launch-socket.js';
import { parseKioskConfig } from '../../kiosk/config/index.js';
import { createKioskRuntime } from '../../kiosk/runtime/create-runtime.js';
import type { KioskRuntime } from '../../kiosk/runtime/kiosk-runtime.js';
import { createMemoryLogger } from '../../kiosk/runtime/logger.js';
import { buildApp } from '../../scripts/build.js';
import { ensureUiBuilt, UI_DIST } from '../support/e2e-ui-build.js';
import { E2E_SLOT, SCREENSHOTS } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';
import { captureXDisplay, type XScreenshot } from '../support/x-screenshot.js';
import { startXvfb, type VirtualDisplay } from '../support/xvfb.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const W = 1080;
const H = 1920;
const TOKEN = 'xvfb-kiosk-token-0123456789';

let x: VirtualDisplay;
let central: RunningCentral;
let runtime: KioskRuntime;
let window: ChildProcess;
let dir: string;
let card: VirtualCard | null = null;
let windowOutput = '';
let launches: LaunchUrlServer | null = null;

const isBlack = ([r, g, b]: readonly [number, number, number]) => r + g + b === 0;

/** Pixels along every edge of the display and its centre; the X root window is black. */
function uncovered(shot: XScreenshot): string[] {
  const points: [number, number][] = [];
  for (let i = 0; i <= 20; i++) {
    const px = Math.min(W - 1, Math.round((i * (W - 1)) / 20));
    const py = Math.min(H - 1, Math.round((i * (H - 1)) / 20));
    points.push([px, 0], [px, H - 1], [0, py], [W - 1, py]);
  }
  points.push([W / 2, H / 2]);
  return points.filter(([px, py]) => isBlack(shot.rgb(px, py))).map(([px, py]) => `${px},${py}`);
}

/** Share of sampled pixels that are not the most common colour: above ~1 %, something is drawn. */
function contentShare(shot: XScreenshot): number {
  const counts = new Map<string, number>();
  let total = 0;
  for (let py = 0; py < H; py += 8) {
    for (let px = 0; px < W; px += 8) {
      const k = shot.rgb(px, py).join();
      counts.set(k, (counts.get(k) ?? 0) + 1);
      total += 1;
    }
  }
  return 1 - Math.max(...counts.values()) / total;
}

function differingPixels(a: XScreenshot, b: XScreenshot): number {
  let n = 0;
  for (let py = 0; py < H; py += 8) for (let px = 0; px < W; px += 8) if (a.rgb(px, py).join() !== b.rgb(px, py).join()) n += 1;
  return n;
}

beforeAll(async () => {
  await ensureUiBuilt();
  // The window service runs the compiled kiosk: build it from these sources.
  await buildApp();
  dir = await mkdtemp(join(tmpdir(), 'kiosk-xvfb-'));
  x = await startXvfb(W, H);
  central = await startCentral({ storage: { engine: 'sqlite', file: join(dir, 'central.sqlite') }, kiosks: [{ id: 'XV-K01', token: TOKEN, stationId: 'GZ-L3-TYXL', ticketCode: 'GZ0110' }], staffToken: 'xvfb-staff-token-0123456789', dataDir: join(dir, 'central'), port: 0 });
  const json = {
    stationId: 'GZ-L3-TYXL',
    stationName: { zh: '体育西路站', en: 'Tiyu Xilu Station' },
    kioskId: 'XV-K01',
    kioskCode: 'GZ0110',
    cityCode: '5810',
    central: { url: central.url, token: TOKEN },
    ui: { port: 0 },
    readerName: E2E_SLOT.reader,
    dataDir: join(dir, 'kiosk'),
    hid: null,
  };
  const configFile = join(dir, 'kiosk.json');
  writeFileSync(configFile, JSON.stringify(json));
  runtime = await createKioskRuntime(parseKioskConfig(json, configFile), { logger: createMemoryLogger(), staticDir: UI_DIST });
  await runtime.start();
  // As `kiosk start` does: one-time launch URLs for the window service, over the data folder's socket.
  launches = await serveLaunchUrls(join(json.dataDir, LAUNCH_SOCKET), () => runtime.launchUrl());
  // As the window service does (without cage, which needs a real display device): the compiled
  // `kiosk browser`, here as root, so it starts Chromium as an unprivileged user.
  window = spawn(process.execPath, [join(ROOT, 'dist/app/kiosk/cli.js'), 'browser', '--config', configFile], {
    cwd: dir,
    env: { ...process.env, DISPLAY: x.display, WAYLAND_DISPLAY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const s of [window.stdout, window.stderr]) s?.on('data', (c: Buffer) => (windowOutput = (windowOutput + c.toString('utf8')).slice(-20_000)));
  await mkdir(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await card?.remove().catch(() => undefined);
  if (window && window.exitCode === null) {
    const exited = new Promise((r) => window.once('exit', r));
    window.kill('SIGTERM');
    await exited;
  }
  await launches?.close();
  await runtime?.stop();
  await central?.close();
  await x?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the kiosk window on a real X display (Xvfb 1080×1920)', () => {
  let start: XScreenshot;

  it('shows the start screen filling the whole display', async () => {
    start = await eventually(
      'the kiosk page painted over the whole display',
      async () => {
        const shot = await captureXDisplay(x.display);
        // Painted: the page covers the display and its start screen is drawn (not a blank page).
        return uncovered(shot).length === 0 && contentShare(shot) > 0.01 && runtime.host.current().model.screen === 'attract' ? shot : null;
      },
      90_000,
    ).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; window output: ${windowOutput.slice(-3000)}`);
    });
    writeFileSync(join(SCREENSHOTS, 'x-display-start.png'), start.png());
    expect(start.width).toBe(W);
    expect(start.height).toBe(H);
    expect(uncovered(start)).toEqual([]);
    expect(contentShare(start)).toBeGreaterThan(0.01);
  }, 120_000);

  it('shows the balance after a tap, still filling the display', async () => {
    const image = await loadCardImage('t-union-guangzhou-ok');
    card = new VirtualCard(image);
    await card.insert({ port: E2E_SLOT.port });
    await eventually('the balance screen at the runtime', () => Promise.resolve(runtime.host.current().model.screen === 'balance'), 30_000);
    const balance = await eventually(
      'the display to change to the balance screen',
      async () => {
        const shot = await captureXDisplay(x.display);
        return differingPixels(start, shot) > 500 ? shot : null;
      },
      30_000,
    );
    // Let the page finish painting (the full read follows the fast path), then look again.
    await new Promise((r) => setTimeout(r, 1500));
    const settled = await captureXDisplay(x.display);
    writeFileSync(join(SCREENSHOTS, 'x-display-balance.png'), settled.png());
    expect(differingPixels(start, balance)).toBeGreaterThan(500);
    expect(uncovered(settled)).toEqual([]);
    const model = runtime.host.current().model;
    expect(model).toMatchObject({ screen: 'balance', balance: image.expected.balance });
  }, 90_000);
});
