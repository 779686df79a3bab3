/**
 * Builds what the agent sees about the passenger and the kiosk ({@link CallContext}) from what
 * the session knows. The card number leaves only masked; trips keep only what helps an agent.
 */
import { maskCardNumber, type CardSnapshot, type CardSummary, type DiagnosisCode } from '../../shared/card.js';
import { MAX_CONTEXT_TRIPS, type CallContext, type CallDeviceHealth } from '../../shared/call-protocol.js';
import type { DeviceHealth } from '../../shared/devices.js';

export interface CallContextSource {
  readonly stationId: string;
  readonly stationName: string;
  readonly kioskId: string;
  readonly language: 'zh' | 'en';
  /** The card read in this session (a summary is enough; a snapshot adds trips). */
  readonly card: CardSummary | CardSnapshot | null;
  readonly diagnosis: readonly DiagnosisCode[];
  readonly openTicketIds: readonly string[];
  /** Device name → health, as the runtime tracks it. */
  readonly health: Readonly<Record<string, DeviceHealth>>;
}

export function buildCallContext(source: CallContextSource): CallContext {
  const card = source.card;
  const trips = card && 'trips' in card ? card.trips : [];
  const health: CallDeviceHealth[] = Object.entries(source.health).map(([device, h]) => ({ device, state: h.state, code: h.code }));
  return {
    stationId: source.stationId,
    stationName: source.stationName,
    kioskId: source.kioskId,
    language: source.language,
    card: card ? { family: card.family, maskedNumber: card.cardNumber === null ? '' : maskCardNumber(card.cardNumber), balance: card.balance, validUntil: card.validUntil } : null,
    diagnosis: [...source.diagnosis],
    recentTrips: trips.slice(0, MAX_CONTEXT_TRIPS).map((t) => ({ kind: t.kind, mode: t.mode, time: t.time, amount: t.amount, station: t.station })),
    openTicketIds: source.openTicketIds.slice(0, 10),
    health,
  };
}
