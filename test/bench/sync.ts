// Sync benchmark (npm run bench:sync). Central runs in child processes (test/bench/sync-central.ts);
// the load comes from this process, as kiosks are machines of their own.
//  1. drain: one kiosk's 100,000 queued tickets, batches of 500 with two in flight, into central
//     on SQLite and on PostgreSQL; the storage floor (the same tables and indexes, the same rows,
//     multi-row INSERTs of 500 tickets per transaction, no HTTP) is measured in the same run and
//     the ratio printed;
//  2. fleet: 500 kiosks, 3 a station, each syncing every 5 s (±20 % jitter) 5 tickets, against 1,
//     2 and 3 instances on one PostgreSQL, measured after one cadence period of warm-up: p50/p99
//     per batch (from the moment the kiosk meant to send), errors;
//  3. max sustained: the same fleet with more items per sync, step by step, until p99 > 1 s or an
//     error; the highest rate with p99 ≤ 1 s for each number of instances.
// The last line is `BENCH_SYNC {json}`.
// Env: BENCH_TICKETS (100000), BENCH_KIOSKS (500), BENCH_KIOSKS_PER_STATION (3; 0: all at one station),
// BENCH_FLEET_SECONDS (15), BENCH_STEP_SECONDS (10),
// BENCH_INSTANCES (1,2,3), BENCH_ENGINES (sqlite,postgres; empty: no drain), BENCH_STEPS (items per sync of the
// max-sustained steps, 10,20,40,60,80,100,130,160; empty: none), KIOSK_TEST_PG_URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { openPostgresDatabase } from '../../central/storage/postgres-database.js';
import { openSqliteDatabase } from '../../central/storage/sqlite-database.js';
import type { SqlDatabase } from '../../central/storage/sql-database.js';
import { openCentralStorage } from '../../central/storage/open.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { hashToken } from '../../central/api/auth.js';
import { makeTicketId, type Ticket } from '../../shared/ticket.js';
import { uuidv7 } from '../../shared/ids.js';
import type { SyncItem } from '../../shared/sync.js';
import { SyncClient } from '../../kiosk/sync/sync-client.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { kioskIdentity, tempDir } from '../support/kiosk-writer-harness.js';
import { fleetKiosk } from './fleet-kiosks.js';

type Engine = 'sqlite' | 'postgres';
type Identity = ReturnType<typeof kioskIdentity>;

const TICKETS = Number(process.env['BENCH_TICKETS'] ?? 100_000);
const KIOSKS = Number(process.env['BENCH_KIOSKS'] ?? 500);
/** Kiosks at each station (0: the whole fleet at one station, the busiest case for per-station locks). */
const PER_STATION = Number(process.env['BENCH_KIOSKS_PER_STATION'] ?? 3);
const FLEET_SECONDS = Number(process.env['BENCH_FLEET_SECONDS'] ?? 15);
const STEP_SECONDS = Number(process.env['BENCH_STEP_SECONDS'] ?? 10);
const INSTANCES = (process.env['BENCH_INSTANCES'] ?? '1,2,3').split(',').map(Number);
const ENGINES = (process.env['BENCH_ENGINES'] ?? 'sqlite,postgres').split(',').filter(Boolean) as Engine[];
const PG_URL = process.env['KIOSK_TEST_PG_URL'] ?? 'postgres://kiosk:kiosk@127.0.0.1:5432/kiosk_test';
const BATCH = 500;
const IN_FLIGHT = 2;
const CADENCE_MS = 5000;
const CADENCE_ITEMS = 5;
/** Items per sync for the max-sustained steps (× 500 kiosks / 5 s = items per second offered). */
const STEPS = (process.env['BENCH_STEPS'] ?? '10,20,40,60,80,100,130,160').split(',').filter(Boolean).map(Number);
const P99_LIMIT_MS = 1000;
const REQUEST_TIMEOUT_MS = 10_000;

const dir = tempDir('bench-sync-');
const pgSchemas: string[] = [];
const children = new Set<ChildProcess>();
let schemaCount = 0;

