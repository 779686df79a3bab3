/**
 * Two weeks of a small network's service, sent to a real central the way kiosks and staff send
 * it: tickets, ratings and device events through the sync API (`POST /v1/kiosks/:id/batches`)
 * with each kiosk's token, status changes through the staff API, on central's own clock set to
 * the moment each thing happened. What was sent is returned, so a test can count what the page,
 * the CSV and the PDF must show.
 */
import { startCentral, type CentralKioskSeed, type RunningCentral } from '../../central/server.js';
import type { AccountSeed } from '../../central/accounts/seed.js';
import { uuidv7 } from '../../shared/ids.js';
import { SHANGHAI_OFFSET_MS, shanghaiDate } from '../../shared/shanghai-date.js';
import type { SyncItem } from '../../shared/sync.js';
import { makeTicketId, type Rating, type TicketCategory } from '../../shared/ticket.js';
import type { CallContext } from '../../shared/call-protocol.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { agentAccount, agentSocketHeaders } from './agent-console.js';

export const INSIGHT_KIOSKS = {
  tiyuA: { id: 'GZ0102', token: 'kiosk-token-GZ0102-insight-aaaa', stationId: 'GZ-TIYUXILU', ticketCode: 'GZ0102' },
  tiyuB: { id: 'GZ0103', token: 'kiosk-token-GZ0103-insight-bbbb', stationId: 'GZ-TIYUXILU', ticketCode: 'GZ0103' },
  gongyuanqian: { id: 'GZ0201', token: 'kiosk-token-GZ0201-insight-cccc', stationId: 'GZ-GONGYUANQIAN', ticketCode: 'GZ0201' },
} as const satisfies Record<string, CentralKioskSeed>;

/** The stations as an administrator names them at central (`PUT /v1/admin/stations/:id`). */
export const INSIGHT_STATIONS = {
  'GZ-TIYUXILU': { name: { zh: '体育西路', en: 'Tiyu Xilu' }, lines: [{ zh: '1号线', en: 'Line 1' }, { zh: '3号线', en: 'Line 3' }] },
  'GZ-GONGYUANQIAN': { name: { zh: '公园前', en: 'Gongyuanqian' }, lines: [{ zh: '1号线', en: 'Line 1' }, { zh: '2号线', en: 'Line 2' }] },
} as const;

export const INSIGHT_ACCOUNTS = {
  supervisor: { username: 'wang.supervisor', displayName: '王芳', role: 'supervisor', password: 'wang-supervisor-password' },
  staff: { username: 'chen.staff', displayName: '陈明', role: 'station-staff', stationId: 'GZ-TIYUXILU', password: 'chen-staff-password-1' },
  admin: { username: 'ops.admin', displayName: '运维 Ops', role: 'administrator', password: 'ops-admin-password-1', apiToken: 'ops-admin-api-token-0123456789abcdef' },
} as const satisfies Record<string, AccountSeed & { password: string }>;

export interface SentTicket {
  readonly id: string;
  readonly kioskId: string;
  readonly stationId: string;
  readonly category: TicketCategory;
  /** Beijing day it was made. */
  readonly day: string;
  /** Minutes after making to the first staff status change, and to resolved; null when never. */
  readonly respondedAfter: number | null;
  readonly resolvedAfter: number | null;
}

export interface SentWeeks {
  /** Beijing days covered, oldest first (14 of them, the last one today). */
  readonly days: readonly string[];
  readonly tickets: readonly SentTicket[];
  readonly ratings: readonly (Rating & { readonly day: string; readonly stationId: string })[];
  readonly faults: readonly { readonly kioskId: string; readonly device: string; readonly day: string }[];
}

/** A central whose clock the test moves (null: the real time). */
export interface ClockedCentral {
  readonly central: RunningCentral;
  setClock(ms: number | null): void;
}

export async function startClockedCentral(storage: Parameters<typeof startCentral>[0]['storage'], dataDir: string, extra: { demo?: boolean } = {}): Promise<ClockedCentral> {
  let at: number | null = null;
  const central = await startCentral({
    storage,
    dataDir,
    kiosks: Object.values(INSIGHT_KIOSKS),
    accounts: [...Object.values(INSIGHT_ACCOUNTS), INSIGHT_AGENT],
    now: () => new Date(at ?? Date.now()),
    ...(extra.demo ? { auth: { demo: true } } : {}),
  });
  return { central, setClock: (ms) => (at = ms) };
}

const beijing = (day: string, hh: number, mm = 0): number => Date.parse(`${day}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+08:00`);

async function post(base: string, path: string, token: string, body: unknown, method = 'POST'): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

