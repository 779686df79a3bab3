import { faqCategoryWords } from '../../../shared/words.js';
import type { ReceiptPrinter } from '../../../shared/devices.js';
import type { FlowPorts, TicketStatusRecord } from '../../flows/ports.js';
import type { TicketService, TicketStatusView } from '../../tickets/index.js';

/** A port failure the flows see as a rejection; `code` is for the log. */
export class PortFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PortFailure';
  }
}

export interface FlowPortDeps {
  readonly tickets: TicketService;
  /** Base of the ticket status URL put in QR codes; the id is appended after `/t/`. */
  readonly statusBaseUrl: string;
  readonly printReceipt: FlowPorts['printReceipt'];
  /**
   * Brings the local cache up to date with central before a ticket lookup, as far as a short wait
   * allows (the sync worker's `freshen`); absent, the lookup reads the cache as it is.
   */
  readonly freshen?: () => Promise<void>;
}

function record(v: TicketStatusView): TicketStatusRecord {
  return { ticketId: v.ticketId, status: v.status, category: v.local?.category ?? null, note: v.note, updatedAt: v.updatedAt };
}

/** The passenger flows' effects, made of the store's ticket service (tickets, FAQ, ratings, blocklist) and the printer. */
export function createFlowPorts(deps: FlowPortDeps): FlowPorts {
  const { tickets } = deps;
  return {
    async createTicket(input) {
      // The store dedupes on draftId in the ticket's own transaction: a flow restored after a
      // crash that asks again gets the ticket it already had.
      const r = await tickets.createTicket({
        category: input.category,
        description: input.description,
        phone: input.phone,
        card: input.card,
        language: input.language,
        draftId: input.draftId,
      });
      if (!r.ok) throw new PortFailure(r.error.code, r.error.message);
      return { ticketId: r.value.id, statusUrl: `${deps.statusBaseUrl}/t/${r.value.id}`, createdAt: r.value.ticket.createdAt };
    },
    printReceipt: deps.printReceipt,
    async lookupTicketStatus({ ticketId }) {
      await deps.freshen?.();
      const r = await tickets.ticketStatus(ticketId);
      if (r.ok) return record(r.value);
      if (r.error.code === 'ticket-not-found' || r.error.code === 'invalid-ticket-id') return null;
      throw new PortFailure(r.error.code, r.error.message);
    },
    async lookupTicketsByCard({ cardNumber }) {
      await deps.freshen?.();
      const r = await tickets.ticketsForCard(cardNumber, 5);
      if (!r.ok) throw new PortFailure(r.error.code, r.error.message);
      return r.value.map(record);
    },
    async listFaqCategories() {
      const ids = await tickets.faqCategories();
      return ids.map((id) => ({ id, title: faqCategoryWords(id) }));
    },
    async searchFaq({ categoryId, query, language }) {
      const hits = await tickets.searchFaq({ text: query ?? '', language, ...(categoryId !== null ? { category: categoryId } : {}) });
      return hits.map((h) => h.article);
    },
    async loadFaqArticle({ articleId }) {
      return tickets.faqArticle(articleId);
    },
    async saveRating(input) {
      const r = await tickets.recordRating({ ratingId: input.ratingId, score: input.score, service: input.service, reason: input.reason, ticketId: input.ticketId });
      if (!r.ok) throw new PortFailure(r.error.code, r.error.message);
    },
    async checkBlocklist({ cardNumber }) {
      const blocked = await tickets.blocked(cardNumber);
      return blocked && blocked.cardNumber === cardNumber ? { reason: blocked.reason } : null;
    },
  };
}

/** For a kiosk without a receipt printer: the flows show the QR code instead. */
export function noPrinter(): FlowPorts['printReceipt'] {
  return () => Promise.reject(new PortFailure('no-printer', 'this kiosk has no receipt printer'));
}

/** Receipt printing through the printer driver. */
export function printerPort(printer: ReceiptPrinter, layout: (input: Parameters<FlowPorts['printReceipt']>[0]) => Parameters<ReceiptPrinter['print']>[0]): FlowPorts['printReceipt'] {
  return async (input) => {
    const r = await printer.print(layout(input));
    if (!r.ok) throw new PortFailure(r.error.code, r.error.message);
    return { printed: true };
  };
}
