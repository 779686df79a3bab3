/**
 * The JSON Schemas of the `/v1` API, defined once. Fastify validates requests with them and the
 * OpenAPI document (`openapi.ts`) publishes them under `components.schemas`. They are JSON
 * Schema 2020-12 (what OpenAPI 3.1 uses) and self-contained: no `$ref` between them, so each
 * one compiles on its own.
 */
import { CARD_FAMILIES, DIAGNOSIS_CODES } from '../../shared/card.js';
import { MAX_DESCRIPTION_LENGTH, PHONE_PATTERN, TICKET_CATEGORIES, TICKET_ID_PATTERN, TICKET_STATUSES } from '../../shared/ticket.js';
import { DEVICE_EVENT_SEVERITIES, OUTBOX_KINDS } from '../../shared/sync.js';
import { LANGUAGES, RATED_SERVICES } from '../../shared/ui-protocol.js';
import { TICKET_PRIORITIES } from '../../shared/words.js';
import { UUID_PATTERN } from '../../shared/ids.js';
import { FORBIDDEN_LINE_CLASS, FORBIDDEN_TEXT_CLASS } from '../../shared/text-rules.js';

export type JsonSchema = { readonly [key: string]: unknown };

/** Most items one batch may carry. */
export const MAX_BATCH_ITEMS = 500;
/** Request body limit in bytes (1 MiB). Larger bodies get 413. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
export const MAX_CHANGES_LIMIT = 500;
export const DEFAULT_CHANGES_LIMIT = 100;
export const MAX_PAGE_LIMIT = 200;

/** Text without control characters other than tab and newline, C1 controls or bidi controls (the UI protocol's rule). */
const TEXT_PATTERN = `^[^${FORBIDDEN_TEXT_CLASS}]*$`;
/** One line: the same, and no tab or newline either. */
const LINE_PATTERN = `^[^${FORBIDDEN_LINE_CLASS}]*$`;

const text = (maxLength: number, minLength = 0): JsonSchema => ({ type: 'string', minLength, maxLength, pattern: TEXT_PATTERN });
const line = (maxLength: number, minLength = 1): JsonSchema => ({ type: 'string', minLength, maxLength, pattern: LINE_PATTERN });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const object = (properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});

export const KIOSK_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
export const CARD_NUMBER_PATTERN = '^[0-9A-Fa-f]{4,32}$';

const kioskId: JsonSchema = { type: 'string', pattern: KIOSK_ID_PATTERN };
const stationId = line(64);
const timestamp: JsonSchema = { type: 'string', format: 'date-time', maxLength: 40 };
const uuid: JsonSchema = { type: 'string', pattern: UUID_PATTERN.source };
const ticketId: JsonSchema = { type: 'string', pattern: TICKET_ID_PATTERN.source };
const ticketStatus: JsonSchema = { type: 'string', enum: [...TICKET_STATUSES] };
const ticketPriority: JsonSchema = { type: 'string', enum: [...TICKET_PRIORITIES] };
const ticketCategory: JsonSchema = { type: 'string', enum: [...TICKET_CATEGORIES] };
const cardNumber: JsonSchema = { type: 'string', pattern: CARD_NUMBER_PATTERN };
/**
 * A masked card number as `maskCardNumber` writes it: first 4 and last 4 with fixed groups of
 * stars (`3104 **** **** 2345`), or `**** 5678` for a short number. A full number never matches.
 */
export const MASKED_CARD_NUMBER_PATTERN = '^(?:[0-9A-Fa-f]{4} \\*{4} \\*{4} [0-9A-Fa-f]{4}|\\*{4} [0-9A-Fa-f]{1,4})$';
const maskedCardNumber: JsonSchema = { type: 'string', pattern: MASKED_CARD_NUMBER_PATTERN };

export const TicketCardContext = object({
  family: { type: 'string', enum: [...CARD_FAMILIES] },
  cardNumber,
  masked: maskedCardNumber,
  cityCode: nullable({ type: 'string', pattern: '^[0-9]{4}$' }),
  balance: { type: 'number', minimum: -1e7, maximum: 1e7 },
  diagnosis: { type: 'array', maxItems: DIAGNOSIS_CODES.length, items: { type: 'string', enum: [...DIAGNOSIS_CODES] } },
});

