import { concatBytes, fromHex } from '../../shared/bytes.js';
import type { CardImage } from './image.js';

/**
 * ATR of an ISO 14443-4 card as a PC/SC part 3 reader builds it:
 * `3B 8n 80 01 <n historical bytes> TCK`, TCK = XOR of T0 … the last historical byte.
 */
export function iso14443_4Atr(historicalBytes: Uint8Array): Uint8Array {
  if (historicalBytes.length > 15) throw new RangeError('at most 15 historical bytes');
  const body = concatBytes(Uint8Array.of(0x3b, 0x80 | historicalBytes.length, 0x80, 0x01), historicalBytes);
  const tck = body.subarray(1).reduce((x, b) => x ^ b, 0);
  return concatBytes(body, Uint8Array.of(tck));
}

/** The image's ATR: given, or computed from its historical bytes. */
export function atrOf(image: CardImage): Uint8Array {
  if (image.atr !== undefined) return fromHex(image.atr);
  return iso14443_4Atr(fromHex(image.historicalBytes ?? ''));
}
