/**
 * ticketStatus: find a ticket by typing its id on the keypad, scanning the receipt's QR code,
 * or tapping the card it was filed with. Ids are checked with `parseTicketId` (check digit)
 * before any lookup; the status comes from the local cache through `lookupTicketStatus`, which
 * the runtime brings up to date with central first where the network allows (a short wait).
 */
import { assign, setup, type SnapshotFrom } from 'xstate';
import { parseTicketId, type TicketId } from '../../shared/ticket.js';
import type { PassengerEvent } from '../../shared/ui-protocol.js';
import { missingEffect } from './effects.js';
import type { CardEvent, FlowExit, ScanEvent } from './events.js';
import type { LookupTicketsByCardInput, LookupTicketsByCardOutput, LookupTicketStatusInput, LookupTicketStatusOutput, TicketStatusRecord } from './ports.js';
import { editText, type TextEditEvent } from './text-input.js';

export const MAX_TICKET_ID_INPUT = 24;

export type StatusEntryError = 'invalid-ticket-id' | 'not-found' | 'lookup-failed' | 'no-tickets-for-card';

export interface TicketStatusContext {
  readonly text: string;
  readonly error: StatusEntryError | null;
  readonly pendingId: TicketId | null;
  readonly list: readonly TicketStatusRecord[];
  readonly result: TicketStatusRecord | null;
  readonly exit: FlowExit;
}

type StatusEvent =
  | Extract<PassengerEvent, { type: 'NEXT' | 'SUBMIT' | 'BACK' | 'STATUS.SELECT' }>
  | TextEditEvent
  | ScanEvent
  | CardEvent;

const idFrom = (e: StatusEvent, typed: string): TicketId | null =>
  e.type === 'SCAN.CODE' ? parseTicketId(e.code) : parseTicketId(typed);

/** A code the scanner read when the passenger was elsewhere: the flow starts by looking it up. */
export interface TicketStatusInput {
  readonly scanned: string | null;
}

export const ticketStatusMachine = setup({
  types: {
    context: {} as TicketStatusContext,
    events: {} as StatusEvent,
    input: {} as TicketStatusInput | undefined,
    output: {} as FlowExit,
  },
  actors: {
    lookupTicketStatus: missingEffect<LookupTicketStatusOutput, LookupTicketStatusInput>('lookupTicketStatus'),
    lookupTicketsByCard: missingEffect<LookupTicketsByCardOutput, LookupTicketsByCardInput>('lookupTicketsByCard'),
  },
  guards: {
    validId: ({ context, event }) => idFrom(event, context.text) !== null,
  },
  actions: {
    invalidId: assign({ error: 'invalid-ticket-id' }),
    takeId: assign(({ context, event }) => ({ pendingId: idFrom(event, context.text), error: null })),
    edit: assign(({ context, event }) =>
      event.type === 'TEXT.SET' || event.type === 'KEY.PRESS' || event.type === 'KEY.BACKSPACE' || event.type === 'KEY.CLEAR'
        ? { text: editText(context.text, event, MAX_TICKET_ID_INPUT), error: null }
        : {},
    ),
  },
}).createMachine({
  id: 'ticketStatus',
  context: ({ input }) => {
    const scanned = input?.scanned ?? null;
    const pendingId = scanned === null ? null : parseTicketId(scanned);
    return { text: '', error: scanned !== null && pendingId === null ? 'invalid-ticket-id' : null, pendingId, list: [], result: null, exit: { next: 'menu' } };
  },
  // A scan is a lookup wherever the passenger is in this flow.
  on: {
    'SCAN.CODE': [
      { guard: 'validId', target: '.lookingUp', actions: 'takeId' },
      { target: '.entry', actions: ['invalidId', assign({ list: [], result: null })] },
    ],
  },
  initial: 'routing',
  states: {
    routing: {
      always: [{ guard: ({ context }) => context.pendingId !== null, target: 'lookingUp' }, { target: 'entry' }],
    },
    entry: {
      on: {
        'TEXT.SET': { actions: 'edit' },
        'KEY.PRESS': { actions: 'edit' },
        'KEY.BACKSPACE': { actions: 'edit' },
        'KEY.CLEAR': { actions: 'edit' },
        SUBMIT: [{ guard: 'validId', target: 'lookingUp', actions: 'takeId' }, { actions: 'invalidId' }],
        NEXT: [{ guard: 'validId', target: 'lookingUp', actions: 'takeId' }, { actions: 'invalidId' }],
        // a summary without the number (read after the balance) waits for the snapshot
        'CARD.SUMMARY': { guard: ({ event }) => event.summary.cardNumber !== null, target: 'lookingByCard' },
        'CARD.READ': 'lookingByCard',
        BACK: { target: 'done', actions: assign({ exit: { next: 'menu' } }) },
      },
    },
    lookingUp: {
      invoke: {
        id: 'lookupTicketStatus',
        src: 'lookupTicketStatus',
        input: ({ context }) => ({ ticketId: context.pendingId! }),
        onDone: [
          { guard: ({ event }) => event.output === null, target: 'entry', actions: assign({ error: 'not-found' }) },
          { target: 'result', actions: assign({ result: ({ event }) => event.output }) },
        ],
        onError: { target: 'entry', actions: assign({ error: 'lookup-failed' }) },
      },
    },
    lookingByCard: {
      invoke: {
        id: 'lookupTicketsByCard',
        src: 'lookupTicketsByCard',
        input: ({ event }) => ({
          cardNumber: event.type === 'CARD.SUMMARY' ? (event.summary.cardNumber ?? '') : event.type === 'CARD.READ' ? event.snapshot.cardNumber : '',
        }),
        onDone: [
          { guard: ({ event }) => event.output.length === 0, target: 'entry', actions: assign({ error: 'no-tickets-for-card' }) },
          { guard: ({ event }) => event.output.length === 1, target: 'result', actions: assign({ result: ({ event }) => event.output[0]! }) },
          { target: 'list', actions: assign({ list: ({ event }) => event.output, error: null }) },
        ],
        onError: { target: 'entry', actions: assign({ error: 'lookup-failed' }) },
      },
    },
    list: {
      on: {
        'STATUS.SELECT': {
          guard: ({ context, event }) => context.list.some((t) => t.ticketId === event.ticketId),
          target: 'result',
          actions: assign(({ context, event }) => ({ result: context.list.find((t) => t.ticketId === event.ticketId) ?? null })),
        },
        'CARD.REMOVED': { target: 'entry', actions: assign({ list: [] }) },
        BACK: { target: 'entry', actions: assign({ list: [] }) },
      },
    },
    result: {
      on: {
        BACK: [
          { guard: ({ context }) => context.list.length > 0, target: 'list', actions: assign({ result: null }) },
          { target: 'entry', actions: assign({ result: null }) },
        ],
        NEXT: {
          target: 'done',
          actions: assign(({ context }) => ({ exit: { next: 'survey', service: 'status', ticketId: context.result?.ticketId ?? null } as const })),
        },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => context.exit,
});

export type TicketStatusMachine = typeof ticketStatusMachine;
export type TicketStatusSnapshot = SnapshotFrom<TicketStatusMachine>;
