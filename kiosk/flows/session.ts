/**
 * The session: one per terminal, from the attract screen to the end of a passenger's visit.
 *
 * `attract` → (START | card tap | menu shortcut) → `active`, a parallel state:
 *  - `flow`: `menu` and one state per child flow (`balance`, `report`, `status`, `faq`, `survey`,
 *    `call`), each invoking its machine and forwarding it the events it takes;
 *  - `idle`: `counting` (deadline in context, visible countdown) → at the deadline either
 *    `warning` (a half-written report: "discarded in N s", continue or discard) or back to
 *    `attract`; `paused` while a call runs (no idle reset during a call).
 * `attract`'s entry clears every personal detail; so does `CARD.REMOVED` for the card.
 * `outOfService` (entered whenever `SERVICE.CHANGED` says so and no technician is at work): the
 * passengers' screen says so and every passenger, card and device event is dropped; only a
 * technician card (`CARD.TECHNICIAN`) opens maintenance.
 * Hardware inputs are decided here too: a scanned code (`SCAN.CODE`) opens the ticket lookup with
 * that code from anywhere but maintenance; a technician card opens maintenance from anywhere.
 * `maintenance` (the technician's flow, kiosk/flows/maintenance.ts) is entered on `MAINTENANCE.ENTER`.
 *
 * Every child flow is built here from the same environment (clock, ids, settings); their effects
 * are named actors that `provideKioskFlows` (kiosk/flows/kiosk-flows.ts) supplies once.
 *
 * Deadlines live in context (epoch ms of the injected clock), not only in `after` timers: the
 * timers re-check the deadline when they fire, and `SESSION.RESTORED` re-arms them after a
 * restore (persisted `after` timers do not survive one).
 */
import { and, assign, forwardTo, not, or, setup, stateIn, type SnapshotFrom } from 'xstate';
import type { CardSnapshot, CardSummary, DiagnosisCode } from '../../shared/card.js';
import type { TicketId } from '../../shared/ticket.js';
import { PASSENGER_EVENT_TYPES, type Language, type PassengerEventType, type RatedService } from '../../shared/ui-protocol.js';
import type { CallLane } from '../../shared/call-protocol.js';
import { createBalanceCheckMachine, type BalanceCheckInput, type DiagnosisSettings } from './balance-check.js';
import type { StationStaffContact } from '../../shared/kiosk-config.js';
import { createCallSlotMachine, type VideoEscalationInput, type VideoEscalationOutput } from './call-slot.js';
import { createEmergencyMachine, type EmergencyInput } from './emergency.js';
import { newIdOf } from './effects.js';
import type { EscalationSettings } from './escalation.js';
import type { FlowExit, SessionEvent } from './events.js';
import { faqMachine } from './faq.js';
import { createFaultReportMachine, ticketCardContext } from './fault-report.js';
import { createMaintenanceMachine, type MaintenanceFlowDeps } from './maintenance.js';
import type { FlowDeps } from './ports.js';
import { createSurveyMachine } from './survey.js';
import { ticketStatusMachine } from './ticket-status.js';

export const IDLE_TIMEOUT_MS = 90_000;
export const IDLE_WARNING_MS = 30_000;
export const DEFAULT_LANGUAGE: Language = 'zh';

export interface SessionOptions extends FlowDeps {
  /** The station, for the card diagnosis. */
  readonly diagnosis: DiagnosisSettings;
  /** The call flow's deadlines. */
  readonly call?: EscalationSettings;
  /** The maintenance flow's timeouts. */
  readonly maintenance?: Omit<MaintenanceFlowDeps, 'clock'>;
  /** Read each time a countdown starts, so that a setting central changed applies to the next one. */
  readonly idleTimeoutMs?: number;
  readonly idleWarningMs?: number;
  /** The language each new session starts in (read at every reset); default zh. */
  readonly defaultLanguage?: Language;
  /**
   * The languages this kiosk offers (its `languages` setting; read at each `LANG.SET`); absent:
   * every language. A `LANG.SET` for another one changes nothing: not the language, not the
   * countdown, not the screen.
   */
  readonly languages?: readonly Language[];
  /** The station's staff office and phone for the emergency screen (read each time emergency is pressed); none: the screen says where to look. */
  readonly stationStaff?: () => StationStaffContact | null;
}

