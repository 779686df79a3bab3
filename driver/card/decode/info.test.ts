import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes.js';
import { encodeTUnionInfo } from '../encode.js';
import { decodeBeijingInfo, decodeCityUnionInfo, decodeLingnanInfo, decodeShenzhenInfo, decodeTUnionInfo, decodeWuhanInfo, shenzhenCheckDigit } from './info.js';

/** T-Union file 0x15 of a Guangzhou-issued card, every byte named. */
const TUNION_15 = fromHex(
  [
    '01 01 58 10 FF FF FF FF', // 0..7 issuer id; bytes 2..3 = city 5810 (Guangzhou)
    '02', // 8 application type
    '01', // 9 application version
    '03 10 51 20 00 00 12 34 79 84', // 10..19 serial, BCD 03105120000012347984
    '20 21 03 01', // 20..23 start 2021-03-01
    '20 31 02 28', // 24..27 expiry 2031-02-28
    '00 00', // 28..29 issuer-defined
  ].join(''),
);

/** PBOC-style 0x15 carrying a number in bytes 16..19 (City Union / Shenzhen Tong). */
const PBOC_15 = fromHex(
  [
    '01 01 58 40 FF FF FF FF', // 0..7 issuer id; city 5840 (Shenzhen)
    '02 01', // 8 type, 9 version
    '00 00 00 00 00 00', // 10..15 unused here
    '4E 61 BC 00', // 16..19 number: LE 0x00BC614E = 12345678, BE 0x4E61BC00 = 1315027968
    '20 19 07 01', // 20..23 start 2019-07-01
    '20 29 06 30', // 24..27 expiry 2029-06-30
    '00 00', // 28..29
  ].join(''),
);

describe('T-Union 0x15', () => {
  it('decodes number without its first digit, city and validity', () => {
    expect(decodeTUnionInfo(TUNION_15)).toEqual({
      ok: true,
      value: { cardNumber: '3105120000012347984', cityCode: '5810', validFrom: '2021-03-01', validUntil: '2031-02-28' },
    });
  });

  it('refuses a non-BCD card number as unreadable', () => {
    const bad = TUNION_15.slice();
    bad[15] = 0x1a;
    const r = decodeTUnionInfo(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: 'unreadable-card', field: '0x15 card number' });
  });

  it('refuses an impossible expiry date and a short file', () => {
    const bad = TUNION_15.slice();
    bad.set([0x20, 0x31, 0x02, 0x30], 24);
    expect(decodeTUnionInfo(bad)).toMatchObject({ ok: false, error: { field: '0x15 expiry date' } });
    expect(decodeTUnionInfo(TUNION_15.subarray(0, 29))).toMatchObject({ ok: false, error: { code: 'unreadable-card', field: '0x15' } });
  });

  it('reads unset (all-zero) dates as null', () => {
    const b = TUNION_15.slice();
    b.fill(0, 20, 28);
    expect(decodeTUnionInfo(b)).toMatchObject({ ok: true, value: { validFrom: null, validUntil: null } });
  });

  it('round-trips encodeTUnionInfo', () => {
    const date = fc
      .record({ y: fc.integer({ min: 2000, max: 2099 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
      .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{4}$/), fc.stringMatching(/^[0-9]{20}$/), date, date, (cityCode, serial, validFrom, validUntil) => {
        const r = decodeTUnionInfo(encodeTUnionInfo({ cityCode, serial, validFrom, validUntil }));
        expect(r).toEqual({ ok: true, value: { cardNumber: serial.slice(1), cityCode, validFrom, validUntil } });
      }),
    );
  });
});

