/** The technician CLI's view of a read: one JSON object, or plain labelled lines for a person. */
import type { CardReadError, CardSnapshot, Diagnosis } from '../../shared/card.js';
import { CARD_FAMILY_WORDS } from '../../shared/words.js';

/** The snapshot's own fields, as the card gave them. */
type SnapshotFields = Pick<CardSnapshot, 'family' | 'cardNumber' | 'cityCode' | 'validFrom' | 'validUntil' | 'balance' | 'currency' | 'balanceSlots' | 'holderType' | 'apduCount' | 'readAt'>;

export interface CardReport extends SnapshotFields {
  readonly reader: string;
  readonly transactions: readonly Pick<CardSnapshot['transactions'][number], 'counter' | 'amount' | 'kind' | 'typeCode' | 'terminal' | 'time'>[];
  readonly trips: readonly Pick<CardSnapshot['trips'][number], 'kind' | 'mode' | 'amount' | 'balanceAfter' | 'time' | 'cityCode' | 'station' | 'terminal'>[];
  readonly diagnosis: readonly Diagnosis[];
}

export function cardReport(reader: string, s: CardSnapshot, diagnosis: readonly Diagnosis[]): CardReport {
  return {
    reader,
    family: s.family,
    cardNumber: s.cardNumber,
    cityCode: s.cityCode,
    validFrom: s.validFrom,
    validUntil: s.validUntil,
    balance: s.balance,
    currency: s.currency,
    balanceSlots: s.balanceSlots,
    holderType: s.holderType,
    transactions: s.transactions.map(({ counter, amount, kind, typeCode, terminal, time }) => ({ counter, amount, kind, typeCode, terminal, time })),
    trips: s.trips.map(({ kind, mode, amount, balanceAfter, time, cityCode, station, terminal }) => ({ kind, mode, amount, balanceAfter, time, cityCode, station, terminal })),
    diagnosis,
    apduCount: s.apduCount,
    readAt: s.readAt,
  };
}

export const yuan = (fen: number): string => `${fen < 0 ? '-' : ''}¥${(Math.abs(fen) / 100).toFixed(2)}`;

function finding(d: Diagnosis): string {
  switch (d.code) {
    case 'expired':
      return `expired (valid until ${d.validUntil})`;
    case 'not-yet-valid':
      return `not yet valid (from ${d.validFrom})`;
    case 'blocked':
      return `blocked: ${d.reason}`;
    case 'open-trip':
      return `open trip: entered at station ${d.entry.station} on ${d.entry.time ?? 'unknown time'}, no exit`;
    case 'low-balance':
      return `low balance (${yuan(d.balance)} < ${yuan(d.threshold)})`;
    case 'negative-balance':
      return `negative balance (${yuan(d.balance)})`;
    case 'not-accepted':
      return `cannot pay at this station (${d.reason}; ${d.family} card of city ${d.cardCity ?? 'unknown'}, station in ${d.stationCity})`;
    case 'other-city':
      return `issued in city ${d.cardCity}, this station is in ${d.stationCity}${d.via === 'station-list' ? ' (accepted by the station list)' : ' (T-Union)'}`;
  }
}

const time = (t: string | null): string => (t === null ? '(no valid time)   ' : t.slice(0, 19).replace('T', ' '));

export function formatCardReport(r: CardReport): string {
  const lines = [
    `Reader        ${r.reader}`,
    `Card          ${CARD_FAMILY_WORDS[r.family].en} ${CARD_FAMILY_WORDS[r.family].zh}`,
    `Number        ${r.cardNumber}`,
    `City          ${r.cityCode ?? 'unknown'}`,
    `Valid         ${r.validFrom ?? '?'} to ${r.validUntil ?? '?'}`,
    `Balance       ${yuan(r.balance)}  (slot 0 ${r.balanceSlots.slot0}, slot 1 ${r.balanceSlots.slot1 ?? 'none'})`,
    ...(r.family === 't-union' ? [`Overdraft     ${r.balanceSlots.slot1 === null ? 'none (the card refused slot 1)' : `${yuan(r.balanceSlots.slot1 & 0x7fffffff)} owed (slot 1, subtracted from slot 0)`}`] : []),
    `Holder        ${r.holderType}`,
    `Findings      ${r.diagnosis.length === 0 ? 'none' : r.diagnosis.map(finding).join('; ')}`,
    `Transactions  ${r.transactions.length === 0 ? 'none' : '(newest first)'}`,
    ...r.transactions.map((t) => `  #${String(t.counter).padEnd(5)} ${time(t.time)}  ${t.kind.padEnd(8)} ${yuan(t.amount).padStart(9)}  terminal ${t.terminal}`),
    `Trips         ${r.trips.length === 0 ? 'none' : '(newest first)'}`,
    ...r.trips.map(
      (t) => `  ${t.kind.padEnd(6)} ${t.mode.padEnd(5)} ${time(t.time)}  ${yuan(t.amount).padStart(8)}  after ${yuan(t.balanceAfter)}  city ${t.cityCode}  station ${t.station}`,
    ),
    `APDUs         ${r.apduCount}`,
  ];
  return lines.join('\n') + '\n';
}

export function formatCardError(e: CardReadError): string {
  return `card read failed (${e.code}): ${e.message}${e.family ? ` [${e.family}]` : ''}\n`;
}
