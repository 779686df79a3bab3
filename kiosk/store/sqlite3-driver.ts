// The only file that knows the `sqlite3` package. See sqlite-port.ts for the contract.
import { AsyncLocalStorage } from 'node:async_hooks';
import sqlite3 from 'sqlite3';
import { SqliteError, type RunResult, type SqlParams, type SqliteDriver, type SqliteDriverFactory, type SqliteOpenOptions, type SqliteTx } from './sqlite-port.js';

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

function wrap(error: unknown, sql: string): SqliteError {
  if (error instanceof SqliteError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'SQLITE_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return new SqliteError(`${message} (in: ${sql.slice(0, 80)})`, code, { cause: error });
}

function rawExec(db: sqlite3.Database, sql: string): Promise<void> {
  return new Promise((resolve, reject) => db.exec(sql, (e) => (e ? reject(wrap(e, sql)) : resolve())));
}

function rawRun(db: sqlite3.Database, sql: string, params: SqlParams): Promise<RunResult> {
  return new Promise((resolve, reject) =>
    db.run(sql, params, function (this: sqlite3.RunResult, e: Error | null) {
      if (e) reject(wrap(e, sql));
      else resolve({ changes: this.changes, lastInsertRowid: this.lastID });
    }),
  );
}

function rawGet<Row>(db: sqlite3.Database, sql: string, params: SqlParams): Promise<Row | undefined> {
  return new Promise((resolve, reject) => db.get(sql, params, (e: Error | null, row: Row | undefined) => (e ? reject(wrap(e, sql)) : resolve(row))));
}

function rawAll<Row>(db: sqlite3.Database, sql: string, params: SqlParams): Promise<Row[]> {
  return new Promise((resolve, reject) => db.all(sql, params, (e: Error | null, rows: Row[]) => (e ? reject(wrap(e, sql)) : resolve(rows))));
}

class Sqlite3Driver implements SqliteDriver {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly insideTx = new AsyncLocalStorage<Sqlite3Driver>();

  constructor(
    private readonly db: sqlite3.Database,
    readonly path: string,
  ) {}

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new SqliteError('database is closed', 'SQLITE_CLOSED'));
    if (this.insideTx.getStore() === this) {
      return Promise.reject(new SqliteError('use the transaction handle inside transaction(): the writer is busy with it', 'SQLITE_MISUSE'));
    }
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  exec(sql: string): Promise<void> {
    return this.enqueue(() => rawExec(this.db, sql));
  }
  run(sql: string, params: SqlParams = []): Promise<RunResult> {
    return this.enqueue(() => rawRun(this.db, sql, params));
  }
  get<Row>(sql: string, params: SqlParams = []): Promise<Row | undefined> {
    return this.enqueue(() => rawGet<Row>(this.db, sql, params));
  }
  all<Row>(sql: string, params: SqlParams = []): Promise<Row[]> {
    return this.enqueue(() => rawAll<Row>(this.db, sql, params));
  }

  transaction<T>(fn: (tx: SqliteTx) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      let open = true;
      const guard = <R>(op: () => Promise<R>): Promise<R> =>
        open ? op() : Promise.reject(new SqliteError('transaction handle used after the transaction ended', 'SQLITE_MISUSE'));
      const tx: SqliteTx = {
        exec: (sql) => guard(() => rawExec(this.db, sql)),
        run: (sql, params = []) => guard(() => rawRun(this.db, sql, params)),
        get: <Row>(sql: string, params: SqlParams = []) => guard(() => rawGet<Row>(this.db, sql, params)),
        all: <Row>(sql: string, params: SqlParams = []) => guard(() => rawAll<Row>(this.db, sql, params)),
      };
      await rawExec(this.db, 'BEGIN IMMEDIATE');
      try {
        const value = await this.insideTx.run(this, () => fn(tx));
        open = false;
        await rawExec(this.db, 'COMMIT');
        return value;
      } catch (error) {
        open = false;
        await rawExec(this.db, 'ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    await new Promise<void>((resolve, reject) => this.db.close((e) => (e ? reject(wrap(e, 'close')) : resolve())));
  }
}

function openDatabase(path: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, mode, (e) => (e ? reject(wrap(e, `open ${path}`)) : resolve(db)));
  });
}

export const sqlite3Driver: SqliteDriverFactory = {
  async open(path: string, options: SqliteOpenOptions = {}): Promise<SqliteDriver> {
    const mode = options.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    const db = await openDatabase(path, mode);
    db.configure('busyTimeout', options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    try {
      if (!options.readOnly) await rawGet(db, 'PRAGMA journal_mode = WAL', []);
      await rawExec(db, 'PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
    } catch (error) {
      db.close();
      throw error;
    }
    return new Sqlite3Driver(db, path);
  },
};
