// Three central instances as separate processes on one PostgreSQL schema serve calls as one:
// kiosks and agents on different instances; the instance that decides for the queue (and holds
// a kiosk and an agent) is SIGKILLed while calls ring and wait. The calls go on through the
// others: the ringing offer is still the same offer, nobody is rung twice, nothing falls back,
// every call is answered once. Asserted on what the kiosk and agent sockets receive and on the
// audit rows in PostgreSQL. Real processes (`central serve`), real PostgreSQL, real WebSockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { seedAccounts } from '../../central/accounts/seed.js';
import { seedKiosks } from '../../central/server.js';
import { openCentralStorage } from '../../central/storage/open.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import { plainCallContext } from '../support/call-context.js';
import { agentAccount, agentSocketHeaders } from '../support/agent-console.js';
import { PG_URL } from '../support/central.js';
import { ROOT } from '../support/run-cli.js';

const schema = `fleet_calls_${process.pid}_${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'fleet-calls-'));
const children: ChildProcess[] = [];
const sockets: WebSocket[] = [];
const db = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });

afterAll(async () => {
  for (const s of sockets) s.terminate();
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const hard = setTimeout(() => c.kill('SIGKILL'), 10_000);
          c.once('exit', () => {
            clearTimeout(hard);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  await db.end().catch(() => undefined);
  await dropPostgresSchema(PG_URL, schema);
  rmSync(dir, { recursive: true, force: true });
});

const KIOSKS = { K1: 'kiosk-token-K1-0123456789', K2: 'kiosk-token-K2-0123456789', K3: 'kiosk-token-K3-0123456789' } as const;
type KioskId = keyof typeof KIOSKS;
const AGENTS = [agentAccount('li.na', 'Li Na'), agentAccount('wang.wei', 'Wang Wei')];
/** The agents' account ids, as the audit names them (`agent:<id>`). */
const agentIds: string[] = [];

interface Instance {
  readonly url: string;
  readonly child: ChildProcess;
}

/** `central serve` on the shared schema, in its own process and data folder. */
async function startInstance(name: string): Promise<Instance> {
  const data = join(dir, name);
  mkdirSync(data, { recursive: true, mode: 0o700 });
  writeFileSync(join(data, 'calls.json'), JSON.stringify({ queue: { ringTimeoutSeconds: 600, wrapUpSeconds: 1, kioskReconnectGraceSeconds: 30 } }));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'central/cli.ts'), 'serve', '--engine', 'postgres', '--pg-url', PG_URL, '--pg-schema', schema, '--port', '0', '--data', data],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${err}`)), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /central listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${err}`)));
  });
  return { url: url.replace(/^http/, 'ws'), child };
}

type Message = Record<string, unknown> & { type: string };

function connect(url: string, headers: Record<string, string> = {}): { ws: WebSocket; received: Message[]; opened: Promise<void> } {
  const ws = new WebSocket(url, { headers });
  sockets.push(ws);
  const received: Message[] = [];
  ws.on('message', (d: Buffer) => received.push(JSON.parse(d.toString()) as Message));
  ws.on('error', () => undefined);
  return { ws, received, opened: new Promise((resolve) => ws.once('open', () => resolve())) };
}

async function kiosk(instance: Instance, id: KioskId) {
  const c = connect(`${instance.url}/calls/kiosk?kioskId=${id}`, { authorization: `Bearer ${KIOSKS[id]}` });
  await c.opened;
  return c;
}

async function agent(instance: Instance, index: 0 | 1) {
  // Logged in at this instance as the login page does: the session (in PostgreSQL) opens the socket.
  const c = connect(`${instance.url}/calls/agent`, await agentSocketHeaders(instance.url.replace(/^ws/, 'http'), AGENTS[index]!));
  await c.opened;
  await vi.waitFor(() => expect(c.received.some((m) => m.type === 'welcome')).toBe(true), { timeout: 10_000 });
  return c;
}

const of = (received: Message[], type: string, callId?: string): Message[] => received.filter((m) => m.type === type && (callId === undefined || m['callId'] === callId));

const context = (kioskId: string) => plainCallContext(kioskId, { stationId: 'S1', stationName: 'Tiyu Xilu' });

async function leader(): Promise<{ leader: string | null; epoch: number }> {
  const r = (await db.query<{ leader: string | null; epoch: string }>('select leader, epoch from call_state where id = 1')).rows[0];
  return { leader: r?.leader ?? null, epoch: Number(r?.epoch ?? 0) };
}

const wait = { timeout: 20_000, interval: 100 };

describe('three central instances on one PostgreSQL schema', () => {
  it('carry on ringing and waiting calls when the deciding instance is SIGKILLed: none lost, none rung twice', async () => {
    const storage = await openCentralStorage({ engine: 'postgres', url: PG_URL, schema });
    await seedKiosks(
      storage,
      (Object.keys(KIOSKS) as KioskId[]).map((id) => ({ id, token: KIOSKS[id], stationId: 'S1' })),
      new Date(),
    );
    await seedAccounts(storage, AGENTS, new Date());
    for (const a of AGENTS) agentIds.push((await storage.accounts.byUsername(a.username))!.id);
    await storage.close();
    await db.connect();

    // A alone first, so that A decides; then B and C join.
    const a = await startInstance('a');
    await vi.waitFor(async () => expect((await leader()).epoch).toBe(1), wait);
    const first = (await leader()).leader;
    const [b, c] = await Promise.all([startInstance('b'), startInstance('c')]);

    // Agent a1 on A (available first: idle longest), agent a2 on B.
    const a1 = await agent(a, 0);
    a1.ws.send(JSON.stringify({ type: 'set-status', status: 'available' }));
    await vi.waitFor(() => expect(of(a1.received, 'presence').at(-1)?.['presence']).toBe('available'), wait);
    const a2 = await agent(b, 1);
    a2.ws.send(JSON.stringify({ type: 'set-status', status: 'available' }));
    await vi.waitFor(() => expect(of(a2.received, 'presence').at(-1)?.['presence']).toBe('available'), wait);

    // K1 on A rings a1, K2 on B rings a2, K3 on C waits.
    const k1 = await kiosk(a, 'K1');
    k1.ws.send(JSON.stringify({ type: 'request', requestId: 'r1', lane: 'information', context: context('K1') }));
    await vi.waitFor(() => expect(of(k1.received, 'ringing')).toHaveLength(1), wait);
    const call1 = of(k1.received, 'ringing')[0]!['callId'] as string;
    await vi.waitFor(() => expect(of(a1.received, 'offer', call1)).toHaveLength(1), wait);
    const k2 = await kiosk(b, 'K2');
    k2.ws.send(JSON.stringify({ type: 'request', requestId: 'r2', lane: 'information', context: context('K2') }));
    await vi.waitFor(() => expect(of(k2.received, 'ringing')).toHaveLength(1), wait);
    const call2 = of(k2.received, 'ringing')[0]!['callId'] as string;
    await vi.waitFor(() => expect(of(a2.received, 'offer', call2)).toHaveLength(1), wait);
    const k3 = await kiosk(c, 'K3');
    k3.ws.send(JSON.stringify({ type: 'request', requestId: 'r3', lane: 'information', context: context('K3') }));
    await vi.waitFor(() => expect(of(k3.received, 'queued')).toHaveLength(1), wait);
    const call3 = of(k3.received, 'queued')[0]!['callId'] as string;
    // Third in line: the two ringing calls are ahead of it.
    expect(of(k3.received, 'queued')[0]).toMatchObject({ position: 3 });

    // The deciding instance dies with K1's and a1's sockets.
    const died = new Promise((resolve) => a.child.once('exit', resolve));
    a.child.kill('SIGKILL');
    await died;
    await vi.waitFor(async () => expect((await leader()).leader).not.toBe(first), wait);
    expect((await leader()).epoch).toBe(2);

    // a1's console comes back on C: the call it was offered still rings for it (the same offer, shown again).
    const a1b = await agent(c, 0);
    expect(of(a1b.received, 'welcome')[0]).toMatchObject({ presence: 'ringing' });
    await vi.waitFor(() => expect(of(a1b.received, 'offer', call1)).toHaveLength(1), wait);
    // K1's runtime comes back on B and resumes its call.
    const k1b = await kiosk(b, 'K1');
    k1b.ws.send(JSON.stringify({ type: 'resume', callId: call1 }));
    await vi.waitFor(() => expect(of(k1b.received, 'ringing', call1)).toHaveLength(1), wait);

    // Both ringing calls are answered through the instances left, K3 when a1 is free again.
    a1b.ws.send(JSON.stringify({ type: 'answer', callId: call1 }));
    a2.ws.send(JSON.stringify({ type: 'answer', callId: call2 }));
    await vi.waitFor(() => expect(of(k1b.received, 'connected', call1)).toHaveLength(1), wait);
    await vi.waitFor(() => expect(of(k2.received, 'connected', call2)).toHaveLength(1), wait);
    expect(of(a1b.received, 'connected', call1)).toHaveLength(1);
    a1b.ws.send(JSON.stringify({ type: 'hang-up', callId: call1 }));
    await vi.waitFor(() => expect(of(k1b.received, 'ended', call1)).toHaveLength(1), wait);
    await vi.waitFor(() => expect(of(a1b.received, 'offer', call3)).toHaveLength(1), wait);
    await vi.waitFor(() => expect(of(k3.received, 'ringing', call3)).toHaveLength(1), wait);
    a1b.ws.send(JSON.stringify({ type: 'answer', callId: call3 }));
    await vi.waitFor(() => expect(of(k3.received, 'connected', call3)).toHaveLength(1), wait);
    a2.ws.send(JSON.stringify({ type: 'hang-up', callId: call2 }));
    a1b.ws.send(JSON.stringify({ type: 'hang-up', callId: call3 }));
    await vi.waitFor(() => expect([...of(k2.received, 'ended', call2), ...of(k3.received, 'ended', call3)]).toHaveLength(2), wait);

    // What the sockets got: no fallback, one connection per call, a2 offered only its own call once.
    for (const k of [k1, k1b, k2, k3]) expect(of(k.received, 'fallback')).toEqual([]);
    expect([...of(k1.received, 'connected'), ...of(k1b.received, 'connected')]).toHaveLength(1);
    expect(of(a2.received, 'offer').map((m) => m['callId'])).toEqual([call2]);
    expect(of(a1b.received, 'offer').map((m) => m['callId'])).toEqual([call1, call3]);
    for (const x of [a1, a1b, a2]) expect(of(x.received, 'offer-withdrawn')).toEqual([]);

    // The audit rows: each call requested, rung and answered once, by the agent it rang; ended once.
    const rows = (await db.query<{ call_id: string; actor: string; action: string }>('select call_id, actor, action from call_audit where call_id <> $1 order by id', ['-'])).rows;
    const trail = (callId: string): string[] => rows.filter((r) => r.call_id === callId).map((r) => `${r.actor} ${r.action}`);
    expect(trail(call1)).toEqual(['kiosk:K1 request', `agent:${agentIds[0]} ring`, 'kiosk:K1 resume', `agent:${agentIds[0]} answer`, `agent:${agentIds[0]} end:hung-up`]);
    expect(trail(call2)).toEqual(['kiosk:K2 request', `agent:${agentIds[1]} ring`, `agent:${agentIds[1]} answer`, `agent:${agentIds[1]} end:hung-up`]);
    expect(trail(call3)).toEqual(['kiosk:K3 request', `agent:${agentIds[0]} ring`, `agent:${agentIds[0]} answer`, `agent:${agentIds[0]} end:hung-up`]);
    expect((await db.query('select call_id from call_waiting')).rows).toEqual([]);
    expect((await db.query('select call_id from call_missed')).rows).toEqual([]);
  }, 120_000);
});
