/**
 * One complete read of a transit card over an `ApduTransport`: detection, the fast path
 * (summary: info and balance, 3 APDUs on a T-Union or City Union card whose FCI carries 0x15)
 * handed to `onSummary` at once, then the UID, the holder type and the logs. Returns the
 * snapshot or a `CardReadError`; never a half-filled snapshot.
 */
import { createHash } from 'node:crypto';
import type { BalanceSlots, CardFamily, CardHolderType, CardReadError, CardSnapshot, CardSummary, CardTransaction, CardTrip } from '../../shared/card.js';
import { err, ok, type Result } from '../../shared/result.js';
import { GET_UID, SELECT_MF, getBalance, readBinary, readRecord, selectByName } from './apdu.js';
import { toHex } from './bytes.js';
import { CardIoError, type DecodeError } from './errors.js';
import {
  FAMILY_DETECTION_ORDER,
  LINGNAN_PURSE_NAME,
  MAX_TRANSACTION_RECORDS,
  MAX_TRIP_RECORDS,
  TRANSACTIONS_SFI,
  type FamilySpec,
} from './families.js';
import {
  CHONGQING_CITY_CODE,
  cityUnionCity,
  decodeBeijingInfo,
  decodeChongqingInfo,
  decodeCityUnionInfo,
  decodeLingnanInfo,
  decodeShenzhenInfo,
  decodeTUnionInfo,
  decodeWuhanInfo,
  INFO_15_LENGTH,
  type CardInfo,
} from './decode/info.js';
import { decodeBalanceSlot, decodeHolderType, pbocBalance, tUnionBalance } from './decode/purse.js';
import { decodeTransactionRecord, decodeTripRecord } from './decode/records.js';
import { findTlv } from './decode/tlv.js';
import { CardChannel, SW_FILE_NOT_FOUND, SW_OK, SW_RECORD_NOT_FOUND, SW_SECURITY, swHex, type ApduResponse, type ApduTransport } from './transport.js';

export interface ReadCardOptions {
  /** Kiosk clock, for `readAt`. */
  readonly now?: () => Date;
  readonly commandTimeoutMs?: number;
  /** Called once, as soon as the fast path is read, before the logs. Must not throw. */
  readonly onSummary?: (summary: CardSummary) => void;
}

export const hashUid = (uid: Uint8Array): string => createHash('sha256').update(uid).digest('hex');

/** Reads one card. Rejects only on programming errors (a transport that breaks its contract). */
export async function readCard(transport: ApduTransport, options: ReadCardOptions = {}): Promise<Result<CardSnapshot, CardReadError>> {
  const channel = new CardChannel(transport, options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs });
  let family: CardFamily | undefined;
  try {
    const detected = await detect(channel);
    if (detected === null) {
      const uidHash = await readUidHash(channel);
      return err({ code: 'unsupported-card', message: 'not a supported transit card', ...(uidHash ? { detail: `uid sha256 ${uidHash}` } : {}) });
    }
    family = detected.spec.family;
    const fast = await readSummary(channel, detected);
    const summary: CardSummary = { ...fast.summary, uidHash: null };
    options.onSummary?.(summary);
    const uidHash = await readUidHash(channel);
    if (fast.leftApplication) expectOk(await channel.send(selectByName(detected.name)), 'SELECT (back into the application)');
    const holderType = detected.spec.family === 't-union' ? await tUnionHolderType(channel) : summary.holderType;
    const transactions = await readTransactions(channel);
    const trips = detected.spec.tripsSfi === null ? [] : await readTrips(channel, detected.spec.tripsSfi);
    const now = options.now?.() ?? new Date();
    return ok({ ...summary, uidHash, holderType, transactions, trips, readAt: now.toISOString(), apduCount: channel.apduCount });
  } catch (e) {
    if (!(e instanceof CardIoError)) throw e;
    return err({ code: e.code, message: e.message, ...(family ? { family } : {}), ...(e.detail === undefined ? {} : { detail: e.detail }) });
  }
}

