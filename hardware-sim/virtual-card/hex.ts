/** Hex helpers for card bytes. Hex in images may contain spaces; it is normalised to upper case. */

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function isHex(text: string): boolean {
  return HEX.test(text.replace(/\s+/g, ''));
}

export function hexToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!HEX.test(clean)) throw new TypeError(`not hex bytes: ${JSON.stringify(text.slice(0, 40))}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
