import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, isHex, sameBytes, toHex } from './bytes.js';

describe('shared byte helpers', () => {
  it('reads hex with spaces in either case and writes it back in upper case', () => {
    const bytes = fromHex('3b 8f 80 01 ff');
    expect([...bytes]).toEqual([0x3b, 0x8f, 0x80, 0x01, 0xff]);
    expect(toHex(bytes)).toBe('3B8F8001FF');
  });

  it('refuses odd-length or non-hex text and names it', () => {
    expect(isHex('ABC')).toBe(false);
    expect(isHex('AB CD')).toBe(true);
    expect(() => fromHex('ABC')).toThrow(/not hex bytes: "ABC"/);
    expect(() => fromHex('GG')).toThrow(TypeError);
  });

  it('writes only the bytes of a view, not its whole buffer', () => {
    const whole = Uint8Array.from([1, 2, 3, 4]);
    expect(toHex(whole.subarray(1, 3))).toBe('0203');
  });

  it('joins and compares byte strings', () => {
    const joined = concatBytes(fromHex('0102'), new Uint8Array(0), fromHex('03'));
    expect(toHex(joined)).toBe('010203');
    expect(sameBytes(joined, fromHex('010203'))).toBe(true);
    expect(sameBytes(joined, fromHex('0102'))).toBe(false);
    expect(sameBytes(joined, fromHex('010204'))).toBe(false);
  });
});
