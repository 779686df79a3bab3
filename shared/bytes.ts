/**
 * Byte helpers used on every side (card driver, simulator, runtime, tests): hex text ↔ bytes,
 * joining and comparing byte strings. Hex may contain spaces; it comes out in upper case.
 */

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** True when `text` (spaces ignored) is whole bytes of hex. */
export function isHex(text: string): boolean {
  return HEX.test(text.replace(/\s+/g, ''));
}

/** Hex text (spaces ignored) → bytes; a TypeError naming the text when it is not whole hex bytes. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!HEX.test(clean)) throw new TypeError(`not hex bytes: ${JSON.stringify(text.slice(0, 40))}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Bytes → upper-case hex without spaces. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
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

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
