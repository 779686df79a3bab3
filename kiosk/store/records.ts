import type { AuditEntry, DeviceEvent, OutboxPayload } from '../../shared/sync.js';
import type { Rating, Ticket, TicketCategory, TicketId } from '../../shared/ticket.js';
import type { SqliteDriver, SqliteTx } from './sqlite-port.js';
import type { OutboxState } from './outbox-types.js';

/** A ticket as the kiosk keeps it locally: no whole card number, only its keyed hash and the masked form. */
export interface LocalTicket {
  readonly id: TicketId;
  readonly category: TicketCategory;
  readonly description: string;
  readonly phone: string | null;
  readonly cardMasked: string | null;
  readonly cardFamily: string | null;
  readonly stationId: string;
  readonly kioskId: string;
  readonly language: 'zh' | 'en';
  readonly faultKey: string | null;
  readonly createdAt: string;
  readonly outboxSeq: number;
  /** Where its outbox row is: has central got it yet? */
  readonly outboxState: OutboxState;
}

interface TicketRow {
  id: string;
  outbox_seq: number;
  category: string;
  description: string;
  phone: string | null;
  card_masked: string | null;
  card_family: string | null;
  station_id: string;
  kiosk_id: string;
  language: 'zh' | 'en';
  fault_key: string | null;
  created_at: string;
  outbox_state: string;
}

const TICKET_SELECT = `SELECT t.*, o.state AS outbox_state FROM tickets t JOIN outbox o ON o.seq = t.outbox_seq`;

function toLocalTicket(r: TicketRow): LocalTicket {
  return {
    id: r.id as TicketId,
    category: r.category as TicketCategory,
    description: r.description,
    phone: r.phone,
    cardMasked: r.card_masked,
    cardFamily: r.card_family,
    stationId: r.station_id,
    kioskId: r.kiosk_id,
    language: r.language,
    faultKey: r.fault_key,
    createdAt: r.created_at,
    outboxSeq: r.outbox_seq,
    outboxState: r.outbox_state as OutboxState,
  };
}

/** `draftId`: the flow's id of the draft this ticket was made from (unique), or null. */
export async function insertTicket(tx: SqliteTx, outboxSeq: number, ticket: Ticket, cardHash: string | null, draftId: string | null = null): Promise<void> {
  await tx.run(
    `INSERT INTO tickets (id, outbox_seq, category, description, phone, card_hash, card_masked, card_family, station_id, kiosk_id, language, fault_key, created_at, draft_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      ticket.id,
      outboxSeq,
      ticket.category,
      ticket.description,
      ticket.phone,
      cardHash,
      ticket.card?.masked ?? null,
      ticket.card?.family ?? null,
      ticket.stationId,
      ticket.kioskId,
      ticket.language,
      ticket.faultKey ?? null,
      ticket.createdAt,
      draftId,
    ],
  );
}

export async function insertRating(tx: SqliteTx, outboxSeq: number, rating: Rating, draftId: string | null = null): Promise<void> {
  await tx.run('INSERT INTO ratings (id, outbox_seq, score, service, reason, ticket_id, created_at, draft_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    rating.id,
    outboxSeq,
    rating.score,
    rating.service,
    rating.reason,
    rating.ticketId,
    rating.createdAt,
    draftId,
  ]);
}

/**
 * The ticket (or rating) already made from a draft id, as it went into the outbox. The outbox
 * payload is the record as sent (after central's ack its card number is masked).
 */
export async function findOutboxPayloadByDraft(tx: SqliteTx, table: 'tickets' | 'ratings', draftId: string): Promise<OutboxPayload | null> {
  const row = await tx.get<{ payload: string }>(`SELECT o.payload FROM ${table} r JOIN outbox o ON o.seq = r.outbox_seq WHERE r.draft_id = ?`, [draftId]);
  return row ? (JSON.parse(row.payload) as OutboxPayload) : null;
}

export async function insertDeviceEvent(tx: SqliteTx, outboxSeq: number, id: string, event: DeviceEvent, createdAt: string): Promise<void> {
  await tx.run('INSERT INTO device_events (id, outbox_seq, device, event, severity, detail, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    id,
    outboxSeq,
    event.device,
    event.event,
    event.severity,
    event.detail,
    createdAt,
  ]);
}

export async function insertAuditEntry(tx: SqliteTx, outboxSeq: number, entry: AuditEntry, createdAt: string, id: string): Promise<void> {
  await tx.run('INSERT INTO audit_entries (id, outbox_seq, actor, action, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    id,
    outboxSeq,
    entry.actor,
    entry.action,
    entry.detail,
    createdAt,
  ]);
}

export async function insertTelemetry(tx: SqliteTx, outboxSeq: number, id: string, metrics: unknown, createdAt: string): Promise<void> {
  await tx.run('INSERT INTO telemetry (id, outbox_seq, metrics, created_at) VALUES (?, ?, ?, ?)', [id, outboxSeq, JSON.stringify(metrics), createdAt]);
}

export async function findTicket(db: SqliteDriver, id: string): Promise<LocalTicket | null> {
  const row = await db.get<TicketRow>(`${TICKET_SELECT} WHERE t.id = ?`, [id]);
  return row ? toLocalTicket(row) : null;
}

export async function findTicketsByCardHash(db: SqliteDriver, cardHash: string, limit: number): Promise<LocalTicket[]> {
  const rows = await db.all<TicketRow>(`${TICKET_SELECT} WHERE t.card_hash = ? ORDER BY t.outbox_seq DESC LIMIT ?`, [cardHash, limit]);
  return rows.map(toLocalTicket);
}

/** Newest ticket filed for a device fault key. */
export async function findTicketByFaultKey(db: SqliteDriver, faultKey: string): Promise<LocalTicket | null> {
  const row = await db.get<TicketRow>(`${TICKET_SELECT} WHERE t.fault_key = ? ORDER BY t.outbox_seq DESC LIMIT 1`, [faultKey]);
  return row ? toLocalTicket(row) : null;
}
