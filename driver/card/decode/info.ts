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

/** City code of Chongqing, whose City Union cards keep the number in the MF file SFI 5. */
export const CHONGQING_CITY_CODE = '4000';
/** City code of Shanghai, whose City Union cards keep a binary number in 0x15 bytes 16..19. */
export const SHANGHAI_CITY_CODE = '2900';

/**
 * City Union 0x15. The number is the application account, bytes 12..19: 16 BCD digits on the
 * cards published with their bytes (Hangzhou: `31 00 00 00 20 45 88 78` → `3100000020458878`,
 * the first four digits repeating the city code). Where those bytes are not BCD (Shanghai), the
 * number is bytes 16..19 as an unsigned integer, little-endian for Shanghai and big-endian
 * elsewhere; no published Shanghai bytes confirm this (docs/card-reading.md).
 * Chongqing (city 4000) keeps a different 0x15: use `decodeChongqingInfo`.
 */
export function decodeCityUnionInfo(bytes: Uint8Array): Result<CardInfo, DecodeError> {
  const short = needLength(bytes, INFO_15_LENGTH, '0x15');
  if (short) return err(short);
  const v = validity(bytes, 20, 24, '0x15');
  if (!v.ok) return v;
  const cityCode = issuerCity(bytes);
  const account = bcdDigits(bytes, 12, 8);
  const cardNumber = account ?? String(cityCode === SHANGHAI_CITY_CODE ? uintLE(bytes, 16, 4) : uintBE(bytes, 16, 4));
  return ok({ cardNumber, cityCode, ...v.value });
}

/** Bytes 2..3 of a City Union 0x15 as the city code, to choose the layout before decoding. */
export function cityUnionCity(bytes: Uint8Array): string | null {
  return bytes.length >= 4 ? issuerCity(bytes) : null;
}

/**
 * Chongqing City Union: 0x15 holds the city at bytes 2..3 and the expiry date at bytes 8..11;
 * the MF-level file SFI 5 holds the account number (BCD, bytes 12..19) and the issue date
 * (bytes 20..23).
 */
export function decodeChongqingInfo(file15: Uint8Array, mfFile05: Uint8Array): Result<CardInfo, DecodeError> {
  const short = needLength(file15, 12, '0x15') ?? needLength(mfFile05, 24, 'MF SFI 5');
  if (short) return err(short);
  const account = bcdDigits(mfFile05, 12, 8);
  if (account === null) return err(decodeError('MF SFI 5 card number', `not BCD: ${toHex(mfFile05.subarray(12, 20))}`));
  const from = decodeBcdDate(mfFile05, 20);
  const until = decodeBcdDate(file15, 8);
  if (from.kind === 'invalid') return err(decodeError('MF SFI 5 issue date', `not a BCD date: ${toHex(mfFile05.subarray(20, 24))}`));
  if (until.kind === 'invalid') return err(decodeError('0x15 expiry date', `not a BCD date: ${toHex(file15.subarray(8, 12))}`));
  return ok({
    cardNumber: account,
    cityCode: CHONGQING_CITY_CODE,
    validFrom: from.kind === 'date' ? from.value : null,
    validUntil: until.kind === 'date' ? until.value : null,
  });
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
