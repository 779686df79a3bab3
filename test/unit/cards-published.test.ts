// Published real cards (test/fixtures/cards) as the oracle for the decoders: each card's bytes
// are served by the simulator's card engine in process and read by the real readCard; the
// values must be what the source says the card holds. The same cards go through pcscd + vpcd in
// test/hw/card-published.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { readCard } from '../../driver/card/read-card.js';
import { tUnionBalance } from '../../driver/card/decode/purse.js';
import { CARD_FAMILIES, type CardFamily } from '../../shared/card.js';
import { CardEngine, loadCardImage } from '../../hardware-sim/virtual-card/index.js';
import { cardReport, formatCardReport } from '../../kiosk/diagnosis/card-report.js';
import { homeFamilyOf } from '../../kiosk/diagnosis/acceptance.js';
import { MemoryCardReaderService } from '../../driver/pcsc/memory-reader.js';
import { FamilyMemory } from '../../driver/pcsc/card-read-events.js';
import type { CardReaderEvent } from '../../shared/card-reader.js';
import { cardImageNamed, expectedFromSource, loadPublishedCards, publishedCardImage, sourceOf } from '../support/published-cards.js';

const cards = await loadPublishedCards();
const replayable = cards.filter((c) => !c.balanceOnly);

const cardReadingDoc = (): string => readFileSync(new URL('../../docs/card-reading.md', import.meta.url), 'utf8');

/** The table "APDUs before the balance" of docs/card-reading.md: per card, cold, warm and a full read's APDUs. */
function apduTable(docs: string): { name: string; cold: number; warm: number; full: number }[] {
  return [...docs.matchAll(/^\| `([\w-]+)` \| (\d+) \| (\d+) \| (\d+) \|/gm)].map((m) => ({ name: m[1]!, cold: Number(m[2]), warm: Number(m[3]), full: Number(m[4]) }));
}

async function readPublished(name: string, familyHint: CardFamily | null = null) {
  const card = replayable.find((c) => c.name === name)!;
  const engine = new CardEngine(publishedCardImage(card));
  const sent: string[] = [];
  let summaryAfter = -1;
  const result = await readCard(
    {
      transmit: (apdu) => {
        sent.push(Buffer.from(apdu).toString('hex').toUpperCase());
        return Promise.resolve(engine.transmit(apdu));
      },
    },
    { familyHint, onSummary: () => (summaryAfter = sent.length) },
  );
  return { card, result, sent, summaryAfter };
}

