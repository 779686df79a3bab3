/**
 * faultReport: category → description (on-screen keyboard + common phrases) → optional phone →
 * review → submit. The ticket id from `createTicket` is shown at once (online or not); the
 * receipt print follows and may fail, then the QR code is what the passenger takes away.
 *
 * `draftId` is made once per report and passed to `createTicket`, which dedupes on it: a
 * restored `submitting` state calls it again and gets the same ticket.
 */
import { assign, sendParent, setup, type SnapshotFrom } from 'xstate';
import type { CardSnapshot, CardSummary } from '../../shared/card.js';
import { maskCardNumber } from '../../shared/card.js';
import { MAX_DESCRIPTION_LENGTH, PHONE_PATTERN, type TicketCardContext } from '../../shared/ticket.js';
import type { Language, PassengerEvent, ReportCategory } from '../../shared/ui-protocol.js';
import { reportPhrase } from '../i18n/phrases.js';
import { missingEffect, newIdOf } from './effects.js';
import type { CardEvent, ChildToSessionEvent, FlowExit } from './events.js';
import type { CreateTicketInput, CreateTicketOutput, FlowDeps, PrintReceiptInput, PrintReceiptOutput } from './ports.js';
import { editText, type TextEditEvent } from './text-input.js';

export const MAX_PHONE_INPUT = 11;

export interface FaultReportInput {
  readonly language: Language;
  readonly card: TicketCardContext | null;
}

export type ReceiptState = 'printing' | 'printed' | 'failed' | 'unknown';

export interface FaultReportContext {
  readonly draftId: string;
  readonly language: Language;
  readonly category: ReportCategory | null;
  readonly description: string;
  readonly phone: string;
  readonly phoneError: 'phone-invalid' | null;
  readonly card: TicketCardContext | null;
  readonly submitError: 'submit-failed' | 'storage-full' | null;
  readonly ticket: CreateTicketOutput | null;
  readonly receipt: ReceiptState;
  /** Kiosk clock (ms) of the last change the passenger made: the restore rule's age. */
  readonly updatedAt: number;
  readonly exit: FlowExit;
}

type ReportEvent =
  | Extract<
      PassengerEvent,
      { type: 'REPORT.CATEGORY' | 'PHRASE.ADD' | 'NEXT' | 'SKIP' | 'SUBMIT' | 'BACK' | 'RECEIPT.RETRY' | 'LANG.SET' }
    >
  | TextEditEvent
  | CardEvent;

/** Card facts for a ticket, from what the reader delivered; null for a summary sent before the card's number (or family) was read. */
export function ticketCardContext(card: CardSummary | CardSnapshot, diagnosis: TicketCardContext['diagnosis'] = []): TicketCardContext | null {
  if (card.cardNumber === null || card.family === null) return null;
  return {
    family: card.family,
    cardNumber: card.cardNumber,
    masked: maskCardNumber(card.cardNumber),
    cityCode: card.cityCode,
    balance: card.balance,
    diagnosis,
  };
}

export function isValidPhoneInput(phone: string): boolean {
  return phone === '' || PHONE_PATTERN.test(phone);
}

