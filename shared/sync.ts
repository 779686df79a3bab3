/**
 * The sync protocol between a kiosk and central (`/v1`). The OpenAPI document that central
 * serves describes the same shapes; the contract tests check both agree.
 *
 * Up: the kiosk's outbox items, in batches. Each item has a kiosk-made id (UUIDv7) and a
 * per-kiosk sequence number; central stores each (kioskId, seq) and each id once, and answers
 * a repeated batch with the same acknowledgements.
 *
 * Down: changes since a cursor: ticket statuses, FAQ articles, configuration, the card blocklist.
 *
 * Auth: `Authorization: Bearer <token>`, one token per kiosk; a kiosk may only write as itself.
 */
import type { CardFamily, DiagnosisCode } from './card.js';
import type { StationTable } from './stations.js';
import type { Rating, Ticket, TicketStatusUpdate } from './ticket.js';

export const OUTBOX_KINDS = ['ticket', 'rating', 'device-event', 'audit', 'telemetry', 'call-record', 'alarm'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** How much a device event matters; `cleared` ends an earlier warning or fault. */
export const DEVICE_EVENT_SEVERITIES = ['info', 'warning', 'fault', 'cleared'] as const;
export type DeviceEventSeverity = (typeof DEVICE_EVENT_SEVERITIES)[number];

export interface DeviceEvent {
  readonly device: string;
  readonly event: string;
  readonly severity: DeviceEventSeverity;
  readonly detail: string | null;
}

export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly detail: string | null;
}

export type OutboxPayload =
  | { readonly kind: 'ticket'; readonly ticket: Ticket }
  | { readonly kind: 'rating'; readonly rating: Rating }
  | { readonly kind: 'device-event'; readonly event: DeviceEvent }
  | { readonly kind: 'audit'; readonly entry: AuditEntry }
  | { readonly kind: 'telemetry'; readonly metrics: Readonly<Record<string, number | string | boolean | null>> }
  | { readonly kind: 'call-record'; readonly record: Readonly<Record<string, unknown>> }
  | { readonly kind: 'alarm'; readonly alarm: EmergencyAlarm };

/**
 * An emergency alarm raised at a kiosk (the passenger pressed emergency). It goes at the head of
 * the outbox: sent before every other item and retried the moment central answers. Central
 * stores it once per `id` and keeps it open until a person acknowledges it.
 */
export interface EmergencyAlarm {
  /** UUIDv7 made by the kiosk's emergency flow. */
  readonly id: string;
  readonly kioskId: string;
  readonly stationId: string;
  /** The station's name as the kiosk's settings give it (central's banner says where, in words). Absent from older kiosks. */
  readonly stationName?: { readonly zh: string; readonly en: string };
  /** Where in the station the kiosk stands (its `location` setting), e.g. 「B出口旁」; null when not set. */
  readonly location?: { readonly zh: string; readonly en: string } | null;
  /** Kiosk clock when the button was pressed, ISO 8601. */
  readonly raisedAt: string;
  /** The passenger's language at the time. */
  readonly language: 'zh' | 'en';
  /** The card read in this session, masked: what staff may see without revealing it. */
  readonly card: {
    readonly family: CardFamily;
    readonly masked: string;
    /** Fen. */
    readonly balance: number;
    readonly diagnosis: readonly DiagnosisCode[];
  } | null;
}

/** One item as sent up. */
export interface SyncItem {
  /** UUIDv7, made by the kiosk. */
  readonly id: string;
  /** Per-kiosk sequence number, 1, 2, 3, … without gaps. */
  readonly seq: number;
  /** Kiosk clock at creation, ISO 8601. */
  readonly createdAt: string;
  readonly payload: OutboxPayload;
}

export interface IngestRequest {
  readonly items: readonly SyncItem[];
}

export interface IngestAck {
  readonly id: string;
  readonly seq: number;
  /** `stored` the first time, `duplicate` when central already had it (same id and seq). */
  readonly status: 'stored' | 'duplicate';
  /** Central's order of arrival across all kiosks. */
  readonly serverSeq: number;
  readonly receivedAt: string;
}

export interface IngestReject {
  readonly id: string | null;
  readonly seq: number | null;
  /** Machine-readable reason, e.g. `invalid-item`, `seq-conflict`. */
  readonly code: string;
  readonly reason: string;
}

export interface IngestResponse {
  readonly acks: readonly IngestAck[];
  readonly rejects: readonly IngestReject[];
  /** Central's clock when it answered; the kiosk records its offset. */
  readonly serverTime: string;
}

