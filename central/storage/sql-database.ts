/**
 * The small port between central's storage logic and a database driver. SQL is written once
 * with `$1, $2, …` placeholders and the subset both engines share (`ON CONFLICT DO NOTHING`,
 * `RETURNING`, savepoints); each driver adapts the rest.
 */
export type Row = Readonly<Record<string, unknown>>;
export type SqlParam = string | number | boolean | null;

export interface SqlExecutor {
  all(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
}

export interface SqlDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** One statement outside an explicit transaction. */
  read<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Called inside a transaction before it writes a change row: makes change cursors commit in
   * the order they were taken, so a reader never sees a later cursor before an earlier one.
   */
  lockChanges(q: SqlExecutor): Promise<void>;
  /**
   * Called inside a transaction before it stores a kiosk's batch: one batch per kiosk at a time,
   * whichever instance took it, so a batch's items never interleave with another's.
   */
  lockKiosk(q: SqlExecutor, kioskId: string): Promise<void>;
  /** `LIKE` that ignores case for the text search. */
  readonly ilike: string;
  close(): Promise<void>;
}