export function createFaultReportMachine(deps: FlowDeps) {
  const newId = newIdOf(deps);
  const touched = () => ({ updatedAt: deps.clock.now() });
  return setup({
    types: {
      context: {} as FaultReportContext,
      events: {} as ReportEvent,
      input: {} as FaultReportInput,
      output: {} as FlowExit,
    },
    actors: {
      createTicket: missingEffect<CreateTicketOutput, CreateTicketInput>('createTicket'),
      printReceipt: missingEffect<PrintReceiptOutput, PrintReceiptInput>('printReceipt'),
    },
    guards: {
      hasText: ({ context }) => context.description.trim().length > 0,
      phoneOk: ({ context }) => isValidPhoneInput(context.phone),
    },
    actions: {
      draftChanged: sendParent(({ context }): ChildToSessionEvent => ({ type: 'REPORT.DRAFT', dirty: context.category !== null && context.ticket === null })),
      editDescription: assign(({ context, event }) =>
        isTextEdit(event) ? { description: editText(context.description, event, MAX_DESCRIPTION_LENGTH), ...touched() } : {},
      ),
      editPhone: assign(({ context, event }) => {
        if (!isTextEdit(event)) return {};
        const digits = editText(context.phone, event, 32).replace(/[^0-9]/g, '');
        return { phone: digits.slice(0, MAX_PHONE_INPUT), phoneError: null, ...touched() };
      }),
    },
  }).createMachine({
    id: 'faultReport',
    context: ({ input }) => ({
      draftId: newId(),
      language: input.language,
      category: null,
      description: '',
      phone: '',
      phoneError: null,
      card: input.card,
      submitError: null,
      ticket: null,
      receipt: 'printing',
      updatedAt: deps.clock.now(),
      exit: { next: 'menu' },
    }),
    on: {
      'LANG.SET': { actions: assign({ language: ({ event }) => event.language }) },
      'CARD.SUMMARY': { actions: assign({ card: ({ event, context }) => ticketCardContext(event.summary) ?? context.card }) },
      'CARD.READ': { actions: assign({ card: ({ event }) => ticketCardContext(event.snapshot) }) },
      'CARD.REMOVED': { actions: assign({ card: null }) },
    },
    initial: 'category',
    states: {
      category: {
        on: {
          'REPORT.CATEGORY': {
            target: 'describe',
            actions: [assign(({ event }) => ({ category: event.category, ...touched() })), 'draftChanged'],
          },
          BACK: { target: 'done', actions: assign({ exit: { next: 'menu' } }) },
        },
      },
      describe: {
        on: {
          'TEXT.SET': { actions: 'editDescription' },
          'KEY.PRESS': { actions: 'editDescription' },
          'KEY.BACKSPACE': { actions: 'editDescription' },
          'KEY.CLEAR': { actions: 'editDescription' },
          'PHRASE.ADD': {
            actions: assign(({ context, event }) => {
              const phrase = context.category && reportPhrase(context.language, context.category, event.phraseId);
              if (!phrase) return {};
              const sep = context.description === '' || /\s$/.test(context.description) ? '' : context.language === 'zh' ? '，' : ', ';
              return { description: [...(context.description + sep + phrase)].slice(0, MAX_DESCRIPTION_LENGTH).join(''), ...touched() };
            }),
          },
          NEXT: { guard: 'hasText', target: 'phone' },
          BACK: { target: 'category', actions: [assign({ category: null }), 'draftChanged'] },
        },
      },
      phone: {
        on: {
          'TEXT.SET': { actions: 'editPhone' },
          'KEY.PRESS': { actions: 'editPhone' },
          'KEY.BACKSPACE': { actions: 'editPhone' },
          'KEY.CLEAR': { actions: 'editPhone' },
          NEXT: [{ guard: 'phoneOk', target: 'review' }, { actions: assign({ phoneError: 'phone-invalid' }) }],
          SKIP: { target: 'review', actions: assign({ phone: '', phoneError: null }) },
          BACK: 'describe',
        },
      },
      review: {
        on: {
          SUBMIT: { target: 'submitting', actions: assign({ submitError: null }) },
          BACK: 'phone',
        },
      },
      submitting: {
        invoke: {
          id: 'createTicket',
          src: 'createTicket',
          input: ({ context }) => ({
            draftId: context.draftId,
            category: context.category ?? 'suggestion',
            description: context.description.trim(),
            phone: context.phone === '' ? null : context.phone,
            card: context.card,
            language: context.language,
          }),
          onDone: { target: 'submitted', actions: [assign({ ticket: ({ event }) => event.output }), 'draftChanged'] },
          onError: {
            target: 'review',
            // A full disk says so: the passenger keeps the report and is told why it cannot be saved now.
            actions: assign({ submitError: ({ event }) => ((event.error as { code?: unknown } | null)?.code === 'storage-full' ? 'storage-full' : 'submit-failed') }),
          },
        },
      },
      submitted: {
        initial: 'printing',
        states: {
          printing: {
            entry: assign({ receipt: 'printing' }),
            invoke: {
              id: 'printReceipt',
              src: 'printReceipt',
              input: ({ context }) => {
                const t = context.ticket!;
                return { ticketId: t.ticketId, statusUrl: t.statusUrl, category: context.category ?? 'suggestion', createdAt: t.createdAt, language: context.language };
              },
              onDone: { target: 'printed' },
              onError: { target: 'failed' },
            },
          },
          printed: { entry: assign({ receipt: 'printed' }) },
          failed: {
            entry: assign({ receipt: 'failed' }),
            on: { 'RECEIPT.RETRY': 'printing' },
          },
          /** After a restart while printing: the receipt may or may not have come out. */
          unknown: {
            entry: assign({ receipt: 'unknown' }),
            on: { 'RECEIPT.RETRY': 'printing' },
          },
        },
        on: {
          NEXT: {
            target: 'done',
            actions: assign(({ context }) => ({ exit: { next: 'survey', service: 'report', ticketId: context.ticket?.ticketId ?? null } as const })),
          },
        },
      },
      done: { type: 'final' },
    },
    output: ({ context }) => context.exit,
  });
}

function isTextEdit(e: { type: string }): e is TextEditEvent {
  return e.type === 'TEXT.SET' || e.type === 'KEY.PRESS' || e.type === 'KEY.BACKSPACE' || e.type === 'KEY.CLEAR';
}

export type FaultReportMachine = ReturnType<typeof createFaultReportMachine>;
export type FaultReportSnapshot = SnapshotFrom<FaultReportMachine>;
