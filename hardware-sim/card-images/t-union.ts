/** T-Union (交通联合) card images from readable fields, in the byte layouts of CARDS.md. */
import type { CardImage, ExpectedCardValues, T0Behaviour } from '../virtual-card/image.js';
import { concatBytes, fromHex, toHex } from '../../shared/bytes.js';
import { ascii, bcd, bcdDate, bcdTime, record, tlv, uintBE } from '../../shared/card-encoders.js';
import { stationBytes, type MetroStation } from './stations.js';

export const T_UNION_AID = 'A000000632010105';
const HOLDER_TYPE_CODES = { normal: 1, student: 2, elderly: 3, test: 4, military: 5 } as const;
export type HolderType = keyof typeof HOLDER_TYPE_CODES;

/** What happened to the card, oldest first. Times are Asia/Shanghai local `YYYY-MM-DD hh:mm:ss`. */
export type CardEvent =
  | { readonly kind: 'top-up'; readonly at: string; readonly amount: number }
  | { readonly kind: 'purchase'; readonly at: string; readonly amount: number }
  | { readonly kind: 'entry'; readonly at: string; readonly station: MetroStation; readonly cityCode?: string }
  | { readonly kind: 'exit'; readonly at: string; readonly station: MetroStation; readonly fare: number; readonly cityCode?: string };

export interface TUnionCardSpec {
  readonly name: string;
  readonly description: string;
  readonly uid: string;
  /** Issuer city, 4 digits (`5810` Guangzhou, `1000` Beijing). */
  readonly cityCode: string;
  /** Province code of 0x17 bytes 4..5, 4 digits. */
  readonly provinceCode: string;
  /** The number as printed: 19 digits starting `31`. */
  readonly cardNumber: string;
  /** Leading BCD digit of the 20-digit serial that the printed number leaves out; default `0`. */
  readonly hiddenFirstDigit?: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly holderType: HolderType;
  /** Balance after the last event, fen; negative means overdraft (slot 1). */
  readonly balance: number;
  /** Whether the card answers `80 5C 01 02 04`; forced on when the balance is negative. */
  readonly hasSlot1: boolean;
  readonly events: readonly CardEvent[];
  readonly t0?: T0Behaviour;
  readonly diagnosis: readonly string[];
  readonly notes?: Readonly<Record<string, string | number | boolean | null>>;
}

const TERMINAL_ID = (seq: number): Uint8Array => concatBytes(fromHex('5810'), uintBE(seq, 4));
const TRANSACTION_RECORDS = 10;
const MAX_TRIP_RECORDS = 30;

function info15(s: TUnionCardSpec): Uint8Array {
  const serial = (s.hiddenFirstDigit ?? '0') + s.cardNumber;
  if (!/^31\d{17}$/.test(s.cardNumber)) throw new Error(`${s.name}: a T-Union number is 19 digits starting 31`);
  return record(30, [
    [0, concatBytes(fromHex('0101'), bcd(s.cityCode), fromHex('FFFFFFFF'))],
    [8, Uint8Array.of(0x02, 0x01)],
    [10, bcd(serial)],
    [20, bcdDate(s.validFrom)],
    [24, bcdDate(s.validUntil)],
  ]);
}

function info17(s: TUnionCardSpec): Uint8Array {
  return record(60, [
    [0, fromHex('00000156')],
    [4, bcd(s.provinceCode)],
    [6, bcd(s.cityCode)],
    [10, Uint8Array.of(HOLDER_TYPE_CODES[s.holderType])],
  ]);
}

interface Built {
  readonly transactions: Uint8Array[];
  readonly trips: Uint8Array[];
}

