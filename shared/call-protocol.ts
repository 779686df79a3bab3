/**
 * Video-call escalation: the messages between the kiosk runtime, the kiosk page, central and
 * the agent console, the context an agent sees, and the small audited set of agent actions.
 *
 * Three WebSocket endpoints on central (all JSON text frames, one message per frame):
 * - `/calls/kiosk` — the kiosk **runtime** (control plane: queue, ringing, actions).
 *   Auth: `Authorization: Bearer <kiosk token>` and `?kioskId=`.
 * - `/calls/media?token=` — the kiosk **page** (media plane: SDP and ICE only), with the
 *   short-lived media token central hands out in {@link CentralToKiosk} `ringing` (while one agent
 *   is rung, so the page and that agent connect before the answer, sending nothing) or `connected`.
 * - `/calls/agent` — the agent console. Auth: the session cookie of a person logged in at
 *   `/login/` whose role may answer calls, and central's own `Origin`, both checked at the upgrade;
 *   no token is taken.
 *
 * Every message from the network is untrusted: parse it with the `parse…` functions here, which
 * return a typed value or a {@link ProtocolError} with a machine-readable `code`.
 */
import { CARD_FAMILIES, DIAGNOSIS_CODES, type CardFamily, type DiagnosisCode } from './card.js';
import type { TicketCategory } from './ticket.js';
import { TICKET_CATEGORIES, TICKET_ID_PATTERN } from './ticket.js';
import { err, ok, type Result } from './result.js';
import { LANGUAGES } from './ui-protocol.js';
import { FORBIDDEN_TEXT_CHARS } from './text-rules.js';

export const CALL_LANES = ['information', 'emergency'] as const;
/** `emergency` is always served first and offered to every available agent at once. */
export type CallLane = (typeof CALL_LANES)[number];

/**
 * One recent journey as the agent sees it: the same line the passenger read on the kiosk's
 * balance screen (entry and exit paired, station names from the kiosk's station tables, date and
 * time in Beijing time, the fare), told in both languages so the agent reads their own. No
 * terminal ids, no card number.
 */
export interface CallTrip {
  readonly text: { readonly zh: string; readonly en: string };
  /** ISO 8601 of the journey's first step; null when the card's time is invalid. */
  readonly time: string | null;
  /** Fen charged for the journey. */
  readonly amount: number;
  /** An entry with no exit: a trip left open. */
  readonly open: boolean;
}

export interface CallDeviceHealth {
  readonly device: string;
  readonly state: 'ok' | 'degraded' | 'fault' | 'absent';
  readonly code: string | null;
}

/** What the agent sees about the passenger and the kiosk. The card number is masked. */
export interface CallContext {
  readonly stationId: string;
  readonly stationName: string;
  readonly kioskId: string;
  /** Where in the station the kiosk stands (its `location` setting), e.g. 「B出口旁」; absent or null when not set. */
  readonly location?: { readonly zh: string; readonly en: string } | null;
  readonly language: 'zh' | 'en';
  readonly card: {
    readonly family: CardFamily;
    readonly maskedNumber: string;
    /** Fen. */
    readonly balance: number;
    readonly validUntil: string | null;
  } | null;
  readonly diagnosis: readonly DiagnosisCode[];
  /** Newest first, at most {@link MAX_CONTEXT_TRIPS}. */
  readonly recentTrips: readonly CallTrip[];
  readonly openTicketIds: readonly string[];
  readonly health: readonly CallDeviceHealth[];
}

export const MAX_CONTEXT_TRIPS = 5;

export const AGENT_ACTION_TYPES = ['show-faq', 'open-fault-report', 'end-call'] as const;
export type AgentActionType = (typeof AGENT_ACTION_TYPES)[number];

/** The only things an agent may make the kiosk do. Anything else is refused and recorded. */
export type AgentAction =
  | { readonly type: 'show-faq'; readonly articleId: string }
  | { readonly type: 'open-fault-report'; readonly category: TicketCategory; readonly description: string }
  | { readonly type: 'end-call' };

export type ActionResultStatus = 'performed' | 'refused';

