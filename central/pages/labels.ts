/**
 * How central's browser pages (staff page, agent console) name categories, statuses and card
 * families: both languages of the shared/words.ts table, Chinese first. The passenger's ticket
 * page and the kiosk take theirs from the same table.
 */
import type { CardFamily, DiagnosisCode } from '../../shared/card.js';
import type { TicketCategory, TicketStatus } from '../../shared/ticket.js';
import { CARD_FAMILY_WORDS, TICKET_CATEGORY_WORDS, TICKET_STATUS_WORDS, bothLanguages, diagnosisSummary, type Words } from '../../shared/words.js';

export const categoryText = (category: TicketCategory): string => bothLanguages(TICKET_CATEGORY_WORDS[category]);
/** The words the passenger reads on the ticket page and the kiosk. */
export const statusText = (status: TicketStatus): string => bothLanguages(TICKET_STATUS_WORDS[status]);
export const familyText = (family: CardFamily): string => bothLanguages(CARD_FAMILY_WORDS[family]);
/** What the kiosk found on the card, in words (`卡片已过期 Card expired`), never the codes. */
export const diagnosisText = (codes: readonly DiagnosisCode[]): string => diagnosisSummary('both', codes);

/** `<option>`s for a select: the key as value, the words as text. */
export function options<K extends string>(keys: readonly K[], table: Readonly<Record<K, Words>>): HTMLOptionElement[] {
  return keys.map((key) => new Option(bothLanguages(table[key]), key));
}
