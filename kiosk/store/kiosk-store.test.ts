import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KioskStore } from './kiosk-store.js';
import { sqlite3Driver } from './sqlite3-driver.js';
import { migrate, StoreSchemaError } from './migrations.js';
import { SqliteError } from './sqlite-port.js';
import { TicketService } from '../tickets/ticket-service.js';

let dir: string;
let path: string;
const open: KioskStore[] = [];
const kiosk = { kioskId: 'kiosk-gz-0102', kioskCode: 'GZ0102', stationId: 'GZ-L3-TIYU-XILU' };

async function openStore(now: () => number = Date.now): Promise<KioskStore> {
  const s = await KioskStore.open({ path, now });
  open.push(s);
  return s;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-store-'));
  path = join(dir, 'kiosk.db');
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('KioskStore on a real SQLite file', () => {
  it('migrates an empty file, then re-opens without migrating again and keeps the data', async () => {
    const s1 = await openStore();
    expect((await s1.db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version).toBe(5);
    expect((await s1.db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode).toBe('wal');
    expect((await s1.db.get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous).toBe(2);
    expect((await s1.db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))?.foreign_keys).toBe(1);
    const made = await new TicketService(s1, kiosk).createTicket({ category: 'gate', description: 'gate 3 beeps', language: 'en' });
    expect(made.ok).toBe(true);
    await s1.close();
    open.length = 0;

    const s2 = await openStore();
    expect(await migrate(s2.db)).toEqual({ from: 5, to: 5 });
    const rows = await s2.outbox.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload.kind).toBe('ticket');
  });

  it('an emergency alarm is the head of the outbox: claimed before a backlog of older rows, alone, and the store stays sound', async () => {
    const s = await openStore();
    const tickets = new TicketService(s, kiosk);
    for (let i = 0; i < 3; i++) expect((await tickets.recordAudit({ actor: 'kiosk', action: `older-${i}`, detail: null })).ok).toBe(true);
    const card = { family: 't-union' as const, cardNumber: '31049988776655442345', masked: '3104 **** **** 2345', cityCode: '5810', balance: 1250, diagnosis: [] };
    const raised = await tickets.recordAlarm({ alarmId: '019a6b1c-3f10-7abc-8def-0123456789ab', raisedAt: '2026-12-01T04:00:00.000Z', language: 'zh', card });
    expect(raised.ok).toBe(true);
    const first = await s.outbox.claimBatch(100);
    expect(first.map((e) => e.kind)).toEqual(['alarm']);
    const alarm = first[0]!.payload;
    expect(alarm).toEqual({
      kind: 'alarm',
      alarm: { id: '019a6b1c-3f10-7abc-8def-0123456789ab', kioskId: kiosk.kioskId, stationId: kiosk.stationId, location: null, raisedAt: '2026-12-01T04:00:00.000Z', language: 'zh', card: { family: 't-union', masked: '3104 **** **** 2345', balance: 1250, diagnosis: [] } },
    });
    // The whole card number never goes into the alarm.
    expect(JSON.stringify(alarm)).not.toContain('31049988776655442345');
    await s.outbox.release(first, 'offline');
    // Still first after a failed send; the backlog follows once it is taken.
    expect((await s.outbox.claimBatch(100)).map((e) => e.kind)).toEqual(['alarm']);
    expect((await s.outbox.claimBatch(100)).map((e) => e.kind)).toEqual(['audit', 'audit', 'audit']);
    // A kind the schema does not know is still refused.
    await expect(s.write((w) => w.appendOutbox({ kind: 'bogus' } as never, '2026-12-01T04:00:00.000Z'))).rejects.toThrow(/CHECK/);
    expect(await s.integrityCheck()).toBe('ok');
  });

  it('refuses a file whose schema is newer than this kiosk knows', async () => {
    const s = await openStore();
    await s.db.exec('PRAGMA user_version = 99');
    await s.close();
    open.length = 0;
    await expect(KioskStore.open({ path })).rejects.toBeInstanceOf(StoreSchemaError);
  });

  it('writes a record and its outbox row in one transaction: a failure leaves neither', async () => {
    const s = await openStore();
    await expect(
      s.write(async (w) => {
        await w.appendOutbox({ kind: 'audit', entry: { actor: 'tech', action: 'x', detail: null } }, new Date().toISOString());
        await w.tx.run('INSERT INTO audit_entries (id, outbox_seq, actor, action, created_at) VALUES (?, ?, ?, ?, ?)', ['a', 999, 'tech', 'x', 'now']);
      }),
    ).rejects.toBeInstanceOf(SqliteError);
    expect(await s.outbox.list()).toEqual([]);
    expect((await s.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_entries'))?.n).toBe(0);
    // The failed attempt consumed no sequence number: the next row is seq 1.
    const ok = await s.write((w) => w.appendOutbox({ kind: 'audit', entry: { actor: 'tech', action: 'y', detail: null } }, new Date().toISOString()));
    expect(ok.seq).toBe(1);
  });

  it('serialises concurrent writers: 60 tickets at once get gapless seqs and distinct ids', async () => {
    const s = await openStore();
    const service = new TicketService(s, kiosk);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => service.createTicket({ category: 'suggestion', description: `idea ${i}`, language: 'zh' })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const rows = await s.outbox.list({ limit: 1000 });
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const ids = new Set(results.map((r) => (r.ok ? r.value.id : '')));
    expect(ids.size).toBe(60);
    expect(await s.integrityCheck()).toBe('ok');
  });

  it('rejects a nested use of the writer inside a transaction instead of deadlocking', async () => {
    const s = await openStore();
    await expect(s.db.transaction(() => s.db.get('SELECT 1'))).rejects.toMatchObject({ code: 'SQLITE_MISUSE' });
    expect(await s.db.get<{ v: number }>('SELECT 1 AS v')).toEqual({ v: 1 });
  });

  it('puts rows left in flight by a crash back to pending on open', async () => {
    const s1 = await openStore();
    const service = new TicketService(s1, kiosk);
    for (let i = 0; i < 3; i++) await service.createTicket({ category: 'gate', description: `g${i}`, language: 'en' });
    const claimed = await s1.outbox.claimBatch(2);
    expect(claimed.map((c) => c.state)).toEqual(['in-flight', 'in-flight']);
    await s1.close();
    open.length = 0;
    const s2 = await openStore();
    const rows = await s2.outbox.list();
    expect(rows.map((r) => [r.seq, r.state, r.attempts])).toEqual([
      [1, 'pending', 1],
      [2, 'pending', 1],
      [3, 'pending', 0],
    ]);
    expect(rows[0]?.lastError).toBe('interrupted while in flight');
  });

  it('keeps rejected rows; a technician can retry or discard, and discard keeps the row with an audit entry', async () => {
    const s = await openStore();
    const service = new TicketService(s, kiosk);
    await service.createTicket({ category: 'gate', description: 'a', language: 'en' });
    await service.createTicket({ category: 'gate', description: 'b', language: 'en' });
    const claimed = await s.outbox.claimBatch(10);
    const [first, second] = claimed;
    if (!first || !second) throw new Error('expected two claimed rows');
    const settled = await s.outbox.settle(
      claimed,
      [{ id: first.id, seq: first.seq, status: 'stored', serverSeq: 41, receivedAt: '2026-01-01T00:00:00.000Z' }],
      [{ id: second.id, seq: second.seq, code: 'invalid-item', reason: 'station unknown' }],
    );
    expect(settled).toEqual({ acked: 1, rejected: 1, released: 0 });
    const rejected = await s.outbox.get(second.seq);
    expect(rejected).toMatchObject({ state: 'rejected', rejectCode: 'invalid-item', rejectReason: 'station unknown' });
    expect(await s.outbox.get(first.seq)).toMatchObject({ state: 'acked', serverSeq: 41 });
    expect((await s.outbox.stats()).rejected).toBe(1);

    expect(await s.outbox.discard(first.seq, 'tech-7', 'no')).toMatchObject({ ok: false, error: { code: 'outbox-row-not-rejected' } });
    expect(await s.outbox.retry(999, 'tech-7')).toMatchObject({ ok: false, error: { code: 'outbox-row-not-found' } });

    const discarded = await s.outbox.discard(second.seq, 'tech-7', 'duplicate of a phone report');
    expect(discarded).toMatchObject({ ok: true, value: { state: 'discarded', resolvedBy: 'tech-7', resolutionNote: 'duplicate of a phone report' } });
    expect(await s.outbox.get(second.seq)).toMatchObject({ state: 'discarded', rejectCode: 'invalid-item' });
    const audits = await s.outbox.list({ states: ['pending'] });
    expect(audits.map((a) => a.payload.kind)).toEqual(['audit']);
    expect(audits[0]?.payload).toMatchObject({ kind: 'audit', entry: { actor: 'tech-7', action: 'outbox.discard' } });
  });

  it('retry sends a rejected row again', async () => {
    const s = await openStore();
    await new TicketService(s, kiosk).createTicket({ category: 'gate', description: 'a', language: 'en' });
    const claimed = await s.outbox.claimBatch(1);
    await s.outbox.settle(claimed, [], [{ id: claimed[0]?.id ?? null, seq: null, code: 'invalid-item', reason: 'bad' }]);
    const retried = await s.outbox.retry(1, 'tech-1');
    expect(retried).toMatchObject({ ok: true, value: { state: 'pending', resolvedBy: 'tech-1' } });
    expect((await s.outbox.claimBatch(10)).map((e) => [e.seq, e.kind])).toEqual([
      [1, 'ticket'],
      [2, 'audit'],
    ]);
  });

  it('settle puts unacknowledged rows back to pending and scrubs the card number from acked tickets', async () => {
    const s = await openStore();
    const card = { family: 't-union' as const, cardNumber: '3105123412347984', masked: '3105 **** **** 7984', cityCode: '5810', balance: 1200, diagnosis: [] };
    await new TicketService(s, kiosk).createTicket({ category: 'card-problem', description: 'card', language: 'zh', card });
    await new TicketService(s, kiosk).createTicket({ category: 'gate', description: 'x', language: 'zh' });
    const claimed = await s.outbox.claimBatch(10);
    const first = claimed[0];
    if (!first) throw new Error('no row');
    expect(JSON.stringify(first.payload)).toContain('3105123412347984');
    await s.outbox.settle(claimed, [{ id: first.id, seq: first.seq, status: 'duplicate', serverSeq: 7, receivedAt: '2026-01-01T00:00:00.000Z' }], []);
    const acked = await s.outbox.get(first.seq);
    expect(JSON.stringify(acked?.payload)).not.toContain('3105123412347984');
    expect(await s.outbox.get(2)).toMatchObject({ state: 'pending', lastError: 'central did not acknowledge this item' });
    const stats = await s.outbox.stats();
    expect(stats).toMatchObject({ depth: 1, inFlight: 0, acked: 1 });
    expect(stats.lastSuccessfulSyncAt).not.toBeNull();
  });

  it('a throwing outbox listener does not make a committed write look failed', async () => {
    const s = await openStore();
    let told = 0;
    s.onOutboxAppended(() => {
      throw new Error('listener bug');
    });
    s.onOutboxAppended(() => told++);
    const r = await new TicketService(s, kiosk).createTicket({ category: 'gate', description: 'x', language: 'en' });
    expect(r.ok).toBe(true);
    expect(told).toBe(1);
    expect((await s.outbox.stats()).depth).toBe(1);
  });

  it('a closed store refuses work with a typed error', async () => {
    const s = await KioskStore.open({ path, driver: sqlite3Driver });
    await s.close();
    await expect(s.outbox.stats()).rejects.toMatchObject({ code: 'SQLITE_CLOSED' });
  });
});
