/**
 * The emergency lane: what the kiosk does when a passenger presses emergency (the screen button
 * or the hardware help button's emergency press, `CALL.EMERGENCY`).
 *
 * At once, before any call is set up, the screen shows where the station's staff are (office and
 * phone, from the kiosk's settings), the public emergency numbers and "help has been called".
 * Two things then run side by side and neither can take that guidance away:
 *
 * - `alarm`: the emergency alarm at central. `raising` invokes `raiseAlarm` (the runtime puts it
 *   at the head of the outbox and sends it before everything else); the runtime then reports
 *   what central did with `ALARM.STATUS` (`received`, `unreachable`: kept and retried the moment
 *   central answers, `acknowledged` by station staff or an agent). An alarm that could not even be
 *   stored says "could not reach the control centre; call the numbers above".
 * - `call`: the video call in the emergency lane (central rings every agent at once). When no
 *   agent can take it the escalation ends `unanswered`: there is no callback form here, ever.
 *
 * The passenger leaves with NEXT ("I have been helped, finish") when no video call is live; the
 * session goes back to the start screen.
 */
import { assign, forwardTo, setup, type ActorRefFrom } from 'xstate';
import type { CallContext, CallView } from '../../shared/call-protocol.js';
import type { StationStaffContact } from '../../shared/kiosk-config.js';
import type { TicketCardContext } from '../../shared/ticket.js';
import type { CallScreen, EmergencyView, Language } from '../../shared/ui-protocol.js';
import { callScreenOf, fallbackContext } from './call-slot.js';
import { missingEffect } from './effects.js';
import { callViewOf, createEscalationMachine, type EscalationDeps, type EscalationInput } from './escalation.js';
import type { FlowExit } from './events.js';

export interface EmergencyInput {
  readonly language: Language;
  /** The card read in this session, if any (central sees it masked, with the alarm). */
  readonly card: TicketCardContext | null;
  /** The station's staff office and phone from the kiosk's settings; null when none is set. */
  readonly staff: StationStaffContact | null;
}

/** What the runtime stores at the head of the outbox. */
export interface RaiseAlarmInput {
  /** Made by the flow: the outbox item's id, so the alarm is stored once however often it is sent. */
  readonly alarmId: string;
  readonly raisedAt: string;
  readonly language: Language;
  readonly card: TicketCardContext | null;
}

/** What the runtime learns about the alarm (outbox acknowledgement, sync failures, the change feed). */
export type AlarmStatusEvent = {
  readonly type: 'ALARM.STATUS';
  readonly alarmId: string;
  readonly status: 'received' | 'unreachable' | 'acknowledged';
  /** Who acknowledged (with `acknowledged`). */
  readonly by?: 'staff' | 'agent';
};

type EmergencyPassengerEvent =
  | { readonly type: 'NEXT' }
  | { readonly type: 'CALL.HANGUP' }
  | { readonly type: 'CALL.MUTE'; readonly muted: boolean }
  | { readonly type: 'CALL.MEDIA'; readonly state: 'connected' | 'failed' };

export type EmergencyEvent = AlarmStatusEvent | EmergencyPassengerEvent;

export interface EmergencyContext {
  readonly input: EmergencyInput;
  readonly alarmId: string;
  readonly alarm: EmergencyView['alarm'];
  readonly video: EmergencyView['video'];
  readonly call: CallView;
  /** What the session shows (`call` screen with the emergency guidance). */
  readonly screen: CallScreen;
}

const ACK_WORDS = { staff: 'staff-coming', agent: 'agent-answering' } as const;

function screenOf(c: Omit<EmergencyContext, 'screen'>): CallScreen {
  return {
    ...callScreenOf(c.call),
    emergency: { staffOffice: c.input.staff?.office ?? null, staffPhone: c.input.staff?.phone ?? null, alarm: c.alarm, video: c.video },
  };
}

/** `context` with `screen` made again from the rest. */
const withScreen = (c: Omit<EmergencyContext, 'screen'>): EmergencyContext => ({ ...c, screen: screenOf(c) });