export interface SessionContext {
  readonly language: Language;
  readonly largeText: boolean;
  /** The card on the reader (personal data): cleared on removal and at the end of a session. */
  readonly card: CardSummary | CardSnapshot | null;
  readonly diagnosisCodes: readonly DiagnosisCode[];
  /** Epoch ms when the session resets for inactivity; null outside `idle.counting`. */
  readonly idleDeadline: number | null;
  /** Epoch ms when a half-written report is discarded; set in `idle.warning`. */
  readonly warningDeadline: number | null;
  /** The report flow has something the passenger would lose. */
  readonly reportDirty: boolean;
  readonly callLane: CallLane;
  readonly survey: { readonly service: RatedService; readonly ticketId: TicketId | null };
  /** False while a technician has taken the kiosk out of service (`SERVICE.CHANGED`). */
  readonly inService: boolean;
}

const CARD_EVENTS = ['CARD.PRESENT', 'CARD.SUMMARY', 'CARD.READ', 'CARD.ERROR', 'CARD.REMOVED'] as const;
const TEXT_EDITS = ['TEXT.SET', 'KEY.PRESS', 'KEY.BACKSPACE', 'KEY.CLEAR'] as const;

/** Which events each flow state hands to its child (besides what the session does with them). */
export const FORWARDED: Readonly<Record<'balance' | 'report' | 'status' | 'faq' | 'survey' | 'call' | 'emergency', readonly SessionEvent['type'][]>> = {
  balance: [...CARD_EVENTS, 'BACK', 'NEXT'],
  report: [...CARD_EVENTS, ...TEXT_EDITS, 'REPORT.CATEGORY', 'PHRASE.ADD', 'NEXT', 'SKIP', 'SUBMIT', 'BACK', 'RECEIPT.RETRY', 'LANG.SET'],
  status: [...CARD_EVENTS, ...TEXT_EDITS, 'NEXT', 'SUBMIT', 'BACK', 'STATUS.SELECT', 'SCAN.CODE'],
  faq: ['FAQ.CATEGORY', 'FAQ.SEARCH', 'FAQ.OPEN', 'BACK', 'NEXT', 'LANG.SET'],
  survey: ['RATE', 'SURVEY.REASON', 'SUBMIT', 'NEXT', 'SKIP', 'BACK'],
  call: [
    ...CARD_EVENTS,
    ...TEXT_EDITS,
    'CALL.HANGUP',
    'CALL.CANCEL',
    'CALL.MUTE',
    'CALL.MEDIA',
    'CALL.EMERGENCY',
    'BACK',
    'NEXT',
    'SKIP',
    'SUBMIT',
    'LANG.SET',
    'MENU.CALL',
  ],
  emergency: ['CALL.HANGUP', 'CALL.MUTE', 'CALL.MEDIA', 'NEXT', 'ALARM.STATUS'],
};

/**
 * Events the UI may send (`PASSENGER_EVENT_TYPES`) that do NOT show a passenger at the screen, each
 * for its reason: the idle warning's own answers (`IDLE.CONTINUE`/`IDLE.DISCARD` are handled by
 * the warning state itself), the call's events (a call pauses the countdown; the page sends
 * `CALL.MEDIA` by itself), leaving (`EXIT`) and the technician's maintenance pages (maintenance
 * has its own timeouts).
 */
