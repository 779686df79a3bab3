/**
 * What the kiosk knows about a transit card after reading it. Produced by `driver/card`,
 * consumed by the flows, the UI, tickets and the technician CLI. Card facts: ../shared/CARDS.md
 * beside the project.
 *
 * Amounts are integer fen (1/100 CNY). Dates are `YYYY-MM-DD`; times are ISO 8601 with the
 * card's own offset (`+08:00`, Asia/Shanghai), since cards store local time.
 */

export const CARD_FAMILIES = ['t-union', 'city-union', 'shenzhen-tong', 'beijing', 'wuhan-tong', 'lingnan-pass'] as const;
export type CardFamily = (typeof CARD_FAMILIES)[number];

/** Card type from T-Union file 0x17 byte 10, where the card has it. */
export type CardHolderType = 'normal' | 'student' | 'elderly' | 'test' | 'military' | 'unknown';

export type TransactionKind = 'top-up' | 'purchase' | 'trip' | 'other';

/** One record of the e-purse transaction log (T-Union file 0x18 and its equivalents). */
export interface CardTransaction {
  /** Transaction counter of the purse (big-endian on the card). */
  readonly counter: number;
  /** Fen, always positive; `kind` says whether money came in or went out. */
  readonly amount: number;
  readonly overdraft: number;
  readonly kind: TransactionKind;
  /** Raw type byte, e.g. 2 top-up, 6 purchase, 9 compound purchase. */
  readonly typeCode: number;
  /** Terminal number, hex. */
  readonly terminal: string;
  /** ISO 8601 with +08:00; null when the card's BCD time is not a valid time. */
  readonly time: string | null;
}

export type TripKind = 'entry' | 'exit' | 'single' | 'other';
export type TripMode = 'metro' | 'bus' | 'other';

/** One record of the public-transport process file (T-Union file 0x1E). */
export interface CardTrip {
  readonly kind: TripKind;
  readonly mode: TripMode;
  /** Fen charged by this step (0 for most entries). */
  readonly amount: number;
  readonly balanceAfter: number;
  readonly time: string | null;
  /** City code where the trip step happened, 4 hex digits, e.g. `5810`. */
  readonly cityCode: string;
  /**
   * Line number as the card stores it: 0x1E bytes 0x0A..0x0B, big-endian (JT/T 978 "线路",
   * 2 bytes HEX). Station tables key on (cityCode, line, stationNumber).
   */
  readonly line: number;
  /** Station number as the card stores it: 0x1E bytes 0x0C..0x0D, big-endian (JT/T 978 "站点"). */
  readonly stationNumber: number;
  /** The raw bytes 0x0A..0x10 (line, station, operator code, reserved), hex, for technicians. */
  readonly station: string;
  readonly terminal: string;
  readonly institution: string;
}

/** Raw e-purse slots as the card answered them, for technicians (see CARDS.md, Balance). */
export interface BalanceSlots {
  readonly slot0: number;
  /**
   * T-Union's second slot (the overdraft the card owes, subtracted from slot 0); null when the
   * card rejected `80 5C 01 02 04` or the family has none.
   */
  readonly slot1: number | null;
}

/**
 * First, fast part of a read: the balance, shown at once (at most 3 APDUs after the card is
 * selected, docs/card-reading.md). Where the card keeps its number and dates in a file of its
 * own, the summary comes before that file is read: `cardNumber` is then null, and so are the city
 * and the validity the file holds; the snapshot carries them.
 */
