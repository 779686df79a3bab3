/**
 * Station staff see only their own station, through the API, on both engines: a station-staff
 * account of Tiyu Xilu (logged in at /login/ with its session, or with its personal API token)
 * neither lists, nor opens, nor changes, replies to, notes or reopens a ticket of Futian: 404, as
 * if it did not exist, and the Futian ticket is unchanged. Asking the list for another station is
 * refused (403). The fleet, the kiosks, the alarms, the ratings and the device events they get
 * are their station's; a supervisor and an agent (logged in as themselves: an agent's API token
 * alone is refused) see every station.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig, StoredTicket, TicketHistoryEntry } from '../../central/storage/types.js';
import { uuidv7 } from '../../shared/ids.js';
import type { EmergencyAlarm } from '../../shared/sync.js';
import type { Rating } from '../../shared/ticket.js';
import { ENGINES, KIOSKS, call, item, ticket, ticketItem, uniqueStorage } from '../support/central.js';
import { asSession, logInSession, type PersonSession } from '../support/staff-session.js';

const HERE = KIOSKS.a; // GZ-TIYUXILU
const THERE = KIOSKS.c; // SZ-FUTIAN
const STAFF = { username: 'sun.staff', password: 'staff-password-0123', token: 'station-staff-token-0123456789' };
const SUPERVISOR = { username: 'li.supervisor', token: 'supervisor-token-for-scope-0123456789' };
const AGENT = { username: 'zhao.agent', password: 'agent-password-0123', token: 'agent-token-for-scope-0123456789' };

type Detail = { ticket: StoredTicket; history: TicketHistoryEntry[] };

describe.each(ENGINES)('station scope on %s', (engine) => {
  let central: RunningCentral;
  let storage: StorageConfig;
  let dir: string;
  let seq = 0;
  const mine = ticket(HERE.id, { description: '体育西路 闸机 gate at Tiyu Xilu' });
  const theirs = ticket(THERE.id, { stationId: THERE.stationId, description: '福田 售票机 ticket machine at Futian' });
  let session: PersonSession;

  const asStaff = (method: string, path: string, body?: unknown) => asSession(central.url, session, method, path, body !== undefined ? { body } : {});
  const asToken = (token: string) => (method: string, path: string, body?: unknown) => call(central.url, method, path, { token, ...(body !== undefined ? { body } : {}) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'station-scope-'));
    storage = uniqueStorage(engine, dir);
    central = await startCentral({
      storage,
      kiosks: [HERE, THERE],
      accounts: [
        { username: STAFF.username, role: 'station-staff', stationId: HERE.stationId, password: STAFF.password, apiToken: STAFF.token },
        { username: SUPERVISOR.username, role: 'supervisor', apiToken: SUPERVISOR.token },
        { username: AGENT.username, role: 'agent', password: AGENT.password, apiToken: AGENT.token },
      ],
      dataDir: dir,
      auth: { loginsPerMinute: 1000 },
    });
    for (const [k, t] of [[HERE, mine], [THERE, theirs]] as const) {
      const r = await call(central.url, 'POST', `/v1/kiosks/${k.id}/batches`, { token: k.token, body: { items: [ticketItem(++seq, t)] } });
      expect((r.body as { acks: unknown[] }).acks).toHaveLength(1);
    }
    // An emergency alarm at each station.
    for (const k of [HERE, THERE]) {
      const alarm: EmergencyAlarm = { id: uuidv7(), kioskId: k.id, stationId: k.stationId, raisedAt: new Date().toISOString(), language: 'zh', card: null };
      const r = await call(central.url, 'POST', `/v1/kiosks/${k.id}/batches`, { token: k.token, body: { items: [item(++seq, { kind: 'alarm', alarm })] } });
      expect((r.body as { acks: unknown[] }).acks, r.text).toHaveLength(1);
    }
    // A rating and a device event from each station's kiosk.
    for (const k of [HERE, THERE]) {
      const rating: Rating = { id: uuidv7(), score: k === HERE ? 5 : 1, reason: null, service: 'report', ticketId: null, kioskId: k.id, createdAt: new Date().toISOString() };
      const items = [item(++seq, { kind: 'rating', rating }), item(++seq, { kind: 'device-event', event: { device: 'printer', event: 'paper-low', severity: 'warning', detail: `at ${k.id}` } })];
      const r = await call(central.url, 'POST', `/v1/kiosks/${k.id}/batches`, { token: k.token, body: { items } });
      expect((r.body as { acks: unknown[] }).acks, r.text).toHaveLength(2);
    }
    session = await logInSession(central.url, STAFF);
  });
  afterAll(async () => {
    await central?.close();
    if (storage?.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const theirsNow = async () => ((await asToken(SUPERVISOR.token)('GET', `/v1/staff/tickets/${theirs.id}`)).body as Detail);

  it.each([
    ['the session of a staff member logged in at /login/', 'session'],
    ['the personal API token of the same account', 'token'],
  ] as const)('with %s: lists, opens and works only their own station’s tickets', async (_what, via) => {
    const as = via === 'session' ? asStaff : asToken(STAFF.token);
    const before = await theirsNow();

    const list = await as('GET', '/v1/staff/tickets?limit=50&offset=0');
    expect(list.status).toBe(200);
    const listed = list.body as { tickets: StoredTicket[]; total: number };
    expect(listed.tickets.map((t) => t.id)).toEqual([mine.id]);
    expect(listed.total).toBe(1);
    // Searching for the other ticket's words or id finds nothing.
    expect(((await as('GET', `/v1/staff/tickets?q=${encodeURIComponent('福田')}&limit=50&offset=0`)).body as { total: number }).total).toBe(0);
    expect(((await as('GET', `/v1/staff/tickets?q=${theirs.id}&limit=50&offset=0`)).body as { total: number }).total).toBe(0);
    const other = await as('GET', `/v1/staff/tickets?stationId=${THERE.stationId}&limit=50&offset=0`);
    expect(other.status).toBe(403);
    expect(other.text).toContain('other-station');

    expect((await as('GET', `/v1/staff/tickets/${mine.id}`)).status).toBe(200);
    const open = await as('GET', `/v1/staff/tickets/${theirs.id}`);
    expect(open.status).toBe(404);
    expect(open.text).not.toContain('福田');

    const changes: readonly (readonly [string, unknown])[] = [
      ['status', { status: 'resolved', note: 'closed from the wrong station' }],
      ['reply', { text: 'a reply from the wrong station' }],
      ['notes', { text: 'a note from the wrong station' }],
      ['priority', { priority: 'urgent' }],
      ['assign', { assignee: null }],
      ['reopen', { reason: 'reopened from the wrong station' }],
    ];
    for (const [path, body] of changes) {
      const r = await as('POST', `/v1/staff/tickets/${theirs.id}/${path}`, body);
      expect([path, r.status]).toEqual([path, 404]);
    }
    const after = await theirsNow();
    expect(after.ticket.status).toBe(before.ticket.status);
    expect(after.history).toEqual(before.history);
    expect(after.ticket.priority).toBe(before.ticket.priority);
    expect(JSON.stringify(after)).not.toContain('wrong station');

    // Their own station's ticket they can work.
    const done = await as('POST', `/v1/staff/tickets/${mine.id}/reply`, { text: 'staff are on the way 工作人员马上到', status: 'in-progress' });
    expect(done.status).toBe(200);
    expect((done.body as Detail).history.at(-1)).toMatchObject({ actor: STAFF.username, note: 'staff are on the way 工作人员马上到' });
  });

  it('gets the fleet, the kiosks and the alarms of their own station only', async () => {
    const as = asToken(STAFF.token);
    const fleet = (await as('GET', '/v1/staff/fleet')).body as { kiosks: { kioskId: string }[] };
    expect(fleet.kiosks.map((k) => k.kioskId)).toEqual([HERE.id]);
    const kiosks = (await as('GET', '/v1/staff/kiosks')).body as { kiosks: { id: string }[] };
    expect(kiosks.kiosks.map((k) => k.id)).toEqual([HERE.id]);
    const alarms = (await as('GET', '/v1/staff/alarms?state=all')).body as { alarms: { id: string; stationId: string }[] };
    expect(alarms.alarms.map((a) => a.stationId)).toEqual([HERE.stationId]);
    const everyAlarm = (await asToken(SUPERVISOR.token)('GET', '/v1/staff/alarms?state=all')).body as { alarms: { id: string; stationId: string }[] };
    const far = everyAlarm.alarms.find((a) => a.stationId === THERE.stationId);
    expect(far).toBeDefined();
    expect((await as('GET', `/v1/staff/alarms/${far!.id}`)).status).toBe(404);
    expect((await as('POST', `/v1/staff/alarms/${far!.id}/acknowledge`)).status).toBe(404);
    const still = (await asToken(SUPERVISOR.token)('GET', `/v1/staff/alarms/${far!.id}`)).body as { alarm: { state: string } };
    expect(still.alarm.state).not.toBe('acknowledged');
  });

  it.each([
    ['the session of a staff member logged in at /login/', 'session'],
    ['the personal API token of the same account', 'token'],
  ] as const)('with %s: gets the ratings and device events of their own station’s kiosks only, whatever kiosk they ask for', async (_what, via) => {
    const as = via === 'session' ? asStaff : asToken(STAFF.token);
    const ratings = await as('GET', '/v1/staff/ratings?limit=50&offset=0');
    expect(ratings.status).toBe(200);
    expect((ratings.body as { ratings: { kioskId: string; score: number }[] }).ratings.map((r) => [r.kioskId, r.score])).toEqual([[HERE.id, 5]]);
    const events = await as('GET', '/v1/staff/device-events?limit=50&offset=0');
    expect(events.status).toBe(200);
    expect((events.body as { events: { kioskId: string; detail: string | null }[] }).events.map((e) => [e.kioskId, e.detail])).toEqual([[HERE.id, `at ${HERE.id}`]]);
    // Asking for the other station's kiosk by its id gives nothing of it.
    for (const path of ['ratings', 'device-events']) {
      const r = await as('GET', `/v1/staff/${path}?kioskId=${THERE.id}&limit=50&offset=0`);
      expect([path, r.status]).toEqual([path, 200]);
      expect(r.text).not.toContain(THERE.id);
    }
    // A supervisor sees both stations' ratings and events.
    const all = (await asToken(SUPERVISOR.token)('GET', '/v1/staff/ratings?limit=50&offset=0')).body as { ratings: { kioskId: string }[] };
    expect(all.ratings.map((r) => r.kioskId).sort()).toEqual([HERE.id, THERE.id].sort());
    const allEvents = (await asToken(SUPERVISOR.token)('GET', '/v1/staff/device-events?limit=50&offset=0')).body as { events: { kioskId: string }[] };
    expect(allEvents.events.map((e) => e.kioskId).sort()).toEqual([HERE.id, THERE.id].sort());
  });

  it('lets a supervisor and an agent logged in as themselves see and work every station; an agent’s API token alone is refused', async () => {
    const agent = await logInSession(central.url, AGENT);
    const asAgent = (method: string, path: string, body?: unknown) => asSession(central.url, agent, method, path, body !== undefined ? { body } : {});
    for (const as of [asToken(SUPERVISOR.token), asAgent]) {
      const list = (await as('GET', '/v1/staff/tickets?limit=50&offset=0')).body as { tickets: StoredTicket[] };
      expect(list.tickets.map((t) => t.id).sort()).toEqual([mine.id, theirs.id].sort());
      expect((await as('GET', `/v1/staff/tickets/${theirs.id}`)).status).toBe(200);
    }
    const r = await asAgent('POST', `/v1/staff/tickets/${theirs.id}/notes`, { text: 'called the passenger back' });
    expect(r.status).toBe(200);
    const byToken = await asToken(AGENT.token)('GET', '/v1/staff/tickets?limit=50&offset=0');
    expect(byToken.status).toBe(403);
    expect(byToken.text).toContain('agent-session-only');
  });
});
