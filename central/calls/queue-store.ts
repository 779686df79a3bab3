/**
 * Central's own small SQLite file for calls (`<dataDir>/calls.sqlite`): waiting queue entries
 * (so that a restart does not lose a waiting passenger), missed calls that agents must call
 * back, and the audit trail of everything agents and kiosks did on calls.
 *
 * Writes are queued one after another on a single connection (sqlite3 cannot interleave
 * transactions on one connection); `flush()` waits for them.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import type { FallbackReason } from '../../shared/call-protocol.js';
import type { QueuePersistence, StoredQueueEntry } from './queue.js';

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

const SCHEMA = `
create table if not exists call_waiting (
  call_id text primary key, request_id text not null, kiosk_id text not null, lane text not null,
  context_json text not null, enqueued_at integer not null);
create table if not exists call_missed (
  call_id text primary key, request_id text not null, kiosk_id text not null, lane text not null,
  context_json text not null, enqueued_at integer not null, reason text not null, missed_at integer not null);
create table if not exists call_audit (
  id integer primary key autoincrement, call_id text not null, actor text not null, action text not null,
  detail text, at integer not null);
`;

/** Where the call records live: `calls.sqlite` ({@link CallStore}) or PostgreSQL (`PgCallStore`). */
export interface CallRecordStore extends QueuePersistence {
  loadWaiting(): Promise<StoredQueueEntry[]>;
  listMissed(): Promise<MissedCall[]>;
  auditTrail(callId?: string): Promise<AuditRow[]>;
  /** Resolves when every write queued so far is stored. */
  flush(): Promise<void>;
  /** Writes that failed since the start (they are logged through `onError`). */
  failedWrites(): number;
  close(): Promise<void>;
}

export class CallStore implements CallRecordStore {
  private chain: Promise<void> = Promise.resolve();
  private failures = 0;

  private constructor(
    private readonly db: sqlite3.Database,
    private readonly now: () => number,
    private readonly onError: (e: Error) => void,
  ) {}

  static async open(dataDir: string, now: () => number, onError: (e: Error) => void): Promise<CallStore> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Owner-only, as every central data file (the call context names kiosks and passengers' cards).
    closeSync(openSync(join(dataDir, 'calls.sqlite'), 'a', 0o600));
    chmodSync(join(dataDir, 'calls.sqlite'), 0o600);
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(join(dataDir, 'calls.sqlite'), (e) => (e ? reject(e) : resolve(d)));
    });
    db.configure('busyTimeout', 5000);
    const store = new CallStore(db, now, onError);
    await store.exec('pragma journal_mode=WAL; pragma synchronous=FULL;' + SCHEMA);
    return store;
  }

  saveWaiting(e: StoredQueueEntry): void {
    this.write('insert or replace into call_waiting values (?,?,?,?,?,?)', [e.callId, e.requestId, e.kioskId, e.lane, JSON.stringify(e.context), e.enqueuedAt]);
  }

  removeWaiting(callId: string): void {
    this.write('delete from call_waiting where call_id = ?', [callId]);
  }

  recordMissed(e: StoredQueueEntry, reason: FallbackReason): void {
    this.write('insert or ignore into call_missed values (?,?,?,?,?,?,?,?)', [
      e.callId,
      e.requestId,
      e.kioskId,
      e.lane,
      JSON.stringify(e.context),
      e.enqueuedAt,
      reason,
      this.now(),
    ]);
  }

  audit(callId: string, actor: string, action: string, detail: string | null): void {
    this.write('insert into call_audit (call_id, actor, action, detail, at) values (?,?,?,?,?)', [callId, actor, action, detail, this.now()]);
  }

  async loadWaiting(): Promise<StoredQueueEntry[]> {
    await this.flush();
    const rows = await this.all<{ call_id: string; request_id: string; kiosk_id: string; lane: string; context_json: string; enqueued_at: number }>(
      'select * from call_waiting order by enqueued_at',
    );
    const out: StoredQueueEntry[] = [];
    for (const r of rows) {
      if (r.lane !== 'information' && r.lane !== 'emergency') continue;
      out.push({ callId: r.call_id, requestId: r.request_id, kioskId: r.kiosk_id, lane: r.lane, context: JSON.parse(r.context_json) as StoredQueueEntry['context'], enqueuedAt: r.enqueued_at });
    }
    return out;
  }

  async listMissed(): Promise<MissedCall[]> {
    await this.flush();
    const rows = await this.all<{ call_id: string; request_id: string; kiosk_id: string; lane: 'information' | 'emergency'; context_json: string; enqueued_at: number; reason: FallbackReason; missed_at: number }>(
      'select * from call_missed order by missed_at',
    );
    return rows.map((r) => ({
      callId: r.call_id,
      requestId: r.request_id,
      kioskId: r.kiosk_id,
      lane: r.lane,
      context: JSON.parse(r.context_json) as StoredQueueEntry['context'],
      enqueuedAt: r.enqueued_at,
      reason: r.reason,
      missedAt: r.missed_at,
    }));
  }

  async auditTrail(callId?: string): Promise<AuditRow[]> {
    await this.flush();
    const rows = await this.all<{ call_id: string; actor: string; action: string; detail: string | null; at: number }>(
      callId === undefined ? 'select * from call_audit order by id' : 'select * from call_audit where call_id = ? order by id',
      callId === undefined ? [] : [callId],
    );
    return rows.map((r) => ({ callId: r.call_id, actor: r.actor, action: r.action, detail: r.detail, at: r.at }));
  }

  /** Resolves when every write queued so far is on disk. */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Writes that failed since the start (they are logged through `onError`). */
  failedWrites(): number {
    return this.failures;
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.db.close((e) => (e ? reject(e) : resolve())));
  }

  private write(sql: string, params: readonly unknown[]): void {
    this.chain = this.chain.then(
      () =>
        new Promise<void>((resolve) => {
          this.db.run(sql, params, (e: Error | null) => {
            if (e) {
              this.failures++;
              this.onError(e);
            }
            resolve();
          });
        }),
    );
  }

  private exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (e) => (e ? reject(e) : resolve())));
  }

  private all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.all(sql, params, (e: Error | null, rows: T[]) => (e ? reject(e) : resolve(rows))));
  }
}