export const Ticket = object(
  {
    id: ticketId,
    category: ticketCategory,
    description: text(MAX_DESCRIPTION_LENGTH, 1),
    phone: nullable({ type: 'string', pattern: PHONE_PATTERN.source }),
    card: nullable(TicketCardContext),
    stationId,
    kioskId,
    createdAt: timestamp,
    language: { type: 'string', enum: [...LANGUAGES] },
    faultKey: line(128),
  },
  ['faultKey'],
);

export const Rating = object({
  id: uuid,
  score: { type: 'integer', minimum: 1, maximum: 5 },
  reason: nullable(text(500)),
  service: { type: 'string', enum: [...RATED_SERVICES] },
  ticketId: nullable(ticketId),
  kioskId,
  createdAt: timestamp,
});

export const DeviceEvent = object({
  device: line(64),
  event: line(64),
  severity: { type: 'string', enum: [...DEVICE_EVENT_SEVERITIES] },
  detail: nullable(text(2000)),
});

export const AuditEntry = object({
  actor: line(128),
  action: line(128),
  detail: nullable(text(2000)),
});

const alarmCard = nullable(
  object({
    family: { type: 'string', enum: [...CARD_FAMILIES] },
    masked: maskedCardNumber,
    balance: { type: 'number', minimum: -1e7, maximum: 1e7 },
    diagnosis: { type: 'array', maxItems: DIAGNOSIS_CODES.length, items: { type: 'string', enum: [...DIAGNOSIS_CODES] } },
  }),
);

/** An emergency alarm as the kiosk raises it (shared/sync.ts `EmergencyAlarm`); the card only masked. */
const alarmWords = object({ zh: line(100), en: line(100) });
const alarmFields = {
  id: uuid,
  kioskId,
  stationId,
  stationName: alarmWords,
  location: nullable(alarmWords),
  raisedAt: timestamp,
  language: { type: 'string', enum: [...LANGUAGES] },
  card: alarmCard,
};
export const EmergencyAlarm = object(alarmFields, ['stationName', 'location']);

const PAYLOADS: Record<(typeof OUTBOX_KINDS)[number], JsonSchema> = {
  ticket: object({ kind: { const: 'ticket' }, ticket: Ticket }),
  rating: object({ kind: { const: 'rating' }, rating: Rating }),
  'device-event': object({ kind: { const: 'device-event' }, event: DeviceEvent }),
  audit: object({ kind: { const: 'audit' }, entry: AuditEntry }),
  telemetry: object({
    kind: { const: 'telemetry' },
    metrics: {
      type: 'object',
      maxProperties: 200,
      propertyNames: { pattern: '^[A-Za-z0-9_.:-]{1,64}$' },
      additionalProperties: { anyOf: [{ type: 'number' }, line(500, 0), { type: 'boolean' }, { type: 'null' }] },
    },
  }),
  'call-record': object({ kind: { const: 'call-record' }, record: { type: 'object', maxProperties: 100 } }),
  alarm: object({ kind: { const: 'alarm' }, alarm: EmergencyAlarm }),
};

const itemEnvelope = (payload: JsonSchema): JsonSchema =>
  object({ id: uuid, seq: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, createdAt: timestamp, payload });

/** One item of a batch, per payload kind: what the ingest validates each item with. */
export const SyncItemByKind: Readonly<Record<(typeof OUTBOX_KINDS)[number], JsonSchema>> = Object.fromEntries(
  OUTBOX_KINDS.map((kind) => [kind, itemEnvelope(PAYLOADS[kind])]),
) as Record<(typeof OUTBOX_KINDS)[number], JsonSchema>;

export const SyncItem: JsonSchema = { oneOf: OUTBOX_KINDS.map((kind) => SyncItemByKind[kind]) };

/**
 * The batch as Fastify checks it: the envelope only. Items are checked one by one against
 * `SyncItemByKind`, so that one bad item is rejected while the good ones are stored.
 */
export const IngestRequestEnvelope = object({
  items: { type: 'array', minItems: 1, maxItems: MAX_BATCH_ITEMS },
});

