/**
 * Tickets: what a passenger reports at the kiosk (fault, complaint, suggestion, callback
 * request) and what the terminal files about itself (device faults). A ticket is made on the
 * kiosk, gets its id there at once (online or not), and travels to central through the outbox.
 */
import type { CardFamily, DiagnosisCode } from './card.js';

export const TICKET_CATEGORIES = [
  'card-problem',
  'gate',
  'ticket-machine',
  'station-facility',
  'staff-complaint',
  'suggestion',
  'callback',
  'device-fault',
] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export const TICKET_STATUSES = ['open', 'in-progress', 'waiting-for-passenger', 'resolved', 'closed', 'rejected'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * Ticket id: `<KIOSK>-<YYMMDD>-<NNNN>-<C>`, e.g. `GZ0102-261123-0042-7`.
 * KIOSK is the kiosk's short code (2–8 of A–Z0–9), YYMMDD the kiosk's local date, NNNN a
 * per-kiosk, per-day counter kept in the store, C a check digit (Luhn mod 10 over the
 * digits and letters' values) so that a mistyped id is caught on the kiosk itself.
 */
export type TicketId = string & { readonly __brand: 'TicketId' };

export const TICKET_ID_PATTERN = /^([A-Z0-9]{2,8})-(\d{6})-(\d{4,6})-(\d)$/;

function checkDigit(body: string): number {
  // Luhn over the character values (digits as themselves, letters A=10..Z=35 as two digits).
  const digits = [...body.replace(/-/g, '')].flatMap((ch) => {
    const v = parseInt(ch, 36);
    return v < 10 ? [v] : [Math.floor(v / 10), v % 10];
  });
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i]!;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function makeTicketId(kioskCode: string, localDate: string, dailyCounter: number): TicketId {
  const ymd = localDate.replace(/-/g, '').slice(2, 8);
  const body = `${kioskCode}-${ymd}-${String(dailyCounter).padStart(4, '0')}`;
  return `${body}-${checkDigit(body)}` as TicketId;
}

/** Parses a typed or scanned id: tolerant of case, spaces and a status URL around it. */
export function parseTicketId(input: string): TicketId | null {
  const url = /\/t\/([A-Za-z0-9-]+)/.exec(input);
  const candidate = (url ? url[1]! : input).trim().toUpperCase().replace(/\s+/g, '');
  const m = TICKET_ID_PATTERN.exec(candidate);
  if (!m) return null;
  const body = `${m[1]}-${m[2]}-${m[3]}`;
  return checkDigit(body) === Number(m[4]) ? (candidate as TicketId) : null;
}

/** Card facts attached to a ticket. The whole number goes only to central; screens show `masked`. */
export interface TicketCardContext {
  readonly family: CardFamily;
  readonly cardNumber: string;
  readonly masked: string;
  readonly cityCode: string | null;
  readonly balance: number;
  readonly diagnosis: readonly DiagnosisCode[];
}

export interface Ticket {
  readonly id: TicketId;
  readonly category: TicketCategory;
  /** Free text from the passenger (or the device fault's description). At most 2,000 characters. */
  readonly description: string;
  /** Mainland mobile number, validated on the kiosk; optional. */
  readonly phone: string | null;
  readonly card: TicketCardContext | null;
  readonly stationId: string;
  readonly kioskId: string;
  /** Kiosk clock, ISO 8601. Central records its own receive time beside it. */
  readonly createdAt: string;
  readonly language: 'zh' | 'en';
  /** For device faults: the fault key, so that one fault makes one ticket while it lasts. */
  readonly faultKey?: string;
}

/** What central sends down about a ticket. */
export interface TicketStatusUpdate {
  readonly ticketId: TicketId;
  readonly status: TicketStatus;
  /** A note for the passenger, in the language central chose. */
  readonly note: string | null;
  readonly updatedAt: string;
}

export interface Rating {
  readonly id: string;
  /** 1 to 5. */
  readonly score: 1 | 2 | 3 | 4 | 5;
  readonly reason: string | null;
  /** The service being rated. */
  readonly service: 'balance' | 'report' | 'status' | 'faq' | 'call';
  readonly ticketId: TicketId | null;
  readonly kioskId: string;
  readonly createdAt: string;
}

export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
export const MAX_DESCRIPTION_LENGTH = 2000;
