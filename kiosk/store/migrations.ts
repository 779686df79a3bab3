import type { SqliteDriver, SqliteTx } from './sqlite-port.js';

/** One schema step. `version` is what `PRAGMA user_version` holds once it has run. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(tx: SqliteTx): Promise<void>;
}

const OUTBOX_STATES = `'pending','in-flight','acked','rejected','discarded'`;
const OUTBOX_KINDS = `'ticket','rating','device-event','audit','telemetry','call-record'`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'outbox, records, caches, counters',
    async up(tx) {
      await tx.exec(`
        CREATE TABLE kiosk_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;

        CREATE TABLE outbox (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL CHECK (kind IN (${OUTBOX_KINDS})),
          payload TEXT NOT NULL CHECK (json_valid(payload)),
          state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN (${OUTBOX_STATES})),
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,
          reject_code TEXT,
          reject_reason TEXT,
          created_at TEXT NOT NULL,
          last_attempt_at TEXT,
          acked_at TEXT,
          server_seq INTEGER,
          server_received_at TEXT,
          resolved_by TEXT,
          resolved_at TEXT,
          resolution_note TEXT
        ) STRICT;
        CREATE INDEX outbox_by_state ON outbox (state, seq);

        CREATE TABLE tickets (
          id TEXT PRIMARY KEY,
          outbox_seq INTEGER NOT NULL UNIQUE REFERENCES outbox (seq),
          category TEXT NOT NULL,
          description TEXT NOT NULL,
          phone TEXT,
          card_hash TEXT,
          card_masked TEXT,
          card_family TEXT,
          station_id TEXT NOT NULL,
          kiosk_id TEXT NOT NULL,
          language TEXT NOT NULL CHECK (language IN ('zh','en')),
          fault_key TEXT,
          created_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX tickets_by_card ON tickets (card_hash) WHERE card_hash IS NOT NULL;
        CREATE INDEX tickets_by_fault ON tickets (fault_key) WHERE fault_key IS NOT NULL;

        CREATE TABLE ratings (
          id TEXT PRIMARY KEY,
          outbox_seq INTEGER NOT NULL UNIQUE REFERENCES outbox (seq),
          score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
          service TEXT NOT NULL,
          reason TEXT,
          ticket_id TEXT,
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE device_events (
          id TEXT PRIMARY KEY,
          outbox_seq INTEGER NOT NULL UNIQUE REFERENCES outbox (seq),
          device TEXT NOT NULL,
          event TEXT NOT NULL,
          severity TEXT NOT NULL,
          detail TEXT,
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE audit_entries (
          id TEXT PRIMARY KEY,
          outbox_seq INTEGER NOT NULL UNIQUE REFERENCES outbox (seq),
          actor TEXT NOT NULL,
          action TEXT NOT NULL,
          detail TEXT,
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE telemetry (
          id TEXT PRIMARY KEY,
          outbox_seq INTEGER NOT NULL UNIQUE REFERENCES outbox (seq),
          metrics TEXT NOT NULL CHECK (json_valid(metrics)),
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE ticket_status_cache (
          ticket_id TEXT PRIMARY KEY,
          status TEXT NOT NULL,
          note TEXT,
          updated_at TEXT NOT NULL,
          cursor INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE faq_cache (
          id TEXT PRIMARY KEY,
          category TEXT NOT NULL,
          title_zh TEXT NOT NULL,
          title_en TEXT NOT NULL,
          body_zh TEXT NOT NULL,
          body_en TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE config_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL CHECK (json_valid(value))) STRICT;

        CREATE TABLE blocklist_cache (card_number TEXT PRIMARY KEY, reason TEXT NOT NULL) STRICT;

        CREATE TABLE clock_samples (
          id INTEGER PRIMARY KEY,
          measured_at TEXT NOT NULL,
          server_time TEXT NOT NULL,
          offset_ms INTEGER NOT NULL,
          round_trip_ms INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'draft ids of tickets and ratings; technicians from the change feed',
    async up(tx) {
      // The down-cursor goes back to 0: the feed now includes `technician` changes, and those
      // sent before this version must be fetched too. Every cache change applies idempotently.
      await tx.exec(`
        ALTER TABLE tickets ADD COLUMN draft_id TEXT;
        CREATE UNIQUE INDEX tickets_by_draft ON tickets (draft_id) WHERE draft_id IS NOT NULL;
        ALTER TABLE ratings ADD COLUMN draft_id TEXT;
        CREATE UNIQUE INDEX ratings_by_draft ON ratings (draft_id) WHERE draft_id IS NOT NULL;

        CREATE TABLE technicians (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          active INTEGER NOT NULL CHECK (active IN (0, 1)),
          key_hex TEXT NOT NULL,
          pin_hash TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          cursor INTEGER NOT NULL
        ) STRICT;

        DELETE FROM kiosk_meta WHERE key = 'down-cursor';
      `);
    },
  },
  {
    version: 3,
    name: 'station tables',
    async up(tx) {
      await tx.exec(`CREATE TABLE station_cache (city_code TEXT PRIMARY KEY, body TEXT NOT NULL CHECK (json_valid(body))) STRICT;`);
    },
  },
  {
    version: 4,
    name: 'technicians by public key: card keys and PIN hashes dropped',
    async up(tx) {
      // Technicians used to arrive with their card's HMAC key and a scrypt hash of their PIN.
      // Those rows go (the store is vacuumed after this step, see KioskStore.open), and the
      // down-cursor goes back to 0 so the public keys central now sends are fetched again.
      await tx.exec(`
        DROP TABLE technicians;
        CREATE TABLE technicians (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          public_key_pem TEXT NOT NULL,
          revoked_at TEXT,
          updated_at TEXT NOT NULL,
          cursor INTEGER NOT NULL
        ) STRICT;
        DELETE FROM kiosk_meta WHERE key = 'down-cursor';
      `);
    },
  },
  {
    version: 5,
    name: 'emergency alarms in the outbox',
    async up(tx) {
      // Widens the outbox's CHECK on `kind` by the `alarm` kind. Only the CHECK's text changes
      // (no row is touched and no stored row can break the wider rule), so the table is edited in
      // place as SQLite's ALTER TABLE page describes for CHECK changes, instead of rebuilding a
      // table four others reference.
      const version = (await tx.get<{ schema_version: number }>('PRAGMA schema_version'))?.schema_version ?? 0;
      await tx.exec('PRAGMA writable_schema = ON');
      await tx.run(`UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'outbox'`, [
        `'call-record')`,
        `'call-record','alarm')`,
      ]);
      await tx.exec(`PRAGMA schema_version = ${Math.trunc(version) + 1}`);
      await tx.exec('PRAGMA writable_schema = OFF');
    },
  },
];

/** The first schema version without technician secrets: a store migrated across it is vacuumed. */
export const TECHNICIAN_SECRETS_DROPPED_AT = 4;

/** Runs every migration above the file's `user_version`, each in its own transaction. */
export async function migrate(db: SqliteDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<{ from: number; to: number }> {
  const from = (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (from > latest) {
    throw new StoreSchemaError(`the database has schema version ${from}, newer than this kiosk's ${latest}`);
  }
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= from) continue;
    await db.transaction(async (tx) => {
      await m.up(tx);
      await tx.exec(`PRAGMA user_version = ${Math.trunc(m.version)}`);
    });
  }
  return { from, to: Math.max(from, latest) };
}

export class StoreSchemaError extends Error {
  override readonly name = 'StoreSchemaError';
  readonly code = 'store-schema-too-new';
}
