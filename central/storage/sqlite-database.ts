import { SqliteConnection, type SqliteTx, type SqlValue } from '../../shared/sqlite-connection.js';
import { migrationsFor, TECHNICIAN_SECRETS_DROPPED_AT } from './migrations.js';
import type { Row, SqlDatabase, SqlExecutor, SqlParam } from './sql-database.js';

const BUSY_TIMEOUT_MS = 10_000;

/** `$1` → `?1`: SQLite's numbered parameters bind by number, as PostgreSQL's do. */
const toSqlite = (sql: string): string => sql.replace(/\$(\d+)/g, '?$1');

/** SQLite stores booleans as 1 and 0. */
const toSqliteParams = (params: readonly SqlParam[]): SqlValue[] => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

function executor(q: SqliteTx): SqlExecutor {
  return {
    all: (sql, params = []) => q.all<Row>(toSqlite(sql), toSqliteParams(params)),
    run: async (sql, params = []) => (await q.run(toSqlite(sql), toSqliteParams(params))).changes,
  };
}

/**
 * SQLite through the shared sqlite3 connection (shared/sqlite-connection.ts): one connection in
 * WAL mode whose one queue runs every read and every transaction in turn.
 */
export async function openSqliteDatabase(file: string): Promise<SqlDatabase> {
  const db = await SqliteConnection.open(file, { busyTimeoutMs: BUSY_TIMEOUT_MS });
  const transaction = <T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> => db.transaction((tx) => fn(executor(tx)));

  const secretsDropped = await db.transaction(async (tx) => {
    const t = executor(tx);
    await t.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((await t.all('SELECT version FROM schema_migrations')).map((r) => Number(r['version'])));
    for (const m of migrationsFor('sqlite')) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await t.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
    }
    return done.size > 0 && !done.has(TECHNICIAN_SECRETS_DROPPED_AT);
  });
  if (secretsDropped) {
    // The earlier technician table held card keys and PIN hashes: leave no trace in free pages or the WAL.
    await db.exec('VACUUM');
    await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }

  return {
    dialect: 'sqlite',
    ilike: 'LIKE',
    read: (fn) => db.exclusive((q) => fn(executor(q))),
    transaction,
    lockChanges: () => Promise.resolve(),
    // Every transaction already runs alone on the one connection.
    lockKiosk: () => Promise.resolve(),
    close: () => db.close(),
  };
}