/** The batch as documented: each item is a `SyncItem`. */
export const IngestRequest = object({
  items: { type: 'array', minItems: 1, maxItems: MAX_BATCH_ITEMS, items: SyncItem },
});

export const IngestAck = object({
  id: uuid,
  seq: { type: 'integer', minimum: 1 },
  status: { type: 'string', enum: ['stored', 'duplicate'] },
  serverSeq: { type: 'integer', minimum: 1 },
  receivedAt: timestamp,
});

export const IngestReject = object({
  id: nullable({ type: 'string' }),
  seq: nullable({ type: 'integer' }),
  code: { type: 'string', enum: ['invalid-item', 'unknown-kind', 'kiosk-mismatch', 'seq-conflict', 'id-conflict', 'ticket-conflict', 'too-deep', 'too-large', 'clock-skew'] },
  reason: { type: 'string' },
});

export const IngestResponse = object({
  acks: { type: 'array', items: IngestAck },
  rejects: { type: 'array', items: IngestReject },
  serverTime: timestamp,
});

const bilingual = (maxLength: number): JsonSchema => object({ zh: text(maxLength, 1), en: text(maxLength, 1) });

export const FaqArticle = object({
  id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
  category: line(64),
  title: bilingual(200),
  body: bilingual(10_000),
  updatedAt: timestamp,
});

export const BlocklistEntry = object({ cardNumber, reason: line(200) });

export const TicketStatusUpdate = object({
  ticketId,
  status: ticketStatus,
  note: nullable(text(2000)),
  updatedAt: timestamp,
});

export const TECHNICIAN_ID_PATTERN = '^[A-Za-z0-9-]{1,32}$';
const technicianId: JsonSchema = { type: 'string', pattern: TECHNICIAN_ID_PATTERN };

/** A public key in PEM; central parses it and takes only an ECDSA P-256 key (central/technicians). */
const publicKeyPem: JsonSchema = { type: 'string', minLength: 100, maxLength: 1000, pattern: '^-----BEGIN PUBLIC KEY-----\\r?\\n[A-Za-z0-9+/=\\r\\n]{40,400}-----END PUBLIC KEY-----\\r?\\n?$' };

/** What kiosks receive about a technician: the card's public key and the revocation, never a secret. */
export const TechnicianCredential = object({
  technicianId,
  name: line(100),
  publicKeyPem,
  revokedAt: nullable(timestamp),
  updatedAt: timestamp,
});

const words = object({ zh: line(200), en: line(200) });

/** A city's station table (shared/stations.ts). */
export const StationTable = object({
  cityCode: { type: 'string', pattern: '^[0-9]{4}$' },
  source: line(500),
  rows: {
    type: 'array',
    maxItems: 5000,
    items: object({
      line: { type: 'integer', minimum: 0, maximum: 65535 },
      station: { oneOf: [{ type: 'null' }, { type: 'integer', minimum: 0, maximum: 65535 }] },
      lineName: words,
      stationName: { oneOf: [{ type: 'null' }, words] },
    }),
  },
  updatedAt: timestamp,
});

export const DownChange: JsonSchema = {
  oneOf: [
    object({ type: { const: 'technician' }, cursor: { type: 'integer', minimum: 1 }, technician: TechnicianCredential }),
    object({ type: { const: 'ticket-status' }, cursor: { type: 'integer', minimum: 1 }, update: TicketStatusUpdate }),
    object({ type: { const: 'faq' }, cursor: { type: 'integer', minimum: 1 }, article: FaqArticle, deleted: { type: 'boolean' } }),
    object({ type: { const: 'config' }, cursor: { type: 'integer', minimum: 1 }, config: { type: 'object' } }),
    object({ type: { const: 'blocklist' }, cursor: { type: 'integer', minimum: 1 }, entry: BlocklistEntry, deleted: { type: 'boolean' } }),
    object({ type: { const: 'stations' }, cursor: { type: 'integer', minimum: 1 }, table: StationTable }),
  ],
};

export const ChangesResponse = object({
  changes: { type: 'array', items: DownChange },
  cursor: { type: 'integer', minimum: 0 },
  more: { type: 'boolean' },
  serverTime: timestamp,
});

