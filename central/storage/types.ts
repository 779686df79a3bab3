/**
 * Central's storage: one interface, two engines (SQLite embedded, PostgreSQL for a fleet of
 * stateless central instances). Every guarantee the sync protocol gives comes from here:
 * - an item is stored once per id and once per (kioskId, seq); a repeat returns the first
 *   copy's `serverSeq` and `receivedAt`;
 * - a batch is stored in one transaction;
 * - the change cursor only grows, and a reader never sees cursor N+1 before N is committed
 *   (so a kiosk that saw cursor N cannot miss a change numbered below it).
 * Idempotency and order come from the database (unique keys, sequences, locks), never from
 * the memory of one process.
 */
import type { AccountStore } from '../accounts/store.js';
import type { AdminStore } from '../admin/store.js';
import type { SqlDatabase } from './sql-database.js';
import type { ProblemStore } from '../problems/store.js';
import type { KioskHeartbeat, StoredHeartbeat } from '../../shared/heartbeat.js';
import type { StationTable } from '../../shared/stations.js';
import type { AnyDownChange, BlocklistEntry, EmergencyAlarm, DeviceEvent, FaqArticle, IngestAck, IngestReject, OutboxPayload, SyncItem, TechnicianCredential } from '../../shared/sync.js';
import type { Rating, Ticket, TicketCategory, TicketId, TicketStatus } from '../../shared/ticket.js';
import type { TicketPriority } from '../../shared/words.js';

export type EngineName = 'sqlite' | 'postgres';

export type StorageConfig =
  | { readonly engine: 'sqlite'; readonly file: string }
  | { readonly engine: 'postgres'; readonly url: string; readonly schema?: string; readonly pool?: PostgresPoolOptions };

/** How much an instance lets pile up when PostgreSQL is slow or away, instead of waiting without end. */
export interface PostgresPoolOptions {
  /** Connections per instance. Default 8. */
  readonly max?: number;
  /** Longest wait for a free connection before answering 503. Default 2,000 ms. */
  readonly connectionTimeoutMs?: number;
  /** Requests that may wait for a connection at once; the next one gets 503 at once. Default 64. */
  readonly maxWaiting?: number;
}

/**
 * The database is slow or away (no connection within the wait, too many waiting, the server
 * restarting): nothing was stored, and the request may be sent again after `retryAfterSeconds`.
 */
export class StorageUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'StorageUnavailable';
  }
}

export interface KioskRecord {
  readonly id: string;
  readonly stationId: string | null;
  /** SHA-256 of the kiosk's bearer token, hex. The token itself is never stored. */
  readonly tokenHash: string;
  readonly createdAt: string;
  /**
   * The code its ticket ids start with (`GZ0102` in `GZ0102-261130-0007-3`); central refuses a
   * ticket of this kiosk with another code. Null: the kiosk id itself when it has that shape
   * (2–8 of A–Z0–9), else the kiosk may file no tickets until one is set.
   */
  readonly ticketCode?: string | null;
}

/** An item that passed validation, ready to store. */
export interface ValidItem {
  readonly item: SyncItem;
  readonly payload: OutboxPayload;
}

export interface IngestOutcome {
  readonly acks: readonly IngestAck[];
  readonly rejects: readonly IngestReject[];
}

/** A ticket as central keeps it: what the kiosk sent plus its current status and central's stamps. */
export interface StoredTicket extends Ticket {
  readonly status: TicketStatus;
  readonly statusNote: string | null;
  readonly updatedAt: string;
  readonly receivedAt: string;
  readonly serverSeq: number;
  /** The staff member handling it (their name); null: nobody yet. */
  readonly assignee: string | null;
  readonly priority: TicketPriority;
}

/**
 * Staff-side work on a ticket, never shown to the passenger: an internal note, an assignment,
 * a priority change, a reopening (its reason).
 */
