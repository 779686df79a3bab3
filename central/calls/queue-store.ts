/**
 * Central's own small SQLite file for calls (`<dataDir>/calls.sqlite`): waiting queue entries
 * (so that a restart does not lose a waiting passenger), missed calls that agents must call
 * back, and the audit trail of everything agents and kiosks did on calls.
 *
 * The file is opened through the one SQLite connection of the product
 * (`shared/sqlite-connection.ts`: owner-only file, WAL, `synchronous=FULL`, one queue). Writes
 * do not hold up the call they record: each is queued on the connection and `flush()` waits for
 * those queued so far; a write that fails is counted and logged.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FallbackReason } from '../../shared/call-protocol.js';
import { SqliteConnection, type SqlValue } from '../../shared/sqlite-connection.js';
import { auditOf, entriesOf, entryParams, missedOf, missedParams, type AuditDbRow, type AuditRow, type EntryRow, type MissedCall, type MissedRow } from './call-rows.js';
import type { QueuePersistence, StoredQueueEntry } from './queue.js';

export type { AuditRow, MissedCall } from './call-rows.js';

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
  /** The last write queued: the connection's queue runs in order, so it settles after every earlier one. */
  private lastWrite: Promise<void> = Promise.resolve();
  private failures = 0;

  private constructor(
    private readonly db: SqliteConnection,
    private readonly now: () => number,
    private readonly onError: (e: Error) => void,
  ) {}

  static async open(dataDir: string, now: () => number, onError: (e: Error) => void): Promise<CallStore> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Owner-only, as every central data file (the call context names kiosks and passengers' cards).
    const db = await SqliteConnection.open(join(dataDir, 'calls.sqlite'));
    await db.exec(SCHEMA);
    return new CallStore(db, now, onError);
  }

  saveWaiting(e: StoredQueueEntry): void {
    this.write('insert or replace into call_waiting values (?,?,?,?,?,?)', entryParams(e));
  }

  removeWaiting(callId: string): void {
    this.write('delete from call_waiting where call_id = ?', [callId]);
  }

  recordMissed(e: StoredQueueEntry, reason: FallbackReason): void {
    this.write('insert or ignore into call_missed values (?,?,?,?,?,?,?,?)', missedParams(e, reason, this.now()));
  }

  audit(callId: string, actor: string, action: string, detail: string | null): void {
    this.write('insert into call_audit (call_id, actor, action, detail, at) values (?,?,?,?,?)', [callId, actor, action, detail, this.now()]);
  }

  async loadWaiting(): Promise<StoredQueueEntry[]> {
    await this.flush();
    return entriesOf(await this.db.all<EntryRow>('select * from call_waiting order by enqueued_at, call_id'));
  }

  async listMissed(): Promise<MissedCall[]> {
    await this.flush();
    return missedOf(await this.db.all<MissedRow>('select * from call_missed order by missed_at, call_id'));
  }

  async auditTrail(callId?: string): Promise<AuditRow[]> {
    await this.flush();
    const rows = await this.db.all<AuditDbRow>(
      callId === undefined ? 'select * from call_audit order by id' : 'select * from call_audit where call_id = ? order by id',
      callId === undefined ? [] : [callId],
    );
    return rows.map(auditOf);
  }

  /** Resolves when every write queued so far is on disk. */
  flush(): Promise<void> {
    return this.lastWrite;
  }

  /** Writes that failed since the start (they are logged through `onError`). */
  failedWrites(): number {
    return this.failures;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }

  private write(sql: string, params: readonly SqlValue[]): void {
    this.lastWrite = this.db.run(sql, params).then(
      () => undefined,
      (e: unknown) => {
        this.failures++;
        this.onError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  }
}