/** `FF CA 00 00 00` answered by the reader: SHA-256 of the UID, or null when the reader has none. */
async function readUidHash(channel: CardChannel): Promise<string | null> {
  const uid = await channel.send(GET_UID);
  return uid.sw === SW_OK && uid.data.length > 0 ? hashUid(uid.data) : null;
}

interface Detected {
  readonly spec: FamilySpec;
  readonly name: Uint8Array;
  /** SELECT answer data (FCI), possibly empty. */
  readonly fci: Uint8Array;
}

async function detect(channel: CardChannel): Promise<Detected | null> {
  for (const spec of FAMILY_DETECTION_ORDER) {
    for (const name of spec.names) {
      const r = await channel.send(selectByName(name));
      if (r.sw === SW_OK) return { spec, name, fci: r.data };
    }
  }
  return null;
}

type SummaryWithoutUid = Omit<CardSummary, 'uidHash'>;

interface FastRead {
  readonly summary: SummaryWithoutUid;
  /** True when the fast path selected the MF (files outside the application): select it again before the logs. */
  readonly leftApplication: boolean;
}

async function readSummary(channel: CardChannel, d: Detected): Promise<FastRead> {
  const aid = toHex(d.name);
  switch (d.spec.family) {
    case 't-union': {
      const file15 = findInfoInFci(d.fci);
      const slot0 = await balanceSlot(channel, 0);
      const slot1 = await balanceSlot(channel, 1);
      const info = must(decodeTUnionInfo(file15 ?? (await readInfo15(channel))));
      return stay(summaryOf('t-union', aid, info, { slot0: slot0 ?? 0, slot1 }, tUnionBalance(slot0 ?? 0, slot1)));
    }
    case 'city-union': {
      const fromFci = findInfoInFci(d.fci);
      const slot0 = await pbocSlot0(channel);
      const file15 = fromFci ?? (await readInfo15(channel));
      if (cityUnionCity(file15) === CHONGQING_CITY_CODE) {
        const mf05 = await readOutsideApplication(channel, 0x05);
        return { summary: pbocSummary(d, must(decodeChongqingInfo(file15, mf05)), slot0), leftApplication: true };
      }
      return stay(pbocSummary(d, must(decodeCityUnionInfo(file15)), slot0));
    }
    case 'shenzhen-tong': {
      const fromFci = findInfoInFci(d.fci);
      const slot0 = await pbocSlot0(channel);
      return stay(pbocSummary(d, must(decodeShenzhenInfo(fromFci ?? (await readInfo15(channel)))), slot0));
    }
    case 'beijing': {
      const slot0 = await pbocSlot0(channel);
      const file04 = await readOutsideApplication(channel, 0x04);
      return { summary: pbocSummary(d, must(decodeBeijingInfo(file04)), slot0), leftApplication: true };
    }
    case 'wuhan-tong': {
      const file0A = expectOk(await channel.send(readBinary(0x0a)), 'READ BINARY 0x0A');
      const file05 = expectOk(await channel.send(readBinary(0x05)), 'READ BINARY 0x05');
      const info = must(decodeWuhanInfo(file0A, file05));
      return stay(pbocSummary(d, info, await pbocSlot0(channel)));
    }
    case 'lingnan-pass': {
      const info = must(decodeLingnanInfo(expectOk(await channel.send(readBinary(0x15)), 'READ BINARY 0x15')));
      expectOk(await channel.send(selectByName(LINGNAN_PURSE_NAME)), 'SELECT PAY.TICL');
      return stay(pbocSummary(d, info, await pbocSlot0(channel)));
    }
  }
}

const stay = (summary: SummaryWithoutUid): FastRead => ({ summary, leftApplication: false });