export const TICKET_ACTIVITY_KINDS = ['note', 'assign', 'priority', 'reopen'] as const;
export type TicketActivityKind = (typeof TICKET_ACTIVITY_KINDS)[number];

export interface TicketActivity {
  readonly kind: TicketActivityKind;
  /** The note's text, the assignee's name ('' for nobody), the priority, the reason to reopen. */
  readonly text: string;
  readonly actor: string;
  readonly at: string;
}

/** A missed call an agent worked through (called back, or nothing to do). */
export interface CallFollowUp {
  readonly callId: string;
  readonly doneBy: string;
  readonly doneAt: string;
  readonly note: string | null;
}

export interface TicketHistoryEntry {
  readonly status: TicketStatus;
  readonly note: string | null;
  /** `kiosk:<id>` for the report itself, otherwise the staff member's name. */
  readonly actor: string;
  readonly at: string;
}

export interface TicketFilter {
  readonly status?: TicketStatus;
  readonly category?: TicketCategory;
  readonly stationId?: string;
  readonly kioskId?: string;
  /**
   * Words to find: each must occur (as a substring, case-insensitive) in the ticket's id,
   * description, phone, assignee, a reply to the passenger or an internal note. Substrings,
   * not a word index, because Chinese text has no spaces between words.
   */
  readonly q?: string;
  readonly assignee?: string;
  readonly priority?: TicketPriority;
  /** Kiosk creation time bounds, inclusive, ISO 8601. */
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface CardRevealRecord {
  readonly ticketId: string;
  readonly revealedBy: string;
  readonly role: string;
  readonly revealedAt: string;
}

export interface Page {
  readonly kioskId?: string;
  /** Only what kiosks of this station sent (station staff's scope, decided by the route). */
  readonly stationId?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface StoredRating extends Rating {
  readonly receivedAt: string;
  readonly serverSeq: number;
}

export interface StoredDeviceEvent extends DeviceEvent {
  readonly itemId: string;
  readonly kioskId: string;
  readonly createdAt: string;
  readonly receivedAt: string;
  readonly serverSeq: number;
}

export interface StatusChange {
  readonly ticketId: TicketId;
  readonly status: TicketStatus;
  readonly note: string | null;
  readonly actor: string;
  readonly at: string;
}

/** A technician as staff see them. */
export interface TechnicianInfo {
  readonly technicianId: string;
  readonly name: string;
  /** SHA-256 of the card's public key, hex. */
  readonly keyId: string;
  readonly revokedAt: string | null;
  readonly updatedAt: string;
}

/** One change of configuration, as audited. */
export interface ConfigAuditEntry {
  readonly id: number;
  readonly at: string;
  /** Who changed it, as the staff request named them. */
  readonly actor: string;
  /** The kiosk whose own configuration changed; null: the global configuration. */
  readonly kioskId: string | null;
  readonly old: Record<string, unknown>;
  readonly new: Record<string, unknown>;
}

export interface ChangesPage {
  readonly changes: readonly AnyDownChange[];
  /** The cursor to pass next time: the last change's, or the one given when there is none. */
  readonly cursor: number;
  readonly more: boolean;
}

/** An emergency alarm as central keeps it (the kiosk's `EmergencyAlarm` plus what people did). */
export interface StoredAlarm extends EmergencyAlarm {
  readonly receivedAt: string;
  readonly state: 'open' | 'escalated' | 'acknowledged';
  readonly escalatedAt: string | null;
  readonly acknowledgedAt: string | null;
  /** The person who acknowledged it (their user name) and their role. */
  readonly acknowledgedBy: string | null;
  readonly acknowledgedRole: string | null;
}

/** One step of an alarm's life: raised (the kiosk), seen and acknowledged (a person), escalated (central). */
export interface AlarmStep {
  readonly step: 'raised' | 'seen' | 'acknowledged' | 'escalated';
  readonly actor: string;
  readonly role: string | null;
  readonly at: string;
}

/** Which alarms to list. */
export interface AlarmFilter {
  /** `open`: nobody has acknowledged them yet (escalated included); `escalated`: only those escalated to supervisors. */
  readonly state: 'open' | 'escalated' | 'all';
  /** One station's alarms only (station staff); null: every station. */
  readonly stationId: string | null;
  readonly limit: number;
}

export interface CentralStorage {
  readonly engine: EngineName;
  /** The database itself, for the insight views' aggregates (central/insight/), which are SQL of their own. */
  readonly database: SqlDatabase;

