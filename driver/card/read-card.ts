/**
 * One complete read of a transit card over an `ApduTransport`: detection, the balance handed to
 * `onSummary` at once (with the number and validity where the SELECT answer or detection already
 * gave them), then the UID, the files the summary left out, the holder type and the logs.
 * Returns the snapshot or a `CardReadError`; never a half-filled snapshot.
 */
import { createHash } from 'node:crypto';
import type { BalanceSlots, CardFamily, CardHolderType, CardReadError, CardSnapshot, CardSummary, CardTransaction, CardTrip } from '../../shared/card.js';
import { err, ok, type Result } from '../../shared/result.js';
import { GET_UID, SELECT_MF, getBalance, readBinary, readRecord, selectByFileId, selectByName } from './apdu.js';
import { toHex } from './bytes.js';
import { CardIoError, type DecodeError } from './errors.js';
import {
  BEIJING_MF_PREFIX,
  BEIJING_MF_SFI,
  BEIJING_NAMES,
  detectionOrder,
  familyOfDfName,
  LINGNAN_INFO_NAME,
  MAX_TRANSACTION_RECORDS,
  MAX_TRIP_RECORDS,
  PURSE_DF,
  TRANSACTIONS_SFI,
  TRIPS_SFI_OF,
  WUHAN_MF_SFIS,
  type Probe,
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
import { findTlv, parseTlvs } from './decode/tlv.js';
import { CardChannel, SW_FILE_NOT_FOUND, SW_OK, SW_RECORD_NOT_FOUND, SW_SECURITY, swHex, type ApduResponse, type ApduTransport } from './transport.js';

export interface ReadCardOptions {
  /** Kiosk clock, for `readAt`. */
  readonly now?: () => Date;
  readonly commandTimeoutMs?: number;
  /** Called once, as soon as the balance is read, before the logs. Must not throw. */
  readonly onSummary?: (summary: CardSummary) => void;
  /**
   * The family of the previous card read on this reader: its probe goes right after T-Union's.
   * Ordering only; the card's own answers decide the family.
   */
  readonly familyHint?: CardFamily | null;
}

export const hashUid = (uid: Uint8Array): string => createHash('sha256').update(uid).digest('hex');

/** Reads one card. Rejects only on programming errors (a transport that breaks its contract). */
export async function readCard(transport: ApduTransport, options: ReadCardOptions = {}): Promise<Result<CardSnapshot, CardReadError>> {
  const channel = new CardChannel(transport, options.commandTimeoutMs === undefined ? {} : { commandTimeoutMs: options.commandTimeoutMs });
  let family: CardFamily | undefined;
  let summarySent = false;
  const sendSummary = (summary: CardSummary): void => {
    if (summarySent) return;
    summarySent = true;
    options.onSummary?.(summary);
  };
  try {
    const found = await detect(channel, detectionOrder(options.familyHint ?? null));
    if (found?.kind === 'detected') family = found.detected.family;
    const told = (f: CardFamily): void => void (family = f);
    const read = found === null ? null : found.kind === 'detected' ? { detected: found.detected, fast: await readSummary(channel, found.detected) } : await readAfterPurseBalance(channel, found, sendSummary, told);
    if (read === null) {
      const uidHash = await readUidHash(channel);
      return err({ code: 'unsupported-card', message: 'not a supported transit card', ...(uidHash ? { detail: `uid sha256 ${uidHash}` } : {}) });
    }
    const { detected, fast } = read;
    // once per read: a summary already sent with its family still to be told is not sent again
    sendSummary({ ...fast.summary, uidHash: null });
    const info = fast.rest === null ? null : await fast.rest();
    const uidHash = await readUidHash(channel);
    const cardNumber = info?.cardNumber ?? fast.summary.cardNumber;
    if (cardNumber === null) throw new Error('readSummary left the card number unread');
    const holderType = detected.family === 't-union' ? await tUnionHolderType(channel) : fast.summary.holderType;
    const transactions = await readTransactions(channel);
    const tripsSfi = TRIPS_SFI_OF[detected.family];
    const trips = tripsSfi === null ? [] : await readTrips(channel, tripsSfi);
    const now = options.now?.() ?? new Date();
    return ok({ ...fast.summary, ...info, family: detected.family, cardNumber, uidHash, holderType, transactions, trips, readAt: now.toISOString(), apduCount: channel.apduCount });
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
  readonly family: CardFamily;
  /** What the summary names as `aid`: the DF name that answered SELECT (hex). */
  readonly aid: string;
  /** The command that selects the application again after a read outside it. */
  readonly reselect: Uint8Array;
  /** SELECT answer data (FCI), possibly empty. */
  readonly fci: Uint8Array;
  /** Beijing's MF file 0x04, when detection read it. */
  readonly beijingMfFile: Uint8Array | null;
}

/**
 * The purse DF 1001 answered with a generic DF name (`PBOC`, `OC`, none): a PBOC purse whose
 * family is told after its balance, by MF file 0x04 or the probes that follow in the order.
 */
interface PurseOfUnknownFamily {
  readonly kind: 'purse';
  readonly aid: string;
  readonly fci: Uint8Array;
  /** The probes after the purse DF's in this read's order. */
  readonly rest: readonly Probe[];
}

type Found = { readonly kind: 'detected'; readonly detected: Detected } | PurseOfUnknownFamily;

const detected = (d: Detected): Found => ({ kind: 'detected', detected: d });

async function detect(channel: CardChannel, order: readonly Probe[]): Promise<Found | null> {
  for (const [i, probe] of order.entries()) {
    if (probe.kind === 'select') {
      const found = await selectFamily(channel, probe);
      if (found !== null) return detected(found);
      continue;
    }
    if (probe.kind === 'purse-file') {
      const r = await channel.send(selectByFileId(PURSE_DF));
      if (r.sw !== SW_OK) continue;
      const fci = validFci(r.data);
      const name = dfName(fci);
      const aid = name === null ? toHex(PURSE_DF) : toHex(name);
      const family = familyOfDfName(name);
      if (family !== null) return detected({ family, aid, reselect: selectByFileId(PURSE_DF), fci, beijingMfFile: null });
      return { kind: 'purse', aid, fci, rest: order.slice(i + 1) };
    }
    // No SELECT has answered 90 00 yet, so the MF is still the current DF (ISO 7816-4: a refused
    // SELECT leaves the current file as it was): READ BINARY by SFI reads Beijing's MF file 0x04.
    // The purse DF 1001 comes before this probe in every order, so this card refused it.
    const file04 = await channel.send(readBinary(BEIJING_MF_SFI));
    if (file04.sw !== SW_OK || !startsWith(file04.data, BEIJING_MF_PREFIX)) continue;
    return detected({ ...(await selectBeijingDfByName(channel)), beijingMfFile: file04.data });
  }
  return null;
}

async function selectFamily(channel: CardChannel, probe: Extract<Probe, { kind: 'select' }>): Promise<Detected | null> {
  const r = await channel.send(selectByName(probe.name));
  return r.sw === SW_OK ? { family: probe.family, aid: toHex(probe.name), reselect: selectByName(probe.name), fci: validFci(r.data), beijingMfFile: null } : null;
}

/** The DF name (tag `84`) of an FCI, or null when it has none. */
function dfName(fci: Uint8Array): Uint8Array | null {
  const name = findTlv(fci, '84');
  return name.ok && name.value !== null && name.value.length > 0 ? name.value : null;
}

/** Beijing's application by its names, on a card that refused DF 1001. */
async function selectBeijingDfByName(channel: CardChannel): Promise<Omit<Detected, 'beijingMfFile'>> {
  let refused = '';
  for (const n of BEIJING_NAMES) {
    const byName = await channel.send(selectByName(n));
    if (byName.sw === SW_OK) return { family: 'beijing', aid: toHex(n), reselect: selectByName(n), fci: validFci(byName.data) };
    refused ||= swHex(byName.sw);
  }
  throw new CardIoError('unreadable-card', 'Beijing card without its application DF', refused);
}

/**
 * A purse DF of a family still to be told: its balance first (the summary, family null), then
 * the family — Beijing by MF file 0x04 starting `1000` (SELECT MF, READ BINARY, back into DF
 * 1001), else the probes left in the order, each by the card's own answer; null when none fits.
 * A purse that refuses GET BALANCE sends no summary and is told the same way.
 */
async function readAfterPurseBalance(
  channel: CardChannel,
  purse: PurseOfUnknownFamily,
  onSummary: (summary: CardSummary) => void,
  told: (family: CardFamily) => void,
): Promise<{ detected: Detected; fast: FastRead } | null> {
  const r = await channel.send(getBalance(0));
  const slot0 = r.sw === SW_OK ? must(decodeBalanceSlot(r.data)) : null;
  if (slot0 !== null) {
    onSummary({ ...pbocSummary({ family: null, aid: purse.aid }, PENDING, slot0), uidHash: null });
  }
  const reselect = selectByFileId(PURSE_DF);
  if ((await channel.send(SELECT_MF)).sw === SW_OK) {
    const file04 = await channel.send(readBinary(BEIJING_MF_SFI));
    if (file04.sw === SW_OK && startsWith(file04.data, BEIJING_MF_PREFIX)) {
      told('beijing');
      expectOk(await channel.send(reselect), 'SELECT DF 1001 (back into the application)');
      const d: Detected = { family: 'beijing', aid: purse.aid, reselect, fci: purse.fci, beijingMfFile: file04.data };
      return { detected: d, fast: slot0 === null ? await readSummary(channel, d) : whole(pbocSummary(d, must(decodeBeijingInfo(file04.data)), slot0)) };
    }
  }
  for (const probe of purse.rest) {
    if (probe.kind !== 'select') continue;
    const d = await selectFamily(channel, probe);
    if (d === null) continue;
    told(d.family);
    return { detected: d, fast: await readSummary(channel, d) };
  }
  return null;
}

/** A SELECT answer's data: empty, or a BER-TLV FCI. Anything else is a card answering garbage, stopped before its balance is shown. */
function validFci(fci: Uint8Array): Uint8Array {
  if (fci.length > 0 && !parseTlvs(fci).ok) throw new CardIoError('unreadable-card', 'SELECT answer is not an FCI', 'FCI');
  return fci;
}

const startsWith = (bytes: Uint8Array, prefix: Uint8Array): boolean => bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

/** A summary before its UID hash is added, of family `F` (null: still to be told). */
type SummaryBeforeUid<F extends CardFamily | null> = Omit<CardSummary, 'uidHash' | 'family'> & { readonly family: F };
/** The summary a family's read sends: its family known. */
type SummaryWithoutUid = SummaryBeforeUid<CardFamily>;

interface FastRead {
  /** What the card-summary event carries: the balance, and the number where it was at hand. */
  readonly summary: SummaryWithoutUid;
  /**
   * Reads what the summary left out (number, city, validity), after the summary is out, and
   * leaves the card in the application for the logs; null when the summary has it all.
   */
  readonly rest: (() => Promise<CardInfo>) | null;
}

/** Number, city and validity as the summary carries them: null where not read yet. */
type SummaryInfo = Omit<CardInfo, 'cardNumber'> & { readonly cardNumber: string | null };
const PENDING: SummaryInfo = { cardNumber: null, cityCode: null, validFrom: null, validUntil: null };

async function readSummary(channel: CardChannel, d: Detected): Promise<FastRead> {
  switch (d.family) {
    case 't-union': {
      const file15 = findInfoInFci(d.fci);
      const slot0 = await balanceSlot(channel, 0);
      const slot1 = await balanceSlot(channel, 1);
      const slots = { slot0: slot0 ?? 0, slot1 };
      const balance = tUnionBalance(slot0 ?? 0, slot1);
      if (file15 !== null) return whole(summaryOf(d, must(decodeTUnionInfo(file15)), slots, balance));
      return later(summaryOf(d, PENDING, slots, balance), async () => must(decodeTUnionInfo(await readInfo15(channel))));
    }
    case 'city-union': {
      const fromFci = findInfoInFci(d.fci);
      const slot0 = await pbocSlot0(channel);
      const cityUnion = async (file15: Uint8Array): Promise<CardInfo> => {
        if (cityUnionCity(file15) !== CHONGQING_CITY_CODE) return must(decodeCityUnionInfo(file15));
        const [mf05] = await readOutsideApplication(channel, [0x05], d);
        return must(decodeChongqingInfo(file15, mf05));
      };
      if (fromFci !== null && cityUnionCity(fromFci) !== CHONGQING_CITY_CODE) return whole(pbocSummary(d, must(decodeCityUnionInfo(fromFci)), slot0));
      const pending = fromFci === null ? PENDING : { ...PENDING, cityCode: CHONGQING_CITY_CODE };
      return later(pbocSummary(d, pending, slot0), async () => cityUnion(fromFci ?? (await readInfo15(channel))));
    }
    case 'shenzhen-tong': {
      const fromFci = findInfoInFci(d.fci);
      const slot0 = await pbocSlot0(channel);
      if (fromFci !== null) return whole(pbocSummary(d, must(decodeShenzhenInfo(fromFci)), slot0));
      return later(pbocSummary(d, PENDING, slot0), async () => must(decodeShenzhenInfo(await readInfo15(channel))));
    }
    case 'beijing': {
      const slot0 = await pbocSlot0(channel);
      if (d.beijingMfFile !== null) return whole(pbocSummary(d, must(decodeBeijingInfo(d.beijingMfFile)), slot0));
      return later(pbocSummary(d, PENDING, slot0), async () => {
        const [file04] = await readOutsideApplication(channel, [BEIJING_MF_SFI], d);
        return must(decodeBeijingInfo(file04));
      });
    }
    case 'wuhan-tong': {
      const slot0 = await pbocSlot0(channel);
      return later(pbocSummary(d, PENDING, slot0), async () => {
        const [file0A, file05] = await readOutsideApplication(channel, WUHAN_MF_SFIS, d);
        return must(decodeWuhanInfo(file0A, file05));
      });
    }
    case 'lingnan-pass': {
      // detected by its purse PAY.TICL: the balance first, then 0x15 under PAY.APPY, then back to the purse for the log
      const slot0 = await pbocSlot0(channel);
      return later(pbocSummary(d, PENDING, slot0), async () => {
        expectOk(await channel.send(selectByName(LINGNAN_INFO_NAME)), 'SELECT PAY.APPY');
        const info = must(decodeLingnanInfo(await readInfo15(channel)));
        expectOk(await channel.send(d.reselect), 'SELECT PAY.TICL');
        return info;
      });
    }
  }
}

const whole = (summary: SummaryWithoutUid): FastRead => ({ summary, rest: null });
const later = (summary: SummaryWithoutUid, rest: () => Promise<CardInfo>): FastRead => ({ summary, rest });

/** SELECT MF, READ BINARY of files kept at the card's top level (outside every application), in order, then back into the application. */
async function readOutsideApplication<const S extends readonly number[]>(channel: CardChannel, sfis: S, d: Detected): Promise<{ -readonly [K in keyof S]: Uint8Array }> {
  expectOk(await channel.send(SELECT_MF), 'SELECT MF');
  const files: Uint8Array[] = [];
  for (const sfi of sfis) files.push(expectOk(await channel.send(readBinary(sfi)), `READ BINARY MF SFI ${sfi.toString(16).toUpperCase()}`));
  expectOk(await channel.send(d.reselect), 'SELECT (back into the application)');
  return files as { -readonly [K in keyof S]: Uint8Array };
}

async function pbocSlot0(channel: CardChannel): Promise<number> {
  const slot0 = await balanceSlot(channel, 0);
  if (slot0 === null) throw new CardIoError('unreadable-card', 'card refused GET BALANCE', 'slot 0');
  return slot0;
}

/** What a summary is of: the application that answered, and its family (null while still to be told). */
interface SummaryOf<F extends CardFamily | null> {
  readonly family: F;
  readonly aid: string;
}

function pbocSummary<F extends CardFamily | null>(of: SummaryOf<F>, info: SummaryInfo, slot0: number): SummaryBeforeUid<F> {
  return summaryOf(of, info, { slot0, slot1: null }, pbocBalance(slot0));
}

function summaryOf<F extends CardFamily | null>(of: SummaryOf<F>, info: SummaryInfo, balanceSlots: BalanceSlots, balance: number): SummaryBeforeUid<F> {
  return { family: of.family, aid: of.aid, ...info, balance, currency: 'CNY', balanceSlots, holderType: 'unknown' };
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
