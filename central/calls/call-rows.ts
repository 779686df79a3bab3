/**
 * The call records as rows: what both stores of them (`calls.sqlite` and PostgreSQL) write and
 * read back. The SQL differs between the engines; the rows and their mapping do not.
 */
import type { FallbackReason } from '../../shared/call-protocol.js';
import type { StoredQueueEntry } from './queue.js';

export interface MissedCall extends StoredQueueEntry {
  readonly reason: FallbackReason;
  readonly missedAt: number;
}

export interface AuditRow {
  readonly callId: string;
  readonly actor: string;
  readonly action: string;
  readonly detail: string | null;
  readonly at: number;
}

/** PostgreSQL returns `bigint` columns as strings; SQLite as numbers. */
type Stamp = string | number;

export interface EntryRow {
  readonly call_id: string;
  readonly request_id: string;
  readonly kiosk_id: string;
  readonly lane: string;
  readonly context_json: string;
  readonly enqueued_at: Stamp;
}

export interface MissedRow extends EntryRow {
  readonly reason: FallbackReason;
  readonly missed_at: Stamp;
}

export interface AuditDbRow {
  readonly call_id: string;
  readonly actor: string;
  readonly action: string;
  readonly detail: string | null;
  readonly at: Stamp;
}

/** Parameters of a `call_waiting` row, in column order. */
export function entryParams(e: StoredQueueEntry): (string | number)[] {
  return [e.callId, e.requestId, e.kioskId, e.lane, JSON.stringify(e.context), e.enqueuedAt];
}

/** Parameters of a `call_missed` row, in column order. */
export function missedParams(e: StoredQueueEntry, reason: FallbackReason, missedAt: number): (string | number)[] {
  return [...entryParams(e), reason, missedAt];
}

/** A stored entry, or null for a row of a lane this version does not know (it is skipped). */
export function entryOf(r: EntryRow): StoredQueueEntry | null {
  if (r.lane !== 'information' && r.lane !== 'emergency') return null;
  return {
    callId: r.call_id,
    requestId: r.request_id,
    kioskId: r.kiosk_id,
    lane: r.lane,
    context: JSON.parse(r.context_json) as StoredQueueEntry['context'],
    enqueuedAt: Number(r.enqueued_at),
  };
}

export function entriesOf(rows: readonly EntryRow[]): StoredQueueEntry[] {
  return rows.map(entryOf).filter((e): e is StoredQueueEntry => e !== null);
}

export function missedOf(rows: readonly MissedRow[]): MissedCall[] {
  const out: MissedCall[] = [];
  for (const r of rows) {
    const e = entryOf(r);
    if (e) out.push({ ...e, reason: r.reason, missedAt: Number(r.missed_at) });
  }
  return out;
}

export function auditOf(r: AuditDbRow): AuditRow {
  return { callId: r.call_id, actor: r.actor, action: r.action, detail: r.detail, at: Number(r.at) };
}
