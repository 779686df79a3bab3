import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes.js';
import { findTlv } from './tlv.js';

describe('FCI TLV', () => {
  it('finds 9F0C inside 6F/A5', () => {
    const fci = fromHex(
      [
        '6F 13', // FCI template, 19 bytes
        '84 08 A0 00 00 06 32 01 01 05', // DF name
        'A5 07', // proprietary template
        '9F 0C 04 01 02 03 04', // 9F0C: (short) copy of file 0x15
      ].join(''),
    );
    const r = findTlv(fci, '9F0C');
    expect(r.ok && r.value && toHex(r.value)).toBe('01020304');
    expect(findTlv(fci, '9F08')).toEqual({ ok: true, value: null });
  });

  it('reads the two-byte length form', () => {
    const value = new Uint8Array(200).fill(7);
    const fci = Uint8Array.of(0x6f, 0x81, 204, 0x9f, 0x0c, 0x81, 200, ...value);
    const r = findTlv(fci, '9F0C');
    expect(r.ok && r.value?.length).toBe(200);
  });

  it('a TLV longer than the answer is an error, never a throw', () => {
    expect(findTlv(fromHex('6F 10 84 02'), '9F0C')).toMatchObject({ ok: false, error: { code: 'unreadable-card', field: 'FCI' } });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const r = findTlv(b, '9F0C');
        if (!r.ok) expect(r.error.code).toBe('unreadable-card');
        else if (r.value !== null) {
          // a value found is bytes of the answer, right after the tag 9F 0C and its length
          const at = Buffer.from(b).indexOf(Buffer.from(r.value));
          expect(at).toBeGreaterThanOrEqual(3);
          const len = r.value.length;
          const header = len < 0x80 ? [0x9f, 0x0c, len] : len < 0x100 ? [0x9f, 0x0c, 0x81, len] : [0x9f, 0x0c, 0x82, len >> 8, len & 0xff];
          expect(Buffer.from(b).indexOf(Buffer.from([...header, ...r.value]))).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