export const ChangesQuery = object(
  {
    cursor: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_CHANGES_LIMIT, default: DEFAULT_CHANGES_LIMIT },
    /** Comma-separated change types; without it, every type but `technician`. */
    types: { type: 'string', pattern: '^(ticket-status|faq|config|blocklist|stations|technician|alarm)(,(ticket-status|faq|config|blocklist|stations|technician|alarm)){0,6}$' },
  },
  ['cursor', 'limit', 'types'],
);

export const KioskParams = object({ kioskId });

export const ApiError = object({
  error: object({ code: { type: 'string' }, message: { type: 'string' } }),
});

export const Health = object({
  status: { const: 'ok' },
  serverTime: timestamp,
  engine: { type: 'string', enum: ['sqlite', 'postgres'] },
});

// Staff side.

/** The card as staff get it: `cardNumber` masked too (a supervisor reveals it with `revealCardNumber`). */
export const StaffCardContext = object({
  ...(TicketCardContext['properties'] as Record<string, JsonSchema>),
  cardNumber: { ...maskedCardNumber, description: 'Masked (first 4, last 4); the full number only through revealCardNumber, audited' },
});

export const StaffTicket = object(
  {
    ...(Ticket['properties'] as Record<string, JsonSchema>),
    card: nullable(StaffCardContext),
    status: ticketStatus,
    statusNote: nullable({ type: 'string' }),
    updatedAt: timestamp,
    receivedAt: timestamp,
    serverSeq: { type: 'integer', minimum: 1 },
    assignee: nullable({ type: 'string' }),
    priority: ticketPriority,
    dueAt: { type: 'string', description: 'When it should be resolved by, from its category\'s target' },
    overdue: { type: 'boolean', description: 'Not resolved, closed or rejected, and past dueAt' },
  },
  ['faultKey'],
);

export const TicketHistoryEntry = object({
  status: ticketStatus,
  note: nullable({ type: 'string' }),
  actor: { type: 'string' },
  at: timestamp,
});

export const TicketListQuery = object(
  {
    status: ticketStatus,
    category: ticketCategory,
    stationId,
    kioskId,
    q: line(200),
    assignee: line(64),
    priority: ticketPriority,
    from: timestamp,
    to: timestamp,
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
  },
  ['status', 'category', 'stationId', 'kioskId', 'q', 'assignee', 'priority', 'from', 'to', 'limit', 'offset'],
);

export const TicketList = object({
  tickets: { type: 'array', items: StaffTicket },
  total: { type: 'integer', minimum: 0 },
  limit: { type: 'integer' },
  offset: { type: 'integer' },
});

export const TicketActivity = object({
  kind: { type: 'string', enum: ['note', 'assign', 'priority', 'reopen'] },
  text: { type: 'string' },
  actor: { type: 'string' },
  at: timestamp,
});

export const TicketDetail = object({
  ticket: StaffTicket,
  history: { type: 'array', items: TicketHistoryEntry, description: 'Statuses and replies: what the passenger sees' },
  activity: { type: 'array', items: TicketActivity, description: 'Internal notes, assignments, priorities, reopenings: staff only' },
});

export const TicketParams = object({ ticketId });

export const StatusChangeRequest = object(
  {
    status: ticketStatus,
    note: nullable(text(2000)),
    actor: line(64),
  },
  ['note', 'actor'],
);

export const PageQuery = object(
  {
    kioskId,
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
  },
  ['kioskId', 'limit', 'offset'],
);

export const StoredRating = object({
  ...(Rating['properties'] as Record<string, JsonSchema>),
  receivedAt: timestamp,
  serverSeq: { type: 'integer', minimum: 1 },
});

export const StoredDeviceEvent = object({
  ...(DeviceEvent['properties'] as Record<string, JsonSchema>),
  itemId: uuid,
  kioskId,
  createdAt: timestamp,
  receivedAt: timestamp,
  serverSeq: { type: 'integer', minimum: 1 },
});

export const RatingList = object({ ratings: { type: 'array', items: StoredRating } });
export const DeviceEventList = object({ events: { type: 'array', items: StoredDeviceEvent } });

