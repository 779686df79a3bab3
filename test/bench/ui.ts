/**
 * `npm run bench:ui`: figures for the kiosk UI, printed, nothing asserted.
 *  1. tap-to-paint: card-summary event reaching the runtime → the balance screen painted in
 *     Chromium (real pcscd + vpcd slot 1 + a virtual card; measured in the browser: the runtime
 *     stamps the screen with the card event's time, the page records the frame after the DOM
 *     update, on the same machine clock);
 *  2. built JS and CSS, gzipped;
 *  3. cold start: runtime built and started, then a fresh page until the first interactive screen;
 *  4. runtime RSS after 1,000 taps injected as card-reader events (no pcscd: an in-process
 *     reader service feeds the runtime's card bridge), with the page connected throughout.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import type { CardReaderEvent, CardReaderHealth, CardReaderService } from '../../shared/card-reader.js';
import type { CardSnapshot } from '../../shared/card.js';
import { loadCardImage, VirtualCard, VPCD_SLOTS } from '../../hardware-sim/virtual-card/index.js';
import { parseKioskConfig, type KioskConfig } from '../../kiosk/config/index.js';
import { createKioskRuntime } from '../../kiosk/runtime/create-runtime.js';
import { createMemoryLogger } from '../../kiosk/runtime/logger.js';
import type { PaintRecord } from '../../kiosk/ui/paint-probe.js';
import { openKioskBrowser } from '../support/browser.js';
import { ensureUiBuilt, UI_DIST } from '../support/e2e-ui-build.js';

const TAPS = Number(process.env['BENCH_UI_TAPS'] ?? 15);
const INJECTED_TAPS = 1000;
const SLOT = VPCD_SLOTS[1];

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function configFor(dir: string, readerName: string): KioskConfig {
  return parseKioskConfig(
    {
      stationId: 'BENCH',
      stationName: { zh: '体育西路站', en: 'Tiyu Xilu Station' },
      kioskId: 'BENCH-K01',
      kioskCode: 'BENCH1',
      cityCode: '5810',
      central: { url: 'http://127.0.0.1:9', token: 'bench-token-0123456789' },
      ui: { port: 0 },
      readerName,
      dataDir: dir,
    },
    'bench config',
  );
}

/** A reader service fed by the benchmark itself. */
class InjectedCardReader implements CardReaderService {
  private readonly listeners = new Set<(e: CardReaderEvent) => void>();
  constructor(private readonly reader: string) {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  subscribe(listener: (e: CardReaderEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  readers(): readonly string[] {
    return [this.reader];
  }
  health(): CardReaderHealth {
    return { state: 'ok', readers: [this.reader] };
  }
  /** The benchmark's taps are events only: there is no card to send an APDU to. */
  transmit(reader: string): Promise<Uint8Array> {
    return Promise.reject(Object.assign(new Error(`no card on ${reader}`), { code: 'card-removed' }));
  }
  emit(e: CardReaderEvent): void {
    for (const l of this.listeners) l(e);
  }
}

function bundleSizes(): { js: number; css: number; jsRaw: number; cssRaw: number } {
  const dir = join(UI_DIST, 'assets');
  const out = { js: 0, css: 0, jsRaw: 0, cssRaw: 0 };
  for (const f of readdirSync(dir)) {
    const bytes = readFileSync(join(dir, f));
    if (f.endsWith('.js')) {
      out.js += gzipSync(bytes, { level: 9 }).length;
      out.jsRaw += bytes.length;
    } else if (f.endsWith('.css')) {
      out.css += gzipSync(bytes, { level: 9 }).length;
      out.cssRaw += bytes.length;
    }
  }
  return out;
}

async function tapToPaint(): Promise<{ latencies: number[]; coldStartMs: { runtime: number; page: number }; snapshot: CardSnapshot | null }> {
  const dir = await mkdtemp(join(tmpdir(), 'kiosk-bench-ui-'));
  const browser = await openKioskBrowser();
  let snapshot: CardSnapshot | null = null;
  const t0 = performance.now();
  const runtime = await createKioskRuntime(configFor(dir, SLOT.reader), { logger: createMemoryLogger(), staticDir: UI_DIST, sync: false });
  try {
    await runtime.start();
    const t1 = performance.now();
    const { page } = browser;
    await page.goto(runtime.launchUrl());
    await page.locator('main[data-screen="attract"]').waitFor();
    const t2 = performance.now();
    runtime.parts.cardReader.subscribe((e) => {
      if (e.type === 'card-read') snapshot = e.snapshot;
    });
    const image = await loadCardImage('t-union-guangzhou-ok');
    const latencies: number[] = [];
    for (let i = 0; i < TAPS; i++) {
      const before = await page.evaluate(() => window.__kioskPaints?.length ?? 0);
      const card = new VirtualCard(image);
      await card.insert({ port: SLOT.port });
      await page.getByTestId('trips').waitFor({ timeout: 30_000 });
      await page.waitForFunction((n) => (window.__kioskPaints?.length ?? 0) > n, before);
      const paints = await page.evaluate((n) => (window.__kioskPaints ?? []).slice(n), before);
      const first = paints.find((p: PaintRecord) => p.screen === 'balance');
      if (first) latencies.push(first.latencyMs);
      await page.getByRole('button', { name: '结束' }).click();
      await page.locator('main[data-screen="attract"]').waitFor();
      await card.remove();
    }
    return { latencies, coldStartMs: { runtime: t1 - t0, page: t2 - t1 }, snapshot };
  } finally {
    await browser.close();
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function rssAfterInjectedTaps(snapshot: CardSnapshot): Promise<{ before: number; after: number; heapBefore: number; heapAfter: number; screens: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'kiosk-bench-rss-'));
  const reader = new InjectedCardReader('Injected Reader');
  const runtime = await createKioskRuntime(configFor(dir, 'Injected Reader'), { logger: createMemoryLogger(), staticDir: UI_DIST, sync: false, cardReader: reader });
  const browser = await openKioskBrowser();
  try {
    await runtime.start();
    await browser.page.goto(runtime.launchUrl());
    await browser.page.locator('main[data-screen="attract"]').waitFor();
    const settle = () => new Promise((r) => setImmediate(r));
    gc();
    const { rss: before, heapUsed: heapBefore } = process.memoryUsage();
    const r = 'Injected Reader';
    let screens = 0;
    const off = runtime.host.onScreen(() => screens++);
    for (let i = 0; i < INJECTED_TAPS; i++) {
      reader.emit({ type: 'card-present', reader: r, atr: '3B8880010000000000000000' });
      reader.emit({ type: 'card-summary', reader: r, summary: snapshot });
      reader.emit({ type: 'card-read', reader: r, snapshot });
      await settle();
      reader.emit({ type: 'card-removed', reader: r });
      runtime.host.passengerEvent({ type: 'EXIT' });
      await settle();
    }
    await runtime.host.flush();
    await browser.page.locator('main[data-screen="attract"]').waitFor();
    off();
    gc();
    const { rss: after, heapUsed: heapAfter } = process.memoryUsage();
    return { before, after, heapBefore, heapAfter, screens };
  } finally {
    await browser.close();
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await ensureUiBuilt();
  const sizes = bundleSizes();
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`bundle: JS ${kb(sizes.js)} gzipped (${kb(sizes.jsRaw)} raw), CSS ${kb(sizes.css)} gzipped (${kb(sizes.cssRaw)} raw)`);

  const { latencies, coldStartMs, snapshot } = await tapToPaint();
  console.log(`cold start: runtime built and started ${coldStartMs.runtime.toFixed(0)} ms; page to first interactive screen ${coldStartMs.page.toFixed(0)} ms`);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    `tap-to-paint (card-summary at the runtime → balance painted in Chromium), ${sorted.length} real taps via pcscd/vpcd: ` +
      `median ${quantile(sorted, 0.5).toFixed(1)} ms, p95 ${quantile(sorted, 0.95).toFixed(1)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`,
  );
  if (!snapshot) throw new Error('no card snapshot was read; cannot run the RSS part');
  const rss = await rssAfterInjectedTaps(snapshot);
  console.log(
    `runtime RSS: ${mb(rss.before)} before, ${mb(rss.after)} after ${INJECTED_TAPS} taps injected as card-reader events (no pcscd), ` +
      `${rss.screens} screens sent to the connected page; growth ${mb(rss.after - rss.before)}; JS heap ${mb(rss.heapBefore)} → ${mb(rss.heapAfter)} (after a full GC each time; ` +
      `this process also holds the Playwright client and Vite, so the RSS level is above a bare runtime's, the growth is the runtime's)`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench:ui failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
