import type { IngestAck, IngestReject, OutboxKind, OutboxPayload } from '../../shared/sync.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { SqliteDriver, SqliteTx, SqlValue } from './sqlite-port.js';
import type { OutboxActionError, OutboxEntry, OutboxState, OutboxStats } from './outbox-types.js';

interface OutboxRow {
  seq: number;
  id: string;
  kind: string;
  payload: string;
  state: string;
  attempts: number;
  last_error: string | null;
  reject_code: string | null;
  reject_reason: string | null;
  created_at: string;
  last_attempt_at: string | null;
  acked_at: string | null;
  server_seq: number | null;
  server_received_at: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  resolution_note: string | null;
}

function toEntry(r: OutboxRow): OutboxEntry {
  return {
    id: r.id,
    seq: r.seq,
    kind: r.kind as OutboxKind,
    payload: JSON.parse(r.payload) as OutboxPayload,
    state: r.state as OutboxState,
    attempts: r.attempts,
    lastError: r.last_error,
    rejectCode: r.reject_code,
    rejectReason: r.reject_reason,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    ackedAt: r.acked_at,
    serverSeq: r.server_seq,
    serverReceivedAt: r.server_received_at,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
    resolutionNote: r.resolution_note,
  };
}

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(',');

/** Appends one row inside the caller's transaction; its seq comes from the gapless per-kiosk counter. */
export async function appendOutboxRow(tx: SqliteTx, id: string, payload: OutboxPayload, createdAt: string): Promise<number> {
  const seq = await nextCounter(tx, 'outbox-seq');
  await tx.run('INSERT INTO outbox (seq, id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)', [seq, id, payload.kind, JSON.stringify(payload), createdAt]);
  return seq;
}

/** Increments and returns a named counter (1 the first time) inside the caller's transaction. */
export async function nextCounter(tx: SqliteTx, name: string): Promise<number> {
  const row = await tx.get<{ value: number }>(
    'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value',
    [name],
  );
  if (!row) throw new Error(`counter ${name} returned no row`);
  return row.value;
}

export interface OutboxDeps {
  readonly db: SqliteDriver;
  readonly now: () => number;
  readonly getMeta: (key: string) => Promise<string | null>;
  readonly latestClockOffsetMs: () => Promise<number | null>;
  /** Writes an audit entry (with its own outbox row) inside the technician action's transaction. */
  readonly audit: (tx: SqliteTx, action: string, actor: string, detail: string) => Promise<void>;
}