describe('published real cards', () => {
  it('every fixture names its source: a repository with its commit, or an address', () => {
    for (const c of cards) {
      const s = c.source;
      expect(s.what.length, c.name).toBeGreaterThan(20);
      if (s.repository) expect(s.commit, c.name).toMatch(/^[0-9a-f]{40}$/);
      else expect(s.address, c.name).toMatch(/^https:\/\//);
    }
  });

  it('cover every family but Wuhan Tong, for which no card bytes are published', () => {
    const families = new Set(replayable.map((c) => c.family));
    expect([...CARD_FAMILIES].filter((f) => !families.has(f))).toEqual(['wuhan-tong']);
  });

  it.each(replayable.map((c) => [c.name, sourceOf(c)]))('%s (%s) reads as the source says', async (name) => {
    const { card, result } = await readPublished(name);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    const s = result.value;
    const expected = expectedFromSource(card);
    const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, (s as unknown as Record<string, unknown>)[k]]));
    expect(actual).toEqual(expected);
    const says = card.sourceSays;
    if (says.transactions) {
      expect(s.transactions.map(({ overdraft: _o, ...t }) => t)).toEqual(says.transactions);
    }
    if (says.transactionCount !== undefined) expect(s.transactions).toHaveLength(says.transactionCount);
    if (says.newestTransaction) expect(s.transactions[0]).toMatchObject(says.newestTransaction);
  });

  it('Shenzhen Tong: nfsee reads the number big-endian; its own handbook and Metrodroid say little-endian, and so does the decoder', async () => {
    const { card, result } = await readPublished('shenzhen-tong-nfsee');
    expect(card.disagreement).toMatchObject({ field: 'cardNumber', right: 'decoder' });
    expect(result.ok && result.value.cardNumber).toBe('3314986592');
    expect(result.ok && result.value.cardNumber).not.toBe(card.sourceSays.cardNumber);
  });

  it('every published card shows its balance after at most 3 APDUs where its family was the last read on the reader', async () => {
    for (const c of replayable) {
      const { summaryAfter, sent, result } = await readPublished(c.name, c.family as CardFamily);
      expect(result.ok, c.name).toBe(true);
      expect(summaryAfter, `${c.name}: ${sent.slice(0, summaryAfter).join(' ')}`).toBeLessThanOrEqual(3);
    }
  });

  it('Beijing: the balance of DF 1001 (named PBOC) goes out before the family, which MF file 0x04 then tells (SELECT 3F00, READ BINARY, back into DF 1001); Chongqing reads MF SFI 5 after the balance, then goes back into the application', async () => {
    const beijing = await readPublished('beijing-nfsee', 'beijing');
    expect(beijing.sent.slice(0, 6)).toEqual(['00A4040008A00000063201010500', '00A4000002100100', '805C000204', '00A40000023F00', '00B0840000', '00A4000002100100']);
    expect(beijing.summaryAfter).toBe(3);
    expect(beijing.result.ok && beijing.result.value.family).toBe('beijing');
    expect(beijing.result.ok && beijing.result.value.transactions.length).toBe(3);
    const chongqing = await readPublished('city-union-chongqing-nfsee');
    const mf = chongqing.sent.indexOf('00A40000023F00');
    expect(chongqing.summaryAfter).toBeLessThan(mf + 1);
    expect(chongqing.sent.slice(mf, mf + 3)).toEqual(['00A40000023F00', '00B0850000', '00A4040009A0000000038698070100']);
    expect(chongqing.result.ok && chongqing.result.value.transactions.length).toBe(3);
  });

  it('T-Union balance is slot 0 minus slot 1: the Shanghai card with 0x320 in both slots shows 0.00', () => {
    const c = cards.find((x) => x.name === 't-union-shanghai-both-slots')!;
    expect(tUnionBalance(c.slot0!, c.slot1!)).toBe(c.sourceSays.balance);
  });

  it('the technician report shows the T-Union holder type (0x17 byte 10) and the overdraft (slot 1)', async () => {
    const { result } = await readPublished('t-union-nfsee');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // nfsee's card: 0x17 = 00000156 1000 1000 0000 01 → holder type 1, normal; it refuses slot 1
    const published = formatCardReport(cardReport('reader', result.value, []));
    expect(published).toMatch(/^Holder +normal$/m);
    expect(published).toMatch(/^Overdraft +none \(the card refused slot 1\)$/m);
    // the simulator's negative-balance card: slot 0 = 0, slot 1 = 0xFA → owes 2.50
    const engine = new CardEngine(await loadCardImage('t-union-negative-balance'));
    const owing = await readCard({ transmit: (apdu) => Promise.resolve(engine.transmit(apdu)) });
    expect(owing.ok).toBe(true);
    if (!owing.ok) return;
    const text = formatCardReport(cardReport('reader', owing.value, []));
    expect(text).toMatch(/^Balance +-¥2\.50 /m);
    expect(text).toMatch(/^Overdraft +¥2\.50 owed/m);
  });

  it("a station's own city's card is read at the warm count on a reader's first tap: Guangzhou's Lingnan Pass, Shenzhen Tong, Wuhan Tong, Beijing", async () => {
    const cases = [
      { city: '5810', family: 'lingnan-pass', card: 'lingnan-pass-cardemulator' },
      { city: '5840', family: 'shenzhen-tong', card: 'shenzhen-tong-nfsee' },
      { city: '5210', family: 'wuhan-tong', card: 'wuhan-tong' },
      { city: '1000', family: 'beijing', card: 'beijing-nfsee' },
    ] as const;
    const table = apduTable(cardReadingDoc());
    for (const c of cases) {
      expect(homeFamilyOf(c.city), c.city).toBe(c.family);
      const engine = new CardEngine(await cardImageNamed(c.card, cards));
      let sent = 0;
      let before = -1;
      const service = new MemoryCardReaderService({ readers: ['reader'], homeFamily: homeFamilyOf(c.city) });
      const read = new Promise<CardReaderEvent>((resolve) =>
        service.subscribe((e) => {
          if (e.type === 'card-summary') before = sent;
          if (e.type === 'card-read' || e.type === 'card-error') resolve(e);
        }),
      );
      await service.start();
      service.place('reader', { atr: new Uint8Array([0x3b, 0x80, 0x80, 0x01, 0x01]), transmit: (apdu) => (sent++, engine.transmit(apdu)) });
      const done = await read;
      await service.stop();
      expect(done.type, c.card).toBe('card-read');
      // the warm column of docs/card-reading.md's table, on a reader that has read nothing yet
      expect({ card: c.card, before }).toEqual({ card: c.card, before: table.find((r) => r.name === c.card)?.warm });
    }
    // a city with no family of its own here (Shanghai's cards are T-Union): no hint, T-Union first
    expect(homeFamilyOf('2900')).toBeNull();
  });

  it('a Beijing card whose summary came before its family still becomes the reader\'s hint: tapped again, its balance after 3 APDUs', async () => {
    const image = await cardImageNamed('beijing-nfsee', cards);
    const service = new MemoryCardReaderService({ readers: ['reader'] });
    const seen: { summaryFamily: string | null; before: number; family: string }[] = [];
    let sent = 0;
    let summary: { family: string | null; before: number } | null = null;
    let done: () => void = () => undefined;
    service.subscribe((e) => {
      if (e.type === 'card-summary') summary = { family: e.summary.family, before: sent };
      if (e.type === 'card-read') seen.push({ summaryFamily: summary === null ? 'no summary' : summary.family, before: summary?.before ?? -1, family: e.snapshot.family });
      if (e.type === 'card-removed') done();
    });
    await service.start();
    for (let tap = 0; tap < 2; tap++) {
      sent = 0;
      const engine = new CardEngine(image);
      const removed = new Promise<void>((resolve) => (done = resolve));
      service.place('reader', { atr: new Uint8Array([0x3b, 0x80, 0x80, 0x01, 0x01]), transmit: (apdu) => (sent++, engine.transmit(apdu)) });
      await vi.waitFor(() => expect(seen).toHaveLength(tap + 1));
      service.take('reader');
      await removed;
    }
    await service.stop();
    expect(seen).toEqual([
      { summaryFamily: null, before: 4, family: 'beijing' },
      { summaryFamily: null, before: 3, family: 'beijing' },
    ]);
  });

  it("a visitor's card of a third family reads warm after other families' cards when a card with its ATR was read on this reader before; a new ATR still reads cold", async () => {
    // Made-up ATRs (no source publishes its card's): what matters is that two are equal or not.
    const atrOf = (historical: number): Uint8Array => new Uint8Array([0x3b, 0x81, 0x80, 0x01, historical, 0x80 ^ 0x01 ^ historical ^ 0x81]);
    const service = new MemoryCardReaderService({ readers: ['reader'] });
    let sent = 0;
    let before = -1;
    let read: (e: CardReaderEvent) => void = () => undefined;
    let removed: () => void = () => undefined;
    service.subscribe((e) => {
      if (e.type === 'card-summary') before = sent;
      if (e.type === 'card-read' || e.type === 'card-error') read(e);
      if (e.type === 'card-removed') removed();
    });
    await service.start();
    const tap = async (card: string, atr: Uint8Array): Promise<{ card: string; family: string; before: number }> => {
      const engine = new CardEngine(await cardImageNamed(card, cards));
      sent = 0;
      before = -1;
      const done = new Promise<CardReaderEvent>((resolve) => (read = resolve));
      service.place('reader', { atr, transmit: (apdu) => (sent++, engine.transmit(apdu)) });
      const e = await done;
      const gone = new Promise<void>((resolve) => (removed = resolve));
      service.take('reader');
      await gone;
      return { card, family: e.type === 'card-read' ? e.snapshot.family : e.type, before };
    };
    const table = apduTable(cardReadingDoc());
    const cold = (name: string): number | undefined => table.find((r) => r.name === name)?.cold;
    const warm = (name: string): number | undefined => table.find((r) => r.name === name)?.warm;
    const taps = [
      await tap('lingnan-pass-cardemulator', atrOf(0x11)),
      await tap('t-union-nfsee', atrOf(0x22)),
      await tap('shenzhen-tong-nfsee', atrOf(0x33)),
      // the reader's last card was Shenzhen Tong, yet this ATR was last a Lingnan Pass card's
      await tap('lingnan-pass-cardemulator', atrOf(0x11)),
      // an ATR never seen here: the reader's last family (Lingnan Pass) is the hint, wrong for this
      // Wuhan card: it pays the cold refused SELECTs and the hinted one
      await tap('wuhan-tong', atrOf(0x44)),
    ];
    await service.stop();
    expect(taps).toEqual([
      { card: 'lingnan-pass-cardemulator', family: 'lingnan-pass', before: cold('lingnan-pass-cardemulator') },
      { card: 't-union-nfsee', family: 't-union', before: warm('t-union-nfsee') },
      { card: 'shenzhen-tong-nfsee', family: 'shenzhen-tong', before: cold('shenzhen-tong-nfsee') },
      { card: 'lingnan-pass-cardemulator', family: 'lingnan-pass', before: 3 },
      { card: 'wuhan-tong', family: 'wuhan-tong', before: cold('wuhan-tong')! + 1 },
    ]);
    expect(cold('lingnan-pass-cardemulator')).toBeGreaterThan(3);
  });

  it('the ATR memory forgets the oldest ATR first, falls back to the reader\'s last family, and carries over to a restarted host', () => {
    const memory = new FamilyMemory(2);
    memory.learn('a', 'AA', 'lingnan-pass');
    memory.learn('a', 'BB', 'shenzhen-tong');
    expect(memory.hint('a', 'AA')).toBe('lingnan-pass');
    // AA was just asked for, but only learning refreshes it: CC pushes out AA, the oldest learned
    memory.learn('b', 'CC', 'wuhan-tong');
    expect(memory.hint('a', 'AA')).toBe('shenzhen-tong');
    expect(memory.hint('b', 'BB')).toBe('shenzhen-tong');
    expect(memory.hint('a', 'CC')).toBe('wuhan-tong');
    expect(memory.hint('b', '')).toBe('wuhan-tong');
    expect(memory.hint('c', 'DD')).toBeNull();
    // what a restarted reader host is given: the same hints; a smaller memory keeps the newest ATRs
    const restarted = new FamilyMemory(2, JSON.parse(JSON.stringify(memory.snapshot())) as ReturnType<FamilyMemory['snapshot']>);
    expect(['AA', 'BB', 'CC'].map((atr) => restarted.hint('a', atr))).toEqual(['shenzhen-tong', 'shenzhen-tong', 'wuhan-tong']);
    expect(restarted.hint('b', '')).toBe('wuhan-tong');
    expect(new FamilyMemory(1, memory.snapshot()).snapshot().byAtr).toEqual([['CC', 'wuhan-tong']]);
  });

  it("APDUs before the balance and per read are docs/card-reading.md's table, family by family", async () => {
    const docs = cardReadingDoc();
    const rows = apduTable(docs);
    const families = new Set<string>();
    for (const row of rows) {
      const image = await cardImageNamed(row.name, cards);
      const read = async (hint: CardFamily | null) => {
        const engine = new CardEngine(image);
        let sent = 0;
        let before = -1;
        const r = await readCard({ transmit: (apdu) => (sent++, Promise.resolve(engine.transmit(apdu))) }, { familyHint: hint, onSummary: () => (before = sent) });
        return { r, before };
      };
      const cold = await read(null);
      expect(cold.r.ok, row.name).toBe(true);
      if (!cold.r.ok) continue;
      families.add(cold.r.value.family);
      const warm = await read(cold.r.value.family);
      expect({ name: row.name, cold: cold.before, warm: warm.before, full: cold.r.value.apduCount }).toEqual(row);
      // a row above 3 says why
      if (row.cold > 3 || row.warm > 3) expect(docs, row.name).toMatch(new RegExp(`^\\| \`${row.name}\` \\| \\d+ \\| \\d+ \\| \\d+ \\| [^—|]{20,}`, 'm'));
    }
    // every family has a row
    expect([...families].sort()).toEqual([...CARD_FAMILIES].sort());
  });
});
