/** E-purse balance (CARDS.md, "Balance") and the T-Union management file 0x17. */
import type { CardHolderType } from '../../../shared/card.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { toHex, uintBE } from '../bytes.js';
import { decodeError, type DecodeError } from '../errors.js';

/** The 4 data bytes of GET BALANCE as an unsigned 32-bit slot value. */
export function decodeBalanceSlot(bytes: Uint8Array): Result<number, DecodeError> {
  if (bytes.length !== 4) return err(decodeError('balance', `expected 4 bytes, got ${bytes.length}: ${toHex(bytes)}`));
  return ok(uintBE(bytes, 0, 4));
}

/** Low 31 bits of a slot read as a signed number (bit 30 is the sign; bit 31 is not part of the value). */
export function signed31(slot: number): number {
  const v = slot & 0x7fffffff;
  return v & 0x40000000 ? v - 0x80000000 : v;
}

/** Balance of families other than T-Union: slot 0 as a 31-bit signed number. */
export function pbocBalance(slot0: number): number {
  return signed31(slot0);
}

/** T-Union: `(slot0 & 0x7FFFFFFF) − (slot1 & 0x7FFFFFFF)`, slot 1 taken as 0 when the card rejected it. */
export function tUnionBalance(slot0: number, slot1: number | null): number {
  return (slot0 & 0x7fffffff) - ((slot1 ?? 0) & 0x7fffffff);
}

const HOLDER_TYPES: Readonly<Record<number, CardHolderType>> = { 1: 'normal', 2: 'student', 3: 'elderly', 4: 'test', 5: 'military' };

/** T-Union 0x17 byte 10. Too short a file is unreadable; an unknown code is `unknown`. */
export function decodeHolderType(file17: Uint8Array): Result<CardHolderType, DecodeError> {
  if (file17.length < 11) return err(decodeError('0x17', `${file17.length} bytes, need at least 11`));
  return ok(HOLDER_TYPES[file17[10]!] ?? 'unknown');
}
