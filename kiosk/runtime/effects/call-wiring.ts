import { fromPromise, type AnyStateMachine } from 'xstate';
import type { CallContext } from '../../../shared/call-protocol.js';
import type { DeviceHealth } from '../../../shared/devices.js';
import { uuidv7 } from '../../../shared/ids.js';
import { buildCallContext } from '../../calls/call-context.js';
import { createCallSessionActor } from '../../calls/call-session.js';
import type { KioskConfig } from '../../config/index.js';
import { createEscalationMachine, DEFAULT_ESCALATION_SETTINGS } from '../../flows/escalation.js';
import type { FlowPorts } from '../../flows/ports.js';
import type { VideoEscalationInput } from '../../flows/slots.js';
import type { TicketService } from '../../tickets/index.js';
import { createCallSlot, fallbackContext } from '../../flows/call-slot.js';
import type { Logger } from '../logger.js';

const CLOSED = new Set(['resolved', 'closed', 'rejected']);

export interface CallWiringDeps {
  readonly config: KioskConfig;
  readonly tickets: TicketService;
  /** The flows' ticket port (idempotent on `draftId`): callback tickets and reports an agent files. */
  readonly createTicket: FlowPorts['createTicket'];
  /** Device name → health now (the agent sees it). */
  readonly health: () => Readonly<Record<string, DeviceHealth>>;
  readonly logger: Logger;
  readonly now: () => number;
  readonly settings?: { readonly mediaTimeoutMs?: number; readonly connectTimeoutMs?: number };
}

/**
 * The video-call flow for the session's call slot, with its real effects: the call session actor on
 * central's `/calls/kiosk` (this kiosk's token, never the page's), the ticket service for
 * callback tickets and agent-filed reports, and the outbox for every agent action.
 */
export function createCallMachine(deps: CallWiringDeps): AnyStateMachine {
  const { config, tickets, logger } = deps;
  const escalation = createEscalationMachine({
    clock: { now: deps.now },
    newId: () => uuidv7(),
    settings: { mediaTimeoutMs: deps.settings?.mediaTimeoutMs ?? DEFAULT_ESCALATION_SETTINGS.mediaTimeoutMs },
    recordAudit: async (entry) => {
      const r = await tickets.recordAudit(entry);
      if (!r.ok) logger.warn('call audit not stored', { code: r.error.code });
    },
  }).provide({
    actors: {
      callSession: createCallSessionActor({
        centralUrl: config.central.url,
        kioskId: config.kioskId,
        token: config.central.token,
        ...(deps.settings?.connectTimeoutMs !== undefined ? { connectTimeoutMs: deps.settings.connectTimeoutMs } : {}),
        log: (line) => logger.info(line, { component: 'call' }),
      }),
      createTicket: fromPromise(({ input }: { input: Parameters<FlowPorts['createTicket']>[0] }) => deps.createTicket(input)),
    },
  });
  const where = { stationId: config.stationId, stationName: `${config.stationName.zh} ${config.stationName.en}`, kioskId: config.kioskId };
  const buildContext = async (input: VideoEscalationInput): Promise<CallContext> => {
    try {
      let openTicketIds: string[] = [];
      if (input.card) {
        const r = await tickets.ticketsForCard(input.card.cardNumber, 10);
        if (r.ok) openTicketIds = r.value.filter((t) => !CLOSED.has(t.status)).map((t) => t.ticketId);
      }
      const base = buildCallContext({ ...where, language: input.language, card: null, diagnosis: input.card?.diagnosis ?? [], openTicketIds, health: deps.health() });
      return { ...base, card: fallbackContext(input).card };
    } catch (e) {
      logger.warn('call context incomplete', { error: e instanceof Error ? e.message : String(e) });
      return fallbackContext(input, where);
    }
  };
  return createCallSlot(escalation, buildContext);
}
