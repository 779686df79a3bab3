/**
 * Calls as a hostile kiosk makes them: fifty emergency requests from one kiosk, and call contexts
 * that broke the console or carried a full card number. Real Fastify, real WebSockets on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { registerCallRoutes } from '../../central/calls/index.js';
import type { CentralToAgent, CentralToKiosk } from '../../shared/call-protocol.js';
import { oneAgentSession } from '../support/agent-console.js';

const dir = mkdtempSync(join(tmpdir(), 'security-calls-'));
const kiosks = new Map([
  ['K1', 'token-k1-0123456789'],
  ['K2', 'token-k2-0123456789'],
]);
const AGENT_COOKIE = 'kiosk_session=li-session';
const sockets: WebSocket[] = [];
let app: FastifyInstance;
let base = '';
let agent: { ws: WebSocket; received: CentralToAgent[] };

function connect<T>(path: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; received: T[] }> {
  const ws = new WebSocket(`${base}${path}`, { headers });
  sockets.push(ws);
  const c = { ws, received: [] as T[] };
  ws.on('message', (d: Buffer) => c.received.push(JSON.parse(d.toString()) as T));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(c));
    ws.once('error', reject);
  });
}
const kiosk = (id: string) => connect<CentralToKiosk>(`/calls/kiosk?kioskId=${id}`, { authorization: `Bearer ${kiosks.get(id)}` });

const context = (kioskId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  stationId: 'GZ-TIYUXILU',
  stationName: '体育西路 Tiyu Xilu',
  kioskId,
  language: 'en',
  card: { family: 't-union', maskedNumber: '3104 **** **** 2345', balance: 1250, validUntil: '2030-12-31' },
  diagnosis: ['open-trip'],
  recentTrips: [{ text: { zh: '2026年11月30日 08:10 体育西路进站，没有出站记录', en: '30 Nov 2026 08:10 entered Tiyu Xilu, no exit recorded' }, time: '2026-11-30T08:10:00+08:00', amount: 0, open: true }],
  openTicketIds: [],
  health: [{ device: 'printer', state: 'ok', code: null }],
  ...overrides,
});

beforeAll(async () => {
  app = Fastify();
  await registerCallRoutes(app, {
    dataDir: dir,
    agentUpgrade: oneAgentSession({ id: 'a1', name: 'Li' }, AGENT_COOKIE),
    authenticateKiosk: (id, token) => Promise.resolve(kiosks.get(id) === token),
    ice: { servers: [], turn: null },
    queue: { ringTimeoutSeconds: 600 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  agent = await connect<CentralToAgent>('/calls/agent', { cookie: AGENT_COOKIE });
  await vi.waitFor(() => expect(agent.received.some((m) => m.type === 'welcome')).toBe(true));
  // Available but never answering (ring timeout 10 min): requests stay in the queue during the test.
  agent.ws.send(JSON.stringify({ type: 'set-status', status: 'available' }));
  await vi.waitFor(() => expect(agent.received.some((m) => m.type === 'presence' && m.presence === 'available')).toBe(true));
});
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lastQueue = () => [...agent.received].reverse().find((m): m is Extract<CentralToAgent, { type: 'queue' }> => m.type === 'queue');

describe('one active call per kiosk', () => {
  it('fifty emergency requests from one kiosk give one queue entry; the other 49 are refused with call-active', async () => {
    const k1 = await kiosk('K1');
    for (let i = 0; i < 50; i++) k1.ws.send(JSON.stringify({ type: 'request', requestId: `flood-${i}`, lane: 'emergency', context: context('K1') }));
    await vi.waitFor(() => expect(k1.received.filter((m) => m.type === 'error')).toHaveLength(49));
    expect(k1.received.filter((m) => m.type === 'error').every((m) => m.type === 'error' && m.code === 'call-active' && /already has a call/.test(m.message))).toBe(true);
    await vi.waitFor(() => expect(lastQueue()?.entries.filter((e) => e.kioskId === 'K1')).toHaveLength(1));

    // Another kiosk is not held back by K1's call.
    const k2 = await kiosk('K2');
    k2.ws.send(JSON.stringify({ type: 'request', requestId: 'k2-1', lane: 'information', context: context('K2') }));
    await vi.waitFor(() => expect(lastQueue()?.entries.map((e) => e.kioskId).sort()).toEqual(['K1', 'K2']));

    // Once K1 leaves its call, it may ask again.
    const queued = k1.received.find((m) => m.type === 'queued' || m.type === 'ringing') as { callId: string } | undefined;
    const callId = queued?.callId ?? lastQueue()!.entries.find((e) => e.kioskId === 'K1')!.callId;
    k1.ws.send(JSON.stringify({ type: 'leave', callId, reason: 'cancelled' }));
    await vi.waitFor(() => expect(lastQueue()?.entries.filter((e) => e.kioskId === 'K1')).toHaveLength(0));
    k1.ws.send(JSON.stringify({ type: 'request', requestId: 'again', lane: 'information', context: context('K1') }));
    await vi.waitFor(() => expect(lastQueue()?.entries.filter((e) => e.kioskId === 'K1')).toHaveLength(1));
    expect(k1.received.filter((m) => m.type === 'error')).toHaveLength(49);
  });
});

describe('the call context is checked by its schema', () => {
  const hostile: [string, Record<string, unknown>][] = [
    ['health: [null]', { health: [null] }],
    ['a full card number in maskedNumber', { card: { family: 't-union', maskedNumber: '3104921000012345', balance: 1250, validUntil: null } }],
    ['a balance that is text', { card: { family: 't-union', maskedNumber: '3104 **** **** 2345', balance: '12.50', validUntil: null } }],
    ['a trip that is a string', { recentTrips: ['<img src=x onerror=alert(1)>'] }],
    ['a trip that carries a whole card number', { recentTrips: [{ text: { zh: '卡号 3105123456789017984', en: 'card 3105123456789017984' }, time: null, amount: 0, open: false }] }],
    ['an unknown diagnosis', { diagnosis: ['pwned'] }],
    ['a device state out of the list', { health: [{ device: 'printer', state: 'on-fire', code: null }] }],
    ['a bidi override in the station name', { stationName: 'Tiyu \u202Eilux' }],
    ['a field the context does not have', { cardNumber: '3104921000012345' }],
    ['an overlong station name', { stationName: 'x'.repeat(500) }],
    ['a ticket id that is not one', { openTicketIds: ['../../etc/passwd'] }],
    ['a location that is one string', { location: 'Near Exit B' }],
    ['a location with a field it does not have', { location: { zh: 'B出口旁', en: 'Near Exit B', html: '<b>' } }],
    ['a bidi override in the location', { location: { zh: 'B出口旁', en: 'Near \u202EB tixE' } }],
    ['an overlong location', { location: { zh: 'B出口旁', en: 'x'.repeat(500) } }],
  ];
  it.each(hostile)('refuses %s with bad-message, and no agent sees it', async (_name, overrides) => {
    const k2 = await kiosk('K2');
    const before = lastQueue()?.entries.length ?? 0;
    k2.ws.send(JSON.stringify({ type: 'request', requestId: `odd-${Math.random()}`, lane: 'emergency', context: context('K2', overrides) }));
    await vi.waitFor(() => expect(k2.received.some((m) => m.type === 'error')).toBe(true));
    const refusal = k2.received.find((m) => m.type === 'error');
    expect(['bad-message', 'too-large']).toContain(refusal?.type === 'error' ? refusal.code : null);
    expect(lastQueue()?.entries.length ?? 0).toBe(before);
    expect(JSON.stringify(agent.received)).not.toContain('3104921000012345');
    k2.ws.terminate();
  });
});
