/**
 * The protocol between the kiosk runtime and its UI (Preact in Chromium), over a loopback
 * WebSocket. The runtime owns the truth: it sends a {@link ScreenModel} whenever the screen
 * changes (and once a second while a countdown is visible); the UI renders it and sends back
 * the passenger's taps as {@link PassengerEvent}s. A UI reload loses nothing: the runtime
 * re-sends the current model on connect.
 *
 * The socket is a trust boundary: the runtime checks every incoming message with
 * {@link parseUiUpMessage} / {@link parsePassengerEvent} before it reaches a flow.
 *
 * Screens carry no personal data beyond what they show: a card number only masked, never the
 * UID; the passenger's own report text and phone only on the report screens, while they write.
 *
 * Texts: everything that explains card data (trips, transactions, diagnoses, errors) arrives
 * already written in `chrome.language`. Fixed labels (buttons, titles) come from
 * `kiosk/ui/labels.ts`, keyed by the UI itself.
 */
import { err, ok, type Result } from './result.js';
import type { CallView } from './call-protocol.js';
import { FORBIDDEN_TEXT_CHARS } from './text-rules.js';
import { MAINTENANCE_PAGES, SELF_TESTS, type MaintenancePage, type MaintenanceView, type SelfTestName } from './maintenance-protocol.js';

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The services a passenger can rate; matches `Rating['service']` in ticket.ts. */
export const RATED_SERVICES = ['balance', 'report', 'status', 'faq', 'call'] as const;
export type RatedService = (typeof RATED_SERVICES)[number];

export const REPORT_CATEGORIES = ['card-problem', 'gate', 'ticket-machine', 'station-facility', 'staff-complaint', 'suggestion'] as const;
/** The categories a passenger picks from (a subset of `TicketCategory`). */
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

// ---------------------------------------------------------------------------------------------
// Down: runtime → UI
// ---------------------------------------------------------------------------------------------

/** What every screen has around it. */
export interface ScreenChrome {
  readonly language: Language;
  readonly largeText: boolean;
  /** Whole seconds before the session resets for inactivity; null when no countdown runs (attract, call, warning). */
  readonly idleSecondsLeft: number | null;
  /** Whether the "talk to an agent" button is offered on this screen. */
  readonly agentAvailable: boolean;
  /** Whether BACK / HOME do something here (the UI hides the buttons otherwise). */
  readonly canGoBack: boolean;
  readonly canGoHome: boolean;
  /** The languages this kiosk offers, in switch order (its `languages` setting, from central or the file); absent: Chinese and English. */
  readonly languages?: readonly Language[];
}

/** A label with a stable id (the id is what the UI sends back). */
export interface Choice<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
}

/** One journey or trip step in plain words, e.g. "2026年11月23日 08:12 体育西路（1号线）进站，08:40 客村（3号线）出站，4.00 元". */
export interface TripLine {
  readonly text: string;
  /** The day of the journey in plain words (`23 Nov 2026` / `2026年11月23日`), for grouping. */
  readonly dateText: string;
  /** An entry with no exit yet: the UI highlights it. */
  readonly open: boolean;
  /** Fen charged for the journey (0 when none yet). */
  readonly amount: number;
  /** ISO 8601 of the first step, for sorting; null when the card's time is invalid. */
  readonly time: string | null;
}

export interface TransactionLine {
  readonly text: string;
  readonly dateText: string;
  /** Signed fen: positive for money in (top-up), negative for money out. */
  readonly amount: number;
  readonly time: string | null;
}

/** One finding about the card with what to do about it. */
export interface DiagnosisLine {
  readonly code: string;
  readonly severity: 'info' | 'warning' | 'problem';
  readonly title: string;
  readonly advice: string;
  /** True when the advice is "talk to an agent" (the UI shows the button beside it). */
  readonly offerAgent: boolean;
  /** True when the advice is "file a ticket" (the UI shows a report button). */
  readonly offerReport: boolean;
}

