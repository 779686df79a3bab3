/**
 * The call records in PostgreSQL, beside central's other tables in the same schema: waiting
 * queue entries, missed calls and the audit trail. Used when central runs on PostgreSQL, so that
 * every instance on that schema reads and writes the same records (see docs/central.md).
 *
 * Writes keep their order (one chain, one connection at a time); `flush()` waits for them.
 */
import pg from 'pg';
import type { FallbackReason } from '../../shared/call-protocol.js';
import { auditOf, entriesOf, entryParams, missedOf, missedParams, type AuditDbRow, type AuditRow, type EntryRow, type MissedCall, type MissedRow } from './call-rows.js';
import type { StoredQueueEntry } from './queue.js';
import type { CallRecordStore } from './queue-store.js';

/** Advisory lock taken while the call tables are created (fixed, arbitrary; beside central's 740_30x). */
const CALL_SCHEMA_LOCK = 740_311;

export const PG_CALL_SCHEMA = `
create table if not exists call_waiting (
  call_id text primary key, request_id text not null, kiosk_id text not null, lane text not null,
  context_json text not null, enqueued_at bigint not null);
create table if not exists call_missed (
  call_id text primary key, request_id text not null, kiosk_id text not null, lane text not null,
  context_json text not null, enqueued_at bigint not null, reason text not null, missed_at bigint not null);
create table if not exists call_audit (
  id bigint generated always as identity primary key, call_id text not null, actor text not null, action text not null,
  detail text, at bigint not null);
create index if not exists call_audit_call on call_audit (call_id, id);
create table if not exists call_inbox (id bigint generated always as identity primary key, event text not null);
create table if not exists call_outbox (id bigint generated always as identity primary key, payload text not null, at timestamptz not null default now());
create table if not exists call_instances (id text primary key, seen_at timestamptz not null);
create table if not exists call_state (id integer primary key, epoch bigint not null, leader text, state text);
insert into call_state (id, epoch) values (1, 0) on conflict (id) do nothing;
`;

/** A write the store would make, for a caller that makes it inside its own transaction. */
export interface CallWrite {
  readonly sql: string;
  readonly params: readonly (string | number | null)[];
}

export interface PgCallStoreOptions {
  readonly url: string;
  readonly schema: string;
}

export class PgCallStore implements CallRecordStore {
  private chain: Promise<void> = Promise.resolve();
  private failures = 0;
  private diverted: ((w: CallWrite) => void) | null = null;

  private constructor(
    readonly pool: pg.Pool,
    private readonly now: () => number,
    private readonly onError: (e: Error) => void,
  ) {}

  static async open(options: PgCallStoreOptions, now: () => number, onError: (e: Error) => void): Promise<PgCallStore> {
    const pool = new pg.Pool({ connectionString: options.url, max: 4, connectionTimeoutMillis: 5000, options: `-c search_path=${options.schema}` });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(${CALL_SCHEMA_LOCK})`);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
        await client.query(PG_CALL_SCHEMA);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end();
      throw e;
    }
    return new PgCallStore(pool, now, onError);
  }

  saveWaiting(e: StoredQueueEntry): void {
    this.write(
      'insert into call_waiting values ($1,$2,$3,$4,$5,$6) on conflict (call_id) do update set request_id = excluded.request_id, kiosk_id = excluded.kiosk_id, lane = excluded.lane, context_json = excluded.context_json, enqueued_at = excluded.enqueued_at',
      entryParams(e),
    );
  }

  removeWaiting(callId: string): void {
    this.write('delete from call_waiting where call_id = $1', [callId]);
  }

  recordMissed(e: StoredQueueEntry, reason: FallbackReason): void {
    this.write('insert into call_missed values ($1,$2,$3,$4,$5,$6,$7,$8) on conflict (call_id) do nothing', missedParams(e, reason, this.now()));
  }

  audit(callId: string, actor: string, action: string, detail: string | null): void {
    this.write('insert into call_audit (call_id, actor, action, detail, at) values ($1,$2,$3,$4,$5)', [callId, actor, action, detail, this.now()]);
  }

  async loadWaiting(): Promise<StoredQueueEntry[]> {
    await this.flush();
    return entriesOf((await this.pool.query<EntryRow>('select * from call_waiting order by enqueued_at, call_id')).rows);
  }

  async listMissed(): Promise<MissedCall[]> {
    await this.flush();
    return missedOf((await this.pool.query<MissedRow>('select * from call_missed order by missed_at, call_id')).rows);
  }

  async auditTrail(callId?: string): Promise<AuditRow[]> {
    await this.flush();
    const sql = callId === undefined ? 'select * from call_audit order by id' : 'select * from call_audit where call_id = $1 order by id';
    return (await this.pool.query<AuditDbRow>(sql, callId === undefined ? [] : [callId])).rows.map(auditOf);
  }

  flush(): Promise<void> {
    return this.chain;
  }

  /** From now on, writes go to `sink` (the cluster makes them in its own transactions); null: back to the pool. */
  divert(sink: ((w: CallWrite) => void) | null): void {
    this.diverted = sink;
  }

  failedWrites(): number {
    return this.failures;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.pool.end();
  }

  private write(sql: string, params: readonly (string | number | null)[]): void {
    if (this.diverted) {
      this.diverted({ sql, params });
      return;
    }
    this.chain = this.chain.then(async () => {
      try {
        await this.pool.query(sql, params as (string | number | null)[]);
      } catch (e) {
        this.failures++;
        this.onError(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }
}
