/**
 * Fleet mode: several central instances on one PostgreSQL database. Idempotency and the change
 * order must come from the database, so two instances racing on the same data still store one
 * copy and hand out one gap-free-in-order change feed. Also: a restart keeps everything, on
 * both engines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server.js';
import type { RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig } from '../../central/storage/types.js';
import type { ChangesResponse, IngestResponse } from '../../shared/sync.js';
import type { TicketStatus } from '../../shared/ticket.js';
import { ENGINES, KIOSKS, PG_URL, STAFF_TOKEN, call, item, rating, ticket, ticketItem, uniqueStorage } from '../support/central.js';

const A = KIOSKS.a;

describe('two central instances on one PostgreSQL database', () => {
  const schema = `central_fleet_${process.pid}_${Date.now().toString(36)}`;
  const storage: StorageConfig = { engine: 'postgres', url: PG_URL, schema };
  const dir = mkdtempSync(join(tmpdir(), 'central-fleet-'));
  let one: RunningCentral;
  let two: RunningCentral;

  beforeAll(async () => {
    [one, two] = await Promise.all([
      startCentral({ storage, kiosks: [A], staffToken: STAFF_TOKEN, dataDir: join(dir, 'one') }),
      startCentral({ storage, kiosks: [A], staffToken: STAFF_TOKEN, dataDir: join(dir, 'two') }),
    ]);
  });
  afterAll(async () => {
    await Promise.allSettled([one?.close(), two?.close()]);
    await dropPostgresSchema(PG_URL, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores one copy when both instances get the same batches at the same time', async () => {
    const rounds = 8;
    let seq = 0;
    for (let r = 0; r < rounds; r++) {
      const batch = Array.from({ length: 15 }, (_, i) =>
        i % 3 === 0 ? ticketItem(++seq, ticket(A.id)) : item(++seq, { kind: 'rating', rating: rating(A.id) }),
      );
      const send = (c: RunningCentral) => call(c.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: batch } });
      const [x, y] = await Promise.all([send(one), send(two)]);
      expect([x.status, y.status]).toEqual([200, 200]);
      const ax = (x.body as IngestResponse).acks;
      const ay = (y.body as IngestResponse).acks;
      expect((x.body as IngestResponse).rejects).toEqual([]);
      expect((y.body as IngestResponse).rejects).toEqual([]);
      expect(ax.map((a) => [a.id, a.serverSeq, a.receivedAt])).toEqual(ay.map((a) => [a.id, a.serverSeq, a.receivedAt]));
      for (let i = 0; i < batch.length; i++) {
        expect([ax[i]!.status, ay[i]!.status].sort()).toEqual(['duplicate', 'stored']);
      }
    }
    expect(await one.storage.countItems(A.id)).toBe(rounds * 15);
    const tickets = await call(one.url, 'GET', `/v1/staff/tickets?kioskId=${A.id}&limit=200`, { token: STAFF_TOKEN });
    expect((tickets.body as { total: number }).total).toBe(rounds * 5);
  });

  it('hands out one ordered change feed while both instances write: a reader polling meanwhile misses nothing and ends with the statuses central holds', async () => {
    const list = await call(one.url, 'GET', `/v1/staff/tickets?kioskId=${A.id}&limit=40`, { token: STAFF_TOKEN });
    const ids = (list.body as { tickets: { id: string }[] }).tickets.map((t) => t.id);
    const start = ((await call(one.url, 'GET', `/v1/kiosks/${A.id}/changes?cursor=0&limit=500`, { token: A.token })).body as ChangesResponse).cursor;

    const statuses: TicketStatus[] = ['in-progress', 'waiting-for-passenger', 'resolved'];
    const writes = ids.flatMap((id, i) =>
      statuses.map((status) => () => call(i % 2 === 0 ? one.url : two.url, 'POST', `/v1/staff/tickets/${id}/status`, { token: STAFF_TOKEN, body: { status, note: `${status} ${id}` } })),
    );
    let writing = true;
    const seen: number[] = [];
    const poller = (async () => {
      let cursor = start;
      for (let n = 0; ; n++) {
        const done = !writing;
        const page = (await call(n % 2 === 0 ? one.url : two.url, 'GET', `/v1/kiosks/${A.id}/changes?cursor=${cursor}&limit=7`, { token: A.token })).body as ChangesResponse;
        seen.push(...page.changes.map((c) => c.cursor));
        cursor = page.cursor;
        if (done && !page.more) return;
      }
    })();
    const workers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = w; i < writes.length; i += 6) expect((await writes[i]!()).status).toBe(200);
    });
    await Promise.all(workers);
    writing = false;
    await poller;

    const all = ((await call(two.url, 'GET', `/v1/kiosks/${A.id}/changes?cursor=${start}&limit=500`, { token: A.token })).body as ChangesResponse).changes;
    expect(all).toHaveLength(writes.length);
    expect(seen).toEqual(all.map((c) => c.cursor));
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    const last = new Map<string, string>();
    for (const c of all) if (c.type === 'ticket-status') last.set(c.update.ticketId, c.update.status);
    expect(last.size).toBe(ids.length);
    for (const [id, status] of last) {
      const stored = await one.storage.getTicket(id);
      expect(stored?.ticket.status, `ticket ${id}`).toBe(status);
    }
  });
});

describe.each(ENGINES)('a restart on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'central-restart-'));
  const storage = uniqueStorage(engine, dir);
  afterAll(async () => {
    if (storage.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps items, tickets and kiosks: a batch re-sent after the restart is a duplicate with its first stamps', async () => {
    const batch = [ticketItem(1, ticket(A.id)), item(2, { kind: 'rating', rating: rating(A.id) })];
    const first = await startCentral({ storage, kiosks: [A], staffToken: STAFF_TOKEN, dataDir: dir });
    let before: IngestResponse;
    try {
      before = (await call(first.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: batch } })).body as IngestResponse;
    } finally {
      await first.close();
    }
    const second = await startCentral({ storage, staffToken: STAFF_TOKEN, dataDir: dir });
    try {
      const after = (await call(second.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: batch } })).body as IngestResponse;
      expect(after.acks.map((a) => a.status)).toEqual(['duplicate', 'duplicate']);
      expect(after.acks.map((a) => [a.serverSeq, a.receivedAt])).toEqual(before.acks.map((a) => [a.serverSeq, a.receivedAt]));
      expect(await second.storage.countItems()).toBe(2);
    } finally {
      await second.close();
    }
  });
});