/** The card as a screen may show it. */
export interface CardFace {
  readonly maskedNumber: string;
  /** e.g. "交通联合 T-Union" in the session language. */
  readonly familyLabel: string;
  /** City of issue in plain words, or null. */
  readonly cityLabel: string | null;
  readonly validFrom: string | null;
  readonly validUntil: string | null;
  /** Plain words for the holder type, or null for a normal card. */
  readonly holderLabel: string | null;
}

export type ScreenView =
  | { readonly screen: 'attract' }
  | { readonly screen: 'menu' }
  /** The passenger chose "check my card" and nothing is on the reader yet. */
  | { readonly screen: 'card-wait' }
  /** A card is on the reader; nothing read yet. */
  | { readonly screen: 'card-reading' }
  | {
      readonly screen: 'balance';
      readonly card: CardFace;
      /** Fen; negative when the card is overdrawn. */
      readonly balance: number;
      readonly balanceText: string;
      /** False while the logs are still being read (the summary is already true). */
      readonly complete: boolean;
      readonly trips: readonly TripLine[];
      readonly transactions: readonly TransactionLine[];
      /** null while the diagnosis is running (after `complete`), or before `complete`. */
      readonly diagnoses: readonly DiagnosisLine[] | null;
    }
  | {
      readonly screen: 'card-error';
      /** A `CardReadErrorCode` from card.ts. */
      readonly code: string;
      readonly title: string;
      readonly advice: string;
    }
  | { readonly screen: 'report-category'; readonly categories: readonly Choice<ReportCategory>[] }
  | {
      readonly screen: 'report-describe';
      readonly category: Choice<ReportCategory>;
      readonly text: string;
      readonly maxLength: number;
      readonly phrases: readonly Choice[];
      /** NEXT is accepted (the text is not blank). */
      readonly canContinue: boolean;
    }
  | {
      readonly screen: 'report-phone';
      readonly phone: string;
      /** Set after NEXT with a number that is not a mainland mobile number. */
      readonly error: 'phone-invalid' | null;
    }
  | {
      readonly screen: 'report-review';
      readonly category: Choice<ReportCategory>;
      readonly description: string;
      readonly phone: string | null;
      /** The card attached automatically, masked; null when no card was read in this session. */
      readonly card: { readonly maskedNumber: string } | null;
      readonly submitting: boolean;
      /** Set when saving the ticket failed; SUBMIT tries again (no second ticket is made). */
      readonly error: 'submit-failed' | 'storage-full' | null;
    }
  | {
      readonly screen: 'report-done';
      readonly ticketId: string;
      /** Where the ticket's status can be followed; the UI renders it as a QR code. */
      readonly statusUrl: string;
      /** `failed`: the receipt did not print, the UI puts the QR code in front. */
      readonly receipt: 'printing' | 'printed' | 'failed' | 'unknown';
    }
  | {
      readonly screen: 'status-entry';
      /** What the passenger typed so far on the keypad. */
      readonly text: string;
      readonly looking: boolean;
      readonly error: 'invalid-ticket-id' | 'not-found' | 'lookup-failed' | 'no-tickets-for-card' | null;
    }
  | {
      readonly screen: 'status-list';
      /** Tickets filed with the card that was tapped. */
      readonly tickets: readonly TicketStatusView[];
    }
  | { readonly screen: 'status-result'; readonly ticket: TicketStatusView }
  | {
      readonly screen: 'faq-categories';
      /** null while loading. */
      readonly categories: readonly Choice[] | null;
      readonly error: 'faq-unavailable' | null;
    }
  | {
      readonly screen: 'faq-list';
      readonly category: Choice | null;
      readonly query: string | null;
      /** null while searching. */
      readonly articles: readonly Choice[] | null;
      readonly error: 'faq-unavailable' | null;
    }
  | { readonly screen: 'faq-article'; readonly id: string; readonly title: string; readonly body: string }
  | {
      readonly screen: 'survey';
      readonly service: RatedService;
      readonly step: 'score' | 'reason' | 'thanks';
      readonly score: number | null;
      readonly reasons: readonly Choice[];
      readonly reason: string | null;
    }
  | {
      readonly screen: 'idle-warning';
      readonly secondsLeft: number;
      /** What will be lost: today only a half-written report. */
      readonly discarding: 'report';
    }
  | CallScreen
  | MaintenanceScreen;

