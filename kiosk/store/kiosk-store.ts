import { KIOSK_STATIONS } from '../i18n/stations.js';
import { createHmac, randomBytes } from 'node:crypto';
import type { OutboxPayload } from '../../shared/sync.js';
import { uuidv7 } from '../../shared/ids.js';
import { migrate, TECHNICIAN_SECRETS_DROPPED_AT } from './migrations.js';
import { Outbox, appendOutboxRow, nextCounter } from './outbox.js';
import { DownSyncCache } from './down-sync-cache.js';
import { insertAuditEntry } from './records.js';
import type { SqliteDriver, SqliteDriverFactory, SqliteTx } from './sqlite-port.js';
import { sqlite3Driver } from './sqlite3-driver.js';

/** The handle a write gets: the open transaction plus the outbox and counters inside it. */
export interface StoreWrite {
  readonly tx: SqliteTx;
  /** Appends an outbox row in this transaction. The sync worker is told once it commits. */
  appendOutbox(payload: OutboxPayload, createdAt: string): Promise<{ readonly id: string; readonly seq: number }>;
  /** Increments a named counter (1 the first time) in this transaction. */
  nextCounter(name: string): Promise<number>;
}

/** One sample of central's clock against the kiosk's (midpoint of request and response). */
export interface ClockSample {
  readonly measuredAt: string;
  readonly serverTime: string;
  /** Central clock minus kiosk clock, ms. */
  readonly offsetMs: number;
  readonly roundTripMs: number;
}

export interface KioskStoreOptions {
  readonly path: string;
  /** Default: the `sqlite3` package. */
  readonly driver?: SqliteDriverFactory;
  /** Kiosk clock, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  readonly busyTimeoutMs?: number;
}

const CLOCK_SAMPLES_KEPT = 100;

/**
 * The kiosk's offline-first store: records with their outbox rows, the down-sync caches and
 * the clock samples, in one SQLite file (WAL, `synchronous=FULL`, one serialised writer).
 */
export class KioskStore {
  readonly outbox: Outbox;
  readonly caches: DownSyncCache;
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly db: SqliteDriver,
    readonly now: () => number,
    private readonly cardHashKey: Buffer,
  ) {
    this.caches = new DownSyncCache(db, now, KIOSK_STATIONS);
    this.outbox = new Outbox({
      db,
      now,
      getMeta: (key) => this.getMeta(key),
      latestClockOffsetMs: async () => (await this.latestClockSample())?.offsetMs ?? null,
      audit: async (tx, action, actor, detail) => {
        const createdAt = new Date(this.now()).toISOString();
        const seq = await appendOutboxRow(tx, uuidv7(this.now()), { kind: 'audit', entry: { actor, action, detail } }, createdAt);
        await insertAuditEntry(tx, seq, { actor, action, detail }, createdAt, uuidv7(this.now()));
      },
    });
  }

  /** Opens (creating if needed) the store, runs migrations and puts rows left in flight back to pending. */
  static async open(options: KioskStoreOptions): Promise<KioskStore> {
    const driver = options.driver ?? sqlite3Driver;
    const db = await driver.open(options.path, options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {});
    try {
      const migrated = await migrate(db);
      if (migrated.from > 0 && migrated.from < TECHNICIAN_SECRETS_DROPPED_AT && migrated.to >= TECHNICIAN_SECRETS_DROPPED_AT) {
        // Dropped technician secrets must not linger in free pages or the WAL.
        await db.exec('VACUUM');
        await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      }
      const key = await db.transaction(async (tx) => {
        const row = await tx.get<{ value: string }>(`SELECT value FROM kiosk_meta WHERE key = 'card-hash-key'`);
        if (row) return row.value;
        const fresh = randomBytes(32).toString('hex');
        await tx.run(`INSERT INTO kiosk_meta (key, value) VALUES ('card-hash-key', ?)`, [fresh]);
        return fresh;
      });
      const store = new KioskStore(db, options.now ?? Date.now, Buffer.from(key, 'hex'));
      await store.outbox.resetInFlight();
      await store.caches.loadStations();
      return store;
    } catch (error) {
      await db.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Runs `fn` in one transaction. Resolves after COMMIT (fsync'd); if `fn` appended outbox
   * rows, the listeners of `onOutboxAppended` are called then.
   */
  async write<T>(fn: (w: StoreWrite) => Promise<T>): Promise<T> {
    let appended = 0;
    const value = await this.db.transaction((tx) =>
      fn({
        tx,
        appendOutbox: async (payload, createdAt) => {
          const id = uuidv7(this.now());
          const seq = await appendOutboxRow(tx, id, payload, createdAt);
          appended++;
          return { id, seq };
        },
        nextCounter: (name) => nextCounter(tx, name),
      }),
    );
    if (appended > 0) {
      for (const l of [...this.listeners]) {
        try {
          l();
        } catch {
          // The write is committed; a listener's failure must not make it look failed.
        }
      }
    }
    return value;
  }

  /** Called after each commit that added outbox rows. Returns the unsubscribe function. */
  onOutboxAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Keyed SHA-256 (HMAC, with a random key kept in this store) of a card number, so tickets
   * can be found by card without keeping the number itself in an indexed column.
   */
  cardHash(cardNumber: string): string {
    return createHmac('sha256', this.cardHashKey).update(cardNumber.replace(/\s+/g, '').toUpperCase()).digest('hex');
  }

  async getMeta(key: string): Promise<string | null> {
    return (await this.db.get<{ value: string }>('SELECT value FROM kiosk_meta WHERE key = ?', [key]))?.value ?? null;
  }

  async recordClockSample(sample: ClockSample): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO clock_samples (measured_at, server_time, offset_ms, round_trip_ms) VALUES (?, ?, ?, ?)', [
        sample.measuredAt,
        sample.serverTime,
        Math.round(sample.offsetMs),
        Math.round(sample.roundTripMs),
      ]);
      await tx.run('DELETE FROM clock_samples WHERE id <= (SELECT MAX(id) FROM clock_samples) - ?', [CLOCK_SAMPLES_KEPT]);
    });
  }

  async latestClockSample(): Promise<ClockSample | null> {
    const row = await this.db.get<{ measured_at: string; server_time: string; offset_ms: number; round_trip_ms: number }>(
      'SELECT measured_at, server_time, offset_ms, round_trip_ms FROM clock_samples ORDER BY id DESC LIMIT 1',
    );
    return row ? { measuredAt: row.measured_at, serverTime: row.server_time, offsetMs: row.offset_ms, roundTripMs: row.round_trip_ms } : null;
  }

  /** `PRAGMA integrity_check`: 'ok' for a sound file. */
  async integrityCheck(): Promise<string> {
    const rows = await this.db.all<{ integrity_check: string }>('PRAGMA integrity_check');
    return rows.map((r) => r.integrity_check).join('\n');
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.db.close();
  }
}
