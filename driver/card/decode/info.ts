/**
 * Decoders of the application info files of each family (CARDS.md, "Families"): card number,
 * issuer city, validity. Pure functions on the file bytes (without SW1SW2).
 */
import { err, ok, type Result } from '../../../shared/result.js';
import { bcdDigits, toHex, uintBE, uintLE } from '../bytes.js';
import { decodeError, type DecodeError } from '../errors.js';
import { decodeBcdDate } from './bcd-time.js';

export interface CardInfo {
  readonly cardNumber: string;
  readonly cityCode: string | null;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
}

/** Length of the PBOC-style public application info file 0x15. */
export const INFO_15_LENGTH = 30;

function validity(bytes: Uint8Array, fromAt: number, untilAt: number, file: string): Result<Pick<CardInfo, 'validFrom' | 'validUntil'>, DecodeError> {
  const from = decodeBcdDate(bytes, fromAt);
  const until = decodeBcdDate(bytes, untilAt);
  if (from.kind === 'invalid') return err(decodeError(`${file} start date`, `not a BCD date: ${toHex(bytes.subarray(fromAt, fromAt + 4))}`));
  if (until.kind === 'invalid') return err(decodeError(`${file} expiry date`, `not a BCD date: ${toHex(bytes.subarray(untilAt, untilAt + 4))}`));
  return ok({ validFrom: from.kind === 'date' ? from.value : null, validUntil: until.kind === 'date' ? until.value : null });
}

function needLength(bytes: Uint8Array, length: number, file: string): DecodeError | null {
  return bytes.length < length ? decodeError(file, `${bytes.length} bytes, need ${length}`) : null;
}

/** City code from bytes 2..3 of the issuer id (BCD); null when the bytes are not BCD. */
function issuerCity(bytes: Uint8Array): string | null {
  return bcdDigits(bytes, 2, 2);
}

/** T-Union 0x15: number is BCD bytes 10..19 shown without its first digit. */
export function decodeTUnionInfo(bytes: Uint8Array): Result<CardInfo, DecodeError> {
  const short = needLength(bytes, INFO_15_LENGTH, '0x15');
  if (short) return err(short);
  const digits = bcdDigits(bytes, 10, 10);
  if (digits === null) return err(decodeError('0x15 card number', `not BCD: ${toHex(bytes.subarray(10, 20))}`));
  const v = validity(bytes, 20, 24, '0x15');
  if (!v.ok) return v;
  return ok({ cardNumber: digits.slice(1), cityCode: issuerCity(bytes), ...v.value });
}

/** City Union 0x15: number is bytes 16..19 as a big-endian uint32 (the byte order implementations dispute). */
export function decodeCityUnionInfo(bytes: Uint8Array): Result<CardInfo, DecodeError> {
  const short = needLength(bytes, INFO_15_LENGTH, '0x15');
  if (short) return err(short);
  const v = validity(bytes, 20, 24, '0x15');
  if (!v.ok) return v;
  return ok({ cardNumber: String(uintBE(bytes, 16, 4)), cityCode: issuerCity(bytes), ...v.value });
}

/** Check digit of Shenzhen Tong numbers: `(10 − digitsum % 10) % 10`. */
export function shenzhenCheckDigit(number: string): number {
  const sum = [...number].reduce((s, c) => s + Number(c), 0);
  return (10 - (sum % 10)) % 10;
}

/** Shenzhen Tong 0x15: bytes 16..19 little-endian uint32, decimal, plus a check digit. City is Shenzhen. */
export function decodeShenzhenInfo(bytes: Uint8Array): Result<CardInfo, DecodeError> {
  const short = needLength(bytes, INFO_15_LENGTH, '0x15');
  if (short) return err(short);
  const v = validity(bytes, 20, 24, '0x15');
  if (!v.ok) return v;
  const n = String(uintLE(bytes, 16, 4));
  return ok({ cardNumber: `${n}${shenzhenCheckDigit(n)}`, cityCode: '5840', ...v.value });
}

/** Beijing 0x04: number is hex of bytes 0..7, validity at 24..27 and 28..31. City is Beijing. */
export function decodeBeijingInfo(bytes: Uint8Array): Result<CardInfo, DecodeError> {
  const short = needLength(bytes, 32, '0x04');
  if (short) return err(short);
  const v = validity(bytes, 24, 28, '0x04');
  if (!v.ok) return v;
  return ok({ cardNumber: toHex(bytes.subarray(0, 8)), cityCode: '1000', ...v.value });
}

/** Wuhan Tong: number is hex of 0x0A bytes 0..4; 0x05 holds start at 20..23 and expiry at 16..19. */
export function decodeWuhanInfo(file0A: Uint8Array, file05: Uint8Array): Result<CardInfo, DecodeError> {
  const short = needLength(file0A, 5, '0x0A') ?? needLength(file05, 24, '0x05');
  if (short) return err(short);
  const v = validity(file05, 20, 16, '0x05');
  if (!v.ok) return v;
  return ok({ cardNumber: toHex(file0A.subarray(0, 5)), cityCode: null, ...v.value });
}

/** Lingnan Pass 0x15: number is hex of bytes 11..15; validity is not established, so none is claimed. */
export function decodeLingnanInfo(bytes: Uint8Array): Result<CardInfo, DecodeError> {
  const short = needLength(bytes, 16, '0x15');
  if (short) return err(short);
  return ok({ cardNumber: toHex(bytes.subarray(11, 16)), cityCode: null, validFrom: null, validUntil: null });
}