export const FaqParams = object({ faqId: (FaqArticle['properties'] as Record<string, JsonSchema>)['id']! });
export const FaqArticleInput = object({
  category: line(64),
  title: bilingual(200),
  body: bilingual(10_000),
});
export const FaqList = object({ articles: { type: 'array', items: FaqArticle } });

export const BlocklistParams = object({ cardNumber });
export const BlocklistInput = object({ reason: line(200) });
/** Blocked cards as staff list them: the number masked (kiosks get the full number through their changes). */
export const StaffBlocklistEntry = object({ cardNumber: maskedCardNumber, reason: line(200) });
export const BlocklistList = object({ entries: { type: 'array', items: StaffBlocklistEntry } });

/** A ticket's full card number, revealed to a supervisor or administrator; the reveal is audited. */
export const CardNumberReveal = object({
  ticketId,
  cardNumber,
  revealedBy: { type: 'string' },
  role: { type: 'string', enum: ['supervisor', 'administrator'] },
  revealedAt: timestamp,
});

/** One audited reveal: who saw which ticket's card number, when. */
export const CardRevealRecord = object({
  ticketId,
  revealedBy: { type: 'string' },
  role: { type: 'string' },
  revealedAt: timestamp,
});
export const CardRevealList = object({ reveals: { type: 'array', items: CardRevealRecord } });
export const CardRevealQuery = object(
  {
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
  },
  ['limit', 'offset'],
);

// Remote configuration: its settings are checked against shared/kiosk-config.ts by the route.
export const KioskConfig: JsonSchema = { type: 'object', maxProperties: 200 };
/** `actor`: who makes the change, for the audit (default "staff"). */
export const ConfigInput = object({ config: KioskConfig, actor: line(100) }, ['actor']);
export const ConfigView = object({ config: KioskConfig });
export const ConfigAuditQuery = object(
  {
    kioskId: { type: 'string', minLength: 1, maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
  ['kioskId', 'limit', 'offset'],
);
export const ConfigAuditEntry = object({
  id: { type: 'integer' },
  at: timestamp,
  actor: line(100),
  kioskId: nullable({ type: 'string' }),
  old: KioskConfig,
  new: KioskConfig,
});
export const ConfigAuditList = object({ entries: { type: 'array', items: ConfigAuditEntry } });

export const KioskInfo = object({
  id: kioskId,
  stationId: nullable(stationId),
  createdAt: timestamp,
});
export const KioskList = object({ kiosks: { type: 'array', items: KioskInfo } });
export const KioskInput = object(
  {
    id: kioskId,
    token: { type: 'string', minLength: 16, maxLength: 200, pattern: '^[\\x21-\\x7E]+$' },
    stationId: nullable(stationId),
    ticketCode: { type: 'string', pattern: '^[A-Z0-9]{2,8}$' },
  },
  ['stationId', 'ticketCode'],
);

export const TechnicianParams = object({ technicianId });
/** Enrolling a technician: their name and their card's public key (no PIN: the card checks it). */
export const TechnicianInput = object({ name: line(100), publicKeyPem });
export const TechnicianInfo = object({
  technicianId,
  name: line(100),
  /** SHA-256 of the card's public key (SubjectPublicKeyInfo DER), hex: what the card answers to GET DATA key id. */
  keyId: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  revokedAt: nullable(timestamp),
  updatedAt: timestamp,
});
export const TechnicianList = object({ technicians: { type: 'array', items: TechnicianInfo } });

// Heartbeats (shared/heartbeat.ts).

const count: JsonSchema = { type: 'integer', minimum: 0 };
export const KioskHeartbeat = object({
  kioskVersion: line(64),
  nodeVersion: line(32),
  uptimeSeconds: count,
  devices: { type: 'array', maxItems: 32, items: object({ device: line(64), state: line(32) }) },
  outbox: object({ pending: count, rejected: count, oldestPendingAt: nullable(timestamp) }),
  disk: object({ freeBytes: count, totalBytes: count }),
  clockOffsetMs: nullable({ type: 'integer' }),
  sentAt: timestamp,
  config: object({
    version: nullable(count),
    rejected: nullable(object({ version: count, problems: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 300 } }, at: timestamp })),
  }),
}, ['config']);
export const HeartbeatAck = object({ receivedAt: timestamp, serverTime: timestamp });
export const StoredHeartbeat = object({ kioskId, receivedAt: timestamp, heartbeat: KioskHeartbeat });
export const HeartbeatList = object({ heartbeats: { type: 'array', items: StoredHeartbeat } });

