import { CARD_FAMILIES } from '../../shared/card.js';
import { MAX_DESCRIPTION_LENGTH, PHONE_PATTERN, TICKET_CATEGORIES, type TicketCardContext, type TicketCategory } from '../../shared/ticket.js';
import { err, ok, type Result } from '../../shared/result.js';

/** What a flow hands over to file a ticket; the service adds id, kiosk, station and time. */
export interface TicketDraft {
  readonly category: TicketCategory;
  readonly description: string;
  readonly phone?: string | null;
  readonly card?: TicketCardContext | null;
  readonly language: 'zh' | 'en';
  /** For device faults: one open ticket per fault key. */
  readonly faultKey?: string;
  /**
   * The flow's id of this draft (1–128 printable ASCII characters, e.g. a UUIDv7). Creating a
   * ticket again with the same `draftId` returns the ticket the first call made and stores
   * nothing new (a flow restored after a crash may ask twice).
   */
  readonly draftId?: string;
}

export type TicketDraftErrorCode = 'invalid-category' | 'description-too-long' | 'invalid-text' | 'invalid-phone' | 'invalid-card' | 'invalid-language' | 'invalid-fault-key' | 'invalid-draft-id';

/** Why a draft was refused; `field` names what the passenger (or flow) should fix. */
export interface TicketDraftError {
  readonly code: TicketDraftErrorCode;
  readonly field: string;
  readonly message: string;
}

const LONE_SURROGATE = /\p{Surrogate}/u;
const codePoints = (s: string): number => [...s].length;

/** Text is stored exactly as typed; only strings that cannot be stored as UTF-8 (lone surrogates) are refused. */
export function isStorableText(s: unknown): s is string {
  return typeof s === 'string' && !LONE_SURROGATE.test(s);
}

export type ValidTicketDraft = Required<Omit<TicketDraft, 'faultKey' | 'draftId'>> & { faultKey: string | null; draftId: string | null };

/** A draft or rating id as the flows make them: 1–128 printable ASCII characters. */
export function isDraftId(v: unknown): v is string {
  return typeof v === 'string' && /^[\x21-\x7e]{1,128}$/.test(v);
}

/** Validates a draft and returns it normalised (phone without spaces, null for absent parts). */
export function validateTicketDraft(draft: TicketDraft): Result<ValidTicketDraft, TicketDraftError> {
  const fail = (code: TicketDraftErrorCode, field: string, message: string) => err({ code, field, message });
  if (!(TICKET_CATEGORIES as readonly string[]).includes(draft.category)) return fail('invalid-category', 'category', `unknown category`);
  if (draft.language !== 'zh' && draft.language !== 'en') return fail('invalid-language', 'language', 'language must be zh or en');
  if (!isStorableText(draft.description)) return fail('invalid-text', 'description', 'the description contains characters that cannot be stored');
  if (codePoints(draft.description) > MAX_DESCRIPTION_LENGTH) {
    return fail('description-too-long', 'description', `the description has more than ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  let phone: string | null = null;
  if (draft.phone !== undefined && draft.phone !== null && draft.phone.trim() !== '') {
    const compact = typeof draft.phone === 'string' ? draft.phone.replace(/[\s-]/g, '') : '';
    if (!PHONE_PATTERN.test(compact)) return fail('invalid-phone', 'phone', 'not a mainland mobile number (11 digits starting with 1)');
    phone = compact;
  }
  const card = draft.card ?? null;
  if (card !== null) {
    const good =
      (CARD_FAMILIES as readonly string[]).includes(card.family) &&
      typeof card.cardNumber === 'string' &&
      /^[0-9A-Za-z]{4,32}$/.test(card.cardNumber) &&
      isStorableText(card.masked) &&
      card.masked.length <= 64 &&
      Number.isInteger(card.balance) &&
      Array.isArray(card.diagnosis);
    if (!good) return fail('invalid-card', 'card', 'the card context is malformed');
  }
  const faultKey = draft.faultKey ?? null;
  if (faultKey !== null && (!isStorableText(faultKey) || faultKey.length === 0 || faultKey.length > 200)) {
    return fail('invalid-fault-key', 'faultKey', 'the fault key must be 1 to 200 characters');
  }
  const draftId = draft.draftId ?? null;
  if (draftId !== null && !isDraftId(draftId)) return fail('invalid-draft-id', 'draftId', 'the draft id must be 1 to 128 printable ASCII characters');
  return ok({ category: draft.category, description: draft.description, phone, card, language: draft.language, faultKey, draftId });
}
