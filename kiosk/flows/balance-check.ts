/**
 * balanceCheck: a tapped card, read in two steps. The summary (balance, validity) is shown as
 * soon as it arrives; the logs complete it; the diagnosis runs on the complete snapshot, here in
 * the flow (`diagnose`, kiosk/diagnosis): the only effect is asking the store whether the card
 * is on the operator's blocklist (`checkBlocklist`).
 * Removing the card after a complete read ends the flow (→ survey); removing it mid-read shows
 * "card removed". Personal data lives only in this flow's context and goes when it ends.
 */
import type { AcceptedCards } from '../diagnosis/acceptance.js';
import { assign, sendParent, setup, type SnapshotFrom } from 'xstate';
import type { CardReadError, CardSnapshot, CardSummary, Diagnosis } from '../../shared/card.js';
import type { CardEvent, ChildToSessionEvent, FlowExit } from './events.js';
import type { PassengerEvent } from '../../shared/ui-protocol.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { missingEffect } from './effects.js';
import type { CheckBlocklistInput, CheckBlocklistOutput, FlowDeps } from './ports.js';

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

/** What the diagnosis needs to know about this station (from the kiosk's config). */
export interface DiagnosisSettings {
  /** City code of the station, e.g. `5810`; null: no `other-city` finding. */
  readonly stationCityCode: string | null;
  /** Fen; a balance below it is low. */
  readonly lowBalanceThreshold: number;
  /** The station's accepted cards besides its own city's; default: T-Union cards. */
  readonly acceptedCards?: AcceptedCards;
}

export interface BalanceCheckDeps extends FlowDeps {
  readonly diagnosis: DiagnosisSettings;
}

const removedError: CardReadError = { code: 'card-removed', message: 'card left the field before the read finished' };

const cleared = { summary: null, snapshot: null, error: null, diagnoses: null } as const;

export function createBalanceCheckMachine(deps: BalanceCheckDeps) {
  const findings = (snapshot: CardSnapshot, blocked: CheckBlocklistOutput): readonly Diagnosis[] =>
    diagnose(snapshot, {
      today: shanghaiDate(new Date(deps.clock.now())),
      stationCityCode: deps.diagnosis.stationCityCode,
      lowBalanceThreshold: deps.diagnosis.lowBalanceThreshold,
      ...(deps.diagnosis.acceptedCards ? { acceptedCards: deps.diagnosis.acceptedCards } : {}),
      blocklist: { get: (n) => (blocked !== null && n === snapshot.cardNumber ? blocked.reason : undefined) },
    });
  return setup({
    types: {
      context: {} as BalanceCheckContext,
      events: {} as BalanceEvent,
      input: {} as BalanceCheckInput,
      output: {} as FlowExit,
    },
    actors: { checkBlocklist: missingEffect<CheckBlocklistOutput, CheckBlocklistInput>('checkBlocklist') },
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
              id: 'checkBlocklist',
              src: 'checkBlocklist',
              input: ({ context }) => ({ cardNumber: context.snapshot!.cardNumber }),
              onDone: {
                target: 'diagnosed',
                actions: [
                  assign({ diagnoses: ({ context, event }) => findings(context.snapshot!, event.output) }),
                  'tellSession',
                ],
              },
              // A store that cannot answer: no findings are shown rather than findings without the blocklist.
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
