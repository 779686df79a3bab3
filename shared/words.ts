/**
 * One zh/en table per concept a person reads: ticket categories, ticket statuses, card
 * families, card diagnoses, kiosk devices and their states. The kiosk's screens, the receipt, central's public ticket
 * page and the staff page all take their words from here, so a thing has one name everywhere.
 * Keys stay machine values (`card-problem`); people read the words.
 */
import type { CardFamily, DiagnosisCode } from './card.js';
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
/** A card whose balance is read before its family is told (a summary's `family` null). */
export const UNTOLD_FAMILY_WORDS: Words = { zh: '交通卡', en: 'Transit card' };
export const familyLabel = (lang: Language, family: CardFamily | null): string => wordsIn(lang, family === null ? UNTOLD_FAMILY_WORDS : CARD_FAMILY_WORDS[family]);

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
/** The roles of central's personal accounts (central/accounts/roles.ts). */
export const ACCOUNT_ROLE_WORDS = {
  agent: { zh: '视频客服', en: 'Agent' },
  'station-staff': { zh: '车站工作人员', en: 'Station staff' },
  supervisor: { zh: '值班主管', en: 'Supervisor' },
  administrator: { zh: '系统管理员', en: 'Administrator' },
} as const satisfies Readonly<Record<string, Words>>;

/** What central's login page and the pages' account bar say. */
export const LOGIN_WORDS = {
  title: { zh: '工作人员登录', en: 'Staff sign-in' },
  username: { zh: '用户名', en: 'User name' },
  password: { zh: '密码', en: 'Password' },
  signIn: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出登录', en: 'Sign out' },
  signedInAs: { zh: '当前用户：{0}（{1}）', en: 'Signed in as {0} ({1})' },
  wrong: { zh: '用户名或密码不正确。', en: 'The user name or password is not right.' },
  locked: { zh: '登录失败次数过多，此账户已锁定至 {0}（北京时间）。', en: 'Too many failed sign-ins: this account is locked until {0} (Beijing time).' },
  tooMany: { zh: '此地址登录尝试过多，请一分钟后再试。', en: 'Too many sign-in attempts from this address; try again in a minute.' },
  disabled: { zh: '此账户已停用，请联系管理员。', en: 'This account is disabled; ask an administrator.' },
  failed: { zh: '暂时无法登录：{0}', en: 'Cannot sign in just now: {0}' },
  ended: { zh: '您的登录已结束，请重新登录。', en: 'Your session has ended; please sign in again.' },
  demo: { zh: '演示系统 — 数据与账户均为公开演示用，切勿用于真实网络', en: 'DEMO — published demo data and accounts; never on a real network' },
  demoLogins: { zh: '演示账户（密码均为公开的演示密码）：', en: 'Demo accounts (their passwords are published):' },
  language: { zh: 'English', en: '中文' },
} as const satisfies Readonly<Record<string, Words>>;

/** The public emergency numbers of mainland China, shown on the kiosk's emergency screen. */
export const EMERGENCY_NUMBERS: readonly { readonly number: string; readonly words: Words }[] = [
  { number: '110', words: { zh: '报警', en: 'Police' } },
  { number: '120', words: { zh: '急救', en: 'Ambulance' } },
  { number: '119', words: { zh: '火警', en: 'Fire' } },
];

/** The kiosk's emergency screen (kiosk/ui/call/emergency.tsx) and the alarm words central's pages share. */
export const EMERGENCY_WORDS = {
  title: { zh: '紧急求助', en: 'Emergency help' },
  helpCalled: { zh: '已为您呼叫帮助', en: 'Help has been called' },
  staffWhere: { zh: '车站工作人员在：', en: 'Station staff are at:' },
  staffUnknown: { zh: '请到车站客服中心找工作人员', en: 'Find station staff at the station service centre' },
  staffPhone: { zh: '车站电话', en: 'Station phone' },
  publicNumbers: { zh: '紧急电话', en: 'Emergency numbers' },
  sending: { zh: '正在通知控制中心…', en: 'Telling the control centre…' },
  received: { zh: '控制中心已收到求助，正在安排人员', en: 'The control centre has your call for help and is sending someone' },
  unreachable: {
    zh: '正在联系中心… 暂时无法联系控制中心，请拨打上面的电话',
    en: 'Still trying: could not reach the control centre. Call the numbers above',
  },
  staffComing: { zh: '车站工作人员正在赶来', en: 'Station staff are on the way' },
  agentAnswering: { zh: '客服人员正在接听', en: 'An agent is answering' },
  videoCalling: { zh: '正在同时呼叫视频客服…', en: 'Also calling a video agent…' },
  videoNoAgent: { zh: '视频客服暂时无人接听，工作人员已收到求助', en: 'No video agent is free; staff have your call for help' },
  videoEnded: { zh: '视频通话已结束', en: 'The video call has ended' },
  finish: { zh: '我已得到帮助，结束', en: 'I have been helped, finish' },
} as const satisfies Readonly<Record<string, Words>>;

