// A central restart does not lose a waiting passenger silently: waiting entries come back from
// calls.sqlite (or from central's PostgreSQL schema, with a fresh data folder, so nothing comes
// from a file); a kiosk that reconnects resumes its place; one that does not is recorded as a
// missed call for agents to call back. Real Fastify, real SQLite and PostgreSQL, real WebSockets on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { registerCallRoutes, type CallService } from '../../central/calls/index.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { CallContext, CentralToKiosk } from '../../shared/call-protocol.js';
import { oneAgentSession } from '../support/agent-console.js';

const PG_URL = process.env['KIOSK_TEST_PG_URL'] ?? 'postgres://kiosk:kiosk@127.0.0.1:5432/kiosk_test';
const schema = `call_restart_${process.pid}_${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'call-restart-'));
const open: (WebSocket | FastifyInstance)[] = [];
afterAll(async () => {
  for (const o of open.reverse()) {
    if (o instanceof WebSocket) o.terminate();
    else await o.close();
  }
  rmSync(dir, { recursive: true, force: true });
  await dropPostgresSchema(PG_URL, schema);
});

type Engine = 'sqlite' | 'postgres';
let folders = 0;

const AGENT_COOKIE = 'kiosk_session=li-session';
const kiosks = new Map([
  ['K1', 'token-k1'],
  ['K2', 'token-k2'],
]);

async function startCentral(engine: Engine = 'sqlite'): Promise<{ url: string; app: FastifyInstance; service: CallService }> {
  const app = Fastify();
  const service = await registerCallRoutes(app, {
    // On PostgreSQL every start gets a new, empty folder: what comes back comes from the database.
    dataDir: engine === 'sqlite' ? dir : join(dir, `pg-${++folders}`),
    ...(engine === 'postgres' ? { postgres: { url: PG_URL, schema } } : {}),
    agentUpgrade: oneAgentSession({ id: 'a1', name: 'Li' }, AGENT_COOKIE),
    authenticateKiosk: (id, token) => Promise.resolve(kiosks.get(id) === token),
    ice: { servers: [], turn: null },
    queue: { ringTimeoutSeconds: 600, kioskReconnectGraceSeconds: 1 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  open.push(app);
  return { url: `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, app, service };
}

