/**
 * A slow PostgreSQL: central answers 503 with Retry-After instead of letting requests pile up,
 * stores nothing for those requests, and takes the same batches once the database answers again.
 * "Slow" is made real: another session holds an exclusive lock on this test's own items table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server.js';
import type { RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { IngestResponse, SyncItem } from '../../shared/sync.js';
import { KIOSKS, PG_URL, STAFF_TOKEN, call, item, rating, ticket, ticketItem } from '../support/central.js';

const A = KIOSKS.a;

describe('central on a slow PostgreSQL', () => {
  const schema = `central_busy_${process.pid}_${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'central-busy-'));
  let central: RunningCentral;

  beforeAll(async () => {
    central = await startCentral({
      storage: { engine: 'postgres', url: PG_URL, schema, pool: { max: 2, connectionTimeoutMs: 400, maxWaiting: 3 } },
      kiosks: [A],
      staffToken: STAFF_TOKEN,
      dataDir: dir,
    });
  });
  afterAll(async () => {
    await central?.close();
    await dropPostgresSchema(PG_URL, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while the database holds every connection, stores nothing for those, and stores each batch once when sent again', async () => {
    const batches: SyncItem[][] = Array.from({ length: 8 }, (_, b) => [ticketItem(b * 2 + 1, ticket(A.id)), item(b * 2 + 2, { kind: 'rating', rating: rating(A.id) })]);
    const blocker = new pg.Client({ connectionString: PG_URL });
    await blocker.connect();
    const answers: { status: number; retryAfter: string | null; code?: string; at: number }[] = [];
    let released: number;
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${schema}".items IN ACCESS EXCLUSIVE MODE`);
      const sends = batches.map(async (items) => {
        const res = await fetch(`${central.url}/v1/kiosks/${A.id}/batches`, {
          method: 'POST',
          headers: { authorization: `Bearer ${A.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ items }),
        });
        const body = (await res.json()) as { error?: { code: string } };
        answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), ...(body.error ? { code: body.error.code } : {}), at: Date.now() });
      });
      // Wait until every request that will not get a connection has had its answer.
      for (let i = 0; i < 200 && answers.length < batches.length - 2; i++) await new Promise((r) => setTimeout(r, 50));
      released = Date.now();
      await blocker.query('ROLLBACK');
      await Promise.all(sends);
    } finally {
      await blocker.end();
    }

    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBe(batches.length - 2);
    for (const a of busy) {
      expect(a.code).toBe('storage-unavailable');
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(a.at).toBeLessThanOrEqual(released);
    }
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    expect(await central.storage.countItems(A.id)).toBe(4);

    // The kiosk sends everything again (it does not know which got in): each item once.
    for (const items of batches) {
      const res = await call(central.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items } });
      expect(res.status).toBe(200);
      expect((res.body as IngestResponse).rejects).toEqual([]);
    }
    expect(await central.storage.countItems(A.id)).toBe(16);
    const tickets = await call(central.url, 'GET', `/v1/staff/tickets?kioskId=${A.id}&limit=50`, { token: STAFF_TOKEN });
    expect((tickets.body as { total: number }).total).toBe(8);
  });

  it('serves again at once when the database is free', async () => {
    const res = await call(central.url, 'GET', `/v1/kiosks/${A.id}/changes?cursor=0&limit=10`, { token: A.token });
    expect(res.status).toBe(200);
  });
});
