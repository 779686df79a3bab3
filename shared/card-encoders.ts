/** Byte encoders for card files (simulated card images, driver test fixtures): BCD, big/little-endian integers, BER-TLV, fixed-size records. */
import { concatBytes, fromHex } from './bytes.js';

export function bcd(digits: string): Uint8Array {
  if (!/^(?:\d\d)+$/.test(digits)) throw new Error(`BCD needs an even number of digits: ${digits}`);
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

/** `YYYY-MM-DD` → 4 bytes `YY YY MM DD`. */
export function bcdDate(date: string): Uint8Array {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a YYYY-MM-DD date: ${date}`);
  return bcd(date.replace(/-/g, ''));
}

/** `YYYY-MM-DD hh:mm:ss` (Asia/Shanghai local time) → 7 bytes `YYYYMMDDhhmmss`. */
export function bcdTime(time: string): Uint8Array {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(time)) throw new Error(`not a YYYY-MM-DD hh:mm:ss time: ${time}`);
  return bcd(time.replace(/[-: ]/g, ''));
}

export function uintBE(value: number, length: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * length)) throw new RangeError(`${value} does not fit ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = 0, v = value; i < length; i++, v = Math.floor(v / 256)) out[length - 1 - i] = v % 256;
  return out;
}

export function uintLE(value: number, length: number): Uint8Array {
  return uintBE(value, length).reverse();
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'ascii'));
}

/** BER-TLV with a 1- or 2-byte tag (hex) and a short or 0x81 length. */
export function tlv(tag: string, ...value: Uint8Array[]): Uint8Array {
  const body = concatBytes(...value);
  if (body.length > 255) throw new RangeError('TLV value too long');
  const len = body.length < 0x80 ? Uint8Array.of(body.length) : Uint8Array.of(0x81, body.length);
  return concatBytes(fromHex(tag), len, body);
}

/** Lays out fields at fixed offsets in a zero-filled record of `length` bytes. */
export function record(length: number, fields: readonly (readonly [offset: number, bytes: Uint8Array])[]): Uint8Array {
  const out = new Uint8Array(length);
  for (const [offset, bytes] of fields) {
    if (offset + bytes.length > length) throw new RangeError(`field at ${offset} (${bytes.length} bytes) overflows a ${length}-byte record`);
    out.set(bytes, offset);
  }
  return out;
}