/** SELECT MF, then READ BINARY of a file kept at the card's top level (outside every application). */
async function readOutsideApplication(channel: CardChannel, sfi: number): Promise<Uint8Array> {
  expectOk(await channel.send(SELECT_MF), 'SELECT MF');
  return expectOk(await channel.send(readBinary(sfi)), `READ BINARY MF SFI ${sfi.toString(16).toUpperCase()}`);
}

async function pbocSlot0(channel: CardChannel): Promise<number> {
  const slot0 = await balanceSlot(channel, 0);
  if (slot0 === null) throw new CardIoError('unreadable-card', 'card refused GET BALANCE', 'slot 0');
  return slot0;
}

function pbocSummary(d: Detected, info: CardInfo, slot0: number): SummaryWithoutUid {
  return summaryOf(d.spec.family, toHex(d.name), info, { slot0, slot1: null }, pbocBalance(slot0));
}

function summaryOf(family: CardFamily, aid: string, info: CardInfo, balanceSlots: BalanceSlots, balance: number): SummaryWithoutUid {
  return { family, aid, ...info, balance, currency: 'CNY', balanceSlots, holderType: 'unknown' };
}

/** File 0x15 from the FCI's `9F0C` when the card put it there (saves one APDU), else null. */
function findInfoInFci(fci: Uint8Array): Uint8Array | null {
  const fromFci = findTlv(fci, '9F0C');
  return fromFci.ok && fromFci.value !== null && fromFci.value.length >= INFO_15_LENGTH ? fromFci.value : null;
}

async function readInfo15(channel: CardChannel): Promise<Uint8Array> {
  return expectOk(await channel.send(readBinary(0x15)), 'READ BINARY 0x15');
}

/** Slot value, or null when the card refuses this slot. Slot 0 refused is the caller's call. */
async function balanceSlot(channel: CardChannel, slot: 0 | 1): Promise<number | null> {
  const r = await channel.send(getBalance(slot));
  if (r.sw !== SW_OK) {
    if (slot === 0) throw new CardIoError('unreadable-card', `GET BALANCE answered ${swHex(r.sw)}`, swHex(r.sw));
    return null;
  }
  return must(decodeBalanceSlot(r.data));
}

async function tUnionHolderType(channel: CardChannel): Promise<CardHolderType> {
  const r = await channel.send(readBinary(0x17));
  return r.sw === SW_OK ? must(decodeHolderType(r.data)) : 'unknown';
}

async function readTransactions(channel: CardChannel): Promise<CardTransaction[]> {
  return readRecords(channel, TRANSACTIONS_SFI, MAX_TRANSACTION_RECORDS, decodeTransactionRecord);
}

async function readTrips(channel: CardChannel, sfi: number): Promise<CardTrip[]> {
  return readRecords(channel, sfi, MAX_TRIP_RECORDS, decodeTripRecord);
}

/** Record 1 (newest) upward, until the card says there are no more, an empty record, or `max`. */
async function readRecords<T>(channel: CardChannel, sfi: number, max: number, decode: (b: Uint8Array) => Result<T | null, DecodeError>): Promise<T[]> {
  const out: T[] = [];
  for (let n = 1; n <= max; n++) {
    const r = await channel.send(readRecord(sfi, n));
    if (r.sw === SW_RECORD_NOT_FOUND || r.sw === SW_FILE_NOT_FOUND || r.sw === SW_SECURITY) break;
    const record = must(decode(expectOk(r, `READ RECORD ${n} of SFI ${sfi.toString(16)}`)));
    if (record === null) break;
    out.push(record);
  }
  return out;
}

function expectOk(r: ApduResponse, what: string): Uint8Array {
  if (r.sw !== SW_OK) throw new CardIoError('unreadable-card', `${what} answered ${swHex(r.sw)}`, swHex(r.sw));
  return r.data;
}

function must<T>(r: Result<T, DecodeError>): T {
  if (!r.ok) throw new CardIoError('unreadable-card', `${r.error.field}: ${r.error.message}`, r.error.field);
  return r.value;
}
