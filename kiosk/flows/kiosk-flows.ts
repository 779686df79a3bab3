/**
 * The one place where the flows get their effects. Every machine names its effects as actors
 * (and the call flow's audit as an action) with defaults that reject; this function builds the
 * session with its child flows and `.provide()`s each named effect once. The composition root
 * (kiosk/runtime/create-runtime.ts) calls it with the real effects; the flow tests call it with
 * scripted ones, so both run the same machines wired the same way.
 */
import { fromPromise, type CallbackActorLogic } from 'xstate';
import type { CallContext } from '../../shared/call-protocol.js';
import type { AuditEntry } from '../../shared/sync.js';
import { createBalanceCheckMachine } from './balance-check.js';
import { createCallSlotMachine, type VideoEscalationInput } from './call-slot.js';
import { newIdOf } from './effects.js';
import { createEmergencyMachine, type RaiseAlarmInput } from './emergency.js';
import { createEscalationMachine, type CallSessionCommand, type CallSessionInput } from './escalation.js';
import { faqMachine } from './faq.js';
import { createFaultReportMachine } from './fault-report.js';
import { createMaintenanceMachine } from './maintenance.js';
import type { MaintenancePorts } from './maintenance-ports.js';
import type { FlowPorts } from './ports.js';
import { createSessionMachine, type SessionMachine, type SessionOptions } from './session.js';
import { createSurveyMachine } from './survey.js';
import { ticketStatusMachine } from './ticket-status.js';

/** The video call's effects. */
export interface CallEffects {
  /** The control connection to central (kiosk/calls/call-session.ts in production). */
  readonly callSession: CallbackActorLogic<CallSessionCommand, CallSessionInput>;
  /** What the agent sees; may reject (the call then starts with what the session knows). */
  prepareCallContext(input: VideoEscalationInput): Promise<CallContext>;
  /** Stores an agent action in the outbox; a rejection is logged by the implementation and ignored here. */
  recordAudit(entry: AuditEntry): Promise<void>;
  /**
   * Puts the emergency alarm at the head of the outbox (sent before everything else, at once);
   * resolves once it is stored. Idempotent on `alarmId`. What central then does with it comes
   * back to the session as `ALARM.STATUS`.
   */
  raiseAlarm(input: RaiseAlarmInput): Promise<void>;
}

/** Everything the flows do to the world, as the runtime implements it. */
export interface KioskEffects {
  /** Tickets, receipts, status lookups, FAQ, ratings, the blocklist. */
  readonly passenger: FlowPorts;
  readonly call: CallEffects;
  /** The technician's authentication and the maintenance service. */
  readonly maintenance: MaintenancePorts;
}

const effect = <I, O>(fn: (input: I) => Promise<O>) => fromPromise<O, I>(({ input }) => fn(input));

/** The session machine with every child flow and every effect in place. */
export function createKioskSessionMachine(options: SessionOptions, effects: KioskEffects): SessionMachine {
  const p = effects.passenger;
  const m = effects.maintenance;
  const call = effects.call;
  const escalationDeps = { clock: options.clock, newId: newIdOf(options), ...(options.call ? { settings: options.call } : {}) };
  const escalation = createEscalationMachine(escalationDeps).provide({
    actors: { callSession: call.callSession, createTicket: effect((i) => p.createTicket(i)), loadFaqArticle: effect((i) => p.loadFaqArticle(i)) },
    actions: {
      recordAudit: (_, entry) => {
        call.recordAudit(entry).catch(() => undefined);
      },
    },
  });
  return createSessionMachine(options).provide({
    actors: {
      balanceCheck: createBalanceCheckMachine(options).provide({ actors: { checkBlocklist: effect((i) => p.checkBlocklist(i)) } }),
      faultReport: createFaultReportMachine(options).provide({
        actors: { createTicket: effect((i) => p.createTicket(i)), printReceipt: effect((i) => p.printReceipt(i)) },
      }),
      ticketStatus: ticketStatusMachine.provide({
        actors: { lookupTicketStatus: effect((i) => p.lookupTicketStatus(i)), lookupTicketsByCard: effect((i) => p.lookupTicketsByCard(i)) },
      }),
      faq: faqMachine.provide({ actors: { listFaqCategories: effect(() => p.listFaqCategories()), searchFaq: effect((i) => p.searchFaq(i)) } }),
      survey: createSurveyMachine(options).provide({ actors: { saveRating: effect((i) => p.saveRating(i)) } }),
      videoEscalation: createCallSlotMachine(escalationDeps).provide({
        actors: {
          prepareCallContext: effect((i) => call.prepareCallContext(i)),
          escalation,
        },
      }),
      emergency: createEmergencyMachine(escalationDeps).provide({
        actors: {
          raiseAlarm: effect((i) => call.raiseAlarm(i)),
          prepareCallContext: effect((i) => call.prepareCallContext(i)),
          escalation,
        },
      }),
      maintenance: createMaintenanceMachine({ clock: options.clock, ...options.maintenance }).provide({
        actors: {
          verifyCard: effect(() => m.verifyCard()),
          checkPin: effect((i) => m.checkPin(i)),
          collectStatus: effect((i) => m.collectStatus(i)),
          runSelfTest: effect((i) => m.runSelfTest(i)),
          outboxAction: effect((i) => m.outboxAction(i)),
          setService: effect((i) => m.setInService(i)),
          exitSession: effect((i) => m.exit(i)),
        },
      }),
    },
  });
}