/** An emergency alarm's state as staff and agents read it on central's pages. */
export const ALARM_STATE_WORDS = {
  open: { zh: '未处理', en: 'Not yet acknowledged' },
  escalated: { zh: '已升级至值班主管', en: 'Escalated to supervisors' },
  acknowledged: { zh: '已确认', en: 'Acknowledged' },
} as const satisfies Readonly<Record<string, Words>>;

/**
 * What the kiosk found on a card, in a few words (the kiosk's screen explains each at length,
 * kiosk/i18n/card-words.ts); staff and agents read these instead of the codes.
 */
export const DIAGNOSIS_WORDS: Readonly<Record<DiagnosisCode, Words>> = {
  expired: { zh: '卡片已过期', en: 'Card expired' },
  'not-yet-valid': { zh: '卡片尚未启用', en: 'Card not valid yet' },
  blocked: { zh: '卡片已停用', en: 'Card blocked' },
  'open-trip': { zh: '有进站无出站的行程', en: 'Trip with an entry and no exit' },
  'low-balance': { zh: '余额不足', en: 'Low balance' },
  'negative-balance': { zh: '余额为负', en: 'Negative balance' },
  'not-accepted': { zh: '本站不收此卡', en: 'Not accepted at this station' },
  'other-city': { zh: '外地卡', en: 'Card of another city' },
};

/** An empty diagnosis: the kiosk looked and found nothing wrong. */
export const NO_DIAGNOSIS_WORDS: Words = { zh: '未发现问题', en: 'Nothing wrong found' };

/** The diagnoses as one line in `lang` (`both`: Chinese then English, for staff pages); never a code. */
export function diagnosisSummary(lang: Language | 'both', codes: readonly DiagnosisCode[]): string {
  const say = (w: Words) => (lang === 'both' ? bothLanguages(w) : wordsIn(lang, w));
  if (codes.length === 0) return say(NO_DIAGNOSIS_WORDS);
  return codes.map((c) => say(DIAGNOSIS_WORDS[c])).join(lang === 'zh' ? '、' : '; ');
}

/** The kiosk's devices as a technician or an agent reads them (keys as the fault monitor reports them). */
export const DEVICE_WORDS: Readonly<Record<string, Words>> = {
  'card-reader': { zh: '读卡器', en: 'Card reader' },
  printer: { zh: '凭条打印机', en: 'Receipt printer' },
  cabinet: { zh: '机柜', en: 'Cabinet' },
  'qr-scanner': { zh: '扫码器', en: 'QR scanner' },
  'help-buttons': { zh: '求助按钮', en: 'Help buttons' },
  storage: { zh: '存储空间', en: 'Storage' },
};

/** A device's health state (`DeviceHealthState`) in words. */
export const DEVICE_STATE_WORDS: Readonly<Record<string, Words>> = {
  ok: { zh: '正常', en: 'Working' },
  degraded: { zh: '需要注意', en: 'Needs attention' },
  fault: { zh: '故障', en: 'Fault' },
  absent: { zh: '未连接', en: 'Not connected' },
};

/** A device the kiosk reports that this table does not name, and a state it does not know. */
export const OTHER_DEVICE_WORDS: Words = { zh: '其他设备', en: 'Other device' };
export const UNKNOWN_STATE_WORDS: Words = { zh: '未知', en: 'Unknown' };

export const deviceWords = (device: string): Words => DEVICE_WORDS[device] ?? OTHER_DEVICE_WORDS;
export const deviceStateWords = (state: string): Words => DEVICE_STATE_WORDS[state] ?? UNKNOWN_STATE_WORDS;

/**
 * Words more than one of the kiosk's screen tables says (passenger screens kiosk/ui/labels.ts,
 * call screens kiosk/ui/call/texts.ts, technician screens kiosk/ui/maintenance/texts.ts): each
 * lives here once, and each table takes it by key, so a button reads the same on every screen.
 */
export const KIOSK_SHARED_WORDS = {
  done: { zh: '完成', en: 'Done' },
  cancel: { zh: '取消', en: 'Cancel' },
  retry: { zh: '重试', en: 'Try again' },
  /** The keys of the on-screen keyboard and of the keypads, passenger and technician alike. */
  backspace: { zh: '删除', en: 'Delete' },
  clear: { zh: '清空', en: 'Clear' },
  /** Under the QR code of a ticket (a report or a callback). */
  followTicket: { zh: '扫码查看处理进度', en: 'Scan to follow your ticket' },
  outOfService: { zh: '本机暂停服务', en: 'Out of service' },
  unknown: UNKNOWN_STATE_WORDS,
  /** The language switch: labelled in the language it switches to. */
  otherLanguage: LOGIN_WORDS.language,
} as const satisfies Readonly<Record<string, Words>>;
