import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { loadCardImage, VirtualCard, VPCD_SLOTS } from '../../hardware-sim/virtual-card/index.js';
import { parseKioskConfig, type KioskConfig } from '../../kiosk/config/index.js';
import { createKioskRuntime, type CreateRuntimeOptions } from '../../kiosk/runtime/create-runtime.js';
import type { KioskRuntime } from '../../kiosk/runtime/kiosk-runtime.js';
import { createMemoryLogger } from '../../kiosk/runtime/logger.js';
import { openKioskBrowser, type KioskBrowser } from './browser.js';
import { ensureUiBuilt, UI_DIST } from './e2e-ui-build.js';

/** The vpcd slot the kiosk end-to-end suites own (slot 0 is the demo daemon's). */
export const E2E_SLOT = VPCD_SLOTS[1];
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

export const KIOSK_ID = 'E2E-K01';
const KIOSK_TOKEN = 'e2e-kiosk-token-0123456789';
export const STAFF_TOKEN = 'e2e-staff-token-0123456789';

/** More than the passenger suites need: agents at central, a camera in Chromium, runtime settings. */
export interface KioskUnderTestOptions {
  /** Central's `calls.json` (agents, queue rules), written before it starts. */
  readonly calls?: Readonly<Record<string, unknown>>;
  /** Chromium with a fake camera and microphone, granted without a prompt. */
  readonly media?: boolean;
  readonly runtime?: Pick<CreateRuntimeOptions, 'call' | 'faultMonitor'>;
}

export interface KioskUnderTest {
  readonly central: RunningCentral;
  readonly runtime: KioskRuntime;
  readonly config: KioskConfig;
  readonly browser: KioskBrowser;
  readonly page: Page;
  readonly logs: ReturnType<typeof createMemoryLogger>;
  readonly dir: string;
  /** Puts a committed card image on the kiosk's reader; returns the card (remove it with `card.remove()`). */
  tap(image: string): Promise<VirtualCard>;
  /** Stops and starts the runtime on the same data dir (a crash or an update). */
  restartRuntime(): Promise<KioskRuntime>;
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
  let browser: KioskBrowser | null = null;
  const logs = createMemoryLogger();
  const close = async () => {
    for (const c of cards) await c.remove().catch(() => undefined);
    await browser?.close();
    await runtime?.stop();
    await central?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (options.calls) {
      await mkdir(join(dir, 'central'), { recursive: true });
      await writeFile(join(dir, 'central', 'calls.json'), JSON.stringify(options.calls));
    }
    central = await startCentral({
      storage: { engine: 'sqlite', file: join(dir, 'central.sqlite') },
      kiosks: [{ id: KIOSK_ID, token: KIOSK_TOKEN, stationId: 'GZ-L3-TYXL' }],
      staffToken: STAFF_TOKEN,
      dataDir: join(dir, 'central'),
      port: 0,
    });
    const config = parseKioskConfig(
      {
        stationId: 'GZ-L3-TYXL',
        stationName: { zh: '体育西路站', en: 'Tiyu Xilu Station' },
        kioskId: KIOSK_ID,
        kioskCode: 'GZ0102',
        cityCode: '5810',
        central: { url: central.url, token: KIOSK_TOKEN },
        ui: { port: 0 },
        readerName: E2E_SLOT.reader,
        dataDir: join(dir, 'kiosk'),
        hid: null,
        ...overrides,
      },
      'e2e config',
    );
    // A restart keeps the port, so that the open page reconnects to the new runtime.
    const build = (port = 0) => createKioskRuntime({ ...config, ui: { port } }, { logger: logs, staticDir: UI_DIST, ...options.runtime });
    runtime = await build();
    await runtime.start();
    browser = await openKioskBrowser({ media: options.media ?? false });
    const page = browser.page;
    await page.goto(runtime.launchUrl());
    await page.locator('main[data-screen="attract"]').waitFor();
    await mkdir(SCREENSHOTS, { recursive: true });
    const kiosk: KioskUnderTest = {
      central,
      get runtime() {
        return runtime!;
      },
      config,
      browser,
      page,
      logs,
      dir,
      async tap(image) {
        const card = new VirtualCard(await loadCardImage(image));
        cards.push(card);
        await card.insert({ port: E2E_SLOT.port });
        return card;
      },
      async restartRuntime() {
        const port = runtime!.ui.port;
        await runtime!.stop();
        runtime = await build(port);
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