describe('other families', () => {
  it('City Union reads bytes 16..19 big-endian', () => {
    expect(decodeCityUnionInfo(PBOC_15)).toEqual({
      ok: true,
      value: { cardNumber: '1315027968', cityCode: '5840', validFrom: '2019-07-01', validUntil: '2029-06-30' },
    });
  });

  it('Shenzhen Tong reads bytes 16..19 little-endian and appends the check digit', () => {
    // 12345678: digit sum 36 → (10 − 6) % 10 = 4
    expect(shenzhenCheckDigit('12345678')).toBe(4);
    expect(shenzhenCheckDigit('19')).toBe(0);
    expect(decodeShenzhenInfo(PBOC_15)).toEqual({
      ok: true,
      value: { cardNumber: '123456784', cityCode: '5840', validFrom: '2019-07-01', validUntil: '2029-06-30' },
    });
  });

  it('Beijing 0x04: hex of bytes 0..7, validity at 24 and 28', () => {
    const f04 = fromHex(
      [
        '10 00 75 12 34 56 78 9A', // 0..7 card number (hex)
        '00'.repeat(16), // 8..23 other fields
        '20 20 01 01', // 24..27 start
        '20 30 12 31', // 28..31 expiry
      ].join(''),
    );
    expect(decodeBeijingInfo(f04)).toEqual({
      ok: true,
      value: { cardNumber: '100075123456789A', cityCode: '1000', validFrom: '2020-01-01', validUntil: '2030-12-31' },
    });
    expect(decodeBeijingInfo(f04.subarray(0, 31)).ok).toBe(false);
  });

  it('Wuhan Tong: number from 0x0A, expiry at 0x05 16..19 and start at 20..23', () => {
    const f0A = fromHex('12 34 56 78 90 00 00 00'); // 0..4 card number
    const f05 = fromHex(
      [
        '00'.repeat(16), // 0..15 other fields
        '20 28 05 31', // 16..19 expiry
        '20 18 06 01', // 20..23 start
      ].join(''),
    );
    expect(decodeWuhanInfo(f0A, f05)).toEqual({
      ok: true,
      value: { cardNumber: '1234567890', cityCode: null, validFrom: '2018-06-01', validUntil: '2028-05-31' },
    });
  });

  it('Lingnan Pass: hex of bytes 11..15, no validity claimed', () => {
    const f15 = fromHex(
      [
        '00'.repeat(11), // 0..10 other fields
        '51 00 01 23 45', // 11..15 card number (hex)
        '00'.repeat(14), // 16..29
      ].join(''),
    );
    expect(decodeLingnanInfo(f15)).toEqual({ ok: true, value: { cardNumber: '5100012345', cityCode: null, validFrom: null, validUntil: null } });
  });

  it('every decoder returns a typed result for any bytes, never throws; what it accepts reads back from the published offsets', () => {
    // Bytes that are often BCD, so that every decoder accepts a good share of the runs.
    const bcdByte = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })).map(([h, l]) => h * 16 + l);
    const bytes = (minLength: number) => fc.array(fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }, { weight: 12, arbitrary: bcdByte }), { minLength, maxLength: 64 });
    const bcdDate = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => [...fromHex(d.toISOString().slice(0, 10).replaceAll('-', ''))]);
    // Half the files carry valid BCD dates at 16, 20, 24 and 28 (every family's date offsets).
    const file = fc.oneof(
      bytes(0),
      fc.tuple(bytes(32), bcdDate, bcdDate, bcdDate, bcdDate).map(([b, ...dates]) => {
        dates.forEach((d, i) => b.splice(16 + 4 * i, 4, ...d));
        return b;
      }),
    ).map((a) => Uint8Array.from(a));
    const hex = (b: Uint8Array, from: number, to: number): string => Buffer.from(b.subarray(from, to)).toString('hex').toUpperCase();
    const date = (b: Uint8Array, at: number): string => hex(b, at, at + 4).replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
    const accepted = new Map<string, number>();
    const count = (name: string) => accepted.set(name, (accepted.get(name) ?? 0) + 1);
    fc.assert(
      fc.property(file, file, (a, b) => {
        const results = { tUnion: decodeTUnionInfo(a), cityUnion: decodeCityUnionInfo(a), shenzhen: decodeShenzhenInfo(a), beijing: decodeBeijingInfo(a), wuhan: decodeWuhanInfo(a, b), lingnan: decodeLingnanInfo(a) };
        for (const r of Object.values(results)) if (!r.ok) expect(r.error.code).toBe('unreadable-card');
        const { tUnion, cityUnion, shenzhen, beijing, wuhan, lingnan } = results;
        if (tUnion.ok) {
          count('tUnion');
          expect(tUnion.value.cardNumber).toBe(hex(a, 10, 20).slice(1));
          if (tUnion.value.validFrom !== null) expect(tUnion.value.validFrom).toBe(date(a, 20));
          if (tUnion.value.validUntil !== null) expect(tUnion.value.validUntil).toBe(date(a, 24));
          if (tUnion.value.cityCode !== null) expect(tUnion.value.cityCode).toBe(hex(a, 2, 4));
        }
        if (cityUnion.ok) {
          count('cityUnion');
          const account = hex(a, 12, 20);
          const binary = [String(Buffer.from(a).readUInt32LE(16)), String(Buffer.from(a).readUInt32BE(16))];
          if (/^\d{16}$/.test(account)) expect(cityUnion.value.cardNumber).toBe(account);
          else expect(binary).toContain(cityUnion.value.cardNumber);
        }
        if (shenzhen.ok) {
          count('shenzhen');
          const n = String(Buffer.from(a).readUInt32LE(16));
          expect(shenzhen.value.cardNumber).toMatch(new RegExp(`^${n}\\d$`));
          expect(shenzhen.value.cityCode).toBe('5840');
        }
        if (beijing.ok) {
          count('beijing');
          expect(beijing.value.cardNumber).toBe(hex(a, 0, 8));
        }
        if (wuhan.ok) {
          count('wuhan');
          expect(wuhan.value.cardNumber).toBe(hex(a, 0, 5));
        }
        if (lingnan.ok) {
          count('lingnan');
          expect(lingnan.value).toEqual({ cardNumber: hex(a, 11, 16), cityCode: null, validFrom: null, validUntil: null });
        }
      }),
      { numRuns: 500 },
    );
    // the properties on success were exercised for every family
    expect([...accepted.keys()].sort()).toEqual(['beijing', 'cityUnion', 'lingnan', 'shenzhen', 'tUnion', 'wuhan']);
  });});
