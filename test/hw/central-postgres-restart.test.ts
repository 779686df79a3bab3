/**
 * PostgreSQL restarts while two kiosks drain their outboxes into two central instances: the
 * kiosks get 503s and dropped connections, retry, and in the end central holds every item and
 * ticket exactly once. It restarts the shared PostgreSQL server, so it lives in the `hw` group,
 * which runs one file at a time under `flock /tmp/kiosk-readers.lock` like the reader suites.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server.js';
import type { RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { insertTicket } from '../../kiosk/store/records.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { makeTicketId, type Ticket } from '../../shared/ticket.js';
import { PG_URL, STAFF_TOKEN, call } from '../support/central.js';
import { drained, kioskIdentity, openKiosk, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';

const run = promisify(execFile);
const PER_KIOSK = 1500;

async function fill(kiosk: KioskUnderTest, identity: ReturnType<typeof kioskIdentity>, count: number): Promise<void> {
  const nowMs = Date.now();
  await kiosk.store.write(async (w) => {
    for (let c = 1; c <= count; c++) {
      const t: Ticket = {
        id: makeTicketId(identity.kioskCode, shanghaiDate(nowMs), c),
        category: 'gate',
        description: `gate ${c % 12} does not open / 闸机不开`,
        phone: null,
        card: null,
        stationId: identity.stationId,
        kioskId: identity.kioskId,
        createdAt: new Date(nowMs).toISOString(),
        language: 'zh',
      };
      const { seq } = await w.appendOutbox({ kind: 'ticket', ticket: t }, t.createdAt);
      await insertTicket(w.tx, seq, t, null);
    }
  });
}

describe('PostgreSQL restarts under load', () => {
  const schema = `central_pgrestart_${process.pid}_${Date.now().toString(36)}`;
  const storage: StorageConfig = { engine: 'postgres', url: PG_URL, schema };
  const dir = mkdtempSync(join(tmpdir(), 'central-pg-restart-'));
  const identities = [kioskIdentity(71), kioskIdentity(72)];
  const centrals: RunningCentral[] = [];
  const kiosks: KioskUnderTest[] = [];

  afterAll(async () => {
    await run('bash', ['scripts/postgres.sh', 'ensure']);
    await Promise.allSettled(kiosks.map((k) => k.close()));
    await Promise.allSettled(centrals.map((c) => c.close()));
    await dropPostgresSchema(PG_URL, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses and duplicates nothing: every ticket stored once, every outbox row acknowledged', { timeout: 240_000 }, async () => {
    const seeds = identities.map((k) => ({ id: k.kioskId, token: k.token, stationId: k.stationId, ticketCode: k.kioskCode }));
    centrals.push(await startCentral({ storage, kiosks: seeds, staffToken: STAFF_TOKEN, dataDir: join(dir, 'one') }));
    centrals.push(await startCentral({ storage, kiosks: [], staffToken: STAFF_TOKEN, dataDir: join(dir, 'two') }));
    for (const [i, identity] of identities.entries()) {
      const kiosk = await openKiosk(join(dir, `kiosk-${i}.db`), identity, centrals[i]!.url, { batchSize: 50, timeoutMs: 5_000 });
      kiosks.push(kiosk);
      await fill(kiosk, identity, PER_KIOSK);
    }
    for (const k of kiosks) k.worker.start();

    // Restart once both are well under way.
    await waitFor(null, async () => (await centrals[0]!.storage.countItems().catch(() => 0)) >= 600, 'the first items at central', 120_000);
    const before = await centrals[0]!.storage.countItems();
    await run('bash', ['scripts/postgres.sh', 'restart']);
    const server = new pg.Client({ connectionString: PG_URL });
    await server.connect();
    const started = (await server.query<{ started: Date }>('SELECT pg_postmaster_start_time() AS started')).rows[0]!.started;
    await server.end();
    expect(Date.now() - started.getTime()).toBeLessThan(120_000);

    for (const [i, k] of kiosks.entries()) await waitFor(k.worker, () => drained(k.store), `kiosk ${i} to drain`, 180_000);
    expect(before).toBeLessThan(2 * PER_KIOSK);

    for (const [i, k] of kiosks.entries()) {
      const stats = await k.store.outbox.stats();
      expect(stats.depth).toBe(0);
      expect(stats.rejected).toBe(0);
      expect(await centrals[i]!.storage.countItems(identities[i]!.kioskId)).toBe(PER_KIOSK);
    }
    const tickets = await call(centrals[1]!.url, 'GET', `/v1/staff/tickets?limit=1`, { token: STAFF_TOKEN });
    expect(tickets.status).toBe(200);
    expect((tickets.body as { total: number }).total).toBe(2 * PER_KIOSK);
  });
});