/** An agent console's socket, with the agent's session cookie unless `cookie` is null. */
function client(url: string, cookie: string | null = AGENT_COOKIE): { ws: WebSocket; next: (type: string) => Promise<Record<string, unknown>> } {
  const ws = new WebSocket(url, cookie === null ? {} : { headers: { cookie } });
  open.push(ws);
  const inbox: Record<string, unknown>[] = [];
  const waiters: { type: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as Record<string, unknown>;
    const w = waiters.findIndex((x) => x.type === m['type']);
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  return {
    ws,
    next: (type) => {
      const i = inbox.findIndex((m) => m['type'] === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!);
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
  };
}

function kiosk(base: string, id: string) {
  const ws = new WebSocket(`${base}/calls/kiosk?kioskId=${id}`, { headers: { authorization: `Bearer ${kiosks.get(id)}` } });
  open.push(ws);
  const c = { ws, received: [] as CentralToKiosk[] };
  ws.on('message', (d: Buffer) => c.received.push(JSON.parse(d.toString()) as CentralToKiosk));
  return c;
}

const context = (kioskId: string): CallContext => ({
  stationId: 'S1',
  stationName: 'Station',
  kioskId,
  language: 'en',
  card: null,
  diagnosis: [],
  recentTrips: [],
  openTicketIds: [],
  health: [],
});

describe('central restart with passengers waiting', () => {
  it.each<Engine>(['sqlite', 'postgres'])('restores waiting entries for kiosks that come back, records the others as missed calls (%s)', async (engine) => {
    const first = await startCentral(engine);
    const agent = client(`${first.url}/calls/agent`);
    await new Promise((r) => agent.ws.once('open', r));
    await agent.next('welcome');
    agent.ws.send(JSON.stringify({ type: 'set-status', status: 'available' }));
    const k1 = kiosk(first.url, 'K1');
    const k2 = kiosk(first.url, 'K2');
    await Promise.all([new Promise((r) => k1.ws.once('open', r)), new Promise((r) => k2.ws.once('open', r))]);
    k1.ws.send(JSON.stringify({ type: 'request', requestId: 'r1', lane: 'information', context: context('K1') }));
    await vi.waitFor(() => expect(k1.received.some((m) => m.type === 'ringing')).toBe(true));
    k2.ws.send(JSON.stringify({ type: 'request', requestId: 'r2', lane: 'information', context: context('K2') }));
    await vi.waitFor(() => expect(k2.received.some((m) => m.type === 'queued')).toBe(true));
    const call1 = (k1.received.find((m) => m.type === 'ringing') as { callId: string }).callId;
    const call2 = (k2.received.find((m) => m.type === 'queued') as { callId: string }).callId;

    await first.app.close();

    const second = await startCentral(engine);
    expect(second.service.signalling.queue.view().entries.map((e) => [e.callId, e.state])).toEqual([
      [call1, 'detached'],
      [call2, 'detached'],
    ]);
    // The agent's console reconnects, then K1's runtime resumes its call: it rings again.
    const agentAgain = client(`${second.url}/calls/agent`);
    await new Promise((r) => agentAgain.ws.once('open', r));
    await agentAgain.next('welcome');
    agentAgain.ws.send(JSON.stringify({ type: 'set-status', status: 'available' }));
    await agentAgain.next('presence');
    const again = kiosk(second.url, 'K1');
    await new Promise((r) => again.ws.once('open', r));
    again.ws.send(JSON.stringify({ type: 'resume', callId: call1 }));
    // Rung alone again, the page gets its media channel with the ringing.
    await vi.waitFor(() => expect(again.received.find((m) => m.type === 'ringing')).toMatchObject({ type: 'ringing', callId: call1, agents: 1, media: { path: '/calls/media' } }));
    await expect(agentAgain.next('offer')).resolves.toMatchObject({ callId: call1 });

    // K2 never came back: after the grace period it is a missed call, kept for a callback.
    await vi.waitFor(async () => expect((await second.service.store.listMissed()).map((m) => [m.callId, m.kioskId, m.reason])).toEqual([[call2, 'K2', 'expired']]), {
      timeout: 10_000,
      interval: 200,
    });
    const late = kiosk(second.url, 'K2');
    await new Promise((r) => late.ws.once('open', r));
    late.ws.send(JSON.stringify({ type: 'resume', callId: call2 }));
    await vi.waitFor(() => expect(late.received).toContainEqual({ type: 'fallback', requestId: null, callId: call2, reason: 'expired' }));
    // The audit trail tells the whole story, across the restart, in the engine's own records.
    expect((await second.service.store.auditTrail(call2)).map((r) => [r.actor, r.action])).toEqual([
      ['kiosk:K2', 'request'],
      ['kiosk:K2', 'left:kiosk-lost'],
    ]);
  });

  it('refuses a kiosk with a wrong token and garbage from an agent, with typed errors', async () => {
    const c = await startCentral();
    const bad = new WebSocket(`${c.url}/calls/kiosk?kioskId=K1`, { headers: { authorization: 'Bearer nope' } });
    open.push(bad);
    const code = await new Promise<number>((resolve) => bad.on('close', (n: number) => resolve(n)));
    expect(code).toBe(4401);
    // No session: the upgrade itself is refused, nothing is opened.
    const anonymous = client(`${c.url}/calls/agent`, null);
    // Refused before it opened: ending it in afterAll aborts the handshake, which reports an error.
    anonymous.ws.on('error', () => undefined);
    const refused = await new Promise<number>((resolve) => anonymous.ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(refused).toBe(401);
    const agent = client(`${c.url}/calls/agent`);
    await new Promise((r) => agent.ws.once('open', r));
    agent.ws.send('{not json');
    await expect(agent.next('error')).resolves.toMatchObject({ code: 'bad-json' });
    // The old token login is no message of the protocol any more.
    agent.ws.send(JSON.stringify({ type: 'login', token: 'agent-token-0123456789' }));
    await expect(agent.next('error')).resolves.toMatchObject({ code: 'bad-message' });
  });
});
