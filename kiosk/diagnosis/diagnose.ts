/**
 * What is wrong with a card, in domain terms (shared/card.ts `Diagnosis`): the business rules
 * the kiosk explains to a passenger. Pure: the caller passes today's date and the station.
 */
import type { CardSnapshot, CardSummary, CardTrip, Diagnosis } from '../../shared/card.js';
import { cardUseAt, DEFAULT_ACCEPTED_CARDS, type AcceptedCards } from './acceptance.js';

/** Card numbers the operator has blocked, with the reason (central sends it down). A `Map` fits. */
export interface Blocklist {
  get(cardNumber: string): string | undefined;
}

export interface DiagnoseContext {
  /** Today in Asia/Shanghai, `YYYY-MM-DD` (see `shanghaiDate` in shared/shanghai-date.ts). */
  readonly today: string;
  /** City code of this station, 4 digits, e.g. `5810`; null when unknown (no `other-city` or `not-accepted` finding). */
  readonly stationCityCode: string | null;
  /** The station's accepted cards besides its own city's (config `acceptedCards`); default: T-Union cards. */
  readonly acceptedCards?: AcceptedCards;
  /** Fen; a balance from 0 up to below this is low. */
  readonly lowBalanceThreshold: number;
  readonly blocklist: Blocklist;
}

const tripTime = (t: CardTrip) => (t.time === null ? Number.NEGATIVE_INFINITY : Date.parse(t.time));

/**
 * Every entry with no exit after it in the same city and mode, newest first: each one is a trip
 * the passenger started and the card never saw end, not only the newest.
 */
export function openEntries(trips: readonly CardTrip[]): CardTrip[] {
  const oldestFirst = [...trips].sort((a, b) => tripTime(a) - tripTime(b));
  const open: CardTrip[] = [];
  const pending = new Map<string, CardTrip>();
  for (const t of oldestFirst) {
    const key = `${t.cityCode}|${t.mode}`;
    if (t.kind === 'entry') {
      const before = pending.get(key);
      if (before) open.push(before);
      pending.set(key, t);
    } else if (t.kind === 'exit') pending.delete(key);
  }
  open.push(...pending.values());
  return open.sort((a, b) => tripTime(b) - tripTime(a));
}

const isSnapshot = (card: CardSummary | CardSnapshot): card is CardSnapshot => 'trips' in card;

/**
 * Every finding about the card, most serious first: blocked, expired, not-yet-valid,
 * negative-balance, not-accepted, open-trip, low-balance, other-city. A summary (no logs read
 * yet) cannot show an open trip. Whether the card pays here follows `cardUseAt` (acceptance.ts).
 */
export function diagnose(card: CardSummary | CardSnapshot, ctx: DiagnoseContext): Diagnosis[] {
  const out: Diagnosis[] = [];
  const reason = card.cardNumber === null ? undefined : ctx.blocklist.get(card.cardNumber);
  if (reason !== undefined) out.push({ code: 'blocked', reason });
  if (card.validUntil !== null && card.validUntil < ctx.today) out.push({ code: 'expired', validUntil: card.validUntil });
  if (card.validFrom !== null && card.validFrom > ctx.today) out.push({ code: 'not-yet-valid', validFrom: card.validFrom });
  if (card.balance < 0) out.push({ code: 'negative-balance', balance: card.balance });
  const station = ctx.stationCityCode;
  // a summary whose family is still to be told says nothing about where the card pays
  const family = card.family;
  const use = station === null || family === null ? null : cardUseAt({ family, cityCode: card.cityCode }, station, ctx.acceptedCards ?? DEFAULT_ACCEPTED_CARDS);
  if (use && station !== null && family !== null && !use.usable) out.push({ code: 'not-accepted', family, cardCity: use.cardCity, stationCity: station, reason: use.because });
  if (isSnapshot(card)) for (const entry of openEntries(card.trips)) out.push({ code: 'open-trip', entry });
  if (card.balance >= 0 && card.balance < ctx.lowBalanceThreshold) out.push({ code: 'low-balance', balance: card.balance, threshold: ctx.lowBalanceThreshold });
  if (use?.usable && station !== null && use.cardCity !== null && use.cardCity !== station && use.because !== 'home-city') {
    out.push({ code: 'other-city', cardCity: use.cardCity, stationCity: station, via: use.because === 't-union' ? 't-union' : 'station-list' });
  }
  return out;
}
