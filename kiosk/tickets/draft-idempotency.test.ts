/** A flow restored after a crash may file the same draft (or rating) again: one record, one outbox row. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TicketCardContext } from '../../shared/ticket.js';
import { migrate } from '../store/migrations.js';
import { KioskStore } from '../store/kiosk-store.js';
import { sqlite3Driver } from '../store/sqlite3-driver.js';
import { TicketService } from './ticket-service.js';

let dir: string;
let store: KioskStore;
let service: TicketService;
const kiosk = { kioskId: 'kiosk-gz-0102', kioskCode: 'GZ0102', stationId: 'GZ-L3-TIYU-XILU' };
const card: TicketCardContext = { family: 't-union', cardNumber: '3105123412347984', masked: '3105 **** **** 7984', cityCode: '5810', balance: 350, diagnosis: [] };
const DRAFT = '019a6b1c-3f10-7abc-8def-0123456789ab';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-drafts-'));
  store = await KioskStore.open({ path: join(dir, 'kiosk.db') });
  service = new TicketService(store, kiosk);
});
afterEach(async () => {
  await store.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const count = async (table: string): Promise<number> => (await store.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? -1;

describe('createTicket with a draftId', () => {
  it('the same draftId twice gives the same ticket, one ticket row and one outbox row', async () => {
    const first = await service.createTicket({ category: 'card-problem', description: '扣费两次', card, language: 'zh', draftId: DRAFT });
    const again = await service.createTicket({ category: 'card-problem', description: '扣费两次', card, language: 'zh', draftId: DRAFT });
    if (!first.ok || !again.ok) throw new Error('createTicket failed');
    expect(first.value.duplicate).toBe(false);
    expect(again.value).toEqual({ ticket: first.value.ticket, id: first.value.id, duplicate: true });
    expect(await count('tickets')).toBe(1);
    expect(await count('outbox')).toBe(1);
  });

  it('a second call with other content still returns the first ticket (the draft is what counts)', async () => {
    const first = await service.createTicket({ category: 'gate', description: 'gate 3', language: 'en', draftId: DRAFT });
    const again = await service.createTicket({ category: 'suggestion', description: 'changed my mind', language: 'zh', draftId: DRAFT });
    expect(again).toMatchObject({ ok: true, value: { duplicate: true, ticket: { category: 'gate', description: 'gate 3' } } });
    expect(first.ok && again.ok && again.value.id === first.value.id).toBe(true);
  });

  it('two calls at once make one ticket, and both get its id', async () => {
    const calls = await Promise.all(Array.from({ length: 8 }, () => service.createTicket({ category: 'gate', description: 'gate 3', language: 'en', draftId: DRAFT })));
    const ids = new Set(calls.map((r) => (r.ok ? r.value.id : r.error.code)));
    expect(ids.size).toBe(1);
    expect(calls.filter((r) => r.ok && !r.value.duplicate)).toHaveLength(1);
    expect(await count('tickets')).toBe(1);
    expect(await count('outbox')).toBe(1);
  });

  it('two processes sharing the file (two stores) still make one ticket', async () => {
    const other = await KioskStore.open({ path: join(dir, 'kiosk.db') });
    try {
      const otherService = new TicketService(other, kiosk);
      const [a, b] = await Promise.all([
        service.createTicket({ category: 'gate', description: 'gate 3', language: 'en', draftId: DRAFT }),
        otherService.createTicket({ category: 'gate', description: 'gate 3', language: 'en', draftId: DRAFT }),
      ]);
      expect(a.ok && b.ok && a.value.id === b.value.id).toBe(true);
      expect(await count('tickets')).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('a duplicate consumes no ticket number: the next draft gets the next one', async () => {
    await service.createTicket({ category: 'gate', description: 'a', language: 'en', draftId: DRAFT });
    await service.createTicket({ category: 'gate', description: 'a', language: 'en', draftId: DRAFT });
    const next = await service.createTicket({ category: 'gate', description: 'b', language: 'en', draftId: 'draft-2' });
    expect(next.ok && next.value.id.slice(14, 18)).toBe('0002');
  });

  it('drafts without an id are never deduplicated', async () => {
    await service.createTicket({ category: 'gate', description: 'same', language: 'en' });
    await service.createTicket({ category: 'gate', description: 'same', language: 'en' });
    expect(await count('tickets')).toBe(2);
  });

  it.each(['', ' ', 'x'.repeat(129), 'tab\there', '草稿'])('refuses the draft id %j and stores nothing', async (draftId) => {
    const r = await service.createTicket({ category: 'gate', description: 'x', language: 'en', draftId });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-draft-id', field: 'draftId' } });
    expect(await count('outbox')).toBe(0);
  });
});

describe('recordRating with a ratingId', () => {
  it('the same ratingId twice (even at once) stores one rating and returns it both times', async () => {
    const [a, b] = await Promise.all([
      service.recordRating({ ratingId: 'rating-1', score: 4, service: 'report' }),
      service.recordRating({ ratingId: 'rating-1', score: 4, service: 'report' }),
    ]);
    if (!a.ok || !b.ok) throw new Error('recordRating failed');
    expect(b.value).toEqual(a.value);
    expect(await count('ratings')).toBe(1);
    expect(await count('outbox')).toBe(1);
    const other = await service.recordRating({ ratingId: 'rating-2', score: 4, service: 'report' });
    expect(other.ok && other.value.id !== a.value.id).toBe(true);
    expect(await count('ratings')).toBe(2);
  });

  it('refuses a malformed ratingId', async () => {
    expect(await service.recordRating({ ratingId: 'has space', score: 4, service: 'report' })).toMatchObject({ ok: false, error: { code: 'invalid-rating', field: 'ratingId' } });
  });
});

describe('migration 2 on a version-1 file', () => {
  it('keeps the tickets, adds the draft columns and asks the feed again from cursor 0', async () => {
    await store.close();
    const path = join(dir, 'v1.db');
    const db = await sqlite3Driver.open(path);
    const { MIGRATIONS } = await import('../store/migrations.js');
    await migrate(db, MIGRATIONS.filter((m) => m.version === 1));
    await db.run(`INSERT INTO kiosk_meta (key, value) VALUES ('down-cursor', '57')`);
    await db.close();
    store = await KioskStore.open({ path });
    service = new TicketService(store, kiosk);
    expect(await store.caches.cursor()).toBe(0);
    const r = await service.createTicket({ category: 'gate', description: 'after upgrade', language: 'en', draftId: DRAFT });
    const again = await service.createTicket({ category: 'gate', description: 'after upgrade', language: 'en', draftId: DRAFT });
    expect(again.ok && r.ok && again.value.id === r.value.id).toBe(true);
  });
});