export interface CardSummary {
  /**
   * Null in a summary sent before the family is told: a PBOC purse DF with a generic name
   * (Beijing's `PBOC`) gave its balance first (docs/card-reading.md, "APDUs before the balance").
   */
  readonly family: CardFamily | null;
  /** Digits (or hex) the way the card family prints them on the card; null in a summary sent before the file that holds it. */
  readonly cardNumber: string | null;
  /** City code of the issuer, 4 digits, e.g. `5810` (Guangzhou); null if the family does not carry it (or not read yet). */
  readonly cityCode: string | null;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
  readonly balance: number;
  readonly currency: 'CNY';
  readonly balanceSlots: BalanceSlots;
  /**
   * From T-Union file 0x17, read after the summary: `unknown` in the summary, the card's value in
   * the snapshot (`unknown` too when the card has no such file).
   */
  readonly holderType: CardHolderType;
  /** SHA-256 of the UID, hex; the UID itself is never kept. Read after the summary: null in it. */
  readonly uidHash: string | null;
  /**
   * AID (hex) that answered SELECT: the application whose purse gave `balance`. A card with
   * both T-Union and City Union applications answers the T-Union one first (docs/card-reading.md,
   * "Cards with two applications").
   */
  readonly aid: string;
}

/** A complete read: the summary plus the logs. `complete` is false when the logs could not be read. */
export interface CardSnapshot extends CardSummary {
  readonly family: CardFamily;
  readonly cardNumber: string;
  readonly transactions: readonly CardTransaction[];
  readonly trips: readonly CardTrip[];
  /** When the kiosk read the card (kiosk clock, ISO 8601). */
  readonly readAt: string;
  /** Number of APDUs exchanged for this read, pseudo-APDUs included. */
  readonly apduCount: number;
}

export const DIAGNOSIS_CODES = ['expired', 'not-yet-valid', 'blocked', 'open-trip', 'low-balance', 'negative-balance', 'not-accepted', 'other-city'] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/** One finding about a card, with the facts that explain it. */
export type Diagnosis =
  | { readonly code: 'expired'; readonly validUntil: string }
  | { readonly code: 'not-yet-valid'; readonly validFrom: string }
  | { readonly code: 'blocked'; readonly reason: string }
  | { readonly code: 'open-trip'; readonly entry: CardTrip }
  | { readonly code: 'low-balance'; readonly balance: number; readonly threshold: number }
  | { readonly code: 'negative-balance'; readonly balance: number }
  /**
   * The card cannot pay for a ride at this station: not T-Union and of another city the station
   * does not list (`not-t-union`), not T-Union and of no known city (`city-unknown`), or a T-Union
   * card where the station takes none (`t-union-not-accepted`).
   */
  | {
      readonly code: 'not-accepted';
      readonly family: CardFamily;
      readonly cardCity: string | null;
      readonly stationCity: string;
      readonly reason: 'not-t-union' | 'city-unknown' | 't-union-not-accepted';
    }
  /** A card of another city that pays here: through T-Union, or listed by the station (`via`). */
  | { readonly code: 'other-city'; readonly cardCity: string; readonly stationCity: string; readonly via?: 't-union' | 'station-list' };

/** Why a read gave no snapshot. Stable codes: the CLI, the UI and tests rely on them. */
export const CARD_READ_ERROR_CODES = [
  'unsupported-card', // answered none of the known applications
  'unreadable-card', // answered, but garbage, short data or an unexpected status word
  'card-removed', // left the field before the read finished
  'reader-gone', // the reader vanished during the read
  'timeout', // a command got no answer in time
  'no-reader', // no reader present (CLI waits)
  'no-card', // no card before the deadline (CLI waits)
] as const;
export type CardReadErrorCode = (typeof CARD_READ_ERROR_CODES)[number];

export interface CardReadError {
  readonly code: CardReadErrorCode;
  /** Plain English for a technician; passengers get localised text chosen by `code`. */
  readonly message: string;
  /** The family, when the failure happened after detection. */
  readonly family?: CardFamily;
  /** Status word or detail, for logs. */
  readonly detail?: string;
}

/**
 * Masks a card number for screens and receipts: first 4 and last 4 digits, the rest as fixed
 * groups of stars so that the length is not shown either (`3105 **** **** 7984`).
 */
export function maskCardNumber(cardNumber: string): string {
  const digits = cardNumber.replace(/\s+/g, '');
  if (digits.length <= 8) return '**** ' + digits.slice(-Math.min(4, Math.floor(digits.length / 2)));
  return `${digits.slice(0, 4)} **** **** ${digits.slice(-4)}`;
}
