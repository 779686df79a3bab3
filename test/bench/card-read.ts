// Card-read benchmark: N taps of a T-Union image through pcscd + vpcd (npm run bench:card-read).
// Prints tap-to-snapshot and fast-path latencies, APDUs per read, and the read time as a ratio to
// bare APDU round trips of the same count through the same stack. BENCH_TAPS overrides N (200).
import nfcPcsc, { type Reader } from 'nfc-pcsc';
import { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import { CARD_SLOT, CardEventLog, tapCard } from '../support/pcsc-card.js';

const TAPS = Number(process.env['BENCH_TAPS'] ?? 200);
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

/** Mean time of `count` bare `FF CA 00 00 00` round trips on a card, straight through nfc-pcsc. */
async function measureBareApdus(count: number, rounds: number): Promise<number> {
  const nfc = new nfcPcsc.NFC();
  nfc.on('error', () => undefined);
  const reader = await new Promise<Reader>((resolve) =>
    nfc.on('reader', (r) => {
      r.on('error', () => undefined);
      r.on('end', () => undefined);
      if (r.name !== CARD_SLOT.reader) return;
      r.autoProcessing = false;
      resolve(r);
    }),
  );
  const card = await tapCard(IMAGE);
  await new Promise<void>((resolve) => reader.once('card', () => resolve()));
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) await reader.transmit(Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]), 1024);
    times.push(performance.now() - t0);
  }
  await card.remove();
  return times.reduce((a, b) => a + b, 0) / times.length;
}

const reads = await measureReads();
const apdus = reads.apdus[0]!;
const bare = await measureBareApdus(apdus, 5);
const medianRead = pct(reads.presentToSnapshot, 50);
console.log(`card-read benchmark: ${TAPS} taps of ${IMAGE} on ${CARD_SLOT.reader}`);
console.log(`  tap to snapshot (insert → card-read):   median ${fmt(pct(reads.tapToSnapshot, 50))}, p95 ${fmt(pct(reads.tapToSnapshot, 95))}  (includes vpcd's presence poll)`);
console.log(`  card-present → card-read:               median ${fmt(medianRead)}, p95 ${fmt(pct(reads.presentToSnapshot, 95))}`);
console.log(`  card-present → card-summary (fast path): median ${fmt(pct(reads.presentToSummary, 50))}, p95 ${fmt(pct(reads.presentToSummary, 95))}`);
console.log(`  APDUs per read: ${apdus} (min ${Math.min(...reads.apdus)}, max ${Math.max(...reads.apdus)}); fast path 5`);
console.log(`  bare round trips of ${apdus} APDUs through nfc-pcsc + pcscd + vpcd: ${fmt(bare)} (${fmt(bare / apdus)} each)`);
console.log(`  read time / bare APDU time: ${(medianRead / bare).toFixed(2)}`);
// nfc-pcsc's native reader threads keep the loop alive and closing them can deadlock: end here.
process.exit(0);