const NOT_PRESENCE: ReadonlySet<PassengerEventType> = new Set<PassengerEventType>([
  'EXIT',
  'IDLE.CONTINUE',
  'IDLE.DISCARD',
  'CALL.HANGUP',
  'CALL.CANCEL',
  'CALL.EMERGENCY',
  'CALL.MUTE',
  'CALL.MEDIA',
  'MAINT.REFRESH',
  'MAINT.PAGE',
  'MAINT.TEST',
  'MAINT.OUTBOX',
  'MAINT.SERVICE',
]);

/**
 * Events that count as the passenger being there: they restart the idle countdown. Made from the
 * UI protocol's list (a new passenger event counts unless `NOT_PRESENCE` names it) plus what the
 * hardware says of a person at the kiosk: a touch, a card on the reader, a code at the scanner.
 */
export const ACTIVITY_EVENTS: readonly SessionEvent['type'][] = [
  ...PASSENGER_EVENT_TYPES.filter((t) => !NOT_PRESENCE.has(t)),
  'TOUCH',
  'SCAN.CODE',
  ...CARD_EVENTS,
];

const cleared = {
  card: null,
  diagnosisCodes: [],
  idleDeadline: null,
  warningDeadline: null,
  reportDirty: false,
  callLane: 'information',
  survey: { service: 'balance', ticketId: null },
} as const satisfies Partial<SessionContext>;

/** The output of a child flow's done event (the session's event type does not name done events). */
function outputOf(event: { type: string }): FlowExit | null {
  const out = (event as { output?: unknown }).output;
  return typeof out === 'object' && out !== null && 'next' in out ? (out as FlowExit) : null;
}

type Transition = { readonly target?: string; readonly guard?: 'languageOffered'; readonly actions: readonly unknown[] };

/** A `LANG.SET` is taken only for a language the kiosk offers (the guard `languageOffered`). */
const offeredOnly = (type: string, transition: Transition): Transition => (type === 'LANG.SET' ? { ...transition, guard: 'languageOffered' } : transition);

function forwarding(childId: string, types: readonly string[]): Record<string, Transition> {
  return Object.fromEntries(types.map((t) => [t, offeredOnly(t, { actions: ['rememberCard', forwardTo(childId)] })]));
}

function onEach(types: readonly string[], transition: Transition): Record<string, Transition> {
  return Object.fromEntries(types.map((t) => [t, offeredOnly(t, transition)]));
}

