/**
 * Maintenance mode: the flow the session invokes in its `maintenance` state (kiosk/flows/session.ts).
 *
 * `tapCard` → CARD.TECHNICIAN (the card in the field answers the technician application) →
 * `verifying`; a session opened by that card (input `cardInField`) starts at `verifying` (card challenge–response) → `pin` (on-screen pad,
 * digits kept in context only) → `checkingPin` → `session`, or → `refused` (not a technician
 * card, clone, unknown, revoked, card blocked by too many wrong PINs). A wrong PIN goes back to `pin`
 * with the attempts left. `session` is parallel: `work` (collect status, self-tests, outbox
 * retry/discard, in/out of service; one at a time) and `timer` (idle timeout, restarted by any
 * technician event). EXIT or the idle timeout → `leaving` (the exit is audited) → `ended`, whose
 * entry clears everything; the session then returns to attract.
 *
 * `context.screen` is the {@link MaintenanceScreen} the runtime shows (the session's screen
 * model reads it); it is recomputed on every context change.
 */
import { assign, setup, type AnyEventObject } from 'xstate';
import type { Result } from '../../shared/result.js';
import type { MaintenanceRefusal, MaintenanceStatus, MaintenanceView, MaintenancePage, SelfTestName, SelfTestResult } from '../../shared/maintenance-protocol.js';
import type { MaintenanceScreen } from '../../shared/ui-protocol.js';
import type { KioskEvent } from './events.js';
import type { MaintenanceAuthFailure, MaintenanceExitReason, MaintenancePorts, MaintenanceSessionRef } from './maintenance-ports.js';
import { missingEffect } from './effects.js';
import type { FlowClock } from './ports.js';

export const MAINTENANCE_IDLE_MS = 5 * 60_000;
export const MAINTENANCE_TAP_MS = 60_000;
export const MAINTENANCE_PIN_MS = 90_000;
export const MAINTENANCE_REFUSED_MS = 15_000;
export const MAX_PIN_DIGITS = 8;
export const MIN_PIN_DIGITS = 4;

export interface MaintenanceFlowDeps {
  readonly clock: FlowClock;
  readonly idleTimeoutMs?: number;
  readonly tapTimeoutMs?: number;
  readonly pinTimeoutMs?: number;
  readonly refusedMs?: number;
}

type Phase = MaintenanceView['phase'];

/** How the session opened maintenance: with a technician card already in the field, or not. */
export interface MaintenanceInput {
  readonly cardInField: boolean;
}

export interface MaintenanceContext {
  readonly phase: Phase;
  readonly token: string | null;
  readonly technicianName: string | null;
  /** Typed PIN digits; never shown, never persisted, cleared after each check. */
  readonly pin: string;
  readonly pinError: { readonly code: 'wrong-pin' | 'invalid-pin'; readonly attemptsLeft: number | null } | null;
  readonly refusal: MaintenanceRefusal | null;
  readonly session: MaintenanceSessionRef | null;
  readonly page: MaintenancePage;
  readonly status: MaintenanceStatus | null;
  readonly busy: string | null;
  readonly tests: readonly SelfTestResult[];
  readonly notice: { readonly ok: boolean; readonly code: string } | null;
  readonly exitReason: MaintenanceExitReason;
  readonly screen: MaintenanceScreen;
}

const EMPTY: Omit<MaintenanceContext, 'screen'> = {
  phase: 'tap-card',
  token: null,
  technicianName: null,
  pin: '',
  pinError: null,
  refusal: null,
  session: null,
  page: 'devices',
  status: null,
  busy: null,
  tests: [],
  notice: null,
  exitReason: 'logout',
};

/** The screen for a context: a pure function, so a restored or replayed context shows the same thing. */
export function maintenanceView(c: Omit<MaintenanceContext, 'screen'>): MaintenanceView {
  switch (c.phase) {
    case 'tap-card':
    case 'verifying':
    case 'leaving':
    case 'out-of-service':
      return { phase: c.phase };
    case 'pin':
      return { phase: 'pin', technicianName: c.technicianName ?? '', digits: c.pin.length, checking: c.busy === 'pin', error: c.pinError };
    case 'refused':
      return { phase: 'refused', refusal: c.refusal ?? { code: 'card-error'} };
    case 'session':
      return { phase: 'session', technicianName: c.technicianName ?? '', page: c.page, status: c.status, busy: c.busy, tests: c.tests, notice: c.notice };
  }
}

