import type { TechnicianChange, TechnicianCredential } from '../../shared/sync.js';
import type { SqliteDriver, SqliteDriverFactory } from '../store/sqlite-port.js';
import type { TechnicianRecord, TechnicianRegistry } from './auth/technician-auth.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS technicians (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  active INTEGER NOT NULL,
  key_hex TEXT NOT NULL,
  pin_hash TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  cursor INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS technician_feed (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

interface Row {
  id: string;
  name: string;
  active: number;
  key_hex: string;
  pin_hash: string;
}

/**
 * The technicians central provisioned to this kiosk, kept in their own SQLite file (through the
 * store's driver port) so cards and PINs are verified offline. Implements the authenticator's `TechnicianRegistry`.
 */
export class SqliteTechnicianRegistry implements TechnicianRegistry {
  private constructor(private readonly db: SqliteDriver) {}

  static async open(driver: SqliteDriverFactory, path: string): Promise<SqliteTechnicianRegistry> {
    const db = await driver.open(path);
    try {
      await db.exec(SCHEMA);
    } catch (e) {
      await db.close();
      throw e;
    }
    return new SqliteTechnicianRegistry(db);
  }

  async lookup(technicianId: string): Promise<TechnicianRecord | null> {
    const r = await this.db.get<Row>('SELECT id, name, active, key_hex, pin_hash FROM technicians WHERE id = ?', [technicianId]);
    return r ? { technicianId: r.id, name: r.name, active: r.active === 1, keyHex: r.key_hex, pinHash: r.pin_hash } : null;
  }

  async cursor(): Promise<number> {
    const r = await this.db.get<{ value: string }>(`SELECT value FROM technician_feed WHERE key = 'cursor'`);
    return r ? Number(r.value) : 0;
  }

  async count(): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM technicians'))?.n ?? 0;
  }

  /** Applies one page of technician changes and moves the cursor, in one transaction. A change older than the stored one is ignored. */
  apply(changes: readonly TechnicianChange[], cursor: number): Promise<void> {
    return this.db.transaction(async (tx) => {
      for (const { technician: t, cursor: c } of changes) {
        await tx.run(
          `INSERT INTO technicians (id, name, active, key_hex, pin_hash, updated_at, cursor) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active, key_hex = excluded.key_hex, pin_hash = excluded.pin_hash,
             updated_at = excluded.updated_at, cursor = excluded.cursor WHERE excluded.cursor >= technicians.cursor`,
          [t.technicianId, t.name, t.active ? 1 : 0, t.keyHex, t.pinHash, t.updatedAt, c],
        );
      }
      await tx.run(`INSERT INTO technician_feed (key, value) VALUES ('cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(cursor)]);
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Where the kiosk store keeps the technicians its down-sync received (`store.caches`). */
export interface TechnicianSource {
  technician(technicianId: string): Promise<TechnicianCredential | null>;
}

/**
 * The authenticator's `TechnicianRegistry` over the kiosk store: the sync worker asks for `technician` changes
 * with the rest of the feed and applies them with the same cursor, in the same transaction, so
 * no separate feed or file is needed. `new StoreTechnicianRegistry(store.caches)`.
 */
export class StoreTechnicianRegistry implements TechnicianRegistry {
  constructor(private readonly source: TechnicianSource) {}

  async lookup(technicianId: string): Promise<TechnicianRecord | null> {
    const t = await this.source.technician(technicianId);
    return t ? { technicianId: t.technicianId, name: t.name, active: t.active, keyHex: t.keyHex, pinHash: t.pinHash } : null;
  }
}
