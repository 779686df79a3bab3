// Sync benchmark (npm run bench:sync):
//  1. drain 100,000 queued tickets from one kiosk to central, with central on SQLite and on PostgreSQL;
//  2. 500 simulated kiosks syncing at once against one central: batch latency p50/p99 and errors.
// Env: BENCH_TICKETS (default 100000), BENCH_KIOSKS (500), KIOSK_TEST_PG_URL, BENCH_ENGINES (sqlite,postgres).
import { join } from 'node:path';
import pg from 'pg';
import { startCentral, type RunningCentral } from '../../central/server.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { makeTicketId, type Ticket } from '../../shared/ticket.js';
import { uuidv7 } from '../../shared/ids.js';
import type { SyncItem } from '../../shared/sync.js';
import { KioskStore } from '../../kiosk/store/kiosk-store.js';
import { insertTicket } from '../../kiosk/store/records.js';
import { SyncClient } from '../../kiosk/sync/sync-client.js';
import { SyncWorker } from '../../kiosk/sync/sync-worker.js';
import { shanghaiDate } from '../../kiosk/tickets/local-date.js';
import { drained, kioskIdentity, tempDir, waitFor } from '../support/kiosk-writer-harness.js';

const TICKETS = Number(process.env['BENCH_TICKETS'] ?? 100_000);
const KIOSKS = Number(process.env['BENCH_KIOSKS'] ?? 500);
const PG_URL = process.env['KIOSK_TEST_PG_URL'] ?? 'postgres://kiosk:kiosk@127.0.0.1:5432/kiosk_test';
const ENGINES = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const dir = tempDir('bench-sync-');
const pgSchemas: string[] = [];

function storageFor(engine: 'sqlite' | 'postgres', name: string): StorageConfig {
  if (engine === 'sqlite') return { engine, file: join(dir.path, `${name}.db`) };
  const schema = `bench_sync_${process.pid}_${name}`;
  pgSchemas.push(schema);
  return { engine, url: PG_URL, schema };
}

function ticketFor(identity: ReturnType<typeof kioskIdentity>, counter: number, nowMs: number): Ticket {
  return {
    id: makeTicketId(identity.kioskCode, shanghaiDate(nowMs), counter),
    category: 'gate',
    description: `gate ${counter % 12} does not open / 闸机 ${counter % 12} 不开`,
    phone: null,
    card: null,
    stationId: identity.stationId,
    kioskId: identity.kioskId,
    createdAt: new Date(nowMs).toISOString(),
    language: 'zh',
  };
}

async function fillOutbox(store: KioskStore, identity: ReturnType<typeof kioskIdentity>, count: number): Promise<void> {
  const nowMs = Date.now();
  for (let start = 1; start <= count; start += 5000) {
    await store.write(async (w) => {
      for (let c = start; c < Math.min(count + 1, start + 5000); c++) {
        const t = ticketFor(identity, c, nowMs);
        const { seq } = await w.appendOutbox({ kind: 'ticket', ticket: t }, t.createdAt);
        await insertTicket(w.tx, seq, t, null);
      }
    });
  }
}

async function drainBench(engine: 'sqlite' | 'postgres'): Promise<{ engine: string; tickets: number; seconds: number; perSecond: number }> {
  const identity = kioskIdentity(1);
  const central = await startCentral({ port: 0, storage: storageFor(engine, 'drain'), dataDir: join(dir.path, `central-${engine}`), kiosks: [{ id: identity.kioskId, token: identity.token }] });
  const store = await KioskStore.open({ path: join(dir.path, `kiosk-${engine}.db`) });
  try {
    await fillOutbox(store, identity, TICKETS);
    const client = new SyncClient({ baseUrl: central.url, kioskId: identity.kioskId, token: identity.token, timeoutMs: 60_000 });
    const worker = new SyncWorker({ store, client, batchSize: 500 });
    const t0 = performance.now();
    worker.start();
    await waitFor(worker, () => drained(store), 'the drain', 30 * 60_000);
    const seconds = (performance.now() - t0) / 1000;
    await worker.whenIdle();
    await worker.stop();
    const atCentral = await central.storage.countItems(identity.kioskId);
    if (atCentral !== TICKETS) throw new Error(`central has ${atCentral} items, expected ${TICKETS}`);
    return { engine, tickets: TICKETS, seconds: Number(seconds.toFixed(2)), perSecond: Math.round(TICKETS / seconds) };
  } finally {
    await store.close();
    await central.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function fleetBench(engine: 'sqlite' | 'postgres'): Promise<Record<string, number | string>> {
  const BATCHES = 4;
  const ITEMS = 25;
  const kiosks = Array.from({ length: KIOSKS }, (_, i) => kioskIdentity(1000 + i));
  let central: RunningCentral | null = null;
  try {
    central = await startCentral({ port: 0, storage: storageFor(engine, 'fleet'), dataDir: join(dir.path, `fleet-${engine}`), kiosks: kiosks.map((k) => ({ id: k.kioskId, token: k.token })) });
    const url = central.url;
    const latencies: number[] = [];
    const errors: Record<string, number> = {};
    const t0 = performance.now();
    await Promise.all(
      kiosks.map(async (k) => {
        const client = new SyncClient({ baseUrl: url, kioskId: k.kioskId, token: k.token, timeoutMs: 120_000 });
        const nowMs = Date.now();
        for (let b = 0; b < BATCHES; b++) {
          const items: SyncItem[] = Array.from({ length: ITEMS }, (_, i) => {
            const seq = b * ITEMS + i + 1;
            const ticket = ticketFor(k, seq, nowMs);
            return { id: uuidv7(nowMs), seq, createdAt: ticket.createdAt, payload: { kind: 'ticket', ticket } };
          });
          const start = performance.now();
          const r = await client.postBatch(items);
          latencies.push(performance.now() - start);
          const code = !r.ok ? r.error.code : r.value.body.rejects.length > 0 ? 'rejected-items' : null;
          if (code) errors[code] = (errors[code] ?? 0) + 1;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const stored = await central.storage.countItems();
    return {
      engine,
      kiosks: KIOSKS,
      batches: latencies.length,
      itemsStored: stored,
      p50ms: Math.round(percentile(latencies, 50)),
      p99ms: Math.round(percentile(latencies, 99)),
      maxms: Math.round(latencies[latencies.length - 1] ?? NaN),
      itemsPerSecond: Math.round((KIOSKS * BATCHES * ITEMS) / seconds),
      errors: Object.keys(errors).length === 0 ? 'none' : JSON.stringify(errors),
    };
  } finally {
    await central?.close();
  }
}

async function dropPgSchemas(): Promise<void> {
  if (pgSchemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const s of pgSchemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  console.log(`sync benchmark: drain ${TICKETS} tickets from one kiosk; ${KIOSKS} kiosks at once (4 batches × 25 items each)`);
  const drains = [];
  for (const engine of ENGINES) drains.push(await drainBench(engine));
  console.table(drains);
  const fleets = [];
  for (const engine of ENGINES) fleets.push(await fleetBench(engine));
  console.table(fleets);
  if (drains.length === 2 && drains[0] && drains[1]) console.log(`drain ratio ${drains[1].engine}/${drains[0].engine}: ${(drains[1].perSecond / drains[0].perSecond).toFixed(2)}`);
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await dropPgSchemas().catch((e: unknown) => console.error('could not drop benchmark schemas', e));
  dir.remove();
}
process.exit(failed ? 1 : 0);