export interface IceServer {
  readonly urls: readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/**
 * Which candidates a call may use (RTCPeerConnection's `iceTransportPolicy`): `relay` sends all
 * media through the TURN relay, for networks where kiosks and agents must not reveal or reach
 * each other's addresses. Absent means `all`.
 */
export type IceTransportPolicy = 'all' | 'relay';

export const FALLBACK_REASONS = ['offline', 'no-agent', 'max-wait', 'ring-timeout', 'connection-failed', 'expired'] as const;
/**
 * Why no agent can take the call; the kiosk then offers a callback ticket.
 * `expired`: the kiosk asked to resume a call central no longer holds.
 */
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

export const CALL_END_REASONS = ['hung-up', 'cancelled', 'agent-lost', 'kiosk-lost', 'media-failed', 'end-call-action'] as const;
export type CallEndReason = (typeof CALL_END_REASONS)[number];

/** SDP and ICE between the kiosk page and the agent console, relayed by central as is. */
export type MediaSignal =
  | { readonly type: 'sdp'; readonly description: { readonly type: 'offer' | 'answer'; readonly sdp: string } }
  | {
      readonly type: 'ice';
      readonly candidate: { readonly candidate: string; readonly sdpMid: string | null; readonly sdpMLineIndex: number | null } | null;
    }
  /**
   * The kiosk page joined (or rejoined after a reload), or the agent it is to connect with
   * changed: that agent makes a fresh offer. Sent to the agent a call rings (tracks held until the
   * answer) or the agent of a connected call.
   */
  | { readonly type: 'peer-ready' }
  | { readonly type: 'media-state'; readonly state: 'connected' | 'failed' };

// ---- kiosk runtime ↔ central (/calls/kiosk) -------------------------------------------

export type KioskToCentral =
  | { readonly type: 'request'; readonly requestId: string; readonly lane: CallLane; readonly context: CallContext }
  /** After a reconnect: continue the call central still holds. */
  | { readonly type: 'resume'; readonly callId: string }
  | { readonly type: 'leave'; readonly callId: string; readonly reason: CallEndReason }
  | {
      readonly type: 'action-result';
      readonly callId: string;
      readonly actionId: string;
      readonly status: ActionResultStatus;
      readonly code: string | null;
    };

export interface MediaGrant {
  /** Path of the media endpoint on central, e.g. `/calls/media`. */
  readonly path: string;
  readonly token: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

export type CentralToKiosk =
  | {
      readonly type: 'queued';
      readonly requestId: string;
      readonly callId: string;
      readonly lane: CallLane;
      /** 1 is next. */
      readonly position: number;
      readonly estimatedWaitSeconds: number;
      /** Central's clock when the passenger joined, ISO 8601. */
      readonly queuedAt: string;
    }
  | {
      readonly type: 'ringing';
      readonly callId: string;
      readonly agents: number;
      /**
       * Present while one agent is rung: the page opens its media socket and connects with that
       * agent now, each side holding its camera and microphone until the call is answered, so the
       * answer only has to start the tracks. Absent when several agents are rung (emergencies).
       */
      readonly media?: MediaGrant;
      readonly iceServers?: readonly IceServer[];
      readonly iceTransportPolicy?: IceTransportPolicy;
    }
  | {
      readonly type: 'connected';
      readonly callId: string;
      readonly agentName: string;
      /** Null: keep the grant this call's `ringing` carried (the page is connected with this agent already). */
      readonly media: MediaGrant | null;
      readonly iceServers: readonly IceServer[];
      readonly iceTransportPolicy?: IceTransportPolicy;
    }
  | { readonly type: 'ended'; readonly callId: string; readonly reason: CallEndReason }
  | { readonly type: 'fallback'; readonly requestId: string | null; readonly callId: string | null; readonly reason: FallbackReason }
  /** `action` is passed on unvalidated: the kiosk decides what it accepts. */
  | { readonly type: 'action'; readonly callId: string; readonly actionId: string; readonly action: unknown }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

// ---- agent console ↔ central (/calls/agent) --------------------------------------------

export const AGENT_STATUSES = ['available', 'on-break', 'logged-out'] as const;
/** What an agent may choose. */
export type AgentChosenStatus = (typeof AGENT_STATUSES)[number];
/** What central says an agent is doing. */
export type AgentPresence = AgentChosenStatus | 'ringing' | 'busy' | 'wrap-up';

export type AgentToCentral =
  | { readonly type: 'set-status'; readonly status: AgentChosenStatus }
  | { readonly type: 'answer'; readonly callId: string }
  | { readonly type: 'hang-up'; readonly callId: string }
  | { readonly type: 'signal'; readonly callId: string; readonly signal: MediaSignal }
  /** `action` is checked by the kiosk, not here; central records it either way. */
  | { readonly type: 'action'; readonly callId: string; readonly action: unknown };

export interface QueueView {
  readonly callId: string;
  readonly lane: CallLane;
  readonly kioskId: string;
  readonly stationName: string;
  /** Where in the station the kiosk stands, when it says (the agent's words for the kiosk, rather than its id). */
  readonly location: { readonly zh: string; readonly en: string } | null;
  readonly queuedAt: string;
  readonly state: 'waiting' | 'ringing' | 'connected' | 'detached';
  readonly agentName: string | null;
}

export interface AgentView {
  readonly id: string;
  readonly name: string;
  readonly presence: AgentPresence;
}

export type CentralToAgent =
  | { readonly type: 'welcome'; readonly agentId: string; readonly name: string; readonly presence: AgentPresence }
  | { readonly type: 'presence'; readonly presence: AgentPresence; readonly reason: string | null }
  | { readonly type: 'queue'; readonly serverTime: string; readonly entries: readonly QueueView[]; readonly agents: readonly AgentView[] }
  | {
      readonly type: 'offer';
      readonly callId: string;
      readonly lane: CallLane;
      readonly context: CallContext;
      /** Present when the kiosk page connects with this agent while it rings (`peer-ready` follows). */
      readonly iceServers?: readonly IceServer[];
      readonly iceTransportPolicy?: IceTransportPolicy;
    }
  | { readonly type: 'offer-withdrawn'; readonly callId: string; readonly reason: 'answered-elsewhere' | 'ring-timeout' | 'left' }
  | { readonly type: 'connected'; readonly callId: string; readonly context: CallContext; readonly iceServers: readonly IceServer[]; readonly iceTransportPolicy?: IceTransportPolicy }
  | { readonly type: 'signal'; readonly callId: string; readonly signal: MediaSignal }
  | { readonly type: 'action-result'; readonly callId: string; readonly actionId: string; readonly status: ActionResultStatus; readonly code: string | null }
  | { readonly type: 'ended'; readonly callId: string; readonly reason: CallEndReason }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

// ---- parsing ---------------------------------------------------------------------------

export interface ProtocolError {
  /** `bad-json`, `bad-message`, `too-large`, `unknown-action`, `bad-action`. */
  readonly code: 'bad-json' | 'bad-message' | 'too-large' | 'unknown-action' | 'bad-action';
  readonly message: string;
}

/** Largest frame any endpoint accepts (an SDP with many candidates fits easily). */
export const MAX_FRAME_BYTES = 64 * 1024;

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const isOneOf = <T extends string>(v: unknown, all: readonly T[]): v is T => typeof v === 'string' && (all as readonly string[]).includes(v);
const bad = (message: string): Result<never, ProtocolError> => err({ code: 'bad-message', message });

function decode(frame: string): Result<Obj, ProtocolError> {
  if (frame.length > MAX_FRAME_BYTES) return err({ code: 'too-large', message: `frame over ${MAX_FRAME_BYTES} bytes` });
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return err({ code: 'bad-json', message: 'not JSON' });
  }
  if (!isObj(value) || typeof value['type'] !== 'string') return bad('expected an object with a string "type"');
  return ok(value);
}

export function parseMediaSignal(v: unknown): Result<MediaSignal, ProtocolError> {
  if (!isObj(v)) return bad('signal must be an object');
  switch (v['type']) {
    case 'sdp': {
      const d = v['description'];
      if (!isObj(d) || !isOneOf(d['type'], ['offer', 'answer'] as const) || !isStr(d['sdp'], MAX_FRAME_BYTES)) return bad('bad sdp');
      return ok({ type: 'sdp', description: { type: d['type'], sdp: d['sdp'] } });
    }
    case 'ice': {
      const c = v['candidate'];
      if (c === null) return ok({ type: 'ice', candidate: null });
      if (!isObj(c) || typeof c['candidate'] !== 'string' || c['candidate'].length > 2000) return bad('bad ice candidate');
      const mid = c['sdpMid'];
      const index = c['sdpMLineIndex'];
      return ok({
        type: 'ice',
        candidate: {
          candidate: c['candidate'],
          sdpMid: typeof mid === 'string' ? mid : null,
          sdpMLineIndex: typeof index === 'number' && Number.isInteger(index) ? index : null,
        },
      });
    }
    case 'peer-ready':
      return ok({ type: 'peer-ready' });
    case 'media-state':
      return isOneOf(v['state'], ['connected', 'failed'] as const) ? ok({ type: 'media-state', state: v['state'] }) : bad('bad media state');
    default:
      return bad('unknown signal type');
  }
}

export function parseMediaFrame(frame: string): Result<MediaSignal, ProtocolError> {
  const d = decode(frame);
  return d.ok ? parseMediaSignal(d.value) : d;
}

/**
 * A masked card number as `maskCardNumber` writes it (`3105 **** **** 7984`, or `**** 5678` for a
 * short number). A context whose `maskedNumber` is anything else, a full number included, is refused.
 */
export const MASKED_NUMBER = /^(?:[0-9A-Fa-f]{4} \*{4} \*{4} [0-9A-Fa-f]{4}|\*{4} [0-9A-Fa-f]{1,4})$/;
/** A journey's words: short text with no run of digits as long as a card number. */
const isTripText = (v: unknown): v is string => isText(v, 300) && !/\d{12,}/.test(v);
const HEALTH_STATES: readonly CallDeviceHealth['state'][] = ['ok', 'degraded', 'fault', 'absent'];
/** Most device entries a context may carry (a kiosk has a handful). */
export const MAX_CONTEXT_DEVICES = 16;
/** Most open ticket ids a context may carry. */
export const MAX_CONTEXT_TICKETS = 10;

/** Text an agent reads: a string of at most `max` characters without control or bidi characters (one rule with the UI protocol). */
const isText = (v: unknown, max: number, min = 1): v is string => typeof v === 'string' && v.length >= min && v.length <= max && !FORBIDDEN_TEXT_CHARS.test(v) && !/[\t\n]/.test(v);
const isFen = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) <= 10_000_000;
const onlyKeys = (o: Obj, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));

