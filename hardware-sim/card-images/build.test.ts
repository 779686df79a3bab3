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
const date = (hex: string): string => `${hex.slice(0, 4)}-${hex.slice(4, 6)}-${hex.slice(6, 8)}`;
const tUnion = async (name: string): Promise<{ image: CardImage; engine: CardEngine }> => {
  const image = await loadCardImage(name);
  const engine = new CardEngine(image);
  read(engine, '00A4040008A00000063201010500');
  return { image, engine };
};

describe('committed card images', () => {
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

describe('T-Union layouts (CARDS.md)', () => {
  it('put the card number in 0x15 bytes 10..19 as BCD behind a hidden first digit, city in 2..3, dates in 20..27', async () => {
    for (const name of ['t-union-guangzhou-ok', 't-union-low-balance', 't-union-other-city']) {
      const { image, engine } = await tUnion(name);
      const f15 = read(engine, '00B0950000');
      expect(f15.length / 2).toBe(30);
      expect(f15.slice(21, 40)).toBe(image.expected.cardNumber);
      expect(f15.slice(4, 8)).toBe(image.expected.cityCode);
      expect(date(f15.slice(40, 48))).toBe(image.expected.validFrom);
      expect(date(f15.slice(48, 56))).toBe(image.expected.validUntil);
      const fci = read(engine, '00A4040008A00000063201010500');
      expect(fci).toContain('9F0C1E' + f15);
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
    const { image, engine } = await tUnion('t-union-guangzhou-ok');
    const newestTrip = read(engine, '00B201F400');
    expect(newestTrip.slice(0, 2)).toBe('04');
    expect(parseInt(newestTrip.slice(0x15 * 2, 0x19 * 2), 16)).toBe(image.expected.balance);
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
    const f15 = fromHex(read(engine, '00B0950000'));
    const n = String(Buffer.from(f15).readUInt32LE(16));
    const check = (10 - ([...n].reduce((s, c) => s + Number(c), 0) % 10)) % 10;
    expect(image.expected.cardNumber).toBe(`${n}${check}`);
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
