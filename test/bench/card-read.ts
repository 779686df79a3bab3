// Card-read benchmark through pcscd + vpcd (npm run bench:card-read).
// 1. N taps of a T-Union image through the runtime's reader service: tap-to-snapshot and
//    fast-path latencies, APDUs per read, and the read time as a ratio to bare APDU round trips
//    of the same count through the same stack. BENCH_TAPS overrides N (200).
// 2. Per family (a published real card where there is one, the simulator's image for Wuhan
//    Tong): APDUs before the balance (the summary event) and the time to it, M taps each, read by
//    the driver's readCard over nfc-pcsc in a child process with every APDU counted — cold (no
//    family hint: the reader's last card was of another family) and warm (hint = the card's own
//    family, as after a card of the same family), taps alternating — and the same card through
//    the runtime's reader service (card-present → card-summary; its own hint makes every tap but
//    the first warm), and once more right after a T-Union card, so that only the service's memory
//    of the card's ATR makes it warm. BENCH_FAMILY_TAPS overrides M (20).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import type { CardImage } from '../../hardware-sim/virtual-card/index.js';
import { CARD_SLOT, CardEventLog, tapAndRead, tapCard } from '../support/pcsc-card.js';
import { cardImageNamed, loadPublishedCards } from '../support/published-cards.js';
import type { FamilyInProcess, InProcessFigures, InProcessJob } from './card-read-in-process.js';

const TAPS = Number(process.env['BENCH_TAPS'] ?? 200);
const FAMILY_TAPS = Number(process.env['BENCH_FAMILY_TAPS'] ?? 20);
/** One card per family: published real cards, and the simulator's image where none is published. */
const FAMILY_CARDS = [
  't-union-nfsee',
  'city-union-hangzhou-cnblogs',
  'city-union-chongqing-nfsee',
  'shenzhen-tong-nfsee',
  'beijing-nfsee',
  'wuhan-tong',
  'lingnan-pass-cardemulator',
] as const;
const IMAGE = 't-union-guangzhou-ok';
const IN_PROCESS = fileURLToPath(new URL('./card-read-in-process.ts', import.meta.url));

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

async function measureReads(): Promise<{ tapToSnapshot: number[]; presentToSnapshot: number[]; presentToSummary: number[]; apdus: number[] }> {
  const log = new CardEventLog();
  const service = new SupervisedCardReaderService({ readerName: CARD_SLOT.reader });
  service.subscribe(log.push);
  await service.start();
  if (!service.readers().includes(CARD_SLOT.reader)) await log.next('reader-added');
  const out = { tapToSnapshot: [] as number[], presentToSnapshot: [] as number[], presentToSummary: [] as number[], apdus: [] as number[] };
  const at = new Map<string, number>();
  service.subscribe((e) => at.set(e.type, performance.now()));
  try {
    for (let i = 0; i < TAPS; i++) {
      log.mark();
      at.clear();
      const t0 = performance.now();
      const card = await tapCard(IMAGE);
      const read = await log.next('card-read');
      out.tapToSnapshot.push(at.get('card-read')! - t0);
      out.presentToSnapshot.push(at.get('card-read')! - at.get('card-present')!);
      out.presentToSummary.push(at.get('card-summary')! - at.get('card-present')!);
      out.apdus.push(read.snapshot.apduCount);
      await card.remove();
      await log.next('card-removed');
    }
  } finally {
    await service.stop();
  }
  return out;
}

/**
 * Bare APDUs and the family cards read by readCard over nfc-pcsc, in a child process that is
 * killed once it has sent its figures: nfc-pcsc's native reader threads can hold a process's
 * exit forever (a disconnect queued at the last removal waits in the thread pool that exit joins).
 */
async function measureInChildProcess(job: InProcessJob): Promise<InProcessFigures> {
  const child = fork(IN_PROCESS, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const figures = new Promise<InProcessFigures>((resolve, reject) => {
      child.once('message', (m: { figures?: InProcessFigures; error?: string }) => (m.figures ? resolve(m.figures) : reject(new Error(`in-process measurement: ${m.error}`))));
      child.once('exit', (code, signal) => reject(new Error(`in-process measurement ended (${code ?? signal}) before sending its figures`)));
    });
    child.send(job);
    return await figures;
  } finally {
    child.kill('SIGKILL');
  }
}

async function familyImages(): Promise<CardImage[]> {
  const published = await loadPublishedCards();
  return Promise.all(FAMILY_CARDS.map((name) => cardImageNamed(name, published)));
}

interface FamilyFigures extends FamilyInProcess {
  /** The runtime's reader service: card-present → card-summary. */
  readonly serviceToBalance: number[];
  /** The service again, the card tapped right after a T-Union card, its ATR seen before; null for T-Union. */
  readonly visitor: { readonly apdus: number; readonly ms: number } | null;
}

interface ServiceFigures {
  readonly warm: number[][];
  readonly visitor: ({ readonly apdus: number; readonly ms: number } | null)[];
}

/**
 * The same cards through the runtime's reader service: card-present → card-summary. Each family's
 * card gets historical bytes of its own (so an ATR of its own); after the warm taps, each card but
 * T-Union's is tapped once more right after a T-Union card: the reader's last family is then
 * T-Union, and only the service's memory of the card's ATR can make it warm.
 */