/** The machine; `.provide({ actors })` supplies `raiseAlarm`, `prepareCallContext` and the `escalation` with its own effects. */
export function createEmergencyMachine(deps: EscalationDeps) {
  return setup({
    types: {
      input: {} as EmergencyInput,
      context: {} as EmergencyContext,
      events: {} as EmergencyEvent,
      output: {} as FlowExit,
    },
    actors: {
      raiseAlarm: missingEffect<void, RaiseAlarmInput>('raiseAlarm'),
      prepareCallContext: missingEffect<CallContext, EmergencyInput & { readonly lane: 'emergency' }>('prepareCallContext'),
      escalation: createEscalationMachine(deps),
    },
    guards: {
      ours: ({ context, event }) => event.type === 'ALARM.STATUS' && event.alarmId === context.alarmId,
      acknowledged: ({ context, event }) => event.type === 'ALARM.STATUS' && event.alarmId === context.alarmId && event.status === 'acknowledged',
      notInLiveCall: ({ context }) => context.video !== 'in-call',
    },
    actions: {
      takeStatus: assign(({ context, event }) => {
        if (event.type !== 'ALARM.STATUS') return {};
        const alarm: EmergencyView['alarm'] = event.status === 'acknowledged' ? ACK_WORDS[event.by ?? 'staff'] : event.status;
        return withScreen({ ...context, alarm });
      }),
    },
  }).createMachine({
    id: 'emergency',
    context: ({ input }) => withScreen({ input, alarmId: deps.newId(), alarm: 'sending', video: 'calling', call: { phase: 'connecting', lane: 'emergency' } }),
    initial: 'active',
    states: {
      active: {
        type: 'parallel',
        on: { NEXT: { guard: 'notInLiveCall', target: 'done' } },
        states: {
          alarm: {
            initial: 'raising',
            states: {
              raising: {
                invoke: {
                  id: 'raiseAlarm',
                  src: 'raiseAlarm',
                  input: ({ context }): RaiseAlarmInput => ({
                    alarmId: context.alarmId,
                    raisedAt: new Date(deps.clock.now()).toISOString(),
                    language: context.input.language,
                    card: context.input.card,
                  }),
                  onDone: 'open',
                  // Not even stored: say plainly that the control centre could not be told.
                  onError: { target: 'open', actions: assign(({ context }) => withScreen({ ...context, alarm: 'unreachable' })) },
                },
                on: {
                  'ALARM.STATUS': [
                    { guard: 'acknowledged', target: 'acknowledged', actions: 'takeStatus' },
                    { guard: 'ours', actions: 'takeStatus' },
                  ],
                },
              },
              open: {
                on: {
                  'ALARM.STATUS': [
                    { guard: 'acknowledged', target: 'acknowledged', actions: 'takeStatus' },
                    { guard: 'ours', actions: 'takeStatus' },
                  ],
                },
              },
              /** A person at central has it: the screen says who is coming. */
              acknowledged: {},
            },
          },
          call: {
            initial: 'preparing',
            states: {
              preparing: {
                invoke: {
                  id: 'prepareCallContext',
                  src: 'prepareCallContext',
                  input: ({ context }) => ({ ...context.input, lane: 'emergency' as const }),
                  onDone: 'running',
                  onError: 'running',
                },
              },
              running: {
                invoke: {
                  id: 'escalation',
                  src: 'escalation',
                  input: ({ context, event }): EscalationInput => ({
                    lane: 'emergency',
                    callContext: (event as { output?: CallContext }).output ?? fallbackContext({ ...context.input, lane: 'emergency' }),
                    card: context.input.card,
                    language: context.input.language,
                  }),
                  onSnapshot: {
                    actions: assign(({ context, event }) => {
                      const call = callViewOf(event.snapshot);
                      return withScreen({ ...context, call, video: call.phase === 'in-call' ? 'in-call' : 'calling' });
                    }),
                  },
                  onDone: [
                    {
                      guard: ({ event }) => event.output.next !== 'survey',
                      target: 'noAgent',
                      actions: assign(({ context }) => withScreen({ ...context, call: { phase: 'connecting', lane: 'emergency' }, video: 'no-agent' })),
                    },
                    { target: 'ended', actions: assign(({ context }) => withScreen({ ...context, call: { phase: 'connecting', lane: 'emergency' }, video: 'ended' })) },
                  ],
                  onError: { target: 'noAgent', actions: assign(({ context }) => withScreen({ ...context, video: 'no-agent' })) },
                },
                on: {
                  'CALL.HANGUP': { actions: forwardTo('escalation') },
                  'CALL.MUTE': { actions: forwardTo('escalation') },
                  'CALL.MEDIA': { actions: forwardTo('escalation') },
                },
              },
              /** Nobody could take the video call; the guidance and the alarm stay. */
              noAgent: {},
              ended: {},
            },
          },
        },
      },
      done: { type: 'final' },
    },
    output: (): FlowExit => ({ next: 'attract' }),
  });
}

export type EmergencyMachine = ReturnType<typeof createEmergencyMachine>;
export type EmergencyActor = ActorRefFrom<EmergencyMachine>;
