/**
 * The calls view from real calls, on both engines: kiosks and an agent on real WebSockets to a
 * real central (SQLite file, or PostgreSQL with the call cluster); one call with nobody on duty,
 * one answered and hung up, one the passenger leaves while waiting. The view's figures are
 * checked against a plain computation over the call queue's own audit trail (`call_audit`,
 * which the queue writes independently of the insight tables).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { plainCallContext } from '../support/call-context.js';
import type { CallsInsight } from '../../shared/insight.js';
import { agentAccount, agentSocketHeaders } from '../support/agent-console.js';
import { ENGINES, KIOSKS, call, uniqueStorage } from '../support/central.js';

const SUPERVISOR = 'insight-calls-supervisor-token-012345';
const AGENT = agentAccount('li.na', 'Li Na');

const context = (kioskId: string, stationId: string) => plainCallContext(kioskId, { stationId, stationName: 'Station' });

interface Audit {
  readonly call_id: string;
  readonly action: string;
  readonly at: number;
}

describe.each(ENGINES)('calls insight from real calls (%s)', (engine) => {
  let dir = '';
  let storage: StorageConfig;
  let central: RunningCentral;
  const sockets: WebSocket[] = [];

  const open = async (path: string, headers: Record<string, string> = {}) => {
    const ws = new WebSocket(`${central.url.replace('http', 'ws')}${path}`, { headers });
    sockets.push(ws);
    const inbox: Record<string, unknown>[] = [];
    ws.on('message', (d: Buffer) => inbox.push(JSON.parse(d.toString()) as Record<string, unknown>));
    await new Promise((r) => ws.once('open', r));
    return { ws, inbox, send: (m: unknown) => ws.send(JSON.stringify(m)) };
  };
  const kiosk = (k: keyof typeof KIOSKS) => open(`/calls/kiosk?kioskId=${KIOSKS[k].id}`, { authorization: `Bearer ${KIOSKS[k].token}` });
  const got = async (inbox: Record<string, unknown>[], type: string) => {
    await vi.waitFor(() => expect(inbox.some((m) => m['type'] === type)).toBe(true), { timeout: 10_000, interval: 50 });
    return inbox.find((m) => m['type'] === type)!;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'insight-calls-'));
    writeFileSync(join(dir, 'calls.json'), JSON.stringify({ queue: { wrapUpSeconds: 1 } }));
    storage = uniqueStorage(engine, dir);
    central = await startCentral({ storage, kiosks: Object.values(KIOSKS), accounts: [{ username: 'wang.supervisor', role: 'supervisor', apiToken: SUPERVISOR }, AGENT], dataDir: dir });
  });
  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await central?.close();
    if (storage?.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts offered, answered, abandoned and unanswered calls and the waits as the call audit says', async () => {
    // Nobody on duty: the first call falls back at once.
    const a = await kiosk('a');
    a.send({ type: 'request', requestId: 'r1', lane: 'information', context: context(KIOSKS.a.id, KIOSKS.a.stationId) });
    expect(await got(a.inbox, 'fallback')).toMatchObject({ reason: 'no-agent' });

    // The agent comes on duty and answers the next one, then hangs up.
    const agent = await open('/calls/agent', await agentSocketHeaders(central.url, AGENT));
    await got(agent.inbox, 'welcome');
    agent.send({ type: 'set-status', status: 'available' });
    await got(agent.inbox, 'presence');
    a.inbox.length = 0;
    a.send({ type: 'request', requestId: 'r2', lane: 'information', context: context(KIOSKS.a.id, KIOSKS.a.stationId) });
    const offer = await got(agent.inbox, 'offer');
    await new Promise((r) => setTimeout(r, 1200));
    agent.send({ type: 'answer', callId: offer['callId'] });
    await got(a.inbox, 'connected');
    agent.send({ type: 'hang-up', callId: offer['callId'] });
    await got(a.inbox, 'ended');

    // While the agent wraps up, a passenger at another kiosk asks and gives up waiting.
    const c = await kiosk('c');
    c.send({ type: 'request', requestId: 'r3', lane: 'emergency', context: context(KIOSKS.c.id, KIOSKS.c.stationId) });
    const waiting = (await vi.waitFor(() => {
      const m = c.inbox.find((x) => x['type'] === 'queued' || x['type'] === 'ringing');
      expect(m).toBeDefined();
      return m!;
    })) as unknown as { callId: string };
    c.send({ type: 'leave', callId: waiting.callId, reason: 'cancelled' });

    // The queue's own audit trail, read straight from its table.
    const audit = async (): Promise<Audit[]> => {
      if (storage.engine === 'postgres') {
        return (await central.storage.database.read((q) => q.all('SELECT call_id, action, at FROM call_audit ORDER BY id'))).map((r) => ({ call_id: String(r['call_id']), action: String(r['action']), at: Number(r['at']) }));
      }
      const db = new sqlite3.Database(join(dir, 'calls.sqlite'), sqlite3.OPEN_READONLY);
      try {
        return await new Promise<Audit[]>((resolve, reject) => db.all('SELECT call_id, action, at FROM call_audit ORDER BY id', (e: Error | null, rows: Audit[]) => (e ? reject(e) : resolve(rows))));
      } finally {
        db.close();
      }
    };
    await vi.waitFor(async () => expect((await audit()).some((r) => r.action.startsWith('left:'))).toBe(true), { timeout: 10_000, interval: 100 });
    const rows = await audit();
    const offeredAt = new Map(rows.filter((r) => r.action === 'request' || r.action === 'fallback:no-agent').map((r) => [r.call_id, r.at]));
    const answered = rows.filter((r) => r.action === 'answer');
    const waits = answered.map((r) => r.at - offeredAt.get(r.call_id)!).sort((x, y) => x - y);
    const expected = {
      offered: offeredAt.size,
      answered: answered.length,
      abandoned: rows.filter((r) => r.action.startsWith('left:')).length,
      unanswered: rows.filter((r) => r.action.startsWith('fallback:')).length,
      callbacks: 0,
      waitP50Seconds: Math.floor(waits[Math.ceil(0.5 * waits.length) - 1]! / 1000),
      waitP90Seconds: Math.floor(waits[Math.ceil(0.9 * waits.length) - 1]! / 1000),
      waitMaxSeconds: Math.round(waits[waits.length - 1]! / 100) / 10,
    };
    expect(expected).toMatchObject({ offered: 3, answered: 1, abandoned: 1, unanswered: 1 });
    expect(expected.waitMaxSeconds).toBeGreaterThanOrEqual(1.2);

    // The outcomes are written in order after the events: wait until the last one is in.
    await vi.waitFor(
      async () => {
        const v = (await call(central.url, 'GET', '/v1/staff/insight/calls', { token: SUPERVISOR })).body as CallsInsight;
        expect(v.total).toEqual(expected);
      },
      { timeout: 10_000, interval: 100 },
    );
    const v = (await call(central.url, 'GET', '/v1/staff/insight/calls', { token: SUPERVISOR })).body as CallsInsight;
    expect(v.byHour.reduce((sum, h) => sum + h.offered, 0)).toBe(3);
    expect(v.byDay).toHaveLength(1);
    // One station's calls, and the emergency lane alone.
    const sz = (await call(central.url, 'GET', `/v1/staff/insight/calls?station=${KIOSKS.c.stationId}`, { token: SUPERVISOR })).body as CallsInsight;
    expect(sz.total).toMatchObject({ offered: 1, abandoned: 1, answered: 0 });
    const emergency = (await call(central.url, 'GET', '/v1/staff/insight/calls?channel=emergency', { token: SUPERVISOR })).body as CallsInsight;
    expect(emergency.total).toMatchObject({ offered: 1, abandoned: 1 });
    expect(emergency.ignored).toEqual([]);
  }, 60_000);
});