async function measureFamiliesThroughService(images: readonly CardImage[]): Promise<ServiceFigures> {
  const withAtr = images.map((image, i): CardImage => ({ ...image, historicalBytes: `4B${(0x10 + i).toString(16).toUpperCase()}` }));
  const log = new CardEventLog();
  const service = new SupervisedCardReaderService({ readerName: CARD_SLOT.reader });
  service.subscribe(log.push);
  await service.start();
  if (!service.readers().includes(CARD_SLOT.reader)) await log.next('reader-added');
  const at = new Map<string, number>();
  service.subscribe((e) => at.set(e.type, performance.now()));
  const tap = async (image: CardImage): Promise<{ apdus: number; ms: number }> => {
    at.clear();
    const read = await tapAndRead(log, image);
    if (read.outcome.type !== 'card-read') throw new Error(`${image.name}: ${JSON.stringify(read.outcome)}`);
    return { apdus: read.before, ms: at.get('card-summary')! - at.get('card-present')! };
  };
  const warm: number[][] = [];
  const visitor: ({ apdus: number; ms: number } | null)[] = [];
  try {
    for (const image of withAtr) {
      const times: number[] = [];
      for (let i = 0; i < FAMILY_TAPS; i++) times.push((await tap(image)).ms);
      warm.push(times);
    }
    const [tUnion, ...others] = withAtr;
    visitor.push(null);
    for (const image of others) {
      await tap(tUnion!);
      visitor.push(await tap(image));
    }
  } finally {
    await service.stop();
  }
  return { warm, visitor };
}

const progress = (what: string): boolean => process.stderr.write(`card-read benchmark: ${what}\n`);
progress(`${TAPS} taps of ${IMAGE} through the reader service`);
const reads = await measureReads();
const images = await familyImages();
progress(`${images.length} family cards × ${FAMILY_TAPS} taps through the reader service`);
const serviceTimes = await measureFamiliesThroughService(images);
progress('bare APDUs and family cards in process');
const apdus = reads.apdus[0]!;
const inProcess = await measureInChildProcess({ images, familyTaps: FAMILY_TAPS, bareApdus: apdus, bareRounds: 5 });
const bare = inProcess.bare;
const families: FamilyFigures[] = inProcess.families.map((f, i) => ({ ...f, serviceToBalance: serviceTimes.warm[i]!, visitor: serviceTimes.visitor[i] ?? null }));
const medianRead = pct(reads.presentToSnapshot, 50);
console.log(`card-read benchmark: ${TAPS} taps of ${IMAGE} on ${CARD_SLOT.reader}`);
console.log(`  tap to snapshot (insert → card-read):   median ${fmt(pct(reads.tapToSnapshot, 50))}, p95 ${fmt(pct(reads.tapToSnapshot, 95))}  (includes vpcd's presence poll)`);
console.log(`  card-present → card-read:               median ${fmt(medianRead)}, p95 ${fmt(pct(reads.presentToSnapshot, 95))}`);
console.log(`  card-present → card-summary (fast path): median ${fmt(pct(reads.presentToSummary, 50))}, p95 ${fmt(pct(reads.presentToSummary, 95))}`);
console.log(`  APDUs per read: ${apdus} (min ${Math.min(...reads.apdus)}, max ${Math.max(...reads.apdus)})`);
console.log(`  bare round trips of ${apdus} APDUs through nfc-pcsc + pcscd + vpcd: ${fmt(bare)} (${fmt(bare / apdus)} each)`);
console.log(`  read time / bare APDU time: ${(medianRead / bare).toFixed(2)}`);
const bareOne = bare / apdus;
console.log(
  `per family, ${FAMILY_TAPS} taps each cold and warm: APDUs before the balance (summary event) cold / warm (the reader's last card of the same family) of a full read; time to the balance in process (card → summary), medians, and as a ratio to one bare APDU round trip; through the reader service (card-present → card-summary, median of taps 2…${FAMILY_TAPS}: warm); and a visitor's card through the service right after a T-Union card, its ATR seen before (APDUs before the balance, time)`,
);
for (const f of families) {
  const cold = pct(f.toBalance.cold, 50);
  const warm = pct(f.toBalance.warm, 50);
  const line = [
    `  ${f.family.padEnd(14)} ${f.card.padEnd(28)}`,
    `APDUs before balance cold ${String(f.apdusBeforeBalance.cold).padStart(2)} warm ${String(f.apdusBeforeBalance.warm).padStart(2)} of ${String(f.apdusPerRead).padStart(2)}`,
    `to balance cold ${fmt(cold).padStart(9)} (${(cold / bareOne).toFixed(1)} bare) warm ${fmt(warm).padStart(9)} (${(warm / bareOne).toFixed(1)} bare)`,
    `service ${fmt(pct(f.serviceToBalance.slice(1), 50)).padStart(9)}`,
    f.visitor ? `visitor, ATR seen ${f.visitor.apdus} APDUs ${fmt(f.visitor.ms).padStart(9)}` : '',
  ];
  console.log(line.join('  '));
}
// nfc-pcsc runs only in the child process (killed above); the reader service's host is stopped
process.exit(0);
