/**
 * balanceCheck: a tapped card, read in two steps. The summary (balance, validity) is shown as
 * soon as it arrives; the logs complete it; the diagnosis runs on the complete snapshot.
 * Removing the card after a complete read ends the flow (→ survey); removing it mid-read shows
 * "card removed". Personal data lives only in this flow's context and goes when it ends.
 */
import { assign, sendParent, setup, type SnapshotFrom } from 'xstate';
import type { CardReadError, CardSnapshot, CardSummary, Diagnosis } from '../../shared/card.js';
import type { CardEvent, ChildToSessionEvent, FlowExit } from './events.js';
import type { PassengerEvent } from '../../shared/ui-protocol.js';
import { portActor } from './actors.js';
import type { MachineDeps } from './ports.js';

export interface BalanceCheckInput {
  /** `wait`: "tap your card"; `reading`: a card is on the reader already. */
  readonly start: 'wait' | 'reading';
  /** A summary already received by the session (menu → balance with the card still on). */
  readonly summary?: CardSummary | null;
  readonly snapshot?: CardSnapshot | null;
}

export interface BalanceCheckContext {
  readonly summary: CardSummary | null;
  readonly snapshot: CardSnapshot | null;
  readonly error: CardReadError | null;
  readonly diagnoses: readonly Diagnosis[] | null;
  readonly start: BalanceCheckInput['start'];
  readonly exit: FlowExit;
}

type BalanceEvent = CardEvent | Extract<PassengerEvent, { type: 'BACK' | 'NEXT' }>;

const removedError: CardReadError = { code: 'card-removed', message: 'card left the field before the read finished' };

const cleared = { summary: null, snapshot: null, error: null, diagnoses: null } as const;

export function createBalanceCheckMachine(deps: MachineDeps) {
  return setup({
    types: {
      context: {} as BalanceCheckContext,
      events: {} as BalanceEvent,
      input: {} as BalanceCheckInput,
      output: {} as FlowExit,
    },
    actors: { diagnoseCard: portActor('diagnoseCard', deps.ports) },
    actions: {
      clearCard: assign(cleared),
      keepSummary: assign(({ event }) => (event.type === 'CARD.SUMMARY' ? { ...cleared, summary: event.summary } : {})),
      keepSnapshot: assign(({ event }) => (event.type === 'CARD.READ' ? { ...cleared, summary: event.snapshot, snapshot: event.snapshot } : {})),
      keepError: assign(({ event }) => ({ ...cleared, error: event.type === 'CARD.ERROR' ? event.error : removedError })),
      exitTo: assign((_, exit: FlowExit) => ({ exit })),
      /** Gives the session the diagnosis codes (attached to a ticket about this card). */
      tellSession: sendParent(({ context }): ChildToSessionEvent => ({ type: 'CARD.DIAGNOSED', codes: (context.diagnoses ?? []).map((d) => d.code) })),
    },
  }).createMachine({
    id: 'balanceCheck',
    context: ({ input }) => ({
      ...cleared,
      summary: input.snapshot ?? input.summary ?? null,
      snapshot: input.snapshot ?? null,
      start: input.start,
      exit: { next: 'menu' },
    }),
    initial: 'routing',
    states: {
      routing: {
        always: [
          { guard: ({ context }) => context.snapshot !== null, target: 'complete' },
          { guard: ({ context }) => context.summary !== null, target: 'summary' },
          { guard: ({ context }) => context.start === 'reading', target: 'reading' },
          { target: 'wait' },
        ],
      },
      wait: {
        on: {
          'CARD.PRESENT': 'reading',
          'CARD.SUMMARY': { target: 'summary', actions: 'keepSummary' },
          'CARD.READ': { target: 'complete', actions: 'keepSnapshot' },
          'CARD.ERROR': { target: 'error', actions: 'keepError' },
          BACK: { target: 'done', actions: { type: 'exitTo', params: { next: 'menu' } } },
        },
      },
      reading: {
        on: {
          'CARD.SUMMARY': { target: 'summary', actions: 'keepSummary' },
          'CARD.READ': { target: 'complete', actions: 'keepSnapshot' },
          'CARD.ERROR': { target: 'error', actions: 'keepError' },
          'CARD.REMOVED': { target: 'error', actions: 'keepError' },
          BACK: { target: 'done', actions: { type: 'exitTo', params: { next: 'menu' } } },
        },
      },
      summary: {
        on: {
          'CARD.READ': { target: 'complete', actions: 'keepSnapshot' },
          'CARD.ERROR': { target: 'error', actions: 'keepError' },
          'CARD.REMOVED': { target: 'error', actions: 'keepError' },
          'CARD.PRESENT': { target: 'reading', actions: 'clearCard' },
          BACK: { target: 'done', actions: [{ type: 'exitTo', params: { next: 'menu' } }, 'clearCard'] },
        },
      },
      complete: {
        initial: 'diagnosing',
        states: {
          diagnosing: {
            invoke: {
              id: 'diagnoseCard',
              src: 'diagnoseCard',
              input: ({ context }) => ({ snapshot: context.snapshot! }),
              onDone: {
                target: 'diagnosed',
                actions: [
                  assign({ diagnoses: ({ event }) => event.output }),
                  'tellSession',
                ],
              },
              onError: { target: 'diagnosed', actions: assign({ diagnoses: [] }) },
            },
          },
          diagnosed: {},
        },
        on: {
          'CARD.REMOVED': { target: 'done', actions: [{ type: 'exitTo', params: { next: 'survey', service: 'balance', ticketId: null } }, 'clearCard'] },
          'CARD.PRESENT': { target: 'reading', actions: 'clearCard' },
          BACK: { target: 'done', actions: [{ type: 'exitTo', params: { next: 'menu' } }, 'clearCard'] },
          NEXT: { target: 'done', actions: [{ type: 'exitTo', params: { next: 'survey', service: 'balance', ticketId: null } }, 'clearCard'] },
        },
      },
      error: {
        on: {
          'CARD.PRESENT': { target: 'reading', actions: 'clearCard' },
          'CARD.SUMMARY': { target: 'summary', actions: 'keepSummary' },
          BACK: { target: 'done', actions: [{ type: 'exitTo', params: { next: 'menu' } }, 'clearCard'] },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.exit,
  });
}

export type BalanceCheckMachine = ReturnType<typeof createBalanceCheckMachine>;
export type BalanceCheckSnapshot = SnapshotFrom<BalanceCheckMachine>;
