/**
 * One zh/en table per concept a person reads: ticket categories, ticket statuses and card
 * families. The kiosk's screens, the receipt, central's public ticket
 * page and the staff page all take their words from here, so a thing has one name everywhere.
 * Keys stay machine values (`card-problem`); people read the words.
 */
import type { CardFamily } from './card.js';
import type { TicketCategory, TicketStatus } from './ticket.js';
import type { Language } from './ui-protocol.js';

/** One thing said in both languages. */
export interface Words {
  readonly zh: string;
  readonly en: string;
}

/** The words in `lang`. */
export const wordsIn = (lang: Language, words: Words): string => words[lang];

/** `text` with `{0}`, `{1}`… replaced by `values` in order: the one placeholder style of every word table. */
export const fillWords = (text: string, ...values: readonly (string | number)[]): string =>
  values.reduce<string>((filled, value, i) => filled.replaceAll(`{${i}}`, String(value)), text);

/** Both languages, Chinese first: `交通卡问题 Transit card problem`. */
export const bothLanguages = (words: Words): string => `${words.zh} ${words.en}`;

export const TICKET_CATEGORY_WORDS: Readonly<Record<TicketCategory, Words>> = {
  'card-problem': { zh: '交通卡问题', en: 'Transit card problem' },
  gate: { zh: '闸机', en: 'Gate' },
  'ticket-machine': { zh: '售票机', en: 'Ticket machine' },
  'station-facility': { zh: '车站设施', en: 'Station facility' },
  'staff-complaint': { zh: '服务投诉', en: 'Staff or service complaint' },
  suggestion: { zh: '建议', en: 'Suggestion' },
  callback: { zh: '回电请求', en: 'Callback request' },
  'device-fault': { zh: '设备故障', en: 'Device fault' },
};

export const TICKET_STATUS_WORDS: Readonly<Record<TicketStatus, Words>> = {
  open: { zh: '已受理，等待处理', en: 'Received, waiting to be handled' },
  'in-progress': { zh: '处理中', en: 'Being handled' },
  'waiting-for-passenger': { zh: '等待您的回复', en: 'Waiting for your reply' },
  resolved: { zh: '已解决', en: 'Resolved' },
  closed: { zh: '已关闭', en: 'Closed' },
  rejected: { zh: '未能受理', en: 'Could not be accepted' },
};

export const CARD_FAMILY_WORDS: Readonly<Record<CardFamily, Words>> = {
  't-union': { zh: '交通联合卡', en: 'T-Union card' },
  'city-union': { zh: '城市一卡通', en: 'City Union card' },
  'shenzhen-tong': { zh: '深圳通', en: 'Shenzhen Tong' },
  beijing: { zh: '北京一卡通', en: 'Beijing Yikatong' },
  'wuhan-tong': { zh: '武汉通', en: 'Wuhan Tong' },
  'lingnan-pass': { zh: '岭南通·羊城通', en: 'Lingnan Pass' },
};

/** The ticket category's name in `lang`. */
export const categoryLabel = (lang: Language, category: TicketCategory): string => wordsIn(lang, TICKET_CATEGORY_WORDS[category]);

/** The ticket status's name in `lang`. */
export const ticketStatusLabel = (lang: Language, status: TicketStatus): string => wordsIn(lang, TICKET_STATUS_WORDS[status]);

/** The card family's name in `lang`. */
export const familyLabel = (lang: Language, family: CardFamily): string => wordsIn(lang, CARD_FAMILY_WORDS[family]);

/** Help (FAQ) article categories; a category central has that is not here reads "other questions". */
export const FAQ_CATEGORY_WORDS: Readonly<Record<string, Words>> = {
  card: { zh: '交通卡', en: 'Transit cards' },
  fare: { zh: '票价与扣费', en: 'Fares and charges' },
  gate: { zh: '闸机进出站', en: 'Gates, entering and leaving' },
  service: { zh: '车站服务', en: 'Station services' },
  't-union': { zh: '交通联合卡', en: 'T-Union cards' },
};

export const faqCategoryWords = (category: string): Words => FAQ_CATEGORY_WORDS[category] ?? { zh: '其他问题', en: 'Other questions' };

/** How urgent staff rate a ticket (the staff page and the agent console). */
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export const TICKET_PRIORITY_WORDS: Readonly<Record<TicketPriority, Words>> = {
  low: { zh: '低', en: 'Low' },
  normal: { zh: '普通', en: 'Normal' },
  high: { zh: '高', en: 'High' },
  urgent: { zh: '紧急', en: 'Urgent' },
};