function storageFor(engine: Engine, name: string): StorageConfig {
  if (engine === 'sqlite') return { engine, file: join(dir.path, `${name}.db`) };
  const schema = `bench_sync_${process.pid}_${name}_${schemaCount++}`;
  pgSchemas.push(schema);
  return { engine, url: PG_URL, schema };
}

function ticketFor(identity: Identity, counter: number, nowMs: number): Ticket {
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

const ticketItem = (identity: Identity, seq: number, nowMs: number): SyncItem => {
  const ticket = ticketFor(identity, seq, nowMs);
  return { id: uuidv7(nowMs), seq, createdAt: ticket.createdAt, payload: { kind: 'ticket', ticket } };
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Central's log lines of its 503 answers (database busy): counted and reported once, not printed one by one. */
let busyAnswersLogged = 0;
function isBusyAnswerLog(line: string): boolean {
  try {
    const entry = JSON.parse(line) as { status?: unknown };
    return entry.status === 503;
  } catch {
    return false;
  }
}

/** Starts one central instance in its own process and waits for its URL. */
async function startInstance(storage: StorageConfig, name: string, seed: { first: number; count: number; perStation?: number } | null): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/sync-central.ts'], {
    env: {
      ...process.env,
      BENCH_CENTRAL_STORAGE: JSON.stringify(storage),
      BENCH_CENTRAL_DATA: join(dir.path, `data-${name}`),
      BENCH_CENTRAL_SEED_KIOSKS: seed ? `${seed.first},${seed.count},${seed.perStation ?? 0}` : '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (isBusyAnswerLog(line)) busyAnswersLogged++;
    else process.stderr.write(`${line}\n`);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`central ${name} did not start within 120 s`)), 120_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /central listening on (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`central ${name} exited with ${code} before listening`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The floor: the same rows, written straight to the database, as fast as one connection can.

const params = (rows: number, perRow: number, shape: (p: string[]) => string[] = (p) => p): string =>
  Array.from({ length: rows }, (_, r) => `(${shape(Array.from({ length: perRow }, (_, i) => `$${r * perRow + i + 1}`)).join(', ')})`).join(', ');

async function storageFloor(engine: Engine, identity: Identity): Promise<{ perSecond: number; seconds: number }> {
  const storage = storageFor(engine, 'floor');
  const db: SqlDatabase = storage.engine === 'sqlite' ? await openSqliteDatabase(storage.file) : await openPostgresDatabase(storage.url, storage.schema);
  try {
    const receivedAt = new Date().toISOString();
    await db.transaction((q) =>
      q.run(`INSERT INTO kiosks (id, station_id, token_hash, config, created_at) VALUES ($1, $2, $3, '{}', $4)`, [identity.kioskId, identity.stationId, hashToken(identity.token), receivedAt]),
    );
    const nowMs = Date.now();
    const t0 = performance.now();
    for (let start = 1; start <= TICKETS; start += BATCH) {
      const items = Array.from({ length: Math.min(BATCH, TICKETS - start + 1) }, (_, i) => ticketItem(identity, start + i, nowMs));
      await db.transaction(async (q) => {
        const rows = await q.all(
          `INSERT INTO items (id, kiosk_id, seq, kind, created_at, received_at, payload) VALUES ${params(items.length, 7)} RETURNING id, server_seq`,
          items.flatMap((it) => [it.id, identity.kioskId, it.seq, it.payload.kind, it.createdAt, receivedAt, JSON.stringify(it.payload)]),
        );
        const serverSeq = new Map(rows.map((r) => [String(r['id']), Number(r['server_seq'])]));
        await q.run(
          `INSERT INTO tickets (id, item_id, server_seq, kiosk_id, station_id, category, description, phone, created_utc, received_at, status, status_note, updated_at, body)
           VALUES ${params(items.length, 11, (p) => [...p.slice(0, 10), "'open'", 'NULL', p[9]!, p[10]!])}`,
          items.flatMap((it) => {
            const t = (it.payload as { ticket: Ticket }).ticket;
            return [t.id, it.id, serverSeq.get(it.id)!, t.kioskId, t.stationId, t.category, t.description, t.phone, t.createdAt, receivedAt, JSON.stringify(t)];
          }),
        );
        await q.run(
          `INSERT INTO ticket_history (ticket_id, status, note, actor, at) VALUES ${params(items.length, 3, (p) => [p[0]!, "'open'", 'NULL', p[1]!, p[2]!])}`,
          items.flatMap((it) => [(it.payload as { ticket: Ticket }).ticket.id, `kiosk:${identity.kioskId}`, receivedAt]),
        );
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    return { perSecond: Math.round(TICKETS / seconds), seconds };
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The drain: one kiosk's backlog through HTTP into one central instance.

async function drain(engine: Engine): Promise<{ perSecond: number; seconds: number; retries: number }> {
  const identity = kioskIdentity(1);
  const storage = storageFor(engine, 'drain');
  const central = await startInstance(storage, `drain-${engine}`, { first: 1, count: 1 });
  let retries = 0;
  try {
    const client = new SyncClient({ baseUrl: central.url, kioskId: identity.kioskId, token: identity.token, timeoutMs: 60_000 });
    const nowMs = Date.now();
    const batches = Math.ceil(TICKETS / BATCH);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batches) {
          const b = next++;
          const first = b * BATCH + 1;
          const items = Array.from({ length: Math.min(BATCH, TICKETS - first + 1) }, (_, i) => ticketItem(identity, first + i, nowMs));
          for (let attempt = 1; ; attempt++) {
            const r = await client.postBatch(items);
            if (r.ok && r.value.body.rejects.length === 0 && r.value.body.acks.length === items.length) break;
            if (attempt >= 5) throw new Error(`batch ${b} failed: ${r.ok ? JSON.stringify(r.value.body.rejects[0]) : r.error.message}`);
            retries++;
            await sleep(200 * attempt);
          }
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    await central.stop();
    const check = await openCentralStorage(storage);
    const stored = await check.countItems(identity.kioskId).finally(() => check.close());
    if (stored !== TICKETS) throw new Error(`central on ${engine} has ${stored} items, expected ${TICKETS}`);
    return { perSecond: Math.round(TICKETS / seconds), seconds, retries };
  } finally {
    await central.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// The fleet: kiosks at their cadence, spread over the instances as a load balancer would.

interface FleetKiosk {
  readonly identity: Identity;
  readonly client: SyncClient;
  nextSeq: number;
}

/** CPU seconds used so far by central's instances, PostgreSQL's server processes and this load generator (Linux /proc). */
interface CpuSample {
  readonly central: number;
  readonly postgres: number;
  readonly client: number;
}

const TICKS_PER_SECOND = 100;

function processCpuSeconds(pid: number | string): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function cpuSample(): CpuSample {
  let postgres = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') postgres += processCpuSeconds(pid);
    } catch {
      // gone meanwhile
    }
  }
  let central = 0;
  for (const child of children) if (child.pid !== undefined) central += processCpuSeconds(child.pid);
  const own = process.cpuUsage();
  return { central, postgres, client: (own.user + own.system) / 1e6 };
}

interface FleetResult {
  instances: number;
  itemsPerSync: number;
  offeredPerSecond: number;
  storedPerSecond: number;
  batches: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  errorKinds: string;
  /** Share of one core each used while measured (2.0 = both cores of this machine). */
  cpuCentral: number;
  cpuPostgres: number;
  cpuClient: number;
  /** CPU milliseconds of central and PostgreSQL together per stored item. */
  cpuMsPerItem: number;
}

/**
 * Runs the fleet for `warmUpSeconds` unmeasured, then `seconds` measured (a batch counts when it
 * was due after the warm-up). The warm-up is one cadence period on fresh instances: every kiosk
 * has synced once, central's connection pool is open and its code compiled; without it the p99
 * measures the first two seconds of a cold process (seen here: p99 ≈ 720 ms in the first second,
 * ≈ 100–180 ms after the third), not a fleet at its cadence.
 */
async function runFleet(fleet: readonly FleetKiosk[], instances: number, itemsPerSync: number, seconds: number, warmUpSeconds = 0): Promise<FleetResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let storedItems = 0;
  const warmStart = performance.now();
  const start = warmStart + warmUpSeconds * 1000;
  const end = start + seconds * 1000;
  const cpuAtStart = sleep(start - performance.now()).then(cpuSample);
  await Promise.all(
    fleet.map(async (k) => {
      let due = warmStart + Math.random() * CADENCE_MS;
      for (;;) {
        const wait = due - performance.now();
        if (due >= end) return;
        if (wait > 0) await sleep(wait);
        const nowMs = Date.now();
        const items = Array.from({ length: itemsPerSync }, () => ticketItem(k.identity, k.nextSeq++, nowMs));
        const r = await k.client.postBatch(items);
        const measured = due >= start;
        if (measured) latencies.push(performance.now() - due);
        if (!measured) {
          // Warm-up: not counted, but a failure here is still a failure.
          if (!r.ok) errors[`warm-up:${r.error.code}`] = (errors[`warm-up:${r.error.code}`] ?? 0) + 1;
        } else if (!r.ok) errors[r.error.code] = (errors[r.error.code] ?? 0) + 1;
        else if (r.value.body.rejects.length > 0) errors[`rejected:${r.value.body.rejects[0]!.code}`] = (errors[`rejected:${r.value.body.rejects[0]!.code}`] ?? 0) + 1;
        else storedItems += r.value.body.acks.length;
        due += CADENCE_MS * (0.8 + 0.4 * Math.random());
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const cpuEnd = cpuSample();
  const cpuStart = await cpuAtStart;
  const share = (k: keyof CpuSample) => Number(((cpuEnd[k] - cpuStart[k]) / elapsed).toFixed(2));
  const serverCpu = cpuEnd.central - cpuStart.central + cpuEnd.postgres - cpuStart.postgres;
  latencies.sort((a, b) => a - b);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    instances,
    itemsPerSync,
    offeredPerSecond: Math.round((fleet.length * itemsPerSync * 1000) / CADENCE_MS),
    storedPerSecond: Math.round(storedItems / elapsed),
    batches: latencies.length,
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(latencies[latencies.length - 1] ?? NaN),
    errors: errorCount,
    errorKinds: errorCount === 0 ? '' : JSON.stringify(errors),
    cpuCentral: share('central'),
    cpuPostgres: share('postgres'),
    cpuClient: share('client'),
    cpuMsPerItem: storedItems > 0 ? Number(((serverCpu * 1000) / storedItems).toFixed(2)) : NaN,
  };
}

async function fleetSetup(instances: number): Promise<{ cadence: FleetResult; steps: FleetResult[]; maxSustained: number }> {
  const storage = storageFor('postgres', `fleet${instances}`);
  const identities = Array.from({ length: KIOSKS }, (_, i) => fleetKiosk(1000 + i, PER_STATION));
  const started = [await startInstance(storage, `fleet${instances}-0`, { first: 1000, count: KIOSKS, perStation: PER_STATION })];
  for (let i = 1; i < instances; i++) started.push(await startInstance(storage, `fleet${instances}-${i}`, null));
  try {
    const fleet: FleetKiosk[] = identities.map((identity, i) => ({
      identity,
      client: new SyncClient({ baseUrl: started[i % instances]!.url, kioskId: identity.kioskId, token: identity.token, timeoutMs: REQUEST_TIMEOUT_MS }),
      nextSeq: 1,
    }));
    const cadence = await runFleet(fleet, instances, CADENCE_ITEMS, FLEET_SECONDS, CADENCE_MS / 1000);
    console.log(
      `  ${instances} instance(s), cadence: p50 ${cadence.p50Ms} ms, p99 ${cadence.p99Ms} ms, errors ${cadence.errors}; ` +
        `cores busy: central ${cadence.cpuCentral}, PostgreSQL ${cadence.cpuPostgres}, load generator ${cadence.cpuClient}; ${cadence.cpuMsPerItem} CPU ms per item in central + PostgreSQL`,
    );
    const steps: FleetResult[] = [];
    let maxSustained = cadence.p99Ms <= P99_LIMIT_MS && cadence.errors === 0 ? cadence.storedPerSecond : 0;
    for (const itemsPerSync of STEPS) {
      const step = await runFleet(fleet, instances, itemsPerSync, STEP_SECONDS);
      steps.push(step);
      console.log(
        `  ${instances} instance(s), ${step.offeredPerSecond} items/s offered: stored ${step.storedPerSecond}/s, p99 ${step.p99Ms} ms, errors ${step.errors}; ` +
          `cores busy: central ${step.cpuCentral}, PostgreSQL ${step.cpuPostgres}, load generator ${step.cpuClient}; ${step.cpuMsPerItem} CPU ms per item in central + PostgreSQL`,
      );
      if (step.p99Ms > P99_LIMIT_MS || step.errors > 0) break;
      maxSustained = Math.max(maxSustained, step.storedPerSecond);
    }
    return { cadence, steps, maxSustained };
  } finally {
    await Promise.all(started.map((s) => s.stop()));
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
  console.log(
    `sync benchmark: drain ${TICKETS} tickets (batches of ${BATCH}, ${IN_FLIGHT} in flight) on ${ENGINES.join(' and ') || 'no engine'}; ${KIOSKS} kiosks every 5 s ` +
      `(${PER_STATION > 0 ? `${PER_STATION} a station, ${Math.ceil(KIOSKS / PER_STATION)} stations` : 'all at one station'}) against ${INSTANCES.join(', ')} instance(s) on PostgreSQL`,
  );
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (the machine's other work shares its cores; ratios are measured in one run)`);
  const drainOut: Record<string, { perSecond: number; floorPerSecond: number }> = {};
  const drainRows = [];
  for (const engine of ENGINES) {
    const floor = await storageFloor(engine, kioskIdentity(1));
    const d = await drain(engine);
    drainOut[engine] = { perSecond: d.perSecond, floorPerSecond: floor.perSecond };
    drainRows.push({ engine, tickets: TICKETS, seconds: Number(d.seconds.toFixed(2)), perSecond: d.perSecond, floorPerSecond: floor.perSecond, ratio: Number((d.perSecond / floor.perSecond).toFixed(2)), retries: d.retries });
  }
  console.table(drainRows);
  for (const r of drainRows) console.log(`drain on ${r.engine}: ${r.perSecond} tickets/s = ${r.ratio} of the storage floor (${r.floorPerSecond}/s)`);

  const setups = [];
  for (const n of INSTANCES) setups.push(await fleetSetup(n));
  console.table(setups.map((s) => s.cadence));
  console.table(setups.flatMap((s) => s.steps));
  const maxSustained = setups.map((s, i) => ({ instances: INSTANCES[i]!, itemsPerSecond: s.maxSustained }));
  for (const m of maxSustained) console.log(`max sustained with p99 ≤ ${P99_LIMIT_MS} ms, ${m.instances} instance(s): ${m.itemsPerSecond} items/s`);
  console.log(`central answered 503 (database busy, nothing stored, sent again by the kiosk) ${busyAnswersLogged} times; those log lines are counted here, not printed`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const largest = setups[setups.length - 1]!.cadence;
  const fleet = {
    kiosks: KIOSKS,
    instances: largest.instances,
    engine: 'postgres',
    offeredPerSecond: largest.offeredPerSecond,
    p50Ms: largest.p50Ms,
    p99Ms: largest.p99Ms,
    errors: largest.errors,
  };
  console.log(`BENCH_SYNC ${JSON.stringify({ drain: drainOut, fleet, maxSustained })}`);
}

let failed = false;
try {
  await main();
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  for (const c of children) c.kill('SIGKILL');
  await dropPgSchemas().catch((e: unknown) => console.error('could not drop benchmark schemas', e));
  dir.remove();
}
process.exit(failed ? 1 : 0);
