/**
 * One SQLite connection through the `sqlite3` package, with ONE queue: every statement, and
 * every whole transaction, waits its turn, so two async transactions never interleave on the
 * connection (sqlite3 would refuse: "cannot start a transaction within a transaction"). The
 * kiosk store (`kiosk/store/sqlite3-driver.ts`) and central's SQLite engine
 * (`central/storage/sqlite-database.ts`) both open their files here; nothing else in the
 * product knows the `sqlite3` package. Node only: no page imports this file.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { chmod, open as openFile } from 'node:fs/promises';
import sqlite3 from 'sqlite3';

/** Creates `file` if missing with mode 0600, and sets 0600 on an existing one. */
async function ownerOnlyFile(file: string): Promise<void> {
  const handle = await openFile(file, 'a', 0o600);
  await handle.close();
  await chmod(file, 0o600);
  for (const side of ['-wal', '-shm']) await chmod(file + side, 0o600).catch(() => undefined);
}

export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  /** Rows changed by an INSERT, UPDATE or DELETE. */
  readonly changes: number;
  /** Rowid of the last inserted row. */
  readonly lastInsertRowid: number;
}

/** Statements on the connection; a transaction's handle is valid only until its callback settles. */
export interface SqliteTx {
  exec(sql: string): Promise<void>;
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined>;
  all<Row>(sql: string, params?: SqlParams): Promise<Row[]>;
}

export interface SqliteOpenOptions {
  /** How long a writer waits for another process's lock before SQLITE_BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  readonly readOnly?: boolean;
}

/** A failure of the database itself (I/O, corruption, constraint), with SQLite's code when known. */
export class SqliteError extends Error {
  override readonly name = 'SqliteError';
  constructor(
    message: string,
    /** SQLite's code, e.g. `SQLITE_CONSTRAINT`, `SQLITE_BUSY`, or `SQLITE_CLOSED` once closed. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

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

/** One open database file behind one queue. */
export class SqliteConnection implements SqliteTx {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly insideTurn = new AsyncLocalStorage<SqliteConnection>();

  private constructor(
    private readonly db: sqlite3.Database,
    readonly path: string,
  ) {}

  /**
   * Opens `path` with WAL (unless read-only), `synchronous=FULL` and foreign keys on. A file
   * opened for writing is made owner-only (0600) first, created so if new: the kiosk store and
   * central's database hold tokens, phone and card numbers. SQLite gives its `-wal` and `-shm`
   * files the database file's mode.
   */
  static async open(path: string, options: SqliteOpenOptions = {}): Promise<SqliteConnection> {
    const mode = options.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    if (!options.readOnly && path !== '' && path !== ':memory:' && !path.startsWith('file:')) {
      // A path that cannot be created fails below with SQLite's own error.
      await ownerOnlyFile(path).catch(() => undefined);
    }
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const opened = new sqlite3.Database(path, mode, (e) => (e ? reject(wrap(e, `open ${path}`)) : resolve(opened)));
    });
    db.configure('busyTimeout', options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    try {
      if (!options.readOnly) await rawGet(db, 'PRAGMA journal_mode = WAL', []);
      await rawExec(db, 'PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteConnection(db, path);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new SqliteError('database is closed', 'SQLITE_CLOSED'));
    if (this.insideTurn.getStore() === this) {
      return Promise.reject(new SqliteError('use the handle given to transaction()/exclusive(): the connection is busy with it', 'SQLITE_MISUSE'));
    }
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** A handle on the raw connection that refuses work once `isOpen()` says no. */
  private handle(isOpen: () => boolean): SqliteTx {
    const guard = <R>(op: () => Promise<R>): Promise<R> =>
      isOpen() ? op() : Promise.reject(new SqliteError('handle used after its turn ended', 'SQLITE_MISUSE'));
    return {
      exec: (sql) => guard(() => rawExec(this.db, sql)),
      run: (sql, params = []) => guard(() => rawRun(this.db, sql, params)),
      get: <Row>(sql: string, params: SqlParams = []) => guard(() => rawGet<Row>(this.db, sql, params)),
      all: <Row>(sql: string, params: SqlParams = []) => guard(() => rawAll<Row>(this.db, sql, params)),
    };
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

  /** Several statements in one turn of the queue, outside a transaction. */
  exclusive<T>(fn: (q: SqliteTx) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      let open = true;
      try {
        return await this.insideTurn.run(this, () => fn(this.handle(() => open)));
      } finally {
        open = false;
      }
    });
  }

  /**
   * Runs `fn` inside `BEGIN IMMEDIATE … COMMIT` in one turn of the queue. Resolves only after
   * COMMIT returned (with `synchronous=FULL`, after the WAL was fsync'd). Rolls back and
   * rejects if `fn` throws.
   */
  transaction<T>(fn: (tx: SqliteTx) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      let open = true;
      const tx = this.handle(() => open);
      await rawExec(this.db, 'BEGIN IMMEDIATE');
      try {
        const value = await this.insideTurn.run(this, () => fn(tx));
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

  /** Waits for the queue to drain, then closes; a second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.tail;
    this.closed = true;
    await new Promise<void>((resolve, reject) => this.db.close((e) => (e ? reject(wrap(e, 'close')) : resolve())));
  }
}
