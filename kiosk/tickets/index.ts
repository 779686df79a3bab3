export { TicketService, type CreatedTicket, type KioskIdentity, type RatingDraft, type RecordError, type StoreFailure, type TicketStatusView } from './ticket-service.js';
export { validateTicketDraft, isDraftId, type TicketDraft, type ValidTicketDraft, type TicketDraftError, type TicketDraftErrorCode } from './ticket-draft.js';
export { searchFaq, faqTerms, faqCategories, type FaqHit, type FaqQuery } from './faq-search.js';
