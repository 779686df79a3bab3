/**
 * The store's port to SQLite. Everything in `kiosk/store` talks to this interface only;
 * `sqlite3-driver.ts` is the one file that knows the `sqlite3` package. Moving to
 * better-sqlite3 or `node:sqlite` means writing one new file that implements `SqliteDriverFactory`.
 */

export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlParams = readonly SqlValue[];

export interface RunResult {
  /** Rows changed by an INSERT, UPDATE or DELETE. */
  readonly changes: number;
  /** Rowid of the last inserted row. */
  readonly lastInsertRowid: number;
}

/** Statements that run inside one open transaction; valid only until `transaction`'s callback settles. */
export interface SqliteTx {
  exec(sql: string): Promise<void>;
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  get<Row>(sql: string, params?: SqlParams): Promise<Row | undefined>;
  all<Row>(sql: string, params?: SqlParams): Promise<Row[]>;
}

/**
 * One open database with ONE serialised writer: every call (and every whole transaction) waits
 * its turn, so two async transactions never interleave on the connection.
 */
export interface SqliteDriver extends SqliteTx {
  /**
   * Runs `fn` inside `BEGIN IMMEDIATE … COMMIT`. Resolves only after COMMIT returned (with
   * `synchronous=FULL`, after the WAL was fsync'd). Rolls back and rejects if `fn` throws.
   */
  transaction<T>(fn: (tx: SqliteTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly path: string;
}

export interface SqliteOpenOptions {
  /** How long a writer waits for another process's lock before SQLITE_BUSY. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  readonly readOnly?: boolean;
}

/** Opens a database with WAL, `synchronous=FULL` and foreign keys on. */
export interface SqliteDriverFactory {
  open(path: string, options?: SqliteOpenOptions): Promise<SqliteDriver>;
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