type ContextCheck<T> = { ok: true; value: T } | { ok: false; why: string };
const fine = <T>(value: T): ContextCheck<T> => ({ ok: true, value });
const wrong = (why: string): ContextCheck<never> => ({ ok: false, why });

function checkCard(v: unknown): ContextCheck<CallContext['card']> {
  if (v === null) return fine(null);
  if (!isObj(v) || !onlyKeys(v, ['family', 'maskedNumber', 'balance', 'validUntil'])) return wrong('context card must be null or { family, maskedNumber, balance, validUntil }');
  if (!isOneOf(v['family'], CARD_FAMILIES)) return wrong('context card.family is not a card family');
  if (typeof v['maskedNumber'] !== 'string' || !MASKED_NUMBER.test(v['maskedNumber'])) return wrong('context card.maskedNumber must be masked (first 4, last 4)');
  if (!isFen(v['balance'])) return wrong('context card.balance must be whole fen');
  if (v['validUntil'] !== null && !(typeof v['validUntil'] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v['validUntil']))) return wrong('context card.validUntil must be null or YYYY-MM-DD');
  return fine({ family: v['family'], maskedNumber: v['maskedNumber'], balance: v['balance'], validUntil: v['validUntil'] });
}

function checkList<T>(v: unknown, name: string, max: number, each: (x: unknown) => T | null): ContextCheck<T[]> {
  if (!Array.isArray(v) || v.length > max) return wrong(`context ${name} must be a list of at most ${max}`);
  const out: T[] = [];
  for (const x of v as unknown[]) {
    const checked = each(x);
    if (checked === null) return wrong(`context ${name} has an entry of the wrong shape`);
    out.push(checked);
  }
  return fine(out);
}