/** Replays the events from the opening balance, writing 0x18 and 0x1E records newest first. */
function replay(s: TUnionCardSpec): Built {
  const delta = (e: CardEvent): number => (e.kind === 'top-up' ? e.amount : e.kind === 'purchase' ? -e.amount : e.kind === 'exit' ? -e.fare : 0);
  let balance = s.balance - s.events.reduce((sum, e) => sum + delta(e), 0);
  if (balance < 0) throw new Error(`${s.name}: events make the opening balance negative`);
  let counter = 0x0100;
  let terminal = 0x1000;
  const transactions: Uint8Array[] = [];
  const trips: Uint8Array[] = [];
  for (const e of s.events) {
    balance += delta(e);
    terminal += 7;
    const overdraft = Math.max(0, -balance);
    if (e.kind !== 'entry') {
      const [amount, type] = e.kind === 'top-up' ? [e.amount, 0x02] : e.kind === 'purchase' ? [e.amount, 0x06] : [e.fare, 0x09];
      counter++;
      transactions.unshift(
        record(23, [
          [0, uintBE(counter, 2)],
          [2, uintBE(overdraft, 3)],
          [5, uintBE(amount, 4)],
          [9, Uint8Array.of(type)],
          [10, concatBytes(fromHex('58'), uintBE(terminal, 5))],
          [16, bcdTime(e.at)],
        ]),
      );
    }
    if (e.kind === 'entry' || e.kind === 'exit') {
      const city = e.cityCode ?? '5810';
      trips.unshift(
        record(48, [
          [0x00, Uint8Array.of(e.kind === 'entry' ? 0x03 : 0x04)],
          [0x01, TERMINAL_ID(terminal)],
          [0x09, Uint8Array.of(0x01)],
          [0x0a, stationBytes(e.station, (terminal % 40) + 1)],
          [0x11, uintBE(e.kind === 'exit' ? e.fare : 0, 4)],
          [0x15, uintBE(Math.max(0, balance), 4)],
          [0x19, bcdTime(e.at)],
          [0x20, bcd(city)],
          [0x22, concatBytes(fromHex('0101'), bcd(city), fromHex('FFFFFFFF'))],
        ]),
      );
    }
  }
  return { transactions: transactions.slice(0, TRANSACTION_RECORDS), trips: trips.slice(0, MAX_TRIP_RECORDS) };
}

export function tUnionCard(s: TUnionCardSpec): CardImage {
  const file15 = info15(s);
  const { transactions, trips } = replay(s);
  const padded = [...transactions, ...Array.from({ length: TRANSACTION_RECORDS - transactions.length }, () => new Uint8Array(23))];
  const slot0 = Math.max(0, s.balance);
  const slot1 = s.balance < 0 ? -s.balance : s.hasSlot1 ? 0 : undefined;
  const fci = tlv('6F', tlv('84', fromHex(T_UNION_AID)), tlv('A5', tlv('50', ascii('MOT_T_EP')), tlv('9F0C', file15)));
  const expected: ExpectedCardValues = {
    family: 't-union',
    cardNumber: s.cardNumber,
    cityCode: s.cityCode,
    validFrom: s.validFrom,
    validUntil: s.validUntil,
    balance: s.balance,
    balanceSlots: { slot0, slot1: slot1 ?? null },
    holderType: s.holderType,
    transactions: transactions.length,
    trips: trips.length,
    diagnosis: s.diagnosis,
    ...(s.notes ? { notes: s.notes } : {}),
  };
  return {
    name: s.name,
    description: s.description,
    uid: s.uid,
    historicalBytes: '',
    ...(s.t0 ? { t0: s.t0 } : {}),
    applications: [
      {
        aid: T_UNION_AID,
        fci: toHex(fci),
        files: [
          { sfi: 0x15, binary: toHex(file15) },
          { sfi: 0x17, binary: toHex(info17(s)) },
          { sfi: 0x18, records: padded.map(toHex) },
          { sfi: 0x1e, records: trips.map(toHex) },
        ],
        balance: slot1 === undefined ? { slot0 } : { slot0, slot1 },
      },
    ],
    expected,
  };
}
