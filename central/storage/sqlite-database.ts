import sqlite3 from 'sqlite3';
import { migrationsFor } from './migrations.js';
import type { Row, SqlDatabase, SqlExecutor, SqlParam } from './sql-database.js';

const BUSY_TIMEOUT_MS = 10_000;

/** `$1` → `?1`: SQLite's numbered parameters bind by number, as PostgreSQL's do. */
const toSqlite = (sql: string): string => sql.replace(/\$(\d+)/g, '?$1');

function open(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (e) => (e ? reject(e) : resolve(db)));
  });
}

function executor(db: sqlite3.Database): SqlExecutor {
  return {
    all: (sql, params = []) =>
      new Promise<Row[]>((resolve, reject) => {
        db.all(toSqlite(sql), params as SqlParam[], (e: Error | null, rows: Row[]) => (e ? reject(e) : resolve(rows)));
      }),
    run: (sql, params = []) =>
      new Promise<number>((resolve, reject) => {
        db.run(toSqlite(sql), params as SqlParam[], function (this: sqlite3.RunResult, e: Error | null) {
          if (e) reject(e);
          else resolve(this.changes);
        });
      }),
  };
}

function exec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
}

/**
 * SQLite through `sqlite3`: one connection in WAL mode. sqlite3 cannot interleave two
 * transactions on one connection, so every operation waits its turn in one queue.
 */
export async function openSqliteDatabase(file: string): Promise<SqlDatabase> {
  const db = await open(file);
  db.configure('busyTimeout', BUSY_TIMEOUT_MS);
  await exec(db, 'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
  const q = executor(db);
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const serialised = <T>(fn: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new Error('storage is closed'));
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const transaction = <T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> =>
    serialised(async () => {
      await exec(db, 'BEGIN IMMEDIATE');
      try {
        const result = await fn(q);
        await exec(db, 'COMMIT');
        return result;
      } catch (e) {
        await exec(db, 'ROLLBACK').catch(() => undefined);
        throw e;
      }
    });

  await transaction(async (t) => {
    await t.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((await t.all('SELECT version FROM schema_migrations')).map((r) => Number(r['version'])));
    for (const m of migrationsFor('sqlite')) {
      if (done.has(m.version)) continue;
      await exec(db, m.sql);
      await t.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
    }
  });

  return {
    dialect: 'sqlite',
    ilike: 'LIKE',
    read: (fn) => serialised(() => fn(q)),
    transaction,
    lockChanges: () => Promise.resolve(),
    // Every transaction already runs alone on the one connection.
    lockKiosk: () => Promise.resolve(),
    close: async () => {
      if (closed) return;
      await queue;
      closed = true;
      await new Promise<void>((resolve, reject) => db.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
