import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes.js';
import { encodeBalance } from '../encode.js';
import { decodeBalanceSlot, decodeHolderType, pbocBalance, signed31, tUnionBalance } from './purse.js';

describe('balance', () => {
  it('decodes 4 bytes big-endian and refuses other lengths', () => {
    expect(decodeBalanceSlot(fromHex('00 00 0B B8'))).toEqual({ ok: true, value: 3000 });
    expect(decodeBalanceSlot(fromHex('0B B8'))).toMatchObject({ ok: false, error: { code: 'unreadable-card', field: 'balance' } });
  });

  it('other families: slot 0 as a 31-bit signed number, top bit ignored', () => {
    expect(pbocBalance(0x00000bb8)).toBe(3000);
    expect(pbocBalance(0x80000bb8)).toBe(3000);
    expect(pbocBalance(0x7fffff38)).toBe(-200); // bit 30 set: 0x7FFFFF38 − 0x80000000
  });

  it('T-Union: slot0 − slot1, slot 1 missing counts as 0', () => {
    expect(tUnionBalance(0x80001388, 0x800001f4)).toBe(5000 - 500);
    expect(tUnionBalance(100, 300)).toBe(-200);
    expect(tUnionBalance(2500, null)).toBe(2500);
  });

  it('signed31 stays within the 31-bit range and round-trips with encodeBalance', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x40000000, max: 0x3fffffff }), (v) => {
        const slot = decodeBalanceSlot(encodeBalance(v & 0x7fffffff));
        expect(slot.ok && signed31(slot.value)).toBe(v);
      }),
    );
  });
});

describe('0x17 holder type', () => {
  it('reads byte 10', () => {
    const f17 = fromHex(
      [
        '00 00 01 56', // 0..3 country 156 (China)
        '44 00', // 4..5 province
        '58 10', // 6..7 city
        '00 00', // 8..9
        '02', // 10 card type: student
        '00'.repeat(49), // 11..59
      ].join(''),
    );
    expect(decodeHolderType(f17)).toEqual({ ok: true, value: 'student' });
    f17[10] = 0x09;
    expect(decodeHolderType(f17)).toEqual({ ok: true, value: 'unknown' });
    expect(decodeHolderType(f17.subarray(0, 10)).ok).toBe(false);
  });
});