/** The sync side and the technician side of the outbox. Rows are appended by the record writers. */
export class Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  private iso(): string {
    return new Date(this.deps.now()).toISOString();
  }

  /** Puts rows a crashed process left in flight back to pending. Called when the store opens. */
  async resetInFlight(): Promise<number> {
    const r = await this.deps.db.run(`UPDATE outbox SET state = 'pending', last_error = 'interrupted while in flight' WHERE state = 'in-flight'`);
    return r.changes;
  }

  /**
   * Marks up to `limit` oldest pending rows in-flight (one transaction) and returns them in seq
   * order. Emergency alarms are the head of the outbox: while one is pending, the batch holds
   * only the pending alarms, whatever waited before them, so an alarm never waits behind a
   * backlog (central orders items by its own `serverSeq`, and accepts a kiosk's seqs in any order).
   */
  claimBatch(limit: number): Promise<OutboxEntry[]> {
    const at = this.iso();
    return this.deps.db.transaction(async (tx) => {
      const max = Math.max(1, Math.trunc(limit));
      const alarms = await tx.all<OutboxRow>(`SELECT * FROM outbox WHERE state = 'pending' AND kind = 'alarm' ORDER BY seq LIMIT ?`, [max]);
      const rows = alarms.length > 0 ? alarms : await tx.all<OutboxRow>(`SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?`, [max]);
      if (rows.length === 0) return [];
      const seqs = rows.map((r) => r.seq);
      await tx.run(`UPDATE outbox SET state = 'in-flight', attempts = attempts + 1, last_attempt_at = ? WHERE seq IN (${placeholders(seqs.length)})`, [at, ...seqs]);
      return rows.map((r) => toEntry({ ...r, state: 'in-flight', attempts: r.attempts + 1, last_attempt_at: at }));
    });
  }

  /**
   * Applies central's answer to a claimed batch: acks → acked (with central's serverSeq and
   * receive time), rejects → rejected (kept with code and reason), every other claimed row →
   * pending again. Acked ticket payloads keep only the masked card number.
   */
  settle(claimed: readonly OutboxEntry[], acks: readonly IngestAck[], rejects: readonly IngestReject[]): Promise<{ acked: number; rejected: number; released: number }> {
    const at = this.iso();
    const byId = new Map(claimed.map((e) => [e.id, e]));
    const bySeq = new Map(claimed.map((e) => [e.seq, e]));
    return this.deps.db.transaction(async (tx) => {
      const done = new Set<number>();
      let rejected = 0;
      const acked: { seq: number; serverSeq: number; receivedAt: string }[] = [];
      for (const a of acks) {
        const e = byId.get(a.id);
        if (!e || e.seq !== a.seq || done.has(e.seq)) continue;
        done.add(e.seq);
        acked.push({ seq: e.seq, serverSeq: a.serverSeq, receivedAt: a.receivedAt });
      }
      if (acked.length > 0) {
        await tx.run(
          `UPDATE outbox SET state = 'acked', acked_at = ?, server_seq = a.server_seq, server_received_at = a.received_at, last_error = NULL,
             payload = CASE WHEN kind = 'ticket' AND json_type(payload, '$.ticket.card') = 'object'
               THEN json_set(payload, '$.ticket.card.cardNumber', json_extract(payload, '$.ticket.card.masked')) ELSE payload END
           FROM (SELECT value ->> '$.seq' AS seq, value ->> '$.serverSeq' AS server_seq, value ->> '$.receivedAt' AS received_at FROM json_each(?)) AS a
           WHERE outbox.seq = a.seq AND +outbox.state IN ('in-flight', 'pending')`,
          [at, JSON.stringify(acked)],
        );
      }
      for (const r of rejects) {
        const e = (r.id !== null ? byId.get(r.id) : undefined) ?? (r.seq !== null ? bySeq.get(r.seq) : undefined);
        if (!e || done.has(e.seq)) continue;
        await tx.run(`UPDATE outbox SET state = 'rejected', reject_code = ?, reject_reason = ?, last_error = ? WHERE seq = ? AND state IN ('in-flight', 'pending')`, [
          r.code,
          r.reason,
          `${r.code}: ${r.reason}`,
          e.seq,
        ]);
        done.add(e.seq);
        rejected++;
      }
      const rest = claimed.filter((e) => !done.has(e.seq)).map((e) => e.seq);
      if (rest.length > 0) {
        await tx.run(`UPDATE outbox SET state = 'pending', last_error = 'central did not acknowledge this item' WHERE state = 'in-flight' AND seq IN (${placeholders(rest.length)})`, rest);
      }
      if (acked.length > 0) await tx.run(`INSERT INTO kiosk_meta (key, value) VALUES ('last-sync-ok-at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [at]);
      return { acked: acked.length, rejected, released: rest.length };
    });
  }

  /** Puts claimed rows back to pending after a failed exchange, recording why. */
  async release(claimed: readonly OutboxEntry[], error: string): Promise<void> {
    if (claimed.length === 0) return;
    const seqs = claimed.map((e) => e.seq);
    await this.deps.db.run(`UPDATE outbox SET state = 'pending', last_error = ? WHERE state = 'in-flight' AND seq IN (${placeholders(seqs.length)})`, [error, ...seqs]);
  }

  /** Technician: send a rejected row again (→ pending). Writes an audit entry in the same transaction. */
  retry(seq: number, actor: string): Promise<Result<OutboxEntry, OutboxActionError>> {
    return this.resolve(seq, actor, 'pending', 'outbox.retry', null);
  }

  /** Technician: give up on a rejected row. The row stays, marked `discarded`, with who and why. */
  discard(seq: number, actor: string, note: string): Promise<Result<OutboxEntry, OutboxActionError>> {
    return this.resolve(seq, actor, 'discarded', 'outbox.discard', note);
  }

  private resolve(seq: number, actor: string, to: 'pending' | 'discarded', action: string, note: string | null): Promise<Result<OutboxEntry, OutboxActionError>> {
    const at = this.iso();
    return this.deps.db.transaction(async (tx) => {
      const row = await tx.get<OutboxRow>('SELECT * FROM outbox WHERE seq = ?', [seq]);
      if (!row) return err({ code: 'outbox-row-not-found' as const, message: `no outbox row with seq ${seq}` });
      if (row.state !== 'rejected') return err({ code: 'outbox-row-not-rejected' as const, message: `row ${seq} is ${row.state}; only rejected rows can be retried or discarded` });
      await tx.run('UPDATE outbox SET state = ?, resolved_by = ?, resolved_at = ?, resolution_note = ? WHERE seq = ?', [to, actor, at, note, seq]);
      await this.deps.audit(tx, action, actor, JSON.stringify({ seq, id: row.id, kind: row.kind, rejectCode: row.reject_code, note }));
      const updated = await tx.get<OutboxRow>('SELECT * FROM outbox WHERE seq = ?', [seq]);
      return ok(toEntry(updated ?? row));
    });
  }

  async get(seq: number): Promise<OutboxEntry | null> {
    const row = await this.deps.db.get<OutboxRow>('SELECT * FROM outbox WHERE seq = ?', [seq]);
    return row ? toEntry(row) : null;
  }

  /** Rows in seq order, optionally only some states, after a seq (for paging). */
  async list(filter: { states?: readonly OutboxState[]; afterSeq?: number; limit?: number } = {}): Promise<OutboxEntry[]> {
    const where: string[] = ['seq > ?'];
    const params: SqlValue[] = [filter.afterSeq ?? 0];
    if (filter.states && filter.states.length > 0) {
      where.push(`state IN (${placeholders(filter.states.length)})`);
      params.push(...filter.states);
    }
    params.push(Math.max(1, Math.trunc(filter.limit ?? 100)));
    const rows = await this.deps.db.all<OutboxRow>(`SELECT * FROM outbox WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`, params);
    return rows.map(toEntry);
  }

  async stats(): Promise<OutboxStats> {
    const counts = await this.deps.db.all<{ state: string; n: number }>('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state');
    const n = (s: OutboxState): number => counts.find((c) => c.state === s)?.n ?? 0;
    const oldest = await this.deps.db.get<{ created_at: string }>(`SELECT created_at FROM outbox WHERE state IN ('pending', 'in-flight') ORDER BY seq LIMIT 1`);
    return {
      depth: n('pending') + n('in-flight'),
      inFlight: n('in-flight'),
      oldestPendingAt: oldest?.created_at ?? null,
      acked: n('acked'),
      rejected: n('rejected'),
      discarded: n('discarded'),
      lastSuccessfulSyncAt: await this.deps.getMeta('last-sync-ok-at'),
      lastDownSyncAt: await this.deps.getMeta('last-down-sync-at'),
      clockOffsetMs: await this.deps.latestClockOffsetMs(),
    };
  }
}
