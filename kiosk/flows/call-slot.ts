/**
 * The escalation flow (kiosk/flows/escalation.ts) fitted into the session's `videoEscalation`
 * state. The session hands the slot a {@link VideoEscalationInput} and shows `context.screen`; the escalation flow wants a
 * `CallContext` (what the agent sees) and exposes its state through `callViewOf`. This wrapper
 * gathers the call context (device health, open tickets of the card), runs the flow, mirrors
 * each of its snapshots into a `CallScreen`, and follows the flow's `FlowExit`: `survey` ends
 * the slot (the session rates the call), `menu` / `attract` ask the session to go there.
 */
import { assign, forwardTo, sendParent, setup } from 'xstate';
import type { CallContext, CallLane, CallView } from '../../shared/call-protocol.js';
import type { CardTrip } from '../../shared/card.js';
import type { TicketCardContext, TicketId } from '../../shared/ticket.js';
import type { CallScreen, Language } from '../../shared/ui-protocol.js';
import { missingEffect } from './effects.js';
import { callViewOf, createEscalationMachine, type EscalationDeps, type EscalationInput } from './escalation.js';
import type { FlowExit } from './events.js';

/** What the session gives the call when it enters `active.flow.call`. */
export interface VideoEscalationInput {
  readonly language: Language;
  /** `emergency` when the passenger pressed the emergency button (`CALL.EMERGENCY`). */
  readonly lane: CallLane;
  /** The card read in this session, if any (the agent sees it). */
  readonly card: TicketCardContext | null;
  /** That card's trip records, when the session read them (the agent sees them as the passenger did, in words). */
  readonly trips?: readonly CardTrip[];
}

/** How the call ended, for the session's survey. */
export interface VideoEscalationOutput {
  readonly outcome: 'completed' | 'cancelled' | 'failed';
  /** A ticket the agent filed during the call, if any. */
  readonly ticketId: TicketId | null;
}

interface CallSlotContext {
  readonly input: VideoEscalationInput;
  readonly screen: CallScreen;
  readonly exit: FlowExit | null;
}

function phaseOf(view: CallView): CallScreen['phase'] {
  switch (view.phase) {
    case 'connecting':
      return 'connecting';
    case 'queued':
    case 'ringing':
      return 'queued';
    case 'in-call':
      return 'in-call';
    case 'ended':
      return 'ended';
    default:
      return 'unavailable';
  }
}

/** The session's `CallScreen` for a call view (`phase`/`queuePosition` summarise `view`). */
export function callScreenOf(view: CallView): CallScreen {
  return { screen: 'call', phase: phaseOf(view), queuePosition: view.phase === 'queued' ? view.position : null, detail: null, view };
}

/**
 * The slot machine: `preparing` (call context) → `running` (the escalation flow, every session
 * event forwarded) → `done` (output for the survey) or a request to the session to leave.
 */
export function createCallSlotMachine(deps: EscalationDeps) {
  return setup({
    types: {
      context: {} as CallSlotContext,
      input: {} as VideoEscalationInput,
      output: {} as VideoEscalationOutput,
    },
    actors: {
      escalation: createEscalationMachine(deps),
      /** What the agent sees for this call (device health, open tickets of the card); a rejection falls back to what the session knows. */
      prepareCallContext: missingEffect<CallContext, VideoEscalationInput>('prepareCallContext'),
    },
  }).createMachine({
    id: 'callSlot',
    context: ({ input }) => ({
      input,
      screen: callScreenOf({ phase: 'connecting', lane: input.lane }),
      exit: null,
    }),
    initial: 'preparing',
    states: {
      preparing: {
        invoke: {
          src: 'prepareCallContext',
          input: ({ context }) => context.input,
          onDone: 'running',
          onError: 'running',
        },
      },
      running: {
        invoke: {
          id: 'escalation',
          src: 'escalation',
          input: ({ context, event }): EscalationInput => {
            const built = (event as { output?: CallContext }).output;
            return {
              lane: context.input.lane,
              callContext: built ?? fallbackContext(context.input),
              card: context.input.card,
              language: context.input.language,
            };
          },
          onSnapshot: {
            actions: assign({
              screen: ({ event }) => callScreenOf(callViewOf(event.snapshot)),
            }),
          },
          onDone: [
            { guard: ({ event }) => event.output.next === 'survey', target: 'done', actions: assign({ exit: ({ event }) => event.output }) },
            { guard: ({ event }) => event.output.next === 'attract', target: 'left', actions: sendParent({ type: 'EXIT' }) },
            { target: 'left', actions: sendParent({ type: 'HOME' }) },
          ],
          onError: { target: 'left', actions: sendParent({ type: 'HOME' }) },
        },
        on: { '*': { actions: forwardTo('escalation') } },
      },
      /** Waiting for the session to leave the call state (it stops this actor). */
      left: {},
      done: { type: 'final' },
    },
    output: ({ context }): VideoEscalationOutput => ({
      outcome: 'completed',
      ticketId: context.exit?.next === 'survey' ? context.exit.ticketId : null,
    }),
  });
}

export type CallSlotMachine = ReturnType<typeof createCallSlotMachine>;

/** Only what the session knows, for when gathering the rest failed. */
export function fallbackContext(input: VideoEscalationInput, where: Pick<CallContext, 'stationId' | 'stationName' | 'kioskId' | 'location'> = { stationId: '', stationName: '', kioskId: '' }): CallContext {
  return {
    ...where,
    language: input.language,
    card: input.card ? { family: input.card.family, maskedNumber: input.card.masked, balance: input.card.balance, validUntil: null } : null,
    diagnosis: input.card ? [...input.card.diagnosis] : [],
    recentTrips: [],
    openTicketIds: [],
    health: [],
  };
}