  /** Alarms newest first, as the filter says. */
  listAlarms(filter: AlarmFilter): Promise<StoredAlarm[]>;
  getAlarm(id: string): Promise<{ readonly alarm: StoredAlarm; readonly steps: readonly AlarmStep[] } | null>;
  /**
   * Acknowledges an open or escalated alarm, with the person, in one conditional UPDATE (two
   * people at once: one wins, the other is told who did); writes the step and a change for the
   * kiosk that raised it. null: no such alarm.
   */
  acknowledgeAlarm(id: string, by: { readonly name: string; readonly role: string; readonly kind: 'staff' | 'agent' }, at: string): Promise<{ readonly acknowledged: boolean; readonly alarm: StoredAlarm } | null>;
  /** Records a person's first sight of an alarm (once per person). false: seen before; null: no such alarm. */
  markAlarmSeen(id: string, by: { readonly name: string; readonly role: string }, at: string): Promise<boolean | null>;
  /**
   * Escalates every open alarm received at or before `cutoffMs`: one conditional UPDATE, so
   * with several central instances each alarm is escalated by exactly one. Returns those this
   * call escalated (with their step written).
   */
  escalateDueAlarms(cutoffMs: number, at: string): Promise<StoredAlarm[]>;

  /**
   * Stores a kiosk's validated items in one transaction. Items already stored with the same
   * id and seq are acknowledged as `duplicate` with their first `serverSeq`/`receivedAt`;
   * an id stored under another seq, or a seq stored under another id, is rejected.
   */
  ingestBatch(kioskId: string, items: readonly ValidItem[], receivedAt: string): Promise<IngestOutcome>;

  /**
   * Changes after `cursor` that concern this kiosk: its own tickets' statuses and those of
   * tickets made at its station, its configuration, every FAQ and blocklist change.
   */
  changesSince(kioskId: string, cursor: number, limit: number, types?: readonly AnyDownChange['type'][]): Promise<ChangesPage>;

  /** Technicians without their key or PIN hash, by id. */
  listTechnicians(): Promise<TechnicianInfo[]>;
  /** Inserts or replaces a technician and writes a `technician` change for every kiosk. */
  putTechnician(technician: TechnicianCredential, keyId: string): Promise<void>;
  /** Marks a technician revoked and writes a `technician` change for every kiosk; null when unknown (an already revoked one keeps its time). */
  revokeTechnician(technicianId: string, at: string): Promise<TechnicianInfo | null>;

  listTickets(filter: TicketFilter): Promise<{ tickets: StoredTicket[]; total: number }>;
  getTicket(id: string): Promise<{ ticket: StoredTicket; history: TicketHistoryEntry[] } | null>;
  /** Writes a history row and a `ticket-status` change. Returns null when the ticket does not exist. */
  changeTicketStatus(change: StatusChange): Promise<StoredTicket | null>;

  /** Staff-side activity on a ticket (internal notes, assignments, priorities, reopenings), oldest first. */
  listTicketActivity(ticketId: string): Promise<TicketActivity[]>;
  /**
   * Adds staff-side activity; for `assign` and `priority` also sets the ticket's assignee
   * (`text` '' for nobody) or priority, in the same transaction. Writes no change for the kiosk.
   * Returns null when the ticket does not exist.
   */
  addTicketActivity(ticketId: string, activity: TicketActivity): Promise<StoredTicket | null>;

