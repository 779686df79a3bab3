/**
 * Slots for the flows the runtime plugs in: the video call and maintenance.
 *
 * `videoEscalation` (the video-call flow, kiosk/flows/escalation.ts): invoked by the session in `active.flow.call`
 * with input {@link VideoEscalationInput}. The session forwards it the passenger events
 * `CALL.HANGUP`, `CALL.CANCEL`, `CALL.MUTE`, `CALL.MEDIA`, `BACK`, `SKIP`, `NEXT`, `SUBMIT`, text edits, `LANG.SET` and the card events. Its context SHOULD have
 * `screen: CallScreen` (shared/ui-protocol.ts), which the screen model shows as is. It ends in a
 * final state whose output is {@link VideoEscalationOutput}; the session then shows the survey
 * (service `call`). No idle reset happens while it runs. Supply it with
 * `createSessionMachine({ ..., videoEscalation })`.
 *
 * `maintenance` (the maintenance flow): invoked in the session's `maintenance` state, entered by the runtime's
 * `MAINTENANCE.ENTER` after technician auth; the session forwards it every event and goes back to
 * attract when it ends or on `MAINTENANCE.EXIT`. Its context SHOULD have `screen: MaintenanceScreen`.
 */
import { setup, type AnyStateMachine } from 'xstate';
import type { CallLane } from '../../shared/call-protocol.js';
import type { TicketCardContext, TicketId } from '../../shared/ticket.js';
import type { CallScreen, Language, MaintenanceScreen } from '../../shared/ui-protocol.js';

export interface VideoEscalationInput {
  readonly language: Language;
  /** `emergency` when the passenger pressed the emergency button (`CALL.EMERGENCY`). */
  readonly lane: CallLane;
  /** The card read in this session, if any (the agent sees it). */
  readonly card: TicketCardContext | null;
}

export interface VideoEscalationOutput {
  readonly outcome: 'completed' | 'cancelled' | 'failed';
  /** A ticket the agent filed during the call, if any. */
  readonly ticketId: TicketId | null;
}

/** Until the video-call flow is plugged in: says "unavailable" and ends on any button. */
export const unavailableVideoEscalation = setup({
  types: {
    context: {} as { screen: CallScreen },
    input: {} as VideoEscalationInput,
    output: {} as VideoEscalationOutput,
    events: {} as { type: 'CALL.HANGUP' } | { type: 'CALL.CANCEL' } | { type: 'BACK' },
  },
}).createMachine({
  id: 'videoEscalation',
  context: {
    screen: { screen: 'call', phase: 'unavailable', queuePosition: null, detail: null, view: { phase: 'ended', reason: 'cancelled', reportTicketId: null } },
  },
  initial: 'unavailable',
  states: {
    unavailable: { on: { 'CALL.HANGUP': 'ended', 'CALL.CANCEL': 'ended', BACK: 'ended' } },
    ended: { type: 'final' },
  },
  output: (): VideoEscalationOutput => ({ outcome: 'failed', ticketId: null }),
});

/** Until the maintenance flow is plugged in: one page, ends on `BACK`. */
export const placeholderMaintenance = setup({
  types: { context: {} as { screen: MaintenanceScreen }, events: {} as { type: 'BACK' } },
}).createMachine({
  id: 'maintenance',
  context: { screen: { screen: 'maintenance', page: 'home' } },
  initial: 'home',
  states: { home: { on: { BACK: 'ended' } }, ended: { type: 'final' } },
});

export type SlotMachine = AnyStateMachine;
