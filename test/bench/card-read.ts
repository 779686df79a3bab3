// Card-read benchmark through pcscd + vpcd (npm run bench:card-read).
// 1. N taps of a T-Union image through the runtime's reader service: tap-to-snapshot and
//    fast-path latencies, APDUs per read, and the read time as a ratio to bare APDU round trips
//    of the same count through the same stack. BENCH_TAPS overrides N (200).
// 2. Per family (a published real card where there is one, the simulator's image for Wuhan
//    Tong): APDUs before the balance (the summary event) and the time to it, M taps each, read by
//    the driver's readCard over nfc-pcsc in this process with every APDU counted — cold (no
//    family hint: the reader's last card was of another family) and warm (hint = the card's own
//    family, as after a card of the same family), taps alternating — and the same card through
//    the runtime's reader service (card-present → card-summary; its own hint makes every tap but
//    the first warm). BENCH_FAMILY_TAPS overrides M (20).
import nfcPcsc, { type Reader } from 'nfc-pcsc';
import { readCard } from '../../driver/card/read-card.js';
import type { CardFamily } from '../../shared/card.js';
import type { ApduTransport } from '../../driver/card/transport.js';
import { NfcReaderTransport } from '../../driver/pcsc/nfc-transport.js';
import { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import type { CardImage } from '../../hardware-sim/virtual-card/index.js';
import { CARD_SLOT, CardEventLog, tapCard } from '../support/pcsc-card.js';
import { cardImageNamed, loadPublishedCards } from '../support/published-cards.js';

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

async function familyImages(): Promise<CardImage[]> {
  const published = await loadPublishedCards();
  return Promise.all(FAMILY_CARDS.map((name) => cardImageNamed(name, published)));
}

interface FamilyFigures {
  readonly card: string;
  readonly family: string;
  readonly apdusBeforeBalance: { readonly cold: number; readonly warm: number };
  readonly apdusPerRead: number;
  /** nfc-pcsc `card` event → `onSummary`, in this process, without and with the family hint. */
  readonly toBalance: { readonly cold: number[]; readonly warm: number[] };
  /** The runtime's reader service: card-present → card-summary. */
  readonly serviceToBalance: number[];
}

function openReader(): Promise<{ nfc: InstanceType<typeof nfcPcsc.NFC>; reader: Reader }> {
  const nfc = new nfcPcsc.NFC();
  nfc.on('error', () => undefined);
  return new Promise((resolve) =>
    nfc.on('reader', (r) => {
      r.on('error', () => undefined);
      r.on('end', () => undefined);
      if (r.name !== CARD_SLOT.reader) return;
      r.autoProcessing = false;
      resolve({ nfc, reader: r });
    }),
  );
}

/** Each family's card read FAMILY_TAPS times by readCard over nfc-pcsc, counting the APDUs sent before the summary. */
async function measureFamiliesInProcess(images: readonly CardImage[], reader: Reader): Promise<Omit<FamilyFigures, 'serviceToBalance'>[]> {
  const out: Omit<FamilyFigures, 'serviceToBalance'>[] = [];
  for (const image of images) {
    const toBalance = { cold: [] as number[], warm: [] as number[] };
    const apdusBeforeBalance = { cold: -1, warm: -1 };
    let apdusPerRead = -1;
    let family: CardFamily | null = null;
    for (let i = 0; i < 2 * FAMILY_TAPS; i++) {
      const warm = i % 2 === 1;
      const present = new Promise<number>((resolve) => reader.once('card', () => resolve(performance.now())));
      const card = await tapCard(image);
      const t0 = await present;
      const nfc = new NfcReaderTransport(reader);
      let sent = 0;
      let atSummary = { apdus: -1, ms: -1 };
      const counting: ApduTransport = {
        transmit: (apdu) => {
          sent++;
          return nfc.transmit(apdu);
        },
      };
      const result = await readCard(counting, { familyHint: warm ? family : null, onSummary: () => (atSummary = { apdus: sent, ms: performance.now() - t0 }) });
      if (!result.ok) throw new Error(`${image.name}: ${result.error.code} ${result.error.message}`);
      family = result.value.family;
      apdusBeforeBalance[warm ? 'warm' : 'cold'] = atSummary.apdus;
      if (!warm) apdusPerRead = result.value.apduCount;
      toBalance[warm ? 'warm' : 'cold'].push(atSummary.ms);
      const gone = new Promise<void>((resolve) => reader.once('card.off', () => resolve()));
      await card.remove();
      await gone;
    }
    out.push({ card: image.name, family: family ?? '?', apdusBeforeBalance, apdusPerRead, toBalance });
  }
  return out;
}

/** The same cards through the runtime's reader service: card-present → card-summary. */
async function measureFamiliesThroughService(images: readonly CardImage[]): Promise<number[][]> {
  const log = new CardEventLog();
  const service = new SupervisedCardReaderService({ readerName: CARD_SLOT.reader });
  service.subscribe(log.push);
  await service.start();
  if (!service.readers().includes(CARD_SLOT.reader)) await log.next('reader-added');
  const at = new Map<string, number>();
  service.subscribe((e) => at.set(e.type, performance.now()));
  const out: number[][] = [];
  try {
    for (const image of images) {
      const times: number[] = [];
      for (let i = 0; i < FAMILY_TAPS; i++) {
        log.mark();
        at.clear();
        const card = await tapCard(image);
        await log.next('card-read');
        times.push(at.get('card-summary')! - at.get('card-present')!);
        await card.remove();
        await log.next('card-removed');
      }
      out.push(times);
    }
  } finally {
    await service.stop();
  }
  return out;
}

/** Mean time of `count` bare `FF CA 00 00 00` round trips on a card, straight through nfc-pcsc. */
async function measureBareApdus(reader: Reader, count: number, rounds: number): Promise<number> {
  const card = await tapCard(IMAGE);
  await new Promise<void>((resolve) => reader.once('card', () => resolve()));
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await reader.transmit(Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]), 1024);
    times.push(performance.now() - t0);
  }
  const gone = new Promise<void>((resolve) => reader.once('card.off', () => resolve()));
  await card.remove();
  await gone;
  return times.reduce((a, b) => a + b, 0) / times.length;
}