function withScreen(c: Omit<MaintenanceContext, 'screen'>): MaintenanceContext {
  return { ...c, screen: { screen: 'maintenance', page: c.phase, view: maintenanceView(c) } };
}

function refusalOf(failure: MaintenanceAuthFailure): MaintenanceRefusal {
  return { code: failure.code };
}

/** Technician events that restart the idle timer. */
const ACTIVITY = ['TOUCH', 'KEY.PRESS', 'KEY.BACKSPACE', 'KEY.CLEAR', 'SUBMIT', 'BACK', 'MAINT.PAGE', 'MAINT.TEST', 'MAINT.OUTBOX', 'MAINT.SERVICE', 'MAINT.REFRESH'] as const;

type VerifyOutput = Awaited<ReturnType<MaintenancePorts['verifyCard']>>;
type PinOutput = Awaited<ReturnType<MaintenancePorts['checkPin']>>;
type ActionOutput = Result<void, { readonly code: string }>;

export function createMaintenanceMachine(deps: MaintenanceFlowDeps) {
  const set = (f: (args: { context: MaintenanceContext; event: KioskEvent }) => Partial<Omit<MaintenanceContext, 'screen'>>) =>
    assign<MaintenanceContext, AnyEventObject, undefined, KioskEvent, never>(({ context, event }) => withScreen({ ...context, ...f({ context, event: event as KioskEvent }) }));
  const output = <T>(event: unknown): T => (event as { output: T }).output;

  return setup({
    types: { context: {} as MaintenanceContext, events: {} as KioskEvent, input: {} as MaintenanceInput | undefined },
    actors: {
      verifyCard: missingEffect<VerifyOutput>('verifyCard'),
      checkPin: missingEffect<PinOutput, { token: string; pin: string }>('checkPin'),
      collectStatus: missingEffect<MaintenanceStatus, { session: MaintenanceSessionRef }>('collectStatus'),
      runSelfTest: missingEffect<SelfTestResult, { session: MaintenanceSessionRef; test: SelfTestName }>('runSelfTest'),
      outboxAction: missingEffect<ActionOutput, { session: MaintenanceSessionRef; action: 'retry' | 'discard'; seq: number }>('outboxAction'),
      setService: missingEffect<ActionOutput, { session: MaintenanceSessionRef; inService: boolean }>('setService'),
      exitSession: missingEffect<void, { session: MaintenanceSessionRef; reason: MaintenanceExitReason }>('exitSession'),
    },
    delays: {
      idle: () => deps.idleTimeoutMs ?? MAINTENANCE_IDLE_MS,
      tap: () => deps.tapTimeoutMs ?? MAINTENANCE_TAP_MS,
      pin: () => deps.pinTimeoutMs ?? MAINTENANCE_PIN_MS,
      refused: () => deps.refusedMs ?? MAINTENANCE_REFUSED_MS,
    },
    guards: {
      digitFits: ({ context, event }) => event.type === 'KEY.PRESS' && /^[0-9]$/.test(event.key) && context.pin.length < MAX_PIN_DIGITS,
      pinComplete: ({ context }) => context.pin.length >= MIN_PIN_DIGITS,
      verified: ({ event }) => output<VerifyOutput>(event).ok,
      pinAccepted: ({ event }) => output<PinOutput>(event).ok,
      pinWrong: ({ event }) => {
        const r = output<PinOutput>(event);
        return !r.ok && (r.error.code === 'wrong-pin' || r.error.code === 'invalid-pin');
      },
    },
  }).createMachine({
    id: 'maintenance',
    context: ({ input }) => withScreen({ ...EMPTY, phase: input?.cardInField === true ? 'verifying' : 'tap-card' }),
    initial: 'routing',
    states: {
      routing: {
        always: [{ guard: ({ context }) => context.phase === 'verifying', target: 'verifying' }, { target: 'tapCard' }],
      },
      tapCard: {
        entry: set(() => ({ phase: 'tap-card' })),
        after: { tap: 'ended' },
        on: { 'CARD.TECHNICIAN': 'verifying', EXIT: 'ended', BACK: 'ended' },
      },
      verifying: {
        entry: set(() => ({ phase: 'verifying', refusal: null })),
        invoke: {
          id: 'verifyCard',
          src: 'verifyCard',
          onDone: [
            {
              guard: 'verified',
              target: 'pin',
              actions: set(({ event }) => {
                const r = output<VerifyOutput>(event);
                return r.ok ? { token: r.value.token, technicianName: r.value.name, pin: '', pinError: null } : {};
              }),
            },
            {
              target: 'refused',
              actions: set(({ event }) => {
                const r = output<VerifyOutput>(event);
                return r.ok ? {} : { refusal: refusalOf(r.error) };
              }),
            },
          ],
          onError: { target: 'refused', actions: set(() => ({ refusal: { code: 'card-error'} })) },
        },
      },
      pin: {
        entry: set(() => ({ phase: 'pin', busy: null })),
        after: { pin: 'ended' },
        on: {
          'KEY.PRESS': { guard: 'digitFits', actions: set(({ context, event }) => ({ pin: context.pin + (event.type === 'KEY.PRESS' ? event.key : ''), pinError: null })) },
          'KEY.BACKSPACE': { actions: set(({ context }) => ({ pin: context.pin.slice(0, -1) })) },
          'KEY.CLEAR': { actions: set(() => ({ pin: '' })) },
          SUBMIT: { guard: 'pinComplete', target: 'checkingPin' },
          EXIT: 'ended',
          BACK: 'ended',
        },
      },
      checkingPin: {
        entry: set(() => ({ busy: 'pin' })),
        invoke: {
          id: 'checkPin',
          src: 'checkPin',
          input: ({ context }) => ({ token: context.token ?? '', pin: context.pin }),
          onDone: [
            {
              guard: 'pinAccepted',
              target: 'session',
              actions: set(({ event }) => {
                const r = output<PinOutput>(event);
                return r.ok ? { session: r.value, technicianName: r.value.name, token: null, pin: '', pinError: null, busy: null } : {};
              }),
            },
            {
              guard: 'pinWrong',
              target: 'pin',
              actions: set(({ event }) => {
                const r = output<PinOutput>(event);
                return r.ok ? {} : { pin: '', pinError: { code: r.error.code === 'invalid-pin' ? 'invalid-pin' : 'wrong-pin', attemptsLeft: r.error.attemptsLeft ?? null } };
              }),
            },
            {
              target: 'refused',
              actions: set(({ event }) => {
                const r = output<PinOutput>(event);
                return { pin: '', token: null, busy: null, refusal: r.ok ? null : refusalOf(r.error) };
              }),
            },
          ],
          onError: { target: 'refused', actions: set(() => ({ pin: '', token: null, busy: null, refusal: { code: 'store-failed'} })) },
        },
      },
      refused: {
        entry: set(() => ({ phase: 'refused', token: null, pin: '', technicianName: null })),
        after: { refused: 'ended' },
        on: { 'CARD.TECHNICIAN': 'verifying', EXIT: 'ended', BACK: 'ended', NEXT: 'ended', SUBMIT: 'ended' },
      },
      session: {
        type: 'parallel',
        entry: set(() => ({ phase: 'session', page: 'devices', tests: [], notice: null, status: null })),
        on: {
          EXIT: { target: 'leaving', actions: set(() => ({ exitReason: 'logout' })) },
        },
        states: {
          work: {
            initial: 'loading',
            // Here, not on `session`: a parallel node's own handler is skipped when a region (the timer) takes the event.
            on: { 'MAINT.PAGE': { actions: set(({ event }) => (event.type === 'MAINT.PAGE' ? { page: event.page } : {})) } },
            states: {
              loading: {
                entry: set(() => ({ busy: 'refresh' })),
                invoke: {
                  id: 'collectStatus',
                  src: 'collectStatus',
                  input: ({ context }) => ({ session: context.session! }),
                  onDone: { target: 'ready', actions: set(({ event }) => ({ status: output<MaintenanceStatus>(event) })) },
                  onError: { target: 'ready', actions: set(() => ({ notice: { ok: false, code: 'status-unavailable' } })) },
                },
              },
              ready: {
                entry: set(() => ({ busy: null })),
                on: {
                  'MAINT.REFRESH': 'loading',
                  'MAINT.TEST': {
                    target: 'testing',
                    actions: set(({ event }) => (event.type === 'MAINT.TEST' ? { busy: `test:${event.test}`, notice: null } : {})),
                  },
                  'MAINT.OUTBOX': {
                    target: 'acting',
                    actions: set(({ event }) => (event.type === 'MAINT.OUTBOX' ? { busy: `${event.action}:${event.seq}`, notice: null } : {})),
                  },
                  'MAINT.SERVICE': { target: 'switching', actions: set(() => ({ busy: 'service', notice: null })) },
                },
              },
              testing: {
                invoke: {
                  id: 'runSelfTest',
                  src: 'runSelfTest',
                  input: ({ context, event }) => ({ session: context.session!, test: event.type === 'MAINT.TEST' ? event.test : 'printer' }),
                  onDone: {
                    target: 'ready',
                    actions: set(({ context, event }) => {
                      const result = output<SelfTestResult>(event);
                      return { tests: [...context.tests.filter((t) => t.test !== result.test), result] };
                    }),
                  },
                  onError: { target: 'ready', actions: set(() => ({ notice: { ok: false, code: 'test-failed' } })) },
                },
              },
              acting: {
                invoke: {
                  id: 'outboxAction',
                  src: 'outboxAction',
                  input: ({ context, event }) =>
                    event.type === 'MAINT.OUTBOX' ? { session: context.session!, action: event.action, seq: event.seq } : { session: context.session!, action: 'retry' as const, seq: 0 },
                  onDone: { target: 'loading', actions: set(({ event }) => ({ notice: noticeOf(output<ActionOutput>(event), 'outbox-updated') })) },
                  onError: { target: 'loading', actions: set(() => ({ notice: { ok: false, code: 'action-failed' } })) },
                },
              },
              switching: {
                invoke: {
                  id: 'setService',
                  src: 'setService',
                  input: ({ context, event }) => ({ session: context.session!, inService: event.type === 'MAINT.SERVICE' ? event.inService : true }),
                  onDone: { target: 'loading', actions: set(({ event }) => ({ notice: noticeOf(output<ActionOutput>(event), 'service-changed') })) },
                  onError: { target: 'loading', actions: set(() => ({ notice: { ok: false, code: 'action-failed' } })) },
                },
              },
            },
          },
          timer: {
            initial: 'running',
            states: {
              running: {
                after: { idle: { target: '#maintenance.leaving', actions: set(() => ({ exitReason: 'idle-timeout' })) } },
                on: Object.fromEntries(ACTIVITY.map((t) => [t, { target: 'running', reenter: true }])),
              },
            },
          },
        },
      },
      leaving: {
        entry: set(() => ({ phase: 'leaving', busy: null })),
        invoke: {
          id: 'exitSession',
          src: 'exitSession',
          input: ({ context }) => ({ session: context.session!, reason: context.exitReason }),
          onDone: 'ended',
          onError: 'ended',
        },
      },
      ended: {
        type: 'final',
        entry: assign<MaintenanceContext, AnyEventObject, undefined, KioskEvent, never>(() => withScreen(EMPTY)),
      },
    },
  });
}

function noticeOf(result: ActionOutput, okCode: string): { ok: boolean; code: string } {
  return result.ok ? { ok: true, code: okCode } : { ok: false, code: result.error.code };
}

export type MaintenanceMachine = ReturnType<typeof createMaintenanceMachine>;