/**
 * The call context by its schema: every field's type, length and allowed values, no other
 * fields, the card number masked. What passes is rebuilt field by field, so the console gets
 * exactly this shape and nothing else.
 */
function parseContext(v: unknown): Result<CallContext, ProtocolError> {
  if (!isObj(v)) return bad('context must be an object');
  if (JSON.stringify(v).length > 16 * 1024) return err({ code: 'too-large', message: 'context too large' });
  if (!onlyKeys(v, ['stationId', 'stationName', 'kioskId', 'location', 'language', 'card', 'diagnosis', 'recentTrips', 'openTicketIds', 'health'])) return bad('context has fields it may not have');
  if (!isText(v['stationId'], 64) || !isText(v['kioskId'], 64) || !isText(v['stationName'], 100, 0)) return bad('context needs stationId, stationName, kioskId as short text');
  const place = v['location'];
  const location = isObj(place) && onlyKeys(place, ['zh', 'en']) && isText(place['zh'], 100) && isText(place['en'], 100) ? { zh: place['zh'], en: place['en'] } : null;
  if (place !== undefined && place !== null && location === null) return bad('context location must be { zh, en } as short text');
  if (!isOneOf(v['language'], LANGUAGES)) return bad('context language');
  const card = checkCard(v['card']);
  if (!card.ok) return bad(card.why);
  const diagnosis = checkList(v['diagnosis'], 'diagnosis', DIAGNOSIS_CODES.length, (x) => (isOneOf(x, DIAGNOSIS_CODES) ? x : null));
  if (!diagnosis.ok) return bad(diagnosis.why);
  const recentTrips = checkList(v['recentTrips'], 'recentTrips', MAX_CONTEXT_TRIPS, (x): CallTrip | null =>
    isObj(x) &&
    onlyKeys(x, ['text', 'time', 'amount', 'open']) &&
    isObj(x['text']) &&
    onlyKeys(x['text'], ['zh', 'en']) &&
    isTripText(x['text']['zh']) &&
    isTripText(x['text']['en']) &&
    (x['time'] === null || (isText(x['time'], 40) && !Number.isNaN(Date.parse(x['time'])))) &&
    isFen(x['amount']) &&
    typeof x['open'] === 'boolean'
      ? { text: { zh: x['text']['zh'], en: x['text']['en'] }, time: x['time'], amount: x['amount'], open: x['open'] }
      : null,
  );
  if (!recentTrips.ok) return bad(recentTrips.why);
  const openTicketIds = checkList(v['openTicketIds'], 'openTicketIds', MAX_CONTEXT_TICKETS, (x) => (typeof x === 'string' && TICKET_ID_PATTERN.test(x) ? x : null));
  if (!openTicketIds.ok) return bad(openTicketIds.why);
  const health = checkList(v['health'], 'health', MAX_CONTEXT_DEVICES, (x): CallDeviceHealth | null =>
    isObj(x) && onlyKeys(x, ['device', 'state', 'code']) && isText(x['device'], 64) && isOneOf(x['state'], HEALTH_STATES) && (x['code'] === null || isText(x['code'], 64))
      ? { device: x['device'], state: x['state'], code: x['code'] }
      : null,
  );
  if (!health.ok) return bad(health.why);
  return ok({
    stationId: v['stationId'],
    stationName: v['stationName'],
    kioskId: v['kioskId'],
    ...(location ? { location } : {}),
    language: v['language'],
    card: card.value,
    diagnosis: diagnosis.value,
    recentTrips: recentTrips.value,
    openTicketIds: openTicketIds.value,
    health: health.value,
  });
}

