import pg from 'pg';
import { migrationsFor } from './migrations.js';
import type { SqlDatabase, SqlExecutor, SqlParam } from './sql-database.js';
import { StorageUnavailable, type PostgresPoolOptions } from './types.js';

/** Advisory lock keys (arbitrary, fixed): one for migrations, one for the change cursor. */
const MIGRATION_LOCK = 740_301;
const CHANGES_LOCK = 740_302;
/** Class of the per-kiosk ingest locks (two-key advisory locks: this class, hash of the kiosk id). */
const INGEST_LOCK_CLASS = 740_303;
/** deadlock_detected, serialization_failure: safe to run the whole transaction again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 4;

export const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

function executor(client: pg.PoolClient): SqlExecutor {
  return {
    all: async (sql, params = []) => (await client.query(sql, params as SqlParam[])).rows as Record<string, unknown>[],
    run: async (sql, params = []) => (await client.query(sql, params as SqlParam[])).rowCount ?? 0,
  };
}

function sqlState(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/**
 * What means "the database cannot be reached just now", answered 503 "send again later": the
 * connection failures among SQLSTATE class 08 (08000 connection_exception, 08001
 * sqlclient_unable_to_establish_sqlconnection, 08003 connection_does_not_exist, 08004
 * sqlserver_rejected_establishment_of_sqlconnection, 08006 connection_failure), the server
 * shutting down or starting (57P01, 57P02, 57P03) and the socket errors Node reports. Not 08P01.
 */
const AWAY_STATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** What the pool and the driver say when a connection fails without a SQLSTATE. */
const AWAY_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|encountered a connection error and is not queryable/i;
/**
 * protocol_violation: the request itself is wrong (a statement given the wrong number of
 * parameters), which sending it again cannot mend; a 500, logged. Its connection is not handed on.
 */
const PROTOCOL_VIOLATION = '08P01';
const RETRY_AFTER_SECONDS = 2;

function unavailable(e: unknown): StorageUnavailable | null {
  if (e instanceof StorageUnavailable) return e;
  const state = sqlState(e);
  const message = e instanceof Error ? e.message : String(e);
  if ((state !== undefined && AWAY_STATES.has(state)) || AWAY_MESSAGES.test(message)) {
    return new StorageUnavailable(`the database is not answering: ${message}`, RETRY_AFTER_SECONDS);
  }
  return null;
}

/** The error a failed request throws on: 503 when the database is away, else the database's own error, a protocol violation named as a fault in central's query. */
function failure(e: unknown): { readonly error: unknown; readonly dropConnection: boolean } {
  const away = unavailable(e);
  if (away) return { error: away, dropConnection: true };
  if (sqlState(e) === PROTOCOL_VIOLATION) {
    const message = e instanceof Error ? e.message : String(e);
    return { error: Object.assign(new Error(`PostgreSQL refused central's query as a protocol violation (SQLSTATE 08P01): ${message}`, { cause: e }), { code: PROTOCOL_VIOLATION }), dropConnection: true };
  }
  return { error: e, dropConnection: false };
}

/**
 * PostgreSQL through a `pg` pool. Several central instances may share one database: every
 * guarantee (unique ids, sequences, change order) is kept by the database itself.
 */
export async function openPostgresDatabase(url: string, schema = 'public', poolOptions: PostgresPoolOptions = {}): Promise<SqlDatabase> {
  if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const maxWaiting = poolOptions.maxWaiting ?? 64;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolOptions.max ?? 8,
    connectionTimeoutMillis: poolOptions.connectionTimeoutMs ?? 2000,
    options: `-c search_path=${schema}`,
  });
  pool.on('error', () => undefined);
  const guarded = new WeakSet<pg.PoolClient>();

  /** A connection, or StorageUnavailable when too many wait already or none comes in time. */
  const connect = async (): Promise<pg.PoolClient> => {
    if (pool.waitingCount >= maxWaiting) throw new StorageUnavailable(`${pool.waitingCount} requests already wait for the database`, RETRY_AFTER_SECONDS);
    try {
      const client = await pool.connect();
      // The server may drop a connection while it is checked out (a restart): without a
      // listener that 'error' event would end the process; the query in progress fails instead.
      if (!guarded.has(client)) {
        guarded.add(client);
        client.on('error', () => undefined);
      }
      return client;
    } catch (e) {
      throw unavailable(e) ?? e;
    }
  };

  const transaction = async <T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const client = await connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        const failed = failure(e);
        // A connection the server dropped is thrown away, not handed to the next request.
        broken = failed.dropConnection;
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        const state = sqlState(e);
        if (attempt >= MAX_ATTEMPTS || state === undefined || !RETRYABLE.has(state)) throw failed.error;
      } finally {
        client.release(broken || undefined);
      }
    }
  };

  try {
    await transaction(async (t) => {
      await t.run(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await t.run(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await t.run(`SET LOCAL search_path TO "${schema}"`);
      await t.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const done = new Set((await t.all('SELECT version FROM schema_migrations')).map((r) => Number(r['version'])));
      for (const m of migrationsFor('postgres')) {
        if (done.has(m.version)) continue;
        await t.run(m.sql);
        await t.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
      }
    });
  } catch (e) {
    await pool.end();
    throw e;
  }

  let closed = false;
  return {
    dialect: 'postgres',
    ilike: 'ILIKE',
    read: async (fn) => {
      const client = await connect();
      let broken = false;
      try {
        return await fn(executor(client));
      } catch (e) {
        const failed = failure(e);
        broken = failed.dropConnection;
        throw failed.error;
      } finally {
        client.release(broken || undefined);
      }
    },
    transaction,
    lockChanges: async (q) => {
      await q.run(`SELECT pg_advisory_xact_lock(${CHANGES_LOCK})`);
    },
    lockKiosk: async (q, kioskId) => {
      await q.run(`SELECT pg_advisory_xact_lock(${INGEST_LOCK_CLASS}, hashtext($1))`, [kioskId]);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Drops a schema and everything in it: for tests that made their own. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