// Ticket work (staff): assignment, priority, internal notes, replies, reopening, targets.

const personName = line(64);
export const AssignRequest = object({ assignee: nullable(personName) });
export const PriorityRequest = object({ priority: ticketPriority });
export const NoteRequest = object({ text: text(2000, 1) });
export const ReplyRequest = object({ text: text(2000, 1), status: ticketStatus }, ['status']);
export const ReopenRequest = object({ reason: text(2000, 1) });
const targetHours: JsonSchema = { type: 'integer', minimum: 1, maximum: 24 * 90 };
export const TicketTargets = object(
  { targets: object(Object.fromEntries(TICKET_CATEGORIES.map((c) => [c, targetHours])), [...TICKET_CATEGORIES]) },
);
export const TicketTargetsView = object({
  targets: object(Object.fromEntries(TICKET_CATEGORIES.map((c) => [c, targetHours]))),
});
export const PeopleList = object({ people: { type: 'array', items: object({ name: { type: 'string' }, displayName: { type: 'string' }, role: { type: 'string' } }) } });

// Missed calls to call back (agents).

const callId: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' };
export const CallParams = object({ callId });
export const MissedCallDone = object({ note: nullable(text(500)) }, ['note']);
export const MissedCall = object({
  callId: { type: 'string' },
  kioskId: { type: 'string' },
  stationName: { type: 'string' },
  lane: { type: 'string', enum: ['information', 'emergency'] },
  reason: { type: 'string' },
  missedAt: timestamp,
  maskedCardNumber: nullable({ type: 'string' }),
  doneBy: nullable({ type: 'string' }),
  doneAt: nullable(timestamp),
  note: nullable({ type: 'string' }),
});
export const MissedCallList = object({ calls: { type: 'array', items: MissedCall } });

// Fleet view (staff, supervisors).

export const FleetKiosk = object({
  kioskId: { type: 'string' },
  stationId: nullable({ type: 'string' }),
  stationName: nullable(object({ zh: { type: 'string' }, en: { type: 'string' } })),
  kioskLocation: nullable({ type: 'string', description: 'Where the kiosk stands in its station, as the administrator wrote it' }),
  online: { type: 'boolean' },
  silent: { type: 'boolean', description: 'No heartbeat for longer than the configured silence; raises an alert' },
  lastContactAt: nullable(timestamp),
  kioskVersion: nullable({ type: 'string' }),
  faults: { type: 'array', items: object({ device: { type: 'string' }, state: { type: 'string' } }) },
  outboxPending: nullable(count),
  outboxRejected: nullable(count),
  clockOffsetMs: nullable({ type: 'integer' }),
});
export const Fleet = object({
  serverTime: timestamp,
  silentAfterSeconds: { type: 'integer' },
  kiosks: { type: 'array', items: FleetKiosk },
});

export const AlarmParams = object({ alarmId: uuid });
export const AlarmQuery = object(
  {
    state: { type: 'string', enum: ['open', 'escalated', 'all'], default: 'open' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 },
  },
  ['state', 'limit'],
);
/** An alarm as staff and agents get it: the kiosk's alarm (card masked) and what people did with it. */
export const StoredAlarm = object(
  {
  ...alarmFields,
  receivedAt: timestamp,
  state: { type: 'string', enum: ['open', 'escalated', 'acknowledged'] },
  escalatedAt: nullable(timestamp),
  acknowledgedAt: nullable(timestamp),
  acknowledgedBy: nullable({ type: 'string' }),
  acknowledgedRole: nullable({ type: 'string' }),
  /** The display name of the person who acknowledged it (their account's), for the pages. */
  acknowledgedByName: nullable({ type: 'string' }),
  },
  ['stationName', 'location', 'acknowledgedByName'],
);
export const AlarmList = object({ alarms: { type: 'array', items: StoredAlarm }, escalateAfterSeconds: { type: 'integer' }, serverTime: timestamp });
export const AlarmStep = object({
  step: { type: 'string', enum: ['raised', 'seen', 'acknowledged', 'escalated'] },
  actor: { type: 'string' },
  role: nullable({ type: 'string' }),
  at: timestamp,
});
export const AlarmDetail = object({ alarm: StoredAlarm, steps: { type: 'array', items: AlarmStep } });
export const AlarmSeen = object({ alarmId: uuid, first: { type: 'boolean' } });

