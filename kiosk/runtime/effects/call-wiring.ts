import type { CallContext } from '../../../shared/call-protocol.js';
import type { DeviceHealth } from '../../../shared/devices.js';
import { buildCallContext } from '../../calls/call-context.js';
import { createCallSessionActor } from '../../calls/call-session.js';
import type { KioskConfig } from '../../config/index.js';
import { fallbackContext, type VideoEscalationInput } from '../../flows/call-slot.js';
import type { CallEffects } from '../../flows/kiosk-flows.js';
import type { TicketService } from '../../tickets/index.js';
import type { Logger } from '../logger.js';

const CLOSED = new Set(['resolved', 'closed', 'rejected']);

export interface CallWiringDeps {
  readonly config: KioskConfig;
  readonly tickets: TicketService;
  /** Device name → health now (the agent sees it). */
  readonly health: () => Readonly<Record<string, DeviceHealth>>;
  readonly logger: Logger;
  readonly settings?: { readonly connectTimeoutMs?: number };
  /** Stores an emergency alarm at the head of the outbox (`AlarmWatch.raise`, alarm-wiring.ts). */
  readonly raiseAlarm: CallEffects['raiseAlarm'];
}

/**
 * The video call's effects: the call session actor on central's `/calls/kiosk` (this kiosk's
 * token, never the page's), what the agent sees (station, masked card, diagnosis, the card's
 * recent journeys in words as the passenger saw them, open tickets of the card, device health), and the outbox for every agent action. Callback tickets and
 * reports an agent files go through the passenger flows' `createTicket`.
 */
export function callEffects(deps: CallWiringDeps): CallEffects {
  const { config, tickets, logger } = deps;
  const where = { stationId: config.stationId, stationName: `${config.stationName.zh} ${config.stationName.en}`, kioskId: config.kioskId, location: config.location };
  return {
    callSession: createCallSessionActor({
      centralUrl: config.central.url,
      kioskId: config.kioskId,
      token: config.central.token,
      ...(deps.settings?.connectTimeoutMs !== undefined ? { connectTimeoutMs: deps.settings.connectTimeoutMs } : {}),
      log: (line) => logger.info(line, { component: 'call' }),
    }),
    async prepareCallContext(input: VideoEscalationInput): Promise<CallContext> {
      try {
        let openTicketIds: string[] = [];
        if (input.card) {
          const r = await tickets.ticketsForCard(input.card.cardNumber, 10);
          if (r.ok) openTicketIds = r.value.filter((t) => !CLOSED.has(t.status)).map((t) => t.ticketId);
        }
        const base = buildCallContext({ ...where, language: input.language, card: null, trips: input.trips ?? [], diagnosis: input.card?.diagnosis ?? [], openTicketIds, health: deps.health() });
        return { ...base, card: fallbackContext(input).card };
      } catch (e) {
        logger.warn('call context incomplete', { error: e instanceof Error ? e.message : String(e) });
        return fallbackContext(input, where);
      }
    },
    raiseAlarm: deps.raiseAlarm,
    async recordAudit(entry) {
      const r = await tickets.recordAudit(entry);
      if (!r.ok) logger.warn('call audit not stored', { code: r.error.code });
    },
  };
}
