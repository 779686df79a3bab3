/**
 * `npm run bench:memory`: memory soak of the compiled runtime, alone in its own process
 * (`test/bench/soak-runtime.js` on `dist/app`, plain Node, like production), with the kiosk page
 * open in Chromium throughout. Prints the RSS curve; asserts nothing.
 *  1. taps injected as card-reader events (no pcscd): SOAK_INJECTED (10,000), a sample every
 *     SOAK_INJECTED_EVERY (500) (run second, after the pcscd phase);
 *  2. taps through pcscd (run first): a virtual card on vpcd slot 1 read by the real PC/SC stack:
 *     SOAK_PCSCD (1,000), a sample every SOAK_PCSCD_EVERY (50), SOAK_PCSCD_GAP_MS (1,000) between a
 *     card taken away and the next tap. Run it under the readers' lock:
 *     flock /tmp/kiosk-readers.lock npm run bench:memory
 * Each sample is taken after a full GC in the runtime. Budget (docs/appliance.md): ≤ 120 MB
 * RSS, and within 5 MB of the warm-up level (the sample at 10 % of the taps) to the end.
 * The runtime runs with production's Node flags (`RUNTIME_NODE_FLAGS`, as the systemd unit
 * and `npm start`); SOAK_NODE_FLAGS replaces them (e.g. SOAK_NODE_FLAGS= for Node's defaults,
 * to see the growth the flags prevent), with production's environment (`RUNTIME_ENV`:
 * MALLOC_ARENA_MAX=1; SOAK_RUNTIME_ENV=0 leaves it out). SOAK_PACE_MS waits that long after each injected tap
 * (default 0: as fast as the runtime takes them, the worst case).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CardSnapshot } from '../../shared/card.js';
import { loadCardImage, VirtualCard, VPCD_SLOTS } from '../../hardware-sim/virtual-card/index.js';
import { RUNTIME_ENV, RUNTIME_NODE_FLAGS } from '../../kiosk/appliance/install-plan.js';
import { buildApp } from '../../scripts/build.js';
import { openKioskBrowser, type KioskBrowser } from '../support/browser.js';
import { ensureUiBuilt } from '../support/e2e-ui-build.js';
import { startCardService } from '../support/pcsc-card.js';

const HARNESS = fileURLToPath(new URL('./soak-runtime.js', import.meta.url));
const INJECTED = Number(process.env['SOAK_INJECTED'] ?? 10_000);
const INJECTED_EVERY = Number(process.env['SOAK_INJECTED_EVERY'] ?? 500);
const PCSCD = Number(process.env['SOAK_PCSCD'] ?? 1_000);
const PCSCD_EVERY = Number(process.env['SOAK_PCSCD_EVERY'] ?? 50);
/**
 * Between a card taken away and the next tap through pcscd, as between two passengers: pcscd
 * polls its readers, and a card removed and put back within one poll is, to it, a card that
 * never left (no new insertion reaches the runtime's reader host).
 */
const PCSCD_GAP_MS = Number(process.env['SOAK_PCSCD_GAP_MS'] ?? 1000);
const SLOT = VPCD_SLOTS[1];
const NODE_FLAGS = process.env['SOAK_NODE_FLAGS'] !== undefined ? process.env['SOAK_NODE_FLAGS'].split(/\s+/).filter(Boolean) : [...RUNTIME_NODE_FLAGS];
const RUN_ENV: Readonly<Record<string, string>> = process.env['SOAK_RUNTIME_ENV'] === '0' ? {} : RUNTIME_ENV;
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

/** Every step of the soak has a time limit: a step that never ends fails the bench with its name instead of leaving it idle. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms / 1000} s for ${what}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** One progress line on stderr per sample: a soak that stops shows how far it came. */
function progress(title: string, s: Sample): void {
  console.error(`${new Date().toISOString()} ${title}: ${s.taps} taps, RSS ${mb(s.rss)} MB, JS heap ${mb(s.heapUsed)} MB`);
}

interface Sample {
  readonly taps: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
}

type Message = { type: 'ready'; launchUrl: string } | { type: 'screen'; screen: string } | { type: 'injected' } | ({ type: 'sample' } & Omit<Sample, 'taps'>);

