/**
 * A central database as an earlier version left it: the migrations up to `before` applied and
 * recorded, then `data` (SQL) inserted, on either engine. For the tests of a later migration
 * over data stored before it.
 */
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { migrationsFor } from '../../central/storage/migrations.js';
import { PG_URL } from './central.js';

const MIGRATIONS_TABLE = 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);';

function appliedUpTo(dialect: 'sqlite' | 'postgres', before: number): { sql: string[]; recorded: string } {
  const applied = migrationsFor(dialect).filter((m) => m.version <= before);
  return {
    sql: applied.map((m) => m.sql),
    recorded: applied.map((m) => `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, '${m.name}', '2026-11-01T00:00:00.000Z');`).join('\n'),
  };
}

/** Writes an SQLite file at `file` as central stood at migration `before`, holding `data`. */
export async function earlierSqliteCentral(file: string, before: number, data: string): Promise<void> {
  const db = new sqlite3.Database(file);
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
  try {
    const { sql, recorded } = appliedUpTo('sqlite', before);
    await exec(MIGRATIONS_TABLE);
    for (const s of sql) await exec(s);
    await exec(recorded + data);
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** Creates the PostgreSQL schema `schema` as central stood at migration `before`, holding `data`. */
export async function earlierPostgresCentral(schema: string, before: number, data: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { sql, recorded } = appliedUpTo('postgres', before);
    await client.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}";`);
    await client.query(MIGRATIONS_TABLE);
    for (const s of sql) await client.query(s);
    await client.query(recorded + data);
  } finally {
    await client.end();
  }
}