const progress = (what: string): boolean => process.stderr.write(`card-read benchmark: ${what}\n`);
progress(`${TAPS} taps of ${IMAGE} through the reader service`);
const reads = await measureReads();
const images = await familyImages();
progress(`${images.length} family cards × ${FAMILY_TAPS} taps through the reader service`);
const serviceTimes = await measureFamiliesThroughService(images);
progress('bare APDUs and family cards in process');
const { reader } = await openReader();
const apdus = reads.apdus[0]!;
const bare = await measureBareApdus(reader, apdus, 5);
const families: FamilyFigures[] = (await measureFamiliesInProcess(images, reader)).map((f, i) => ({ ...f, serviceToBalance: serviceTimes[i]! }));
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
  `per family, ${FAMILY_TAPS} taps each cold and warm: APDUs before the balance (summary event) cold / warm (the reader's last card of the same family) of a full read; time to the balance in process (card → summary), medians, and as a ratio to one bare APDU round trip; through the reader service (card-present → card-summary, median of taps 2…${FAMILY_TAPS}: warm)`,
);
for (const f of families) {
  const cold = pct(f.toBalance.cold, 50);
  const warm = pct(f.toBalance.warm, 50);
  const line = [
    `  ${f.family.padEnd(14)} ${f.card.padEnd(28)}`,
    `APDUs before balance cold ${String(f.apdusBeforeBalance.cold).padStart(2)} warm ${String(f.apdusBeforeBalance.warm).padStart(2)} of ${String(f.apdusPerRead).padStart(2)}`,
    `to balance cold ${fmt(cold).padStart(9)} (${(cold / bareOne).toFixed(1)} bare) warm ${fmt(warm).padStart(9)} (${(warm / bareOne).toFixed(1)} bare)`,
    `service ${fmt(pct(f.serviceToBalance.slice(1), 50)).padStart(9)}`,
  ];
  console.log(line.join('  '));
}
// nfc-pcsc's native reader threads keep the loop alive and closing them can deadlock: end here.
process.exit(0);
