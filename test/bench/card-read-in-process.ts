// The in-process half of the card-read benchmark (test/bench/card-read.ts), run as its child:
// bare APDU round trips and each family's card read by the driver's readCard straight over
// nfc-pcsc, every APDU counted. It sends its figures to the parent and waits to be killed: the
// native reader threads of nfc-pcsc can hold a process's exit forever.
import nfcPcsc, { type Reader } from 'nfc-pcsc';
import { readCard } from '../../driver/card/read-card.js';
import type { ApduTransport } from '../../driver/card/transport.js';
import { NfcReaderTransport } from '../../driver/pcsc/nfc-transport.js';
import type { CardImage } from '../../hardware-sim/virtual-card/index.js';
import type { CardFamily } from '../../shared/card.js';
import { CARD_SLOT, tapCard } from '../support/pcsc-card.js';

export interface InProcessJob {
  /** The family cards (published fixtures or simulator images), as the parent loaded them. */
  readonly images: readonly CardImage[];
  /** Taps of each card, cold and warm each. */
  readonly familyTaps: number;
  /** APDUs in one round of bare `FF CA 00 00 00`, and how many rounds. */
  readonly bareApdus: number;
  readonly bareRounds: number;
}

export interface FamilyInProcess {
  readonly card: string;
  readonly family: string;
  readonly apdusBeforeBalance: { readonly cold: number; readonly warm: number };
  readonly apdusPerRead: number;
  /** nfc-pcsc `card` event → `onSummary`, without and with the family hint. */
  readonly toBalance: { readonly cold: number[]; readonly warm: number[] };
}

export interface InProcessFigures {
  /** Mean time of one round of `bareApdus` bare round trips. */
  readonly bare: number;
  readonly families: FamilyInProcess[];
}

/** The card the bare round trips are sent to. */
const BARE_IMAGE = 't-union-guangzhou-ok';

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

/** Each family's card read `taps` times cold and `taps` warm by readCard over nfc-pcsc, counting the APDUs sent before the summary. */
async function measureFamilies(images: readonly CardImage[], reader: Reader, taps: number): Promise<FamilyInProcess[]> {
  const out: FamilyInProcess[] = [];
  for (const image of images) {
    const toBalance = { cold: [] as number[], warm: [] as number[] };
    const apdusBeforeBalance = { cold: -1, warm: -1 };
    let apdusPerRead = -1;
    let family: CardFamily | null = null;
    for (let i = 0; i < 2 * taps; i++) {
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

/** Mean time of `count` bare `FF CA 00 00 00` round trips on a card, straight through nfc-pcsc. */
async function measureBareApdus(reader: Reader, count: number, rounds: number): Promise<number> {
  const card = await tapCard(BARE_IMAGE);
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

process.once('message', (job: InProcessJob) => {
  void (async () => {
    const { reader } = await openReader();
    const bare = await measureBareApdus(reader, job.bareApdus, job.bareRounds);
    const families = await measureFamilies(job.images, reader, job.familyTaps);
    const figures: InProcessFigures = { bare, families };
    process.send!({ figures });
  })().catch((e: unknown) => process.send!({ error: e instanceof Error ? e.message : String(e) }));
});
