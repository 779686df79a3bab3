/**
 * The store's port to SQLite. Everything in `kiosk/store` talks to this interface only;
 * `sqlite3-driver.ts` opens the shared sqlite3 connection (`shared/sqlite-connection.ts`). Moving to
 * better-sqlite3 or `node:sqlite` means writing one new file that implements `SqliteDriverFactory`.
 */

import type { SqliteOpenOptions, SqliteTx } from '../../shared/sqlite-connection.js';

export { SqliteError, type RunResult, type SqlParams, type SqliteOpenOptions, type SqliteTx, type SqlValue } from '../../shared/sqlite-connection.js';

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

/** Opens a database with WAL, `synchronous=FULL` and foreign keys on. */
export interface SqliteDriverFactory {
  open(path: string, options?: SqliteOpenOptions): Promise<SqliteDriver>;
}