/**
 * The video call. The escalation flow fills the fields; the session takes them from the
 * `videoEscalation` child's `context.screen` when it has one.
 */
export interface CallScreen {
  readonly screen: 'call';
  readonly phase: 'connecting' | 'queued' | 'in-call' | 'ended' | 'unavailable';
  readonly queuePosition: number | null;
  readonly detail: string | null;
  /** The full call state (shared/call-protocol.ts); `phase`/`queuePosition` above are its summary. */
  readonly view: CallView;
  /** Present in the emergency lane: the guidance shown at once, above whatever the call does. */
  readonly emergency?: EmergencyView;
}

/**
 * The emergency screen (kiosk/flows/emergency.ts): where the station's staff are, the public
 * emergency numbers (the UI's own table), and how far the alarm at central has got.
 */
export interface EmergencyView {
  /** Where the station's staff office is, in both languages; null when central has not said. */
  readonly staffOffice: { readonly zh: string; readonly en: string } | null;
  /** The staff phone number as passengers dial it; null when central has not said. */
  readonly staffPhone: string | null;
  /**
   * The alarm at central: `sending` (kept at the head of the outbox, not yet taken),
   * `received` (central has it, nobody has answered yet), `unreachable` (central cannot be
   * reached now; the alarm is kept and sent the moment it can), `staff-coming` (station staff
   * acknowledged), `agent-answering` (an agent acknowledged or took the video call).
   */
  readonly alarm: 'sending' | 'received' | 'unreachable' | 'staff-coming' | 'agent-answering';
  /** The video call beside the alarm: `calling`, `in-call`, `no-agent` (nobody could take it), `ended`. */
  readonly video: 'calling' | 'in-call' | 'no-agent' | 'ended';
}

/**
 * Maintenance mode (kiosk/flows/maintenance.ts), and the out-of-service screen passengers see
 * (`page: 'out-of-service'`). `page` names the phase; `view` carries what it shows (absent on
 * placeholders).
 */
export interface MaintenanceScreen {
  readonly screen: 'maintenance';
  readonly page: string;
  readonly view?: MaintenanceView;
}

export interface TicketStatusView {
  readonly ticketId: string;
  /** A `TicketStatus` from ticket.ts. */
  readonly status: string;
  readonly statusLabel: string;
  readonly categoryLabel: string;
  readonly note: string | null;
  /** Plain words, e.g. "更新于 2026年11月23日 14:05" / "Updated 23 Nov 2026 14:05" (Beijing time). */
  readonly updatedText: string;
}

export type ScreenName = ScreenView['screen'];

/** What the UI renders: one screen plus the chrome around it. */
export type ScreenModel = ScreenView & { readonly chrome: ScreenChrome };

/** Runtime → UI. `seq` grows by one per message so the UI can drop stale ones. */
export type UiDownMessage =
  | { readonly type: 'screen'; readonly seq: number; readonly model: ScreenModel }
  /** The runtime refused an event (bad shape); for the UI's log, never shown to a passenger. */
  | { readonly type: 'rejected'; readonly code: UiProtocolErrorCode; readonly message: string };

// ---------------------------------------------------------------------------------------------
// Up: UI → runtime
// ---------------------------------------------------------------------------------------------

/** Longest text any event may carry (a report description). */
export const MAX_EVENT_TEXT = 2000;
/** Longest id or short field (ticket id, phone, query, phrase id). */
export const MAX_EVENT_SHORT_TEXT = 100;

