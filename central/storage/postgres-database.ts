import pg from 'pg';
import { migrationsFor } from './migrations.js';
import type { SqlDatabase, SqlExecutor, SqlParam } from './sql-database.js';

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
 * PostgreSQL through a `pg` pool. Several central instances may share one database: every
 * guarantee (unique ids, sequences, change order) is kept by the database itself.
 */
export async function openPostgresDatabase(url: string, schema = 'public'): Promise<SqlDatabase> {
  if (!SCHEMA_NAME_PATTERN.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const pool = new pg.Pool({ connectionString: url, max: 8, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);

  const transaction = async <T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        const state = sqlState(e);
        if (attempt >= MAX_ATTEMPTS || state === undefined || !RETRYABLE.has(state)) throw e;
      } finally {
        client.release();
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
      const client = await pool.connect();
      try {
        return await fn(executor(client));
      } finally {
        client.release();
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