class Harness {
  readonly child: ChildProcess;
  readonly #waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  constructor(mode: 'injected' | 'pcscd', dataDir: string) {
    this.child = fork(HARNESS, [mode, dataDir, SLOT.reader], { execArgv: [...NODE_FLAGS, '--expose-gc'], env: { ...process.env, ...RUN_ENV }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: Message) => {
      const i = this.#waiters.findIndex((w) => w.match(m));
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(m);
    });
  }
  next<T extends Message['type']>(type: T, match: (m: Extract<Message, { type: T }>) => boolean = () => true, timeoutMs = 60_000): Promise<Extract<Message, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} from the runtime within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        match: (m) => m.type === type && match(m as Extract<Message, { type: T }>),
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<Message, { type: T }>);
        },
      });
    });
  }
  async sample(taps: number, title: string): Promise<Sample> {
    const s = this.next('sample');
    this.child.send({ type: 'sample' });
    const { rss, heapUsed, heapTotal, external } = await s;
    const sample = { taps, rss, heapUsed, heapTotal, external };
    progress(title, sample);
    return sample;
  }
  /** Asks the runtime to stop; kills it if it has not exited within 15 s (the figures are printed by then). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    if (this.child.connected) this.child.send({ type: 'stop' });
    try {
      await within(exited, 15_000, 'the runtime to stop');
    } catch (e) {
      console.error(`bench:memory: ${e instanceof Error ? e.message : String(e)}; killing it`);
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}

function report(title: string, samples: readonly Sample[], total: number): void {
  console.log(`\n${title}`);
  console.log('   taps    RSS MB   heap MB   V8 heap committed MB   external MB');
  for (const s of samples) {
    console.log(`${String(s.taps).padStart(7)}  ${mb(s.rss).padStart(8)}  ${mb(s.heapUsed).padStart(8)}  ${mb(s.heapTotal).padStart(21)}  ${mb(s.external).padStart(12)}`);
  }
  const warm = samples.find((s) => s.taps >= total * 0.1) ?? samples[0]!;
  const last = samples.at(-1)!;
  const peak = Math.max(...samples.map((s) => s.rss));
  console.log(
    `RSS at warm-up (${warm.taps} taps) ${mb(warm.rss)} MB, at the end ${mb(last.rss)} MB, peak ${mb(peak)} MB (budget 120 MB: ${(peak / (120 * 1024 * 1024)).toFixed(2)} of it); ` +
      `growth after warm-up ${mb(last.rss - warm.rss)} MB (budget 5 MB: ${((last.rss - warm.rss) / (5 * 1024 * 1024)).toFixed(2)} of it), ` +
      `JS heap ${mb(warm.heapUsed)} → ${mb(last.heapUsed)} MB, external ${mb(warm.external)} → ${mb(last.external)} MB`,
  );
  const first = samples[0]!;
  const ratio = (a: number, b: number) => (b / a).toFixed(3);
  console.log(
    `RATIOS ${title.split('.')[0]} (end ÷ start, ${first.taps} → ${last.taps} taps): RSS ${ratio(first.rss, last.rss)} (${mb(first.rss)} → ${mb(last.rss)} MB), ` +
      `JS heap ${ratio(first.heapUsed, last.heapUsed)} (${mb(first.heapUsed)} → ${mb(last.heapUsed)} MB), V8 committed ${ratio(first.heapTotal, last.heapTotal)}; ` +
      `end ÷ warm-up (${warm.taps} taps): RSS ${ratio(warm.rss, last.rss)}, JS heap ${ratio(warm.heapUsed, last.heapUsed)}`,
  );
  const flat = samples.filter((s) => s.taps >= warm.taps).every((s) => Math.abs(s.rss - warm.rss) <= 5 * 1024 * 1024);
  const holds = peak <= 120 * 1024 * 1024 && flat;
  console.log(`BUDGET ${title.split('.')[0]}: ${holds ? 'holds' : 'NOT met'} (peak ${peak <= 120 * 1024 * 1024 ? '≤' : '>'} 120 MB; every sample after warm-up ${flat ? 'within' : 'NOT within'} 5 MB of it)`);
}

async function readOneSnapshot(): Promise<CardSnapshot> {
  const { service, log } = await startCardService();
  const card = new VirtualCard(await loadCardImage('t-union-guangzhou-ok'));
  try {
    await card.insert({ port: VPCD_SLOTS[0].port });
    const read = await log.next('card-read');
    return read.snapshot;
  } finally {
    await card.remove();
    await service.stop();
  }
}

async function withPage<T>(launchUrl: string, fn: (b: KioskBrowser) => Promise<T>): Promise<T> {
  const browser = await within(openKioskBrowser(), 60_000, 'Chromium to start');
  try {
    await browser.page.goto(launchUrl, { timeout: 30_000 });
    await browser.page.locator('main[data-screen="attract"]').waitFor({ timeout: 30_000 });
    return await fn(browser);
  } finally {
    await within(browser.close(), 30_000, 'Chromium to close').catch((e: unknown) => console.error(`bench:memory: ${e instanceof Error ? e.message : String(e)}`));
  }
}

async function injectedSoak(snapshot: CardSnapshot): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kiosk-soak-'));
  const h = new Harness('injected', dir);
  try {
    const { launchUrl } = await h.next('ready');
    const TITLE = 'injected taps';
    // The report is printed with the page still open: closing Chromium or stopping the runtime cannot keep the figures back.
    await withPage(launchUrl, async () => {
      const out = [await h.sample(0, TITLE)];
      for (let done = 0; done < INJECTED; ) {
        const count = Math.min(INJECTED_EVERY, INJECTED - done);
        const finished = h.next('injected', () => true, 600_000);
        h.child.send({ type: 'inject', count, snapshot });
        await finished;
        done += count;
        out.push(await h.sample(done, TITLE));
      }
      report(`1. ${INJECTED} taps injected as card-reader events (compiled runtime in its own process, page connected):`, out, INJECTED);
    });
  } finally {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function pcscdSoak(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kiosk-soak-'));
  const h = new Harness('pcscd', dir);
  const image = await loadCardImage('t-union-guangzhou-ok');
  try {
    const { launchUrl } = await h.next('ready');
    // The screens the runtime showed lately: what a tap that never reached its balance saw instead.
    const recent: string[] = [];
    h.child.on('message', (m: Message) => {
      if (m.type !== 'screen' || recent.at(-1) === m.screen) return;
      recent.push(m.screen);
      if (recent.length > 10) recent.shift();
    });
    const TITLE = 'taps through pcscd';
    await withPage(launchUrl, async () => {
      const out = [await h.sample(0, TITLE)];
      for (let i = 1; i <= PCSCD; i++) {
        const balance = h.next('screen', (m) => m.screen === 'balance');
        const card = new VirtualCard(image);
        await within(card.insert({ port: SLOT.port }), 20_000, `tap ${i}: the card on vpcd`);
        try {
          await balance;
        } catch (e) {
          throw new Error(`tap ${i} through pcscd: ${e instanceof Error ? e.message : String(e)}; the last screens: ${recent.join(' → ') || 'none'}`, { cause: e });
        }
        await new Promise((r) => setTimeout(r, 300)); // the full read after the fast path
        await within(card.remove(), 20_000, `tap ${i}: the card off vpcd`);
        const attract = h.next('screen', (m) => m.screen === 'attract');
        h.child.send({ type: 'exit-screen' });
        try {
          await attract;
        } catch (e) {
          throw new Error(`tap ${i} through pcscd, back to attract: ${e instanceof Error ? e.message : String(e)}; the last screens: ${recent.join(' → ') || 'none'}`, { cause: e });
        }
        await new Promise((r) => setTimeout(r, PCSCD_GAP_MS));
        if (i % PCSCD_EVERY === 0 || i === PCSCD) out.push(await h.sample(i, TITLE));
      }
      report(`2. ${PCSCD} taps through pcscd (vpcd slot 1, real PC/SC stack in the runtime's supervised reader host; the host's own RSS is not in these figures):`, out, PCSCD);
    });
  } finally {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`runtime Node flags: ${NODE_FLAGS.join(' ') || '(none: Node defaults)'}; environment: ${Object.entries(RUN_ENV).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)'}${process.env['SOAK_PACE_MS'] ? `; ${process.env['SOAK_PACE_MS']} ms after each injected tap` : ''}`);
  await ensureUiBuilt();
  await buildApp();
  // The taps through pcscd first: the card read below (the injected taps' snapshot) runs a PC/SC
  // reader service in this process, and after it the runtime's own reader host never saw a card.
  if (PCSCD > 0) await pcscdSoak();
  if (INJECTED > 0) await injectedSoak(await readOneSnapshot());
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench:memory failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
