/**
 * The effects the passenger flows need, as plain async functions. The runtime implements them
 * with the ticket service, the store's blocklist and the receipt printer
 * (kiosk/runtime/effects/flow-ports.ts); `provideKioskFlows` (kiosk/flows/kiosk-flows.ts) gives
 * each one to the machine that names it as an actor. Tests `.provide()` actors of their own.
 *
 * Every port may reject; the flows treat a rejection as "this service is unavailable" and show
 * a plain message, never the error.
 */
import type { FaqArticle } from '../../shared/sync.js';
import type { Rating, TicketCardContext, TicketCategory, TicketId, TicketStatus } from '../../shared/ticket.js';
import type { Language, RatedService } from '../../shared/ui-protocol.js';

/**
 * Input of `createTicket`. `draftId` is made by the flow (UUIDv7) when the report starts and
 * never changes: if the runtime dies while a ticket is being created, the restored flow calls
 * `createTicket` again with the same `draftId`, and the port MUST return the ticket it already
 * made for that draft instead of a second one (store `draftId` with the ticket, unique).
 */
export interface CreateTicketInput {
  readonly draftId: string;
  readonly category: TicketCategory;
  readonly description: string;
  /** Validated against `PHONE_PATTERN`, or null. */
  readonly phone: string | null;
  /** The card read in this session, whole number included (it goes only to central). */
  readonly card: TicketCardContext | null;
  readonly language: Language;
}

export interface CreateTicketOutput {
  readonly ticketId: TicketId;
  /** URL of the ticket's status page (put into the QR code), e.g. `https://…/t/<id>`. */
  readonly statusUrl: string;
  /** Kiosk clock, ISO 8601. */
  readonly createdAt: string;
}

export interface PrintReceiptInput {
  readonly ticketId: TicketId;
  readonly statusUrl: string;
  readonly category: TicketCategory;
  readonly createdAt: string;
  readonly language: Language;
}

/** Resolves when the receipt was printed; rejects when the printer failed (no paper, offline…). */
export type PrintReceiptOutput = { readonly printed: true };

export interface TicketStatusRecord {
  readonly ticketId: TicketId;
  readonly status: TicketStatus;
  readonly category: TicketCategory | null;
  /** Note from central for the passenger, or null. */
  readonly note: string | null;
  /** ISO 8601. */
  readonly updatedAt: string;
}

export interface LookupTicketStatusInput {
  readonly ticketId: TicketId;
}
/** null: no such ticket in the local store or the status cache. */
export type LookupTicketStatusOutput = TicketStatusRecord | null;

export interface LookupTicketsByCardInput {
  /** As the family prints it; the port compares it with tickets' `card.cardNumber`. */
  readonly cardNumber: string;
}
/** Newest first; at most a handful. */
export type LookupTicketsByCardOutput = readonly TicketStatusRecord[];

export interface FaqCategory {
  readonly id: string;
  readonly title: { readonly zh: string; readonly en: string };
}
export type ListFaqCategoriesOutput = readonly FaqCategory[];

export interface SearchFaqInput {
  /** null: all categories. */
  readonly categoryId: string | null;
  /** null: no text filter. Matched against titles and bodies in both languages. */
  readonly query: string | null;
  readonly language: Language;
}
export type SearchFaqOutput = readonly FaqArticle[];

export interface LoadFaqArticleInput {
  readonly articleId: string;
}
/** null: the kiosk has no article with that id. */
export type LoadFaqArticleOutput = FaqArticle | null;

/**
 * Input of `saveRating`. `ratingId` is made by the flow (UUIDv7): saving twice with the same id
 * stores one rating.
 */
export interface SaveRatingInput {
  readonly ratingId: string;
  readonly score: Rating['score'];
  readonly reason: string | null;
  readonly service: RatedService;
  readonly ticketId: TicketId | null;
}

export interface CheckBlocklistInput {
  readonly cardNumber: string;
}
/** The operator's reason when the card is on the blocklist central sent down; null when it is not. */
export type CheckBlocklistOutput = { readonly reason: string } | null;

/** The runtime's implementation of every effect. */
export interface FlowPorts {
  createTicket(input: CreateTicketInput): Promise<CreateTicketOutput>;
  printReceipt(input: PrintReceiptInput): Promise<PrintReceiptOutput>;
  lookupTicketStatus(input: LookupTicketStatusInput): Promise<LookupTicketStatusOutput>;
  lookupTicketsByCard(input: LookupTicketsByCardInput): Promise<LookupTicketsByCardOutput>;
  listFaqCategories(): Promise<ListFaqCategoriesOutput>;
  searchFaq(input: SearchFaqInput): Promise<SearchFaqOutput>;
  loadFaqArticle(input: LoadFaqArticleInput): Promise<LoadFaqArticleOutput>;
  saveRating(input: SaveRatingInput): Promise<void>;
  checkBlocklist(input: CheckBlocklistInput): Promise<CheckBlocklistOutput>;
}

/** Time for the flows: the same clock the actor system uses for its timers (`SimulatedClock` in tests). */
export interface FlowClock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The machines' environment: what a machine that reads the time or makes ids is built with. */
export interface FlowDeps {
  readonly clock: FlowClock;
  /** Ids for drafts and ratings; UUIDv7 by default. Tests pass a counter. */
  readonly newId?: () => string;
}