export function parseKioskMessage(frame: string): Result<KioskToCentral, ProtocolError> {
  const d = decode(frame);
  if (!d.ok) return d;
  const m = d.value;
  switch (m['type']) {
    case 'request': {
      if (!isStr(m['requestId'], 64) || !isOneOf(m['lane'], CALL_LANES)) return bad('request needs requestId and lane');
      const context = parseContext(m['context']);
      return context.ok ? ok({ type: 'request', requestId: m['requestId'], lane: m['lane'], context: context.value }) : context;
    }
    case 'resume':
      return isStr(m['callId'], 64) ? ok({ type: 'resume', callId: m['callId'] }) : bad('resume needs callId');
    case 'leave':
      return isStr(m['callId'], 64) && isOneOf(m['reason'], CALL_END_REASONS)
        ? ok({ type: 'leave', callId: m['callId'], reason: m['reason'] })
        : bad('leave needs callId and reason');
    case 'action-result':
      return isStr(m['callId'], 64) && isStr(m['actionId'], 64) && isOneOf(m['status'], ['performed', 'refused'] as const)
        ? ok({
            type: 'action-result',
            callId: m['callId'],
            actionId: m['actionId'],
            status: m['status'],
            code: typeof m['code'] === 'string' ? m['code'].slice(0, 64) : null,
          })
        : bad('action-result needs callId, actionId, status');
    default:
      return bad('unknown message type');
  }
}

export function parseAgentMessage(frame: string): Result<AgentToCentral, ProtocolError> {
  const d = decode(frame);
  if (!d.ok) return d;
  const m = d.value;
  switch (m['type']) {
    case 'set-status':
      return isOneOf(m['status'], AGENT_STATUSES) ? ok({ type: 'set-status', status: m['status'] }) : bad('unknown status');
    case 'answer':
    case 'hang-up':
      return isStr(m['callId'], 64) ? ok({ type: m['type'], callId: m['callId'] }) : bad(`${m['type']} needs callId`);
    case 'signal': {
      if (!isStr(m['callId'], 64)) return bad('signal needs callId');
      const s = parseMediaSignal(m['signal']);
      return s.ok ? ok({ type: 'signal', callId: m['callId'], signal: s.value }) : s;
    }
    case 'action':
      if (!isStr(m['callId'], 64) || !isObj(m['action'])) return bad('action needs callId and an object');
      if (JSON.stringify(m['action']).length > 4096) return err({ code: 'too-large', message: 'action too large' });
      return ok({ type: 'action', callId: m['callId'], action: m['action'] });
    default:
      return bad('unknown message type');
  }
}

