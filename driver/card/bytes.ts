/** Byte helpers for card responses: big/little-endian integers, BCD; hex and joining from shared/bytes.ts. */

export { concatBytes, fromHex, toHex } from '../../shared/bytes.js';

export function uintBE(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + (bytes[offset + i] ?? 0);
  return value;
}

export function uintLE(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + (bytes[offset + i] ?? 0);
  return value;
}

/** The digits of BCD bytes, or null when a nibble is not 0–9. */
export function bcdDigits(bytes: Uint8Array, offset: number, length: number): string | null {
  let out = '';
  for (let i = offset; i < offset + length; i++) {
    const b = bytes[i];
    if (b === undefined) return null;
    const hi = b >> 4;
    const lo = b & 0x0f;
    if (hi > 9 || lo > 9) return null;
    out += `${hi}${lo}`;
  }
  return out;
}

export function isAll(bytes: Uint8Array, offset: number, length: number, value: number): boolean {
  for (let i = offset; i < offset + length; i++) if (bytes[i] !== value) return false;
  return true;
}