export interface FaqArticle {
  readonly id: string;
  readonly category: string;
  readonly title: { readonly zh: string; readonly en: string };
  readonly body: { readonly zh: string; readonly en: string };
  readonly updatedAt: string;
}

export interface BlocklistEntry {
  /** Card number as the family prints it. */
  readonly cardNumber: string;
  readonly reason: string;
}

export type DownChange =
  | { readonly type: 'ticket-status'; readonly cursor: number; readonly update: TicketStatusUpdate }
  | { readonly type: 'faq'; readonly cursor: number; readonly article: FaqArticle; readonly deleted: boolean }
  | { readonly type: 'config'; readonly cursor: number; readonly config: Readonly<Record<string, unknown>> }
  | { readonly type: 'blocklist'; readonly cursor: number; readonly entry: BlocklistEntry; readonly deleted: boolean }
  /** A city's whole station table (shared/stations.ts), replacing the one the kiosk had. */
  | { readonly type: 'stations'; readonly cursor: number; readonly table: StationTable };

/**
 * A technician as central enrols them and kiosks receive them: a name, the public key of their
 * card and whether they are revoked. Nothing in it lets anyone pass as the technician or learn
 * their PIN: the private key and the PIN stay on the card (shared/technician-card.ts).
 */
export interface TechnicianCredential {
  readonly technicianId: string;
  readonly name: string;
  /** The card's ECDSA P-256 public key, SubjectPublicKeyInfo PEM. */
  readonly publicKeyPem: string;
  /** When central revoked the technician; null while they may enter maintenance. */
  readonly revokedAt: string | null;
  readonly updatedAt: string;
}

const PUBLIC_KEY_PEM = /^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]{40,400}-----END PUBLIC KEY-----\r?\n?$/;

/** Whether a value from the network is a well-formed {@link TechnicianCredential} (read by the sync client). A secret in it (old format) makes it malformed. */
export function isTechnicianCredential(v: unknown): v is TechnicianCredential {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  return (
    typeof t['technicianId'] === 'string' &&
    /^[A-Za-z0-9-]{1,32}$/.test(t['technicianId']) &&
    typeof t['name'] === 'string' &&
    typeof t['publicKeyPem'] === 'string' &&
    PUBLIC_KEY_PEM.test(t['publicKeyPem']) &&
    (t['revokedAt'] === null || typeof t['revokedAt'] === 'string') &&
    typeof t['updatedAt'] === 'string' &&
    !('keyHex' in t) &&
    !('pinHash' in t)
  );
}

/**
 * Technician credentials travel in the same change feed, but only to a kiosk that asks for them
 * with `?types=technician` (a kiosk that does not know the type never receives one).
 */
export interface TechnicianChange {
  readonly type: 'technician';
  readonly cursor: number;
  readonly technician: TechnicianCredential;
}

/**
 * A person at central acknowledged an emergency alarm this kiosk raised: the passenger sees
 * "station staff are on the way" (`by: 'staff'`) or "an agent is answering" (`by: 'agent'`).
 * Sent to the raising kiosk only, and only when it asks for the type (`?types=…,alarm`).
 */
export interface AlarmChange {
  readonly type: 'alarm';
  readonly cursor: number;
  readonly alarm: { readonly id: string; readonly state: 'acknowledged'; readonly by: 'staff' | 'agent'; readonly at: string };
}

/** Every change central can send. */
export type AnyDownChange = DownChange | TechnicianChange | AlarmChange;
export const DOWN_CHANGE_TYPES = ['ticket-status', 'faq', 'config', 'blocklist', 'stations', 'technician', 'alarm'] as const;
/** What the feed sends when the kiosk names no `types`. */
export const DEFAULT_DOWN_CHANGE_TYPES = ['ticket-status', 'faq', 'config', 'blocklist', 'stations'] as const;

export interface ChangesResponse {
  readonly changes: readonly DownChange[];
  /** Pass back as `?cursor=` next time. */
  readonly cursor: number;
  readonly more: boolean;
  readonly serverTime: string;
}

/** A page of the change feed when the kiosk asked with `?types=` (technician changes included). */
export interface AnyChangesResponse extends Omit<ChangesResponse, 'changes'> {
  readonly changes: readonly AnyDownChange[];
}

export interface ApiError {
  readonly error: { readonly code: string; readonly message: string };
}
