import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CardEngine } from '../virtual-card/engine.js';
import { toHex, fromHex } from '../../shared/bytes.js';
import type { CardImage } from '../virtual-card/image.js';
import { CARD_IMAGES_DIR, loadCardImage } from '../virtual-card/load.js';
import { BLOCKED_CARD_NUMBER, buildBlocklist, buildCardImages, renderJson } from './build.js';

/** APDU in, data out; fails the test on a status word other than 90 00. */
function read(engine: CardEngine, command: string): string {
  const r = toHex(engine.transmit(fromHex(command)));
  expect(r.slice(-4), command).toBe('9000');
  return r.slice(0, -4);
}
const tUnion = async (name: string): Promise<{ image: CardImage; engine: CardEngine }> => {
  const image = await loadCardImage(name);
  const engine = new CardEngine(image);
  read(engine, '00A4040008A00000063201010500');
  return { image, engine };
};

describe('committed card images', () => {
  // Consistency only (the builder against its committed output); what the images hold is checked below against hand-written values.
  it('equal the builder output byte for byte (run `npm run -s sim -- cards build` after changing build.ts)', async () => {
    const built = new Map(buildCardImages().map((i) => [`${i.name}.json`, renderJson(i)]));
    built.set('blocklist.json', renderJson(buildBlocklist()));
    const committed = (await readdir(CARD_IMAGES_DIR)).filter((f) => f.endsWith('.json')).sort();
    expect(committed).toEqual([...built.keys()].sort());
    for (const [file, text] of built) expect(await readFile(path.join(CARD_IMAGES_DIR, file), 'utf8'), file).toBe(text);
  });

  it('cover every family and every diagnosis', () => {
    const images = buildCardImages();
    const families = new Set(images.map((i) => i.expected.family));
    for (const f of ['t-union', 'city-union', 'shenzhen-tong', 'beijing', 'wuhan-tong', 'lingnan-pass']) expect(families).toContain(f);
    const diagnoses = new Set(images.flatMap((i) => i.expected.diagnosis ?? []));
    for (const d of ['expired', 'not-yet-valid', 'blocked', 'open-trip', 'low-balance', 'negative-balance', 'not-accepted', 'other-city']) expect(diagnoses).toContain(d);
    expect(new Set(images.map((i) => i.uid)).size).toBe(images.length);
  });
});

/**
 * What the T-Union images must hold, written out by hand (not taken from the builder or from the
 * images' own `expected`): the number as printed on the card, the hidden first digit of the
 * 10-byte BCD serial, the issuer city, the validity dates.
 */
const T_UNION_CARDS = {
  't-union-guangzhou-ok': { hidden: '0', printed: '3105810100012347984', city: '5810', from: '2021-03-15', until: '2031-03-14', balance: 8650 },
  't-union-low-balance': { hidden: '1', printed: '3105810100050500044', city: '5810', from: '2021-03-15', until: '2031-03-14', balance: 150 },
  't-union-other-city': { hidden: '0', printed: '3101000200070700066', city: '1000', from: '2022-05-01', until: '2032-04-30', balance: 6100 },
} as const;

/**
 * File 0x15 as CARDS.md lays it out, field by field, for a card of these values: issuer id
 * `0101 <city> FFFFFFFF` (0..7), application type 02 (8), version 01 (9), serial BCD (10..19),
 * start and expiry BCD dates (20..27), 0000 (28..29). The published T-Union card in nfsee's
 * mocks (nfcim/nfsee@13208c6b tests/reader-mock.js, test/fixtures/cards/t-union-nfsee.json) has
 * exactly this form: `01011000FFFFFFFF 02 01 03105170070104791381 20190718 20401231 0000`.
 */
const file15 = (c: (typeof T_UNION_CARDS)[keyof typeof T_UNION_CARDS]): string =>
  `0101${c.city}FFFFFFFF0201${c.hidden}${c.printed}${c.from.replaceAll('-', '')}${c.until.replaceAll('-', '')}0000`;

