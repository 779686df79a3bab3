/**
 * Builds what the agent sees about the passenger and the kiosk ({@link CallContext}) from what
 * the session knows. The card number leaves only masked; trips go as the journeys the passenger
 * read on the screen, in words.
 */
import { maskCardNumber, type CardSnapshot, type CardSummary, type CardTrip, type DiagnosisCode } from '../../shared/card.js';
import { MAX_CONTEXT_TRIPS, type CallContext, type CallDeviceHealth } from '../../shared/call-protocol.js';
import type { DeviceHealth } from '../../shared/devices.js';
import { tripLines } from '../i18n/journeys.js';

export interface CallContextSource {
  readonly stationId: string;
  readonly stationName: string;
  readonly kioskId: string;
  /** Where in the station the kiosk stands (its `location` setting), null when not set. */
  readonly location?: { readonly zh: string; readonly en: string } | null;
  readonly language: 'zh' | 'en';
  /** The card read in this session (a summary is enough; a snapshot adds trips). */
  readonly card: CardSummary | CardSnapshot | null;
  /** The card's trip records when only the card's summary is given (the snapshot's otherwise). */
  readonly trips?: readonly CardTrip[];
  readonly diagnosis: readonly DiagnosisCode[];
  readonly openTicketIds: readonly string[];
  /** Device name → health, as the runtime tracks it. */
  readonly health: Readonly<Record<string, DeviceHealth>>;
}

export function buildCallContext(source: CallContextSource): CallContext {
  const card = source.card;
  const trips = source.trips ?? (card && 'trips' in card ? card.trips : []);
  // The lines the passenger read on the balance screen, in both languages (same journeys, same order).
  const zh = tripLines('zh', trips);
  const en = tripLines('en', trips);
  const health: CallDeviceHealth[] = Object.entries(source.health).map(([device, h]) => ({ device, state: h.state, code: h.code }));
  return {
    stationId: source.stationId,
    stationName: source.stationName,
    kioskId: source.kioskId,
    ...(source.location ? { location: source.location } : {}),
    language: source.language,
    // a summary whose family is still to be told is left out: it lasts until the next few APDUs
    card: card && card.family !== null ? { family: card.family, maskedNumber: card.cardNumber === null ? '' : maskCardNumber(card.cardNumber), balance: card.balance, validUntil: card.validUntil } : null,
    diagnosis: [...source.diagnosis],
    recentTrips: zh.slice(0, MAX_CONTEXT_TRIPS).map((line, i) => ({ text: { zh: line.text, en: en[i]?.text ?? line.text }, time: line.time, amount: line.amount, open: line.open })),
    openTicketIds: source.openTicketIds.slice(0, 10),
    health,
  };
}
