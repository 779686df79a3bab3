/** Byte helpers for card responses: hex, big/little-endian integers, BCD. */

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not hex: ${hex}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

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

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