export type PassengerEvent =
  | { readonly type: 'START' }
  /** End the session now (clears everything, back to attract). */
  | { readonly type: 'EXIT' }
  | { readonly type: 'HOME' }
  | { readonly type: 'BACK' }
  | { readonly type: 'NEXT' }
  | { readonly type: 'SKIP' }
  | { readonly type: 'SUBMIT' }
  | { readonly type: 'LANG.SET'; readonly language: Language }
  | { readonly type: 'TEXT.LARGE'; readonly on: boolean }
  | { readonly type: 'MENU.BALANCE' }
  | { readonly type: 'MENU.REPORT' }
  | { readonly type: 'MENU.STATUS' }
  | { readonly type: 'MENU.FAQ' }
  /** "Talk to an agent", from any screen where `chrome.agentAvailable`. */
  | { readonly type: 'MENU.CALL' }
  | { readonly type: 'REPORT.CATEGORY'; readonly category: ReportCategory }
  /** Replaces the text of the field on screen (description, phone, ticket id, FAQ search). */
  | { readonly type: 'TEXT.SET'; readonly text: string }
  /** One key of the on-screen keyboard or keypad: a single character. */
  | { readonly type: 'KEY.PRESS'; readonly key: string }
  | { readonly type: 'KEY.BACKSPACE' }
  | { readonly type: 'KEY.CLEAR' }
  | { readonly type: 'PHRASE.ADD'; readonly phraseId: string }
  | { readonly type: 'STATUS.SELECT'; readonly ticketId: string }
  | { readonly type: 'FAQ.CATEGORY'; readonly categoryId: string }
  | { readonly type: 'FAQ.SEARCH'; readonly query: string }
  | { readonly type: 'FAQ.OPEN'; readonly articleId: string }
  | { readonly type: 'RATE'; readonly score: 1 | 2 | 3 | 4 | 5 }
  | { readonly type: 'SURVEY.REASON'; readonly reasonId: string }
  | { readonly type: 'IDLE.CONTINUE' }
  | { readonly type: 'IDLE.DISCARD' }
  | { readonly type: 'RECEIPT.RETRY' }
  /** The video call's screen state (kiosk/flows/escalation.ts). */
  | { readonly type: 'CALL.HANGUP' }
  | { readonly type: 'CALL.CANCEL' }
  /** The separate emergency button: a call in the emergency lane. */
  | { readonly type: 'CALL.EMERGENCY' }
  | { readonly type: 'CALL.MUTE'; readonly muted: boolean }
  /** The page's WebRTC connection came up or failed. */
  | { readonly type: 'CALL.MEDIA'; readonly state: 'connected' | 'failed' }
  /** Maintenance mode (technician only; ignored outside it). */
  | { readonly type: 'MAINT.PAGE'; readonly page: MaintenancePage }
  | { readonly type: 'MAINT.TEST'; readonly test: SelfTestName }
  | { readonly type: 'MAINT.OUTBOX'; readonly action: 'retry' | 'discard'; readonly seq: number }
  | { readonly type: 'MAINT.SERVICE'; readonly inService: boolean }
  | { readonly type: 'MAINT.REFRESH' };

export type PassengerEventType = PassengerEvent['type'];

/**
 * Subprotocol of the UI socket. The page offers it together with `key.<UI key>`, the per-boot key
 * it got at launch; the runtime answers with this one and refuses a socket without the key.
 */
export const UI_SUBPROTOCOL = 'kiosk-ui';
/** Close code of a UI connection that a newer one replaced; the page does not reconnect after it. */
export const UI_CLOSE_REPLACED = 4001;

/** UI → runtime. */
export type UiUpMessage =
  | { readonly type: 'event'; readonly event: PassengerEvent }
  /** Asks for the current screen again (after a reload). */
  | { readonly type: 'hello' };

/** `not-offered`: a well-formed `LANG.SET` for a language this kiosk does not offer (its `languages` setting). */
export type UiProtocolErrorCode = 'not-json' | 'not-an-object' | 'unknown-type' | 'bad-field' | 'too-long' | 'forbidden' | 'not-offered';