describe('T-Union layouts (CARDS.md)', () => {
  it('hold 0x15 as the published layout, with the number, city and dates written out by hand', async () => {
    for (const [name, card] of Object.entries(T_UNION_CARDS)) {
      const { image, engine } = await tUnion(name);
      const f15 = read(engine, '00B0950000');
      expect(f15, name).toBe(file15(card));
      const fci = read(engine, '00A4040008A00000063201010500');
      expect(fci, name).toContain('9F0C1E' + f15);
      // the hardware tests read each image against its `expected`: it must say what the card holds
      expect(image.expected, name).toMatchObject({ cardNumber: card.printed, cityCode: card.city, validFrom: card.from, validUntil: card.until, balance: card.balance });
    }
  });

  it('are laid out like the published T-Union card: FCI template, 0x15 fields, 0x17 country and holder byte, 23-byte 0x18 records', async () => {
    const published = JSON.parse(await readFile(path.resolve(CARD_IMAGES_DIR, '../../test/fixtures/cards/t-union-nfsee.json'), 'utf8')) as {
      applications: { fci: string; files: { sfi: number; binary?: string; records?: string[] }[] }[];
    };
    const app = published.applications[0]!;
    const real = { fci: app.fci, f17: app.files.find((f) => f.sfi === 0x17)!.binary!, tx: app.files.find((f) => f.sfi === 0x18)!.records![0]! };
    const { engine } = await tUnion('t-union-guangzhou-ok');
    const sim = { fci: read(engine, '00A4040008A00000063201010500'), f17: read(engine, '00B0970000'), tx: read(engine, '00B201C400') };
    for (const fci of [real.fci, sim.fci]) {
      expect(fci.slice(0, 2)).toBe('6F');
      expect(fci.slice(4, 24)).toBe('8408A000000632010105');
      expect(fci).toMatch(/A5[0-9A-F]{2}.*9F0C1E0101[0-9]{4}FFFFFFFF0201[0-9]{20}20[0-9]{6}20[0-9]{6}0000$/);
    }
    for (const f17 of [real.f17, sim.f17]) {
      expect(f17.slice(0, 8)).toBe('00000156'); // country: China
      expect(f17.slice(20, 22)).toBe('01'); // byte 10, holder type: normal
    }
    for (const tx of [real.tx, sim.tx]) {
      expect(tx.length / 2).toBe(23);
      expect(tx.slice(4, 10)).toBe('000000'); // overdraft
      expect(tx.slice(32)).toMatch(/^20[0-9]{2}(0[1-9]|1[0-2])[0-3][0-9][0-2][0-9][0-5][0-9][0-5][0-9]$/); // BCD time
    }
    expect((await tUnion('t-union-low-balance')).engine.transmit(fromHex('00B0950000'))[10]).toBe(0x13);
  });

  it('make the balance slot0 − slot1, with slot 1 absent, zero or the overdraft', async () => {
    const slots = async (name: string): Promise<[string, string]> => {
      const { engine } = await tUnion(name);
      return [toHex(engine.transmit(fromHex('805C000204'))), toHex(engine.transmit(fromHex('805C010204')))];
    };
    expect(await slots('t-union-guangzhou-ok')).toEqual(['000021CA9000', '6A86']);
    expect(await slots('t-union-low-balance')).toEqual(['000000969000', '6A86']);
    expect(await slots('t-union-negative-balance')).toEqual(['000000009000', '000000FA9000']);
  });

  it('keep logs newest first and consistent with the balance', async () => {
    const { engine } = await tUnion('t-union-guangzhou-ok');
    const newestTrip = read(engine, '00B201F400');
    expect(newestTrip.slice(0, 2)).toBe('04');
    expect(parseInt(newestTrip.slice(0x15 * 2, 0x19 * 2), 16)).toBe(T_UNION_CARDS['t-union-guangzhou-ok'].balance);
    expect(newestTrip.slice(0x19 * 2, 0x20 * 2)).toBe('20260503084531');
    expect(newestTrip.slice(0x20 * 2, 0x22 * 2)).toBe('5810');
    const tx1 = read(engine, '00B201C400');
    const tx2 = read(engine, '00B202C400');
    expect(parseInt(tx1.slice(0, 4), 16)).toBe(parseInt(tx2.slice(0, 4), 16) + 1);
    expect(toHex(engine.transmit(fromHex('00B20BC400')))).toBe('6A83');
  });

  it('leave the open-trip card with an entry and no exit as its newest trip', async () => {
    const { engine } = await tUnion('t-union-open-trip');
    const newest = read(engine, '00B201F400');
    expect(newest.slice(0, 2)).toBe('03');
    expect(newest.slice(0x0a * 2, 0x0e * 2)).toBe('0001000E'); // Line 1, station 14: Tiyu Xilu in the shipped Guangzhou table
  });

  it('list the blocked card in the test blocklist', async () => {
    const blocklist = JSON.parse(await readFile(path.join(CARD_IMAGES_DIR, 'blocklist.json'), 'utf8')) as { entries: { cardNumber: string }[] };
    expect(blocklist.entries.map((e) => e.cardNumber)).toContain(BLOCKED_CARD_NUMBER);
    expect((await loadCardImage('t-union-blocked')).expected.cardNumber).toBe(BLOCKED_CARD_NUMBER);
  });
});

describe('other families', () => {
  it('Shenzhen Tong stores the number little-endian in 0x15 bytes 16..19, shown with a check digit', async () => {
    const image = await loadCardImage('shenzhen-tong');
    const engine = new CardEngine(image);
    read(engine, '00A40400075041592E535A5400');
    const f15 = read(engine, '00B0950000');
    // 32 9A 9F 15 little-endian is 0x159F9A32 = 362781234; digit sum 36, check digit (10 − 6) % 10 = 4
    expect(f15.slice(32, 40)).toBe('329A9F15');
    expect(image.expected.cardNumber).toBe('3627812344');
  });

  it('Beijing answers SELECT by FID 1001 and keeps 0x04 at the MF, outside the application, as the published card does', async () => {
    const engine = new CardEngine(await loadCardImage('beijing'));
    expect(toHex(engine.transmit(fromHex('00A40400024F4300')))).toBe('6A82');
    read(engine, '00A4000002100100');
    expect(toHex(engine.transmit(fromHex('00B0840000')))).toBe('6A82');
    read(engine, '00A40000023F00');
    expect(read(engine, '00B0840000').slice(0, 16)).toBe('1000751004583312');
  });

  it('the non-transit, garbage and technician cards answer no readable transit application', async () => {
    const nonTransit = new CardEngine(await loadCardImage('non-transit'));
    expect(toHex(nonTransit.transmit(fromHex('00A4040008A00000063201010500')))).toBe('6A82');
    const garbage = new CardEngine(await loadCardImage('garbage'));
    expect(toHex(garbage.transmit(fromHex('00A4040008A00000063201010500')))).toBe('6F1A8408A00000069000');
    expect(read(garbage, '00B0950000').length / 2).toBeLessThan(30);
  });
});