export function createSessionMachine(options: SessionOptions) {
  const { clock } = options;
  const idleMs = (): number => options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const warningMs = (): number => options.idleWarningMs ?? IDLE_WARNING_MS;
  const startLanguage = (): Language => options.defaultLanguage ?? DEFAULT_LANGUAGE;
  const offered = (language: Language): boolean => options.languages?.includes(language) ?? true;
  const exitTargets = [
    { guard: 'exitToSurvey', target: 'survey', actions: 'rememberSurvey' },
    { guard: 'exitToAttract', target: '#session.attract' },
    { target: 'menu' },
  ] as const;

  return setup({
    types: {
      context: {} as SessionContext,
      events: {} as SessionEvent,
    },
    actors: {
      balanceCheck: createBalanceCheckMachine(options),
      faultReport: createFaultReportMachine(options),
      ticketStatus: ticketStatusMachine,
      faq: faqMachine,
      survey: createSurveyMachine(options),
      videoEscalation: createCallSlotMachine({ clock, newId: newIdOf(options), ...(options.call ? { settings: options.call } : {}) }),
      emergency: createEmergencyMachine({ clock, newId: newIdOf(options), ...(options.call ? { settings: options.call } : {}) }),
      maintenance: createMaintenanceMachine({ clock, ...options.maintenance }),
    },
    guards: {
      languageOffered: ({ event }) => event.type !== 'LANG.SET' || offered(event.language),
      idleDeadlinePassed: ({ context }) => context.idleDeadline !== null && clock.now() >= context.idleDeadline,
      warningDeadlinePassed: ({ context }) => context.warningDeadline !== null && clock.now() >= context.warningDeadline,
      reportDirty: ({ context }) => context.reportDirty,
      // `=== false`: a snapshot saved before the service mode was part of the session has none.
      outOfService: ({ context }) => context.inService === false,
      inCall: or([stateIn('#session.active.flow.call'), stateIn('#session.active.flow.emergency')]),
      exitToSurvey: ({ event }) => outputOf(event)?.next === 'survey',
      exitToAttract: ({ event }) => outputOf(event)?.next === 'attract',
    },
    delays: {
      untilIdleDeadline: ({ context }) => Math.max(0, (context.idleDeadline ?? clock.now() + idleMs()) - clock.now()),
      untilWarningDeadline: ({ context }) => Math.max(0, (context.warningDeadline ?? clock.now() + warningMs()) - clock.now()),
    },
    actions: {
      clearSession: assign(() => ({ ...cleared, language: startLanguage(), largeText: false })),
      takeServiceMode: assign(({ event }) => (event.type === 'SERVICE.CHANGED' ? { inService: event.inService } : {})),
      /** Restarts the countdown; applies language and text size. */
      activity: assign(({ event }) => ({
        idleDeadline: clock.now() + idleMs(),
        warningDeadline: null,
        ...(event.type === 'LANG.SET' ? { language: event.language } : {}),
        ...(event.type === 'TEXT.LARGE' ? { largeText: event.on } : {}),
      })),
      startWarning: assign({ warningDeadline: () => clock.now() + warningMs(), idleDeadline: null }),
      pauseIdle: assign({ idleDeadline: null, warningDeadline: null }),
      rememberCallSurvey: assign(({ event }) => {
        const out = (event as { output?: Partial<VideoEscalationOutput> }).output;
        return { survey: { service: 'call' as const, ticketId: out?.ticketId ?? null } };
      }),
      rememberSurvey: assign(({ event }) => {
        const out = outputOf(event);
        return out?.next === 'survey' ? { survey: { service: out.service, ticketId: out.ticketId } } : {};
      }),
      rememberCard: assign(({ event, context }) => {
        switch (event.type) {
          case 'CARD.PRESENT':
          case 'CARD.ERROR':
          case 'CARD.REMOVED':
            return { card: null, diagnosisCodes: [] };
          case 'CARD.SUMMARY':
            return { card: event.summary, diagnosisCodes: [] };
          case 'CARD.READ':
            return { card: event.snapshot, diagnosisCodes: context.card?.cardNumber === event.snapshot.cardNumber ? context.diagnosisCodes : [] };
          default:
            return {};
        }
      }),
    },
  }).createMachine({
    id: 'session',
    context: () => ({ ...cleared, language: startLanguage(), largeText: false, inService: true }),
    initial: 'attract',
    on: {
      'SERVICE.CHANGED': { actions: 'takeServiceMode' },
    },
    states: {
      attract: {
        entry: 'clearSession',
        always: { guard: 'outOfService', target: 'outOfService' },
        on: {
          START: '#session.active.flow.menu',
          'CARD.PRESENT': { target: '#session.active.flow.balance', actions: 'rememberCard' },
          'CARD.SUMMARY': { target: '#session.active.flow.balance', actions: 'rememberCard' },
          'CARD.READ': { target: '#session.active.flow.balance', actions: 'rememberCard' },
          'MENU.BALANCE': '#session.active.flow.balance',
          'MENU.REPORT': '#session.active.flow.report',
          'MENU.STATUS': '#session.active.flow.status',
          'MENU.FAQ': '#session.active.flow.faq',
          'MENU.CALL': { target: '#session.active.flow.call', actions: assign({ callLane: 'information' }) },
          'CALL.EMERGENCY': { target: '#session.active.flow.emergency', actions: assign({ callLane: 'emergency' }) },
          'LANG.SET': { guard: 'languageOffered', actions: assign({ language: ({ event }) => event.language }) },
          'TEXT.LARGE': { actions: assign({ largeText: ({ event }) => event.on }) },
          'MAINTENANCE.ENTER': 'maintenance',
          'CARD.TECHNICIAN': 'maintenance',
          'SCAN.CODE': '#session.active.flow.status',
        },
      },
      outOfService: {
        entry: 'clearSession',
        always: { guard: not('outOfService'), target: 'attract' },
        on: {
          'MAINTENANCE.ENTER': 'maintenance',
          'CARD.TECHNICIAN': 'maintenance',
        },
      },
      active: {
        type: 'parallel',
        entry: 'activity',
        always: { guard: 'outOfService', target: 'outOfService' },
        states: {
          flow: {
            initial: 'menu',
            on: {
              HOME: '.menu',
              EXIT: '#session.attract',
              'MENU.BALANCE': '.balance',
              'MENU.REPORT': '.report',
              'MENU.STATUS': '.status',
              'MENU.FAQ': '.faq',
              'MENU.CALL': { target: '.call', actions: assign({ callLane: 'information' }) },
              'CALL.EMERGENCY': { target: '.emergency', actions: assign({ callLane: 'emergency' }) },
              'CARD.PRESENT': { target: '.balance', actions: 'rememberCard' },
              'CARD.SUMMARY': { actions: 'rememberCard' },
              'CARD.READ': { actions: 'rememberCard' },
              'CARD.ERROR': { actions: 'rememberCard' },
              'CARD.REMOVED': { actions: 'rememberCard' },
              'REPORT.DRAFT': { actions: assign({ reportDirty: ({ event }) => event.dirty }) },
              'CARD.DIAGNOSED': { actions: assign({ diagnosisCodes: ({ event }) => event.codes }) },
              'MAINTENANCE.ENTER': '#session.maintenance',
              'CARD.TECHNICIAN': '#session.maintenance',
              'SCAN.CODE': '.status',
            },
            states: {
              menu: {
                on: { BACK: '#session.attract' },
              },
              balance: {
                invoke: {
                  id: 'balanceCheck',
                  src: 'balanceCheck',
                  input: ({ context, event }): BalanceCheckInput =>
                    event.type === 'CARD.PRESENT'
                      ? { start: 'reading' }
                      : context.card === null
                        ? { start: 'wait' }
                        : 'trips' in context.card
                          ? { start: 'reading', snapshot: context.card }
                          : { start: 'reading', summary: context.card },
                  onDone: exitTargets,
                },
                on: forwarding('balanceCheck', FORWARDED.balance),
              },
              report: {
                exit: assign({ reportDirty: false }),
                invoke: {
                  id: 'faultReport',
                  src: 'faultReport',
                  input: ({ context }) => ({
                    language: context.language,
                    card: context.card === null ? null : ticketCardContext(context.card, context.diagnosisCodes),
                  }),
                  onDone: exitTargets,
                },
                on: forwarding('faultReport', FORWARDED.report),
              },
              status: {
                invoke: {
                  id: 'ticketStatus',
                  src: 'ticketStatus',
                  input: ({ event }) => ({ scanned: event.type === 'SCAN.CODE' ? event.code : null }),
                  onDone: exitTargets,
                },
                on: forwarding('ticketStatus', FORWARDED.status),
              },
              faq: {
                invoke: { id: 'faq', src: 'faq', input: ({ context }) => ({ language: context.language }), onDone: exitTargets },
                on: forwarding('faq', FORWARDED.faq),
              },
              survey: {
                invoke: { id: 'survey', src: 'survey', input: ({ context }) => context.survey, onDone: '#session.attract' },
                on: forwarding('survey', FORWARDED.survey),
              },
              call: {
                invoke: {
                  id: 'videoEscalation',
                  src: 'videoEscalation',
                  input: ({ context }: { context: SessionContext }): VideoEscalationInput => ({
                    language: context.language,
                    lane: context.callLane,
                    card: context.card === null ? null : ticketCardContext(context.card, context.diagnosisCodes),
                    ...(context.card !== null && 'trips' in context.card ? { trips: context.card.trips } : {}),
                  }),
                  onDone: { target: 'survey', actions: 'rememberCallSurvey' },
                },
                on: forwarding('videoEscalation', FORWARDED.call),
              },
              /**
               * The emergency lane (kiosk/flows/emergency.ts): guidance at once, the alarm at
               * central, the video call beside it. Nothing but its own end leaves it: a second
               * emergency press, a call request, a card or a scanned code change nothing, and HOME
               * is not offered. Its end goes back to the start screen.
               */
              emergency: {
                invoke: {
                  id: 'emergency',
                  src: 'emergency',
                  input: ({ context }: { context: SessionContext }): EmergencyInput => ({
                    language: context.language,
                    card: context.card === null ? null : ticketCardContext(context.card, context.diagnosisCodes),
                    staff: options.stationStaff?.() ?? null,
                  }),
                  onDone: '#session.attract',
                },
                on: {
                  ...forwarding('emergency', FORWARDED.emergency),
                  'CALL.EMERGENCY': { actions: [] },
                  'MENU.CALL': { actions: [] },
                  'MENU.BALANCE': { actions: [] },
                  'MENU.REPORT': { actions: [] },
                  'MENU.STATUS': { actions: [] },
                  'MENU.FAQ': { actions: [] },
                  'CARD.PRESENT': { actions: 'rememberCard' },
                  'SCAN.CODE': { actions: [] },
                  HOME: { actions: [] },
                  EXIT: { actions: [] },
                },
              },
            },
          },
          idle: {
            initial: 'counting',
            on: onEach(ACTIVITY_EVENTS, { actions: ['activity'] }),
            states: {
              counting: {
                always: { guard: 'inCall', target: 'paused' },
                after: {
                  untilIdleDeadline: [{ guard: 'idleDeadlinePassed', target: 'expired' }, { target: 'counting', reenter: true }],
                },
                on: { 'SESSION.RESTORED': { target: 'counting', reenter: true } },
              },
              expired: {
                always: [
                  { guard: and(['reportDirty', stateIn('#session.active.flow.report')]), target: 'warning', actions: 'startWarning' },
                  { target: '#session.attract' },
                ],
              },
              warning: {
                // A call started during the warning (the emergency button) pauses it like any call.
                always: { guard: 'inCall', target: 'paused' },
                after: {
                  untilWarningDeadline: [{ guard: 'warningDeadlinePassed', target: '#session.attract' }, { target: 'warning', reenter: true }],
                },
                on: {
                  ...onEach(ACTIVITY_EVENTS, { target: 'counting', actions: ['activity'] }),
                  'IDLE.CONTINUE': { target: 'counting', actions: 'activity' },
                  'IDLE.DISCARD': '#session.attract',
                  'SESSION.RESTORED': { target: 'warning', reenter: true },
                },
              },
              paused: {
                entry: 'pauseIdle',
                always: { guard: not('inCall'), target: 'counting', actions: 'activity' },
              },
            },
          },
        },
      },
      maintenance: {
        entry: 'clearSession',
        invoke: {
          id: 'maintenance',
          src: 'maintenance',
          input: ({ event }) => ({ cardInField: event.type === 'CARD.TECHNICIAN' }),
          onDone: 'attract',
        },
        on: {
          'MAINTENANCE.EXIT': 'attract',
          'SERVICE.CHANGED': { actions: 'takeServiceMode' },
          // The technician reads the maintenance screens in the language and text size they choose.
          'LANG.SET': { guard: 'languageOffered', actions: assign({ language: ({ event }) => event.language }) },
          'TEXT.LARGE': { actions: assign({ largeText: ({ event }) => event.on }) },
          '*': { guard: 'languageOffered', actions: forwardTo('maintenance') },
        },
      },
    },
  });
}

export type SessionMachine = ReturnType<typeof createSessionMachine>;
export type SessionSnapshot = SnapshotFrom<SessionMachine>;