/** What the runtime accepts now, beyond the event's shape. */
export interface PassengerEventRules {
  /** The languages this kiosk offers (`chrome.languages` of the screen shown); absent: every one of {@link LANGUAGES}. */
  readonly languages?: readonly Language[];
}

export interface UiProtocolError {
  readonly code: UiProtocolErrorCode;
  readonly message: string;
}

const NO_FIELDS = [
  'START',
  'EXIT',
  'HOME',
  'BACK',
  'NEXT',
  'SKIP',
  'SUBMIT',
  'MENU.BALANCE',
  'MENU.REPORT',
  'MENU.STATUS',
  'MENU.FAQ',
  'MENU.CALL',
  'KEY.BACKSPACE',
  'KEY.CLEAR',
  'IDLE.CONTINUE',
  'IDLE.DISCARD',
  'RECEIPT.RETRY',
  'CALL.HANGUP',
  'CALL.CANCEL',
  'CALL.EMERGENCY',
  'MAINT.REFRESH',
] as const satisfies readonly PassengerEventType[];

/** Every event type the runtime accepts from the UI. */
export const PASSENGER_EVENT_TYPES: readonly PassengerEventType[] = [
  ...NO_FIELDS,
  'LANG.SET',
  'TEXT.LARGE',
  'REPORT.CATEGORY',
  'TEXT.SET',
  'KEY.PRESS',
  'PHRASE.ADD',
  'STATUS.SELECT',
  'FAQ.CATEGORY',
  'FAQ.SEARCH',
  'FAQ.OPEN',
  'RATE',
  'SURVEY.REASON',
  'CALL.MUTE',
  'CALL.MEDIA',
  'MAINT.PAGE',
  'MAINT.TEST',
  'MAINT.OUTBOX',
  'MAINT.SERVICE',
];

type Rec = Readonly<Record<string, unknown>>;

// One rule with central's sync API (shared/text-rules.ts).
const FORBIDDEN_CHARS = FORBIDDEN_TEXT_CHARS;

function fail(code: UiProtocolErrorCode, message: string): Result<never, UiProtocolError> {
  return err({ code, message });
}

function text(o: Rec, field: string, max: number): Result<string, UiProtocolError> {
  const v = o[field];
  if (typeof v !== 'string') return fail('bad-field', `${field} must be a string`);
  if (v.length > max) return fail('too-long', `${field} is longer than ${max} characters`);
  if (FORBIDDEN_CHARS.test(v)) return fail('bad-field', `${field} contains control characters`);
  return ok(v);
}

function oneOf<T extends string>(o: Rec, field: string, allowed: readonly T[]): Result<T, UiProtocolError> {
  const v = o[field];
  return typeof v === 'string' && (allowed as readonly string[]).includes(v)
    ? ok(v as T)
    : fail('bad-field', `${field} must be one of ${allowed.join(', ')}`);
}

function map<A, B>(r: Result<A, UiProtocolError>, f: (a: A) => B): Result<B, UiProtocolError> {
  return r.ok ? ok(f(r.value)) : r;
}

/**
 * Checks an untrusted value from the socket and returns a well-formed {@link PassengerEvent}
 * holding only the known fields, or a typed error. Never throws.
 */