  /** Missed calls already worked through, by call id. */
  listCallFollowUps(): Promise<CallFollowUp[]>;
  /** Marks a missed call done; false when it already was (the first one stays). */
  putCallFollowUp(followUp: CallFollowUp): Promise<boolean>;

  /** Hours within which a ticket of each category should be resolved (staff-configured; absent: the defaults). */
  getTicketTargets(): Promise<Partial<Record<TicketCategory, number>>>;
  putTicketTargets(targets: Partial<Record<TicketCategory, number>>): Promise<void>;

  listRatings(page: Page): Promise<StoredRating[]>;
  listDeviceEvents(page: Page): Promise<StoredDeviceEvent[]>;
  /** Counts stored items of every kind, for checks that nothing was stored. */
  countItems(kioskId?: string): Promise<number>;

  /** Keeps this heartbeat as the kiosk's latest. */
  putHeartbeat(kioskId: string, heartbeat: KioskHeartbeat, receivedAt: string): Promise<void>;
  /** Every kiosk's latest heartbeat, by kiosk id. */
  listHeartbeats(): Promise<StoredHeartbeat[]>;

  listFaq(): Promise<FaqArticle[]>;
  listStationTables(): Promise<StationTable[]>;
  /** Replaces a city's station table and writes a `stations` change. */
  putStationTable(table: StationTable): Promise<void>;
  /** Inserts or replaces an article and writes a `faq` change. */
  putFaq(article: FaqArticle): Promise<void>;
  /** Returns false when there was no such article. */
  deleteFaq(id: string, at: string): Promise<boolean>;

  /**
   * A ticket's full card number for a staff member allowed to see it, with the audit row (who,
   * role, when) written first in the same transaction: no audit row, no number. Null: no such
   * ticket; `no-card`: the ticket has no card.
   */
  revealCardNumber(ticketId: string, actor: string, role: string, at: string): Promise<{ readonly cardNumber: string } | 'no-card' | null>;
  /** The reveal audit, newest first. */
  listCardReveals(page: Omit<Page, 'kioskId'>): Promise<CardRevealRecord[]>;

  listBlocklist(): Promise<BlocklistEntry[]>;
  putBlocklist(entry: BlocklistEntry, at: string): Promise<void>;
  deleteBlocklist(cardNumber: string, at: string): Promise<boolean>;

  /** The configuration every kiosk gets, under its own. */
  getGlobalConfig(): Promise<Record<string, unknown>>;
  /**
   * Replaces the global configuration, writes each kiosk's effective configuration as a change
   * and an audit entry (`actor`, old → new), in one transaction.
   */
  putGlobalConfig(config: Record<string, unknown>, at: string, actor?: string): Promise<void>;
  getKioskConfig(kioskId: string): Promise<Record<string, unknown> | null>;
  /** Replaces a kiosk's own configuration, with its change and audit entry; returns false for an unknown kiosk. */
  putKioskConfig(kioskId: string, config: Record<string, unknown>, at: string, actor?: string): Promise<boolean>;
  /** Configuration changes, newest first: one kiosk's own (`kioskId`), the global ones (`null`), or all (undefined). */
  listConfigAudit(page: Page, kioskId?: string | null): Promise<ConfigAuditEntry[]>;

  /** Personal accounts, their sessions and API tokens, and the audit of what each person did (central/accounts/). */
  readonly accounts: AccountStore;
  /** The network's stations by name and each kiosk's place and revocation (central/admin/). */
  readonly admin: AdminStore;
  /** Proactive problems: repeated kiosk faults and ticket spikes at a station, with the tickets they link (central/problems/). */
  readonly problems: ProblemStore;

  getKiosk(id: string): Promise<KioskRecord | null>;
  findKioskByTokenHash(tokenHash: string): Promise<KioskRecord | null>;
  /** Adds a kiosk or replaces its token and station. */
  upsertKiosk(kiosk: KioskRecord): Promise<void>;
  listKiosks(): Promise<KioskRecord[]>;

  close(): Promise<void>;
}
