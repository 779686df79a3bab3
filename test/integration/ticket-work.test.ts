/**
 * Staff work on tickets over real HTTP on both engines (SQLite file, PostgreSQL schema of its
 * own): assign, priority, internal note, reply, reopen, history, overdue against per-category
 * targets, search that finds Chinese words inside Chinese text, the fleet view with its silent
 * kiosk alert, missed calls marked done, and hostile input refused with nothing stored.
 * Internal notes never reach the kiosk's changes feed or the public page.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig, StoredTicket, TicketActivity, TicketHistoryEntry } from '../../central/storage/types.js';
import type { ChangesResponse } from '../../shared/sync.js';
import { agentAccount } from '../support/agent-console.js';
import { ENGINES, KIOSKS, OpenApiContract, STAFF_TOKEN, call, ticket, ticketItem, uniqueStorage } from '../support/central.js';
import { asSession, logInSession } from '../support/staff-session.js';

const A = KIOSKS.a;
const B = KIOSKS.b;
const SUPERVISOR_TOKEN = 'supervisor-token-for-tests-0123456789';
const AGENT = { ...agentAccount('li.na', '李娜'), apiToken: 'agent-token-for-tests-0123456789' };
const HOSTILE = `<img src=x onerror="window.__pwned=1">'; DROP TABLE tickets;--`;

type Detail = { ticket: StoredTicket & { dueAt: string; overdue: boolean }; history: TicketHistoryEntry[]; activity: TicketActivity[] };

describe.each(ENGINES)('ticket work on %s', (engine) => {
  let central: RunningCentral;
  let storage: StorageConfig;
  let dir: string;
  let contract: OpenApiContract;
  // Central's clock, moved forward by the tests (ticket due times, kiosk silence).
  let offsetMs = 0;
  let seq = 0;

  const staff = async (method: 'GET' | 'POST' | 'PUT', url: string, template: string, body?: unknown, token = STAFF_TOKEN) => {
    const res = await call(central.url, method, url, { token, ...(body !== undefined ? { body } : {}) });
    contract.check(method, template, res);
    return res;
  };
  const file = async (t: ReturnType<typeof ticket>) => {
    seq += 1;
    const res = await call(central.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(seq, t)] } });
    expect(res.status).toBe(200);
    return t;
  };
  const changes = async (cursor = 0) => (await call(central.url, 'GET', `/v1/kiosks/${A.id}/changes?cursor=${cursor}`, { token: A.token })).body as ChangesResponse;
  const publicPage = async (id: string) => {
    const res = await fetch(`${central.url}/t/${id}`);
    return res.text();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ticket-work-'));
    storage = uniqueStorage(engine, dir);
    central = await startCentral({
      storage,
      kiosks: [A, B],
      // Station staff (not an administrator): the person the ticket-target change is refused to.
      accounts: [{ username: 'staff', role: 'station-staff', stationId: A.stationId, apiToken: STAFF_TOKEN }, AGENT],
      staffCredentials: [{ name: '王主管', token: SUPERVISOR_TOKEN, role: 'supervisor' }],
      dataDir: dir,
      now: () => new Date(Date.now() + offsetMs),
      kioskSilentAfterSeconds: 180,
    });
    contract = await OpenApiContract.fetch(central.url);
  });
  afterAll(async () => {
    await central?.close();
    if (storage?.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('assigns, sets priority, keeps internal notes from the passenger, replies, and reopens', async () => {
    const t = await file(ticket(A.id, { description: '进站闸机不开门，刷了三次都不行' }));
    const base = `/v1/staff/tickets/${t.id}`;
    const tpl = (p: string) => `/v1/staff/tickets/{ticketId}/${p}`;
    const cursor = (await changes()).cursor;

    const people = (await staff('GET', '/v1/staff/people', '/v1/staff/people')).body as { people: { name: string; role: string }[] };
    expect(people.people.map((p) => p.name)).toEqual(expect.arrayContaining(['staff', '王主管', AGENT.username]));

    let res = await staff('POST', `${base}/assign`, tpl('assign'), { assignee: '王主管' });
    expect(res.status).toBe(200);
    expect((res.body as Detail).ticket.assignee).toBe('王主管');
    res = await staff('POST', `${base}/priority`, tpl('priority'), { priority: 'urgent' });
    expect((res.body as Detail).ticket.priority).toBe('urgent');
    res = await staff('POST', `${base}/notes`, tpl('notes'), { text: '内部：乘客情绪激动，先查闸机日志 INTERNAL-ONLY' });
    expect(res.status).toBe(200);
    res = await staff('POST', `${base}/reply`, tpl('reply'), { text: '维修人员已到场，闸机已修复。Fixed.', status: 'resolved' });
    const resolved = res.body as Detail;
    expect(resolved.ticket.status).toBe('resolved');
    expect(resolved.activity.map((a) => [a.kind, a.text, a.actor])).toEqual([
      ['assign', '王主管', 'staff'],
      ['priority', 'urgent', 'staff'],
      ['note', '内部：乘客情绪激动，先查闸机日志 INTERNAL-ONLY', 'staff'],
    ]);
    expect(resolved.history.map((h) => [h.status, h.note, h.actor])).toEqual([
      ['open', null, `kiosk:${A.id}`],
      ['resolved', '维修人员已到场，闸机已修复。Fixed.', 'staff'],
    ]);

    // The passenger sees the reply at the kiosk (changes feed) and on the public page, never the note or the assignee.
    const feed = await changes(cursor);
    expect(feed.changes).toEqual([expect.objectContaining({ type: 'ticket-status', update: expect.objectContaining({ ticketId: t.id, status: 'resolved', note: '维修人员已到场，闸机已修复。Fixed.' }) as unknown })]);
    expect(JSON.stringify(feed)).not.toContain('INTERNAL-ONLY');
    expect(JSON.stringify(feed)).not.toContain('王主管');
    const html = await publicPage(t.id);
    expect(html).toContain('维修人员已到场，闸机已修复。Fixed.');
    expect(html).not.toContain('INTERNAL-ONLY');
    expect(html).not.toContain('王主管');

    // Reopen: only a finished ticket, with a reason kept internal.
    res = await staff('POST', `${base}/reopen`, tpl('reopen'), { reason: '乘客再次来电 REOPEN-REASON' }, SUPERVISOR_TOKEN);
    const reopened = res.body as Detail;
    expect(reopened.ticket.status).toBe('in-progress');
    expect(reopened.activity.at(-1)).toEqual(expect.objectContaining({ kind: 'reopen', text: '乘客再次来电 REOPEN-REASON', actor: '王主管' }));
    res = await staff('POST', `${base}/reopen`, tpl('reopen'), { reason: 'again' });
    expect(res.status).toBe(409);
    expect(await publicPage(t.id)).not.toContain('REOPEN-REASON');
    expect(JSON.stringify(await changes(cursor))).not.toContain('REOPEN-REASON');
  });

  it('finds Chinese words inside Chinese text, in replies and internal notes, every word required', async () => {
    const gate = await file(ticket(A.id, { category: 'station-facility', description: '二号口电梯停运，老人无法出站' }));
    const other = await file(ticket(A.id, { category: 'station-facility', description: '售票机不找零' }));
    await staff('POST', `/v1/staff/tickets/${other.id}/notes`, '/v1/staff/tickets/{ticketId}/notes', { text: '已通知维保公司检修电梯' });
    const find = async (q: string) =>
      ((await staff('GET', `/v1/staff/tickets?category=station-facility&q=${encodeURIComponent(q)}`, '/v1/staff/tickets')).body as { tickets: StoredTicket[] }).tickets.map((x) => x.id).sort();
    expect(await find('电梯')).toEqual([gate.id, other.id].sort());
    expect(await find('电梯 老人')).toEqual([gate.id]);
    expect(await find('维保')).toEqual([other.id]);
    expect(await find('找零')).toEqual([other.id]);
    expect(await find('%')).toEqual([]);
    expect(await find('地铁')).toEqual([]);
  });

  it('marks a ticket overdue against its category target, which a supervisor can change', async () => {
    const now = new Date(Date.now() + offsetMs);
    const fiveHoursAgo = new Date(now.getTime() - 5 * 3_600_000).toISOString();
    const t = await file(ticket(A.id, { category: 'gate', createdAt: fiveHoursAgo }));
    const get = async () => ((await staff('GET', `/v1/staff/tickets/${t.id}`, '/v1/staff/tickets/{ticketId}')).body as Detail).ticket;
    expect((await get()).overdue).toBe(true);

    const targets = (await staff('GET', '/v1/staff/ticket-targets', '/v1/staff/ticket-targets')).body as { targets: Record<string, number> };
    expect(targets.targets['gate']).toBe(4);
    const refused = await staff('PUT', '/v1/staff/ticket-targets', '/v1/staff/ticket-targets', { targets: { ...targets.targets, gate: 8 } });
    expect(refused.status).toBe(403);
    expect((await get()).overdue).toBe(true);
    const set = await staff('PUT', '/v1/staff/ticket-targets', '/v1/staff/ticket-targets', { targets: { ...targets.targets, gate: 8 } }, SUPERVISOR_TOKEN);
    expect(set.status).toBe(200);
    expect((await get()).overdue).toBe(false);

    await staff('POST', `/v1/staff/tickets/${t.id}/status`, '/v1/staff/tickets/{ticketId}/status', { status: 'resolved' });
    offsetMs += 10 * 3_600_000;
    expect((await get()).overdue).toBe(false);
    offsetMs -= 10 * 3_600_000;
  });

  it('refuses hostile input with a clear 4xx, storing nothing and echoing nothing', async () => {
    const t = await file(ticket(A.id));
    const base = `/v1/staff/tickets/${t.id}`;
    const before = (await staff('GET', base, '/v1/staff/tickets/{ticketId}')).body as Detail;
    const cursor = (await changes()).cursor;
    const cases: [string, unknown, number][] = [
      ['assign', { assignee: HOSTILE }, 400],
      ['assign', { assignee: 'nobody-here' }, 400],
      ['assign', { assignee: '王主管', extra: 1 }, 400],
      ['priority', { priority: 'highest' }, 400],
      ['notes', { text: '' }, 400],
      ['notes', { text: 'x'.repeat(2001) }, 400],
      ['notes', { text: 'bell\u0007' }, 400],
      ['notes', { text: 'bidi\u202E' }, 400],
      ['reply', { text: 'ok', status: 'done' }, 400],
      ['reply', { text: 42 }, 400],
      ['reopen', { reason: 'not finished yet' }, 409],
    ];
    for (const [path, body, status] of cases) {
      const res = await staff('POST', `${base}/${path}`, `/v1/staff/tickets/{ticketId}/${path}`, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(JSON.stringify(res.body)).not.toContain('<img');
    }
    expect((await call(central.url, 'POST', `${base}/notes`, { body: { text: 'no token' } })).status).toBe(401);
    expect((await call(central.url, 'POST', `${base}/notes`, { token: 'wrong-token-0123456789', body: { text: 'wrong' } })).status).toBe(401);
    expect((await call(central.url, 'POST', '/v1/staff/tickets/GZ0102-260314-9999-0/notes', { token: STAFF_TOKEN, body: { text: 'unknown' } })).status).toBe(404);
    expect((await call(central.url, 'POST', `/v1/staff/tickets/${encodeURIComponent('<script>')}/notes`, { token: STAFF_TOKEN, body: { text: 'x' } })).status).toBe(400);

    const after = (await staff('GET', base, '/v1/staff/tickets/{ticketId}')).body as Detail;
    expect(after).toEqual(before);
    expect((await changes(cursor)).changes).toEqual([]);
  });

  it('lets an agent logged in as themselves work tickets and missed calls but not the fleet or the configuration; their API token alone does nothing', async () => {
    const t = await file(ticket(A.id));
    const session = await logInSession(central.url, AGENT);
    const asAgent = async (method: 'GET' | 'POST', url: string, template: string | null, body?: unknown) => {
      const r = await asSession(central.url, session, method, url, body !== undefined ? { body } : {});
      if (template !== null) contract.check(method, template, r);
      return r;
    };
    const res = await asAgent('POST', `/v1/staff/tickets/${t.id}/notes`, '/v1/staff/tickets/{ticketId}/notes', { text: '来电：乘客说明了情况' });
    expect(res.status).toBe(200);
    expect((res.body as Detail).activity.at(-1)?.actor).toBe(AGENT.username);
    expect((await asAgent('GET', '/v1/staff/missed-calls', '/v1/staff/missed-calls')).status).toBe(200);
    expect((await asAgent('GET', '/v1/staff/fleet', '/v1/staff/fleet')).status).toBe(403);
    expect((await asAgent('GET', '/v1/staff/config', null)).status).toBe(403);
    const unknownCall = await asAgent('POST', '/v1/staff/missed-calls/no-such-call/done', '/v1/staff/missed-calls/{callId}/done', { note: null });
    expect(unknownCall.status).toBe(404);

    // The agent's API token alone: refused on every route the console uses, nothing written.
    const before = ((await staff('GET', `/v1/staff/tickets/${t.id}`, '/v1/staff/tickets/{ticketId}')).body as Detail).activity.length;
    const byToken = await call(central.url, 'POST', `/v1/staff/tickets/${t.id}/notes`, { token: AGENT.apiToken, body: { text: 'by token' } });
    expect(byToken.status).toBe(403);
    expect(byToken.body).toMatchObject({ error: { code: 'agent-session-only' } });
    expect((await call(central.url, 'GET', '/v1/staff/missed-calls', { token: AGENT.apiToken })).status).toBe(403);
    expect((await call(central.url, 'GET', '/v1/staff/faq', { token: AGENT.apiToken })).status).toBe(403);
    expect(((await staff('GET', `/v1/staff/tickets/${t.id}`, '/v1/staff/tickets/{ticketId}')).body as Detail).activity).toHaveLength(before);
  });

  it('shows every kiosk in the fleet view and raises an alert for a silent one', async () => {
    const beat = (faulty: boolean) => ({
      kioskVersion: '1.4.2',
      nodeVersion: 'v24.22.3',
      uptimeSeconds: 3600,
      devices: [
        { device: 'card-reader', state: 'ok' },
        { device: 'printer', state: faulty ? 'fault' : 'ok' },
      ],
      outbox: { pending: 7, rejected: 1, oldestPendingAt: null },
      disk: { freeBytes: 1e9, totalBytes: 4e9 },
      clockOffsetMs: -1200,
      sentAt: new Date().toISOString(),
    });
    expect((await call(central.url, 'POST', `/v1/kiosks/${A.id}/heartbeat`, { token: A.token, body: beat(true) })).status).toBe(200);
    type Fleet = { kiosks: { kioskId: string; online: boolean; silent: boolean; kioskVersion: string | null; faults: { device: string; state: string }[]; outboxPending: number | null; clockOffsetMs: number | null }[] };
    const fleet = async () => (await staff('GET', '/v1/staff/fleet', '/v1/staff/fleet')).body as Fleet;
    let f = await fleet();
    expect(f.kiosks.find((k) => k.kioskId === A.id)).toEqual(
      expect.objectContaining({ online: true, silent: false, kioskVersion: '1.4.2', faults: [{ device: 'printer', state: 'fault' }], outboxPending: 7, clockOffsetMs: -1200 }),
    );
    expect(f.kiosks.find((k) => k.kioskId === B.id)).toEqual(expect.objectContaining({ online: false, silent: true, kioskVersion: null }));

    offsetMs += 181_000;
    f = await fleet();
    expect(f.kiosks.find((k) => k.kioskId === A.id)).toEqual(expect.objectContaining({ online: false, silent: true }));
    offsetMs -= 181_000;
  });
});
