/**
 * survey: after each service, 1–5 and an optional reason, saved through `saveRating` with a
 * flow-made `ratingId` (saving twice stores one rating). Skippable; a failed save still thanks
 * the passenger (the rating is lost, not the session).
 */
import { assign, setup, type SnapshotFrom } from 'xstate';
import type { TicketId } from '../../shared/ticket.js';
import type { PassengerEvent, RatedService } from '../../shared/ui-protocol.js';
import { isSurveyReason } from '../i18n/labels.js';
import { missingEffect, newIdOf } from './effects.js';
import type { FlowExit } from './events.js';
import type { FlowDeps, SaveRatingInput } from './ports.js';

export const SURVEY_THANKS_MS = 4000;

export interface SurveyInput {
  readonly service: RatedService;
  readonly ticketId: TicketId | null;
}

export interface SurveyContext {
  readonly ratingId: string;
  readonly service: RatedService;
  readonly ticketId: TicketId | null;
  readonly score: 1 | 2 | 3 | 4 | 5 | null;
  readonly reason: string | null;
  readonly saved: boolean | null;
}

type SurveyEvent = Extract<PassengerEvent, { type: 'RATE' | 'SURVEY.REASON' | 'SUBMIT' | 'NEXT' | 'SKIP' | 'BACK' }>;

export function createSurveyMachine(deps: FlowDeps) {
  const newId = newIdOf(deps);
  return setup({
    types: { context: {} as SurveyContext, events: {} as SurveyEvent, input: {} as SurveyInput, output: {} as FlowExit },
    actors: { saveRating: missingEffect<void, SaveRatingInput>('saveRating') },
    delays: { thanks: SURVEY_THANKS_MS },
  }).createMachine({
    id: 'survey',
    context: ({ input }) => ({ ratingId: newId(), service: input.service, ticketId: input.ticketId, score: null, reason: null, saved: null }),
    initial: 'score',
    states: {
      score: {
        on: {
          RATE: { target: 'reason', actions: assign({ score: ({ event }) => event.score }) },
          SKIP: 'done',
          BACK: 'done',
        },
      },
      reason: {
        on: {
          RATE: { actions: assign({ score: ({ event }) => event.score }) },
          'SURVEY.REASON': {
            guard: ({ event }) => isSurveyReason(event.reasonId),
            actions: assign(({ context, event }) => ({ reason: context.reason === event.reasonId ? null : event.reasonId })),
          },
          SUBMIT: 'saving',
          NEXT: 'saving',
          SKIP: { target: 'saving', actions: assign({ reason: null }) },
          BACK: { target: 'score', actions: assign({ score: null, reason: null }) },
        },
      },
      saving: {
        invoke: {
          id: 'saveRating',
          src: 'saveRating',
          input: ({ context }) => ({
            ratingId: context.ratingId,
            score: context.score ?? 3,
            reason: context.reason,
            service: context.service,
            ticketId: context.ticketId,
          }),
          onDone: { target: 'thanks', actions: assign({ saved: true }) },
          onError: { target: 'thanks', actions: assign({ saved: false }) },
        },
      },
      thanks: {
        after: { thanks: 'done' },
        on: { NEXT: 'done' },
      },
      done: { type: 'final' },
    },
    output: (): FlowExit => ({ next: 'attract' }),
  });
}

export type SurveyMachine = ReturnType<typeof createSurveyMachine>;
export type SurveySnapshot = SnapshotFrom<SurveyMachine>;