export function parsePassengerEvent(input: unknown, rules: PassengerEventRules = {}): Result<PassengerEvent, UiProtocolError> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('not-an-object', 'an event must be an object');
  const o = input as Rec;
  const type = o['type'];
  if (typeof type !== 'string') return fail('bad-field', 'type must be a string');
  if ((NO_FIELDS as readonly string[]).includes(type)) return ok({ type } as PassengerEvent);
  switch (type) {
    case 'LANG.SET': {
      const language = oneOf(o, 'language', LANGUAGES);
      if (!language.ok) return language;
      const offered = rules.languages ?? LANGUAGES;
      return offered.includes(language.value)
        ? ok({ type, language: language.value })
        : fail('not-offered', `language ${language.value} is not offered by this kiosk (it offers ${offered.join(', ')})`);
    }
    case 'TEXT.LARGE':
      return typeof o['on'] === 'boolean' ? ok({ type, on: o['on'] }) : fail('bad-field', 'on must be a boolean');
    case 'REPORT.CATEGORY':
      return map(oneOf(o, 'category', REPORT_CATEGORIES), (category) => ({ type, category }));
    case 'TEXT.SET':
      return map(text(o, 'text', MAX_EVENT_TEXT), (t) => ({ type, text: t }));
    case 'KEY.PRESS': {
      const key = text(o, 'key', 2);
      if (!key.ok) return key;
      return [...key.value].length === 1 && key.value !== '\n' && key.value !== '\t'
        ? ok({ type, key: key.value })
        : fail('bad-field', 'key must be one printable character');
    }
    case 'PHRASE.ADD':
      return map(text(o, 'phraseId', MAX_EVENT_SHORT_TEXT), (phraseId) => ({ type, phraseId }));
    case 'STATUS.SELECT':
      return map(text(o, 'ticketId', MAX_EVENT_SHORT_TEXT), (ticketId) => ({ type, ticketId }));
    case 'FAQ.CATEGORY':
      return map(text(o, 'categoryId', MAX_EVENT_SHORT_TEXT), (categoryId) => ({ type, categoryId }));
    case 'FAQ.SEARCH':
      return map(text(o, 'query', MAX_EVENT_SHORT_TEXT), (query) => ({ type, query }));
    case 'FAQ.OPEN':
      return map(text(o, 'articleId', MAX_EVENT_SHORT_TEXT), (articleId) => ({ type, articleId }));
    case 'RATE': {
      const s = o['score'];
      return s === 1 || s === 2 || s === 3 || s === 4 || s === 5 ? ok({ type, score: s }) : fail('bad-field', 'score must be 1 to 5');
    }
    case 'SURVEY.REASON':
      return map(text(o, 'reasonId', MAX_EVENT_SHORT_TEXT), (reasonId) => ({ type, reasonId }));
    case 'CALL.MUTE':
      return typeof o['muted'] === 'boolean' ? ok({ type, muted: o['muted'] }) : fail('bad-field', 'muted must be a boolean');
    case 'CALL.MEDIA':
      return map(oneOf(o, 'state', ['connected', 'failed'] as const), (state) => ({ type, state }));
    case 'MAINT.PAGE':
      return map(oneOf(o, 'page', MAINTENANCE_PAGES), (page) => ({ type, page }));
    case 'MAINT.TEST':
      return map(oneOf(o, 'test', SELF_TESTS), (test) => ({ type, test }));
    case 'MAINT.OUTBOX': {
      const seq = o['seq'];
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return fail('bad-field', 'seq must be a positive integer');
      return map(oneOf(o, 'action', ['retry', 'discard'] as const), (action) => ({ type, action, seq }));
    }
    case 'MAINT.SERVICE':
      return typeof o['inService'] === 'boolean' ? ok({ type, inService: o['inService'] }) : fail('bad-field', 'inService must be a boolean');
    default:
      return fail('unknown-type', `unknown event type ${JSON.stringify(type.slice(0, 40))}`);
  }
}

/** Parses one WebSocket text frame from the UI; `rules` as for {@link parsePassengerEvent}. */
export function parseUiUpMessage(frame: string, rules: PassengerEventRules = {}): Result<UiUpMessage, UiProtocolError> {
  if (frame.length > MAX_EVENT_TEXT * 4) return fail('too-long', 'message too long');
  let data: unknown;
  try {
    data = JSON.parse(frame);
  } catch {
    return fail('not-json', 'message is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('not-an-object', 'a message must be an object');
  const o = data as Rec;
  if (o['type'] === 'hello') return ok({ type: 'hello' });
  if (o['type'] !== 'event') return fail('unknown-type', 'message type must be "event" or "hello"');
  return map(parsePassengerEvent(o['event'], rules), (event) => ({ type: 'event', event }));
}