// Proactive problems (central/problems/): a fault repeating at one kiosk, a ticket category spiking at one station.
const problemId: JsonSchema = { type: 'integer', minimum: 1 };
export const ProblemParams = object({ problemId: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } });
export const ProblemQuery = object(
  {
    state: { type: 'string', enum: ['open', 'all'], default: 'open' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 },
  },
  ['state', 'limit'],
);
export const Problem = object({
  id: problemId,
  kind: { type: 'string', enum: ['kiosk-fault', 'station-category'] },
  state: { type: 'string', enum: ['open', 'resolved'] },
  title: object({ zh: { type: 'string' }, en: { type: 'string' } }),
  stationId: nullable({ type: 'string' }),
  kioskId: nullable({ type: 'string' }),
  kioskLocation: nullable({ type: 'string' }),
  device: nullable({ type: 'string' }),
  fault: nullable({ type: 'string' }),
  category: nullable(ticketCategory),
  threshold: { type: 'integer', minimum: 1 },
  windowMinutes: { type: 'integer', minimum: 1 },
  openedAt: timestamp,
  firstAt: timestamp,
  lastAt: timestamp,
  occurrences: { type: 'integer', minimum: 0 },
  ticketIds: { type: 'array', items: ticketId },
  resolvedAt: nullable(timestamp),
  resolvedBy: nullable({ type: 'string' }),
  resolution: nullable({ type: 'string' }),
});
export const ProblemList = object({ problems: { type: 'array', items: Problem }, serverTime: timestamp });
export const ProblemTicket = object({ id: ticketId, kioskId, category: ticketCategory, status: ticketStatus, createdAt: timestamp, description: { type: 'string' } });
export const ProblemDetail = object({ problem: Problem, tickets: { type: 'array', items: ProblemTicket } });
export const ProblemResolveRequest = object({ note: text(2000) }, ['note']);

/** Every named schema, as published in the OpenAPI document. */
export const COMPONENT_SCHEMAS = {
  Ticket,
  TicketCardContext,
  Rating,
  DeviceEvent,
  AuditEntry,
  SyncItem,
  IngestRequest,
  IngestAck,
  IngestReject,
  IngestResponse,
  FaqArticle,
  BlocklistEntry,
  TicketStatusUpdate,
  DownChange,
  ChangesResponse,
  ApiError,
  Health,
  StaffCardContext,
  StaffTicket,
  TicketHistoryEntry,
  TicketList,
  TicketDetail,
  StatusChangeRequest,
  StoredRating,
  StoredDeviceEvent,
  RatingList,
  DeviceEventList,
  FaqArticleInput,
  FaqList,
  BlocklistInput,
  StaffBlocklistEntry,
  BlocklistList,
  CardNumberReveal,
  CardRevealRecord,
  CardRevealList,
  ConfigInput,
  ConfigView,
  ConfigAuditEntry,
  ConfigAuditList,
  KioskInfo,
  KioskList,
  KioskInput,
  TechnicianCredential,
  TechnicianInput,
  TechnicianInfo,
  TechnicianList,
  KioskHeartbeat,
  HeartbeatAck,
  StoredHeartbeat,
  HeartbeatList,
  TicketActivity,
  AssignRequest,
  PriorityRequest,
  NoteRequest,
  ReplyRequest,
  ReopenRequest,
  TicketTargets,
  TicketTargetsView,
  PeopleList,
  MissedCallDone,
  MissedCall,
  MissedCallList,
  FleetKiosk,
  Fleet,
  EmergencyAlarm,
  StoredAlarm,
  AlarmList,
  AlarmStep,
  AlarmDetail,
  AlarmSeen,
  Problem,
  ProblemList,
  ProblemTicket,
  ProblemDetail,
  ProblemResolveRequest,
} as const satisfies Record<string, JsonSchema>;
