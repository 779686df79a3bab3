/** Decoders of the log files: 0x18 transaction records (23 bytes) and 0x1E trip records (48 bytes). */
import type { CardTransaction, CardTrip, TransactionKind, TripKind, TripMode } from '../../../shared/card.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { bcdDigits, isAll, toHex, uintBE } from '../bytes.js';
import { decodeError, type DecodeError } from '../errors.js';
import { decodeBcdTime } from './bcd-time.js';

export const TRANSACTION_RECORD_LENGTH = 23;
export const TRIP_RECORD_LENGTH = 48;

/** 0x18 byte 9 (PBOC transaction type): 01/02 load (top-up), 05/06 purchase, 09 compound purchase (a trip). */
export function transactionKind(typeCode: number): TransactionKind {
  switch (typeCode) {
    case 0x01:
    case 0x02:
      return 'top-up';
    case 0x05:
    case 0x06:
      return 'purchase';
    case 0x09:
      return 'trip';
    default:
      return 'other';
  }
}

/**
 * 0x1E byte 0 (JT/T 978): 01/03 entry (electronic cash / e-purse), 02/04 exit, 05/06 single
 * purchase; 07/08 fare adjustment and 09/0A top-up are `other`.
 */
export function tripKind(typeCode: number): TripKind {
  switch (typeCode) {
    case 0x01:
    case 0x03:
      return 'entry';
    case 0x02:
    case 0x04:
      return 'exit';
    case 0x05:
    case 0x06:
      return 'single';
    default:
      return 'other';
  }
}

export function tripMode(modeCode: number): TripMode {
  return modeCode === 0x01 ? 'metro' : modeCode === 0x02 ? 'bus' : 'other';
}

/** One 0x18 record; `null` for an all-zero (empty) record. */
export function decodeTransactionRecord(bytes: Uint8Array): Result<CardTransaction | null, DecodeError> {
  if (bytes.length < TRANSACTION_RECORD_LENGTH) return err(decodeError('0x18 record', `${bytes.length} bytes, need ${TRANSACTION_RECORD_LENGTH}`));
  if (isAll(bytes, 0, TRANSACTION_RECORD_LENGTH, 0)) return ok(null);
  const typeCode = bytes[9]!;
  return ok({
    counter: uintBE(bytes, 0, 2),
    overdraft: uintBE(bytes, 2, 3),
    amount: uintBE(bytes, 5, 4),
    kind: transactionKind(typeCode),
    typeCode,
    terminal: toHex(bytes.subarray(10, 16)),
    time: decodeBcdTime(bytes, 16),
  });
}

/** One 0x1E record; `null` for an all-zero (empty) record. */
export function decodeTripRecord(bytes: Uint8Array): Result<CardTrip | null, DecodeError> {
  if (bytes.length < TRIP_RECORD_LENGTH) return err(decodeError('0x1E record', `${bytes.length} bytes, need ${TRIP_RECORD_LENGTH}`));
  if (isAll(bytes, 0, TRIP_RECORD_LENGTH, 0)) return ok(null);
  return ok({
    kind: tripKind(bytes[0x00]!),
    mode: tripMode(bytes[0x09]!),
    amount: uintBE(bytes, 0x11, 4),
    balanceAfter: uintBE(bytes, 0x15, 4),
    time: decodeBcdTime(bytes, 0x19),
    cityCode: bcdDigits(bytes, 0x20, 2) ?? toHex(bytes.subarray(0x20, 0x22)),
    line: uintBE(bytes, 0x0a, 2),
    stationNumber: uintBE(bytes, 0x0c, 2),
    station: toHex(bytes.subarray(0x0a, 0x11)),
    terminal: toHex(bytes.subarray(0x01, 0x09)),
    institution: toHex(bytes.subarray(0x22, 0x2a)),
  });
}