/**
 * Sends the two weeks ending today (Beijing) to central, moving its clock to each moment; leaves
 * the clock on the real time. The pattern, per day `i` (0 = 13 days ago):
 * - Tiyu Xilu kiosk A: a gate ticket every day at 08:00, answered after 20 min and resolved after
 *   3 h on even days, left open on odd days; a card problem at 17:30 on days divisible by 3.
 * - Gongyuanqian: a ticket-machine ticket at 09:00 on even days, answered after 2 h, resolved after 30 h.
 * - Tiyu Xilu kiosk B: its receipt printer fails on days 2, 5 and 9 (the second and third within
 *   7 days of the one before: repeats), each with a device-fault ticket.
 * - Ratings at 08:10: kiosk A gives 4 every day; Gongyuanqian gives 2 ("等待太久") on days divisible by 3.
 */
export async function sendTwoWeeks(c: ClockedCentral): Promise<SentWeeks> {
  const base = c.central.url;
  const today = shanghaiDate(Date.now());
  const days = Array.from({ length: 14 }, (_, i) => shanghaiDate(Date.parse(`${today}T12:00:00+08:00`) - (13 - i) * 86_400_000));
  const seq = new Map<string, number>();
  const counter = new Map<string, number>();
  const tickets: SentTicket[] = [];
  const ratings: (Rating & { day: string; stationId: string })[] = [];
  const faults: { kioskId: string; device: string; day: string }[] = [];
  const now = Date.now();
  const changes: { at: number; ticketId: string; status: 'in-progress' | 'resolved' }[] = [];

  const send = async (kiosk: CentralKioskSeed, at: number, payload: SyncItem['payload']): Promise<void> => {
    const n = (seq.get(kiosk.id) ?? 0) + 1;
    seq.set(kiosk.id, n);
    c.setClock(at + 60_000);
    const item: SyncItem = { id: uuidv7(), seq: n, createdAt: new Date(at + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00'), payload };
    const answer = (await post(base, `/v1/kiosks/${kiosk.id}/batches`, kiosk.token, { items: [item] })) as { rejects: unknown[] };
    if (answer.rejects.length > 0) throw new Error(`central rejected ${JSON.stringify(answer.rejects)}`);
  };
  const makeTicket = async (kiosk: (typeof INSIGHT_KIOSKS)[keyof typeof INSIGHT_KIOSKS], day: string, at: number, category: TicketCategory, respondedAfter: number | null, resolvedAfter: number | null): Promise<void> => {
    const key = `${kiosk.id}${day}`;
    const n = (counter.get(key) ?? 0) + 1;
    counter.set(key, n);
    const id = makeTicketId(kiosk.ticketCode, day, n);
    const createdAt = new Date(at + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00');
    await send(kiosk, at, {
      kind: 'ticket',
      ticket: { id, category, description: category === 'device-fault' ? '凭条打印机故障 Receipt printer fault' : '出站闸机不识别我的卡', phone: null, card: null, stationId: kiosk.stationId, kioskId: kiosk.id, createdAt, language: 'zh' },
    });
    tickets.push({ id, kioskId: kiosk.id, stationId: kiosk.stationId, category, day, respondedAfter, resolvedAfter });
    if (respondedAfter !== null && at + respondedAfter * 60_000 < now) changes.push({ at: at + respondedAfter * 60_000, ticketId: id, status: 'in-progress' });
    if (resolvedAfter !== null && at + resolvedAfter * 60_000 < now) changes.push({ at: at + resolvedAfter * 60_000, ticketId: id, status: 'resolved' });
  };
  const rate = async (kiosk: (typeof INSIGHT_KIOSKS)[keyof typeof INSIGHT_KIOSKS], day: string, at: number, score: Rating['score'], reason: string | null): Promise<void> => {
    const rating: Rating = { id: uuidv7(), score, reason, service: 'report', ticketId: null, kioskId: kiosk.id, createdAt: new Date(at + SHANGHAI_OFFSET_MS).toISOString().replace('Z', '+08:00') };
    await send(kiosk, at, { kind: 'rating', rating });
    ratings.push({ ...rating, day, stationId: kiosk.stationId });
  };

  for (const [id, station] of Object.entries(INSIGHT_STATIONS)) await post(base, `/v1/admin/stations/${id}`, INSIGHT_ACCOUNTS.admin.apiToken, station, 'PUT');
  for (const [i, day] of days.entries()) {
    const happened = (hh: number, mm = 0): number | null => (beijing(day, hh, mm) < now - 5 * 60_000 ? beijing(day, hh, mm) : null);
    const t8 = happened(8);
    if (t8 !== null) await makeTicket(INSIGHT_KIOSKS.tiyuA, day, t8, 'gate', i % 2 === 0 ? 20 : null, i % 2 === 0 ? 180 : null);
    const t810 = happened(8, 10);
    if (t810 !== null) await rate(INSIGHT_KIOSKS.tiyuA, day, t810, 4, null);
    const t9 = happened(9);
    if (t9 !== null && i % 2 === 0) await makeTicket(INSIGHT_KIOSKS.gongyuanqian, day, t9, 'ticket-machine', 120, 30 * 60);
    const t915 = happened(9, 15);
    if (t915 !== null && i % 3 === 0) await rate(INSIGHT_KIOSKS.gongyuanqian, day, t915, 2, '等待太久');
    const t7 = happened(7);
    if (t7 !== null && [2, 5, 9].includes(i)) {
      await send(INSIGHT_KIOSKS.tiyuB, t7, { kind: 'device-event', event: { device: 'printer', event: 'paper-jam', severity: 'fault', detail: null } });
      faults.push({ kioskId: INSIGHT_KIOSKS.tiyuB.id, device: 'printer', day });
      await makeTicket(INSIGHT_KIOSKS.tiyuB, day, t7 + 1000, 'device-fault', 60, 240);
    }
    const t1730 = happened(17, 30);
    if (t1730 !== null && i % 3 === 0) await makeTicket(INSIGHT_KIOSKS.tiyuA, day, t1730, 'card-problem', null, null);
  }
  changes.sort((a, b) => a.at - b.at);
  for (const ch of changes) {
    c.setClock(ch.at);
    await post(base, `/v1/staff/tickets/${ch.ticketId}/status`, INSIGHT_ACCOUNTS.admin.apiToken, { status: ch.status, note: null });
  }
  c.setClock(null);
  return { days, tickets, ratings, faults };
}

export interface SentHeartbeats {
  /** Every heartbeat sent, by kiosk, at central's clock (epoch ms), oldest first. */
  readonly beats: ReadonlyMap<string, readonly number[]>;
  /** Where central's clock was left: the last heartbeats' moment, so that no kiosk falls silent while a test reads the page. */
  readonly clockMs: number;
}

/**
 * Heartbeats through the kiosk API on central's clock, with outages (gaps longer than central's
 * silent time, 3 min) in the two weeks of {@link sendTwoWeeks}: Tiyu Xilu kiosk B beats on day 4
 * at 10:00 and 10:02, then not until 12:30 (and 12:32); Gongyuanqian at 08:00 on day 8, then not
 * until 08:45. Then every kiosk beats now, and central's clock stays at that moment (`clockMs`).
 */
export async function sendHeartbeats(c: ClockedCentral, days: readonly string[]): Promise<SentHeartbeats> {
  const beats = new Map<string, number[]>();
  const beat = async (kiosk: CentralKioskSeed, at: number): Promise<void> => {
    c.setClock(at);
    const body = {
      kioskVersion: '1.4.2',
      nodeVersion: 'v24.22.3',
      uptimeSeconds: 600,
      devices: [],
      outbox: { pending: 0, rejected: 0, oldestPendingAt: null },
      disk: { freeBytes: 1e9, totalBytes: 4e9 },
      clockOffsetMs: 0,
      sentAt: new Date(at).toISOString(),
    };
    await post(c.central.url, `/v1/kiosks/${kiosk.id}/heartbeat`, kiosk.token, body);
    beats.set(kiosk.id, [...(beats.get(kiosk.id) ?? []), at]);
  };
  for (const [hh, mm] of [[10, 0], [10, 2], [12, 30], [12, 32]] as const) await beat(INSIGHT_KIOSKS.tiyuB, beijing(days[4]!, hh, mm));
  for (const [hh, mm] of [[8, 0], [8, 45]] as const) await beat(INSIGHT_KIOSKS.gongyuanqian, beijing(days[8]!, hh, mm));
  const now = Date.now();
  for (const k of Object.values(INSIGHT_KIOSKS)) await beat(k, now);
  c.setClock(now);
  return { beats, clockMs: now };
}

/** The call desk's one agent: a personal account; the agent socket opens with their session (agent-console.ts). */
export const INSIGHT_AGENT = agentAccount('li.na', '李娜 Li Na');

/** Writes the call desk's configuration into central's data folder; before central starts. */
export function writeInsightCallDesk(dataDir: string): void {
  writeFileSync(join(dataDir, 'calls.json'), JSON.stringify({ queue: { wrapUpSeconds: 1 } }));
}

export interface SentCall {
  readonly kioskId: string;
  readonly outcome: 'answered' | 'abandoned' | 'unanswered';
  /** When the kiosk asked (epoch ms, as this side saw it). */
  readonly askedMs: number;
}

/**
 * Three real video-call requests over the kiosk and agent WebSockets, now (the call queue keeps
 * real time): Tiyu Xilu kiosk A asks with nobody on duty (not answered); the agent comes on duty
 * and answers Gongyuanqian's after about 1.2 s, then hangs up (answered); while the agent wraps up,
 * Tiyu Xilu kiosk B asks and the passenger gives up waiting (abandoned).
 */
export async function sendCalls(c: ClockedCentral): Promise<readonly SentCall[]> {
  const sockets: WebSocket[] = [];
  const base = c.central.url.replace('http', 'ws');
  const open = async (path: string, headers: Record<string, string> = {}) => {
    const ws = new WebSocket(`${base}${path}`, { headers });
    sockets.push(ws);
    const inbox: Record<string, unknown>[] = [];
    ws.on('message', (d: Buffer) => inbox.push(JSON.parse(d.toString()) as Record<string, unknown>));
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    return { inbox, send: (m: unknown) => ws.send(JSON.stringify(m)) };
  };
  const got = async (inbox: Record<string, unknown>[], match: (m: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> => {
    const until = Date.now() + 15_000;
    for (;;) {
      const m = inbox.find(match);
      if (m) return m;
      if (Date.now() > until) throw new Error(`no ${what} within 15 s: ${JSON.stringify(inbox).slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kiosk = (k: CentralKioskSeed & { stationId: string }) => open(`/calls/kiosk?kioskId=${k.id}`, { authorization: `Bearer ${k.token}` });
  const context = (k: CentralKioskSeed & { stationId: string }): CallContext => ({ stationId: k.stationId, stationName: 'Station', kioskId: k.id, language: 'zh', card: null, diagnosis: [], recentTrips: [], openTicketIds: [], health: [] });
  const calls: SentCall[] = [];
  try {
    const a = await kiosk(INSIGHT_KIOSKS.tiyuA);
    calls.push({ kioskId: INSIGHT_KIOSKS.tiyuA.id, outcome: 'unanswered', askedMs: Date.now() });
    a.send({ type: 'request', requestId: 'r1', lane: 'information', context: context(INSIGHT_KIOSKS.tiyuA) });
    await got(a.inbox, (m) => m['type'] === 'fallback', 'fallback');

    const agent = await open('/calls/agent', await agentSocketHeaders(c.central.url, INSIGHT_AGENT));
    await got(agent.inbox, (m) => m['type'] === 'welcome', 'welcome');
    agent.send({ type: 'set-status', status: 'available' });
    await got(agent.inbox, (m) => m['type'] === 'presence', 'presence');
    const g = await kiosk(INSIGHT_KIOSKS.gongyuanqian);
    calls.push({ kioskId: INSIGHT_KIOSKS.gongyuanqian.id, outcome: 'answered', askedMs: Date.now() });
    g.send({ type: 'request', requestId: 'r2', lane: 'information', context: context(INSIGHT_KIOSKS.gongyuanqian) });
    const offer = await got(agent.inbox, (m) => m['type'] === 'offer', 'offer');
    await new Promise((r) => setTimeout(r, 1200));
    agent.send({ type: 'answer', callId: offer['callId'] });
    await got(g.inbox, (m) => m['type'] === 'connected', 'connected');
    agent.send({ type: 'hang-up', callId: offer['callId'] });
    await got(g.inbox, (m) => m['type'] === 'ended', 'ended');

    const b = await kiosk(INSIGHT_KIOSKS.tiyuB);
    calls.push({ kioskId: INSIGHT_KIOSKS.tiyuB.id, outcome: 'abandoned', askedMs: Date.now() });
    b.send({ type: 'request', requestId: 'r3', lane: 'information', context: context(INSIGHT_KIOSKS.tiyuB) });
    const waiting = await got(b.inbox, (m) => m['type'] === 'queued' || m['type'] === 'ringing', 'queued');
    b.send({ type: 'leave', callId: waiting['callId'], reason: 'cancelled' });
    // The outcomes are written after the events: wait until the abandoned call is counted.
    const until = Date.now() + 15_000;
    for (;;) {
      const res = await fetch(`${c.central.url}/v1/staff/insight/calls`, { headers: { authorization: `Bearer ${INSIGHT_ACCOUNTS.admin.apiToken}` } });
      const v = (await res.json()) as { total: { offered: number; answered: number; abandoned: number; unanswered: number } };
      if (v.total.offered === 3 && v.total.answered === 1 && v.total.abandoned === 1 && v.total.unanswered === 1) break;
      if (Date.now() > until) throw new Error(`calls not counted within 15 s: ${JSON.stringify(v.total)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    for (const ws of sockets) ws.terminate();
  }
  return calls;
}
