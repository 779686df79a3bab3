/**
 * Encoders that build card file bytes from domain values: fixtures for unit tests and
 * round-trip properties of the decoders. Layouts: CARDS.md ("T-Union files").
 */
import type { CardTransaction, CardTrip } from '../../shared/card.js';
import { bcdDate, uintBE } from '../../shared/card-encoders.js';
import { fromHex } from '../../shared/bytes.js';
import { encodeBcdTime } from './decode/bcd-time.js';

export interface TUnionInfoFields {
  /** 4 BCD digits placed at bytes 2..3 of the issuer id. */
  readonly cityCode: string;
  /** 20 BCD digits (the printed number is the last 19). */
  readonly serial: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly appType?: number;
  readonly appVersion?: number;
}

/** 30-byte T-Union file 0x15. */
export function encodeTUnionInfo(f: TUnionInfoFields): Uint8Array {
  const b = new Uint8Array(30);
  b.set(fromHex(`0101${f.cityCode}FFFFFFFF`), 0); // issuer id (bytes 0..7), city code at 2..3
  b[8] = f.appType ?? 0x02; // application type
  b[9] = f.appVersion ?? 0x01; // application version
  b.set(fromHex(f.serial), 10); // serial, 20 BCD digits
  b.set(bcdDate(f.validFrom), 20);
  b.set(bcdDate(f.validUntil), 24);
  return b;
}

/** 23-byte 0x18 record. `time: null` writes an all-FF time (not a valid BCD time). */
export function encodeTransactionRecord(t: Omit<CardTransaction, 'kind'>): Uint8Array {
  const b = new Uint8Array(23);
  b.set(uintBE(t.counter, 2), 0);
  b.set(uintBE(t.overdraft, 3), 2);
  b.set(uintBE(t.amount, 4), 5);
  b[9] = t.typeCode;
  b.set(fromHex(t.terminal), 10);
  b.set(t.time === null ? new Uint8Array(7).fill(0xff) : encodeBcdTime(t.time), 16);
  return b;
}

export interface TripRecordFields extends Omit<CardTrip, 'kind' | 'mode' | 'line' | 'stationNumber'> {
  readonly typeCode: number;
  readonly modeCode: number;
}

/** 48-byte 0x1E record. */
export function encodeTripRecord(t: TripRecordFields): Uint8Array {
  const b = new Uint8Array(48);
  b[0x00] = t.typeCode;
  b.set(fromHex(t.terminal), 0x01);
  b[0x09] = t.modeCode;
  b.set(fromHex(t.station), 0x0a);
  b.set(uintBE(t.amount, 4), 0x11);
  b.set(uintBE(t.balanceAfter, 4), 0x15);
  b.set(t.time === null ? new Uint8Array(7).fill(0xff) : encodeBcdTime(t.time), 0x19);
  b.set(fromHex(t.cityCode), 0x20);
  b.set(fromHex(t.institution), 0x22);
  return b;
}

export function encodeBalance(slot: number): Uint8Array {
  return uintBE(slot >>> 0, 4);
}