/** What the kiosk accepts from an agent. `unknown-action` for anything outside the set. */
export function parseAgentAction(v: unknown): Result<AgentAction, ProtocolError> {
  if (!isObj(v)) return err({ code: 'bad-action', message: 'action must be an object' });
  const type = v['type'];
  if (!isOneOf(type, AGENT_ACTION_TYPES)) return err({ code: 'unknown-action', message: `not an allowed action: ${String(type).slice(0, 40)}` });
  switch (type) {
    case 'show-faq':
      return isStr(v['articleId'], 64) && /^[A-Za-z0-9._-]+$/.test(v['articleId'])
        ? ok({ type, articleId: v['articleId'] })
        : err({ code: 'bad-action', message: 'show-faq needs an article id' });
    case 'open-fault-report':
      return isOneOf(v['category'], TICKET_CATEGORIES) && typeof v['description'] === 'string' && v['description'].length <= 2000
        ? ok({ type, category: v['category'], description: v['description'] })
        : err({ code: 'bad-action', message: 'open-fault-report needs a category and a description' });
    case 'end-call':
      return ok({ type });
  }
}

/** For clients: messages from central, checked only for their `type` (central is trusted once authenticated). */
export function parseCentralFrame<T extends { readonly type: string }>(frame: string): Result<T, ProtocolError> {
  const d = decode(frame);
  return d.ok ? ok(d.value as unknown as T) : d;
}

// ---- what the kiosk page shows (the `call` screen's `view`) ----------------------------

/** The media plane for the kiosk page: where to signal and which ICE servers to use. */
export interface CallMedia {
  /** `ws://…/calls/media?token=…` on central; valid for this call only. */
  readonly signallingUrl: string;
  readonly iceServers: readonly IceServer[];
  readonly iceTransportPolicy?: IceTransportPolicy;
}

/**
 * The call screen as the escalation flow projects it. Times are epoch milliseconds of the
 * kiosk clock, so the page can count the waiting time itself between updates.
 */
export type CallView =
  | { readonly phase: 'connecting'; readonly lane: CallLane }
  | {
      readonly phase: 'queued';
      readonly lane: CallLane;
      readonly position: number;
      readonly estimatedWaitSeconds: number;
      readonly queuedAtMs: number;
    }
  /** `media`: the page connects with the rung agent now, sending nothing until the answer. */
  | { readonly phase: 'ringing'; readonly lane: CallLane; readonly media: CallMedia | null }
  | {
      readonly phase: 'in-call';
      readonly lane: CallLane;
      readonly agentName: string;
      readonly muted: boolean;
      readonly media: CallMedia;
      /** The help article the agent put on screen, if any. */
      readonly article: CallArticle | null;
      /** Ticket the agent filed for the passenger during the call, if any. */
      readonly reportTicketId: string | null;
    }
  | { readonly phase: 'leaving'; readonly lane: CallLane }
  | { readonly phase: 'callback-offer'; readonly reason: FallbackReason; readonly phone: string; readonly phoneValid: boolean }
  | { readonly phase: 'callback-creating'; readonly reason: FallbackReason }
  | { readonly phase: 'callback-failed'; readonly reason: FallbackReason }
  | { readonly phase: 'callback-done'; readonly ticketId: string; readonly statusUrl: string }
  | { readonly phase: 'ended'; readonly reason: CallEndReason; readonly reportTicketId: string | null };

export type CallPhase = CallView['phase'];

/**
 * A help article an agent put on the kiosk's screen (`show-faq`), in both languages so the page
 * shows it in the passenger's language: `loading` while the kiosk looks it up in its copy of
 * central's articles, `missing` when it does not have that article.
 */
export type CallArticle =
  | { readonly id: string; readonly state: 'shown'; readonly title: { readonly zh: string; readonly en: string }; readonly body: { readonly zh: string; readonly en: string } }
  | { readonly id: string; readonly state: 'loading' | 'missing' };
