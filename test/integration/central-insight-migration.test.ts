/**
 * The insight migration on a database that already holds data (both engines): tickets get their
 * made / first response / close times from the ticket history, and earlier ratings and device
 * events get rows of their own from the stored items, so the views count what was there before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, openPostgresDatabase } from '../../central/storage/postgres-database.js';
import type { SqlDatabase } from '../../central/storage/sql-database.js';
import { openSqliteDatabase } from '../../central/storage/sqlite-database.js';
import { ENGINES, PG_URL } from '../support/central.js';
import { earlierPostgresCentral, earlierSqliteCentral } from '../support/earlier-central.js';

const BEFORE = 12;

/** What a central of the version before held: one kiosk, a ticket worked and resolved, a rating, a device fault. */
const DATA = `
INSERT INTO kiosks (id, station_id, token_hash, config, created_at) VALUES ('GZ0102', 'GZ-TIYUXILU', 'h', '{}', '2026-11-01T00:00:00.000Z');
INSERT INTO items (id, kiosk_id, seq, kind, created_at, received_at, payload) VALUES
  ('i1', 'GZ0102', 1, 'ticket', '2026-11-10T09:00:00+08:00', '2026-11-10T01:00:05.000Z', '{}'),
  ('i2', 'GZ0102', 2, 'rating', '2026-11-10T09:05:00+08:00', '2026-11-10T01:05:05.000Z', '{"kind":"rating","rating":{"id":"r1","score":2,"reason":"  等待时间太长 ","service":"call","ticketId":null,"kioskId":"GZ0102","createdAt":"2026-11-10T09:05:00+08:00"}}'),
  ('i3', 'GZ0102', 3, 'device-event', '2026-11-10T09:10:00+08:00', '2026-11-10T01:10:05.000Z', '{"kind":"device-event","event":{"device":"printer","event":"paper-out","severity":"fault","detail":null}}');
INSERT INTO tickets (id, item_id, server_seq, kiosk_id, station_id, category, description, phone, created_utc, received_at, status, status_note, updated_at, body) VALUES
  ('GZ0102-261110-0001-5', 'i1', 1, 'GZ0102', 'GZ-TIYUXILU', 'gate', 'x', NULL, '2026-11-10T01:00:00.000Z', '2026-11-10T01:00:05.000Z', 'resolved', NULL, '2026-11-10T05:00:00.000Z', '{}');
INSERT INTO ticket_history (ticket_id, status, note, actor, at) VALUES
  ('GZ0102-261110-0001-5', 'open', NULL, 'kiosk:GZ0102', '2026-11-10T01:00:05.000Z'),
  ('GZ0102-261110-0001-5', 'in-progress', NULL, 'wang', '2026-11-10T01:30:00.000Z'),
  ('GZ0102-261110-0001-5', 'resolved', 'fixed', 'wang', '2026-11-10T05:00:00.000Z');
`;

const dir = mkdtempSync(join(tmpdir(), 'insight-migration-'));
const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropPostgresSchema(PG_URL, s);
  rmSync(dir, { recursive: true, force: true });
});

describe.each(ENGINES)('insight migration over earlier data (%s)', (engine) => {
  it('back-fills ticket times, ratings and device events', async () => {
    let db: SqlDatabase;
    if (engine === 'sqlite') {
      const file = join(dir, 'central.sqlite');
      await earlierSqliteCentral(file, BEFORE, DATA);
      db = await openSqliteDatabase(file);
    } else {
      const schema = `insight_migration_${process.pid}_${Date.now().toString(36)}`;
      schemas.push(schema);
      await earlierPostgresCentral(schema, BEFORE, DATA);
      db = await openPostgresDatabase(PG_URL, schema);
    }
    try {
      const num = (v: unknown) => (v === null ? null : Number(v));
      const t = (await db.read((q) => q.all('SELECT created_ms, first_response_ms, closed_ms FROM tickets')))[0]!;
      expect([num(t['created_ms']), num(t['first_response_ms']), num(t['closed_ms'])]).toEqual([Date.parse('2026-11-10T01:00:00Z'), Date.parse('2026-11-10T01:30:00Z'), Date.parse('2026-11-10T05:00:00Z')]);
      const r = await db.read((q) => q.all('SELECT item_id, kiosk_id, station_id, score, reason, service, ticket_id, created_ms FROM ratings'));
      expect(r.map((x) => ({ ...x, score: num(x['score']), created_ms: num(x['created_ms']) }))).toEqual([
        { item_id: 'i2', kiosk_id: 'GZ0102', station_id: 'GZ-TIYUXILU', score: 2, reason: '等待时间太长', service: 'call', ticket_id: null, created_ms: Date.parse('2026-11-10T01:05:00Z') },
      ]);
      const e = await db.read((q) => q.all('SELECT item_id, kiosk_id, station_id, device, event, severity, created_ms FROM device_events'));
      expect(e.map((x) => ({ ...x, created_ms: num(x['created_ms']) }))).toEqual([
        { item_id: 'i3', kiosk_id: 'GZ0102', station_id: 'GZ-TIYUXILU', device: 'printer', event: 'paper-out', severity: 'fault', created_ms: Date.parse('2026-11-10T01:10:00Z') },
      ]);
    } finally {
      await db.close();
    }
  });
});
