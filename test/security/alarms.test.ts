/**
 * Hostile input on the alarm routes the banner uses (list, seen, acknowledge) and on the alarm's
 * words a kiosk sends, on both engines: a clear 4xx, nothing stored (the alarm stays open, its
 * audit gets no step), nothing sent back unescaped. A logged-in browser's change needs its CSRF
 * token and central's own Origin; station staff of another station cannot see, mark or
 * acknowledge it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { uuidv7 } from '../../shared/ids.js';
import type { EmergencyAlarm } from '../../shared/sync.js';
import { ENGINES, KIOSKS, call, item, startCentralOn, type CentralFixture } from '../support/central.js';
import { asSession, logInSession, type PersonSession, type SessionRequest } from '../support/staff-session.js';

const HERE = KIOSKS.a;
const STAFF = { username: 'qian.staff', password: 'staff-password-0123' };
const FAR = { username: 'zhou.staff', token: 'far-station-staff-token-0123456789' };
const SUPERVISOR = { username: 'wu.supervisor', token: 'supervisor-token-for-alarms-0123456789' };
const MARKUP = '<img src=x onerror=alert(1)>';

describe.each(ENGINES)('alarm routes under hostile input (%s)', (engine) => {
  let fixture: CentralFixture;
  let central: RunningCentral;
  let seq = 0;
  let alarmId: string;
  let session: PersonSession;

  const steps = async () => ((await call(central.url, 'GET', `/v1/staff/alarms/${alarmId}`, { token: SUPERVISOR.token })).body as { alarm: { state: string }; steps: { step: string }[] });
  const raise = async (extra: Record<string, unknown>) => {
    const alarm = { id: uuidv7(), kioskId: HERE.id, stationId: HERE.stationId, raisedAt: new Date().toISOString(), language: 'zh', card: null, ...extra };
    return { alarm, r: await call(central.url, 'POST', `/v1/kiosks/${HERE.id}/batches`, { token: HERE.token, body: { items: [item(++seq, { kind: 'alarm', alarm: alarm as EmergencyAlarm })] } }) };
  };
  const asBrowser = (method: string, path: string, o: SessionRequest = {}) => asSession(central.url, session, method, path, o);

  beforeAll(async () => {
    fixture = await startCentralOn(engine, {
      kiosks: [HERE],
      accounts: [
        { username: STAFF.username, role: 'station-staff', stationId: HERE.stationId, password: STAFF.password },
        { username: FAR.username, role: 'station-staff', stationId: 'SZ-ELSEWHERE', apiToken: FAR.token },
        { username: SUPERVISOR.username, role: 'supervisor', apiToken: SUPERVISOR.token },
      ],
      auth: { loginsPerMinute: 1000 },
    });
    central = fixture.central;
    const { alarm, r } = await raise({ stationName: { zh: '体育西路站', en: 'Tiyu Xilu Station' }, location: { zh: 'B出口旁', en: 'By exit B' } });
    expect((r.body as { acks: { status: string }[] }).acks, r.text).toMatchObject([{ status: 'stored' }]);
    alarmId = alarm.id;
    session = await logInSession(central.url, STAFF);
  });
  afterAll(async () => {
    await fixture?.dispose();
  });

  it.each([
    ['markup', encodeURIComponent(MARKUP)],
    ['a path', '..%2F..%2Fv1%2Fstaff%2Ftickets'],
    ['SQL', encodeURIComponent("' OR 1=1 --")],
    ['a very long id', 'a'.repeat(5000)],
    ['a near-uuid', `${'019a6b1c-3f10-7abc-8def-0123456789a'}Z`],
  ])('an alarm id that is %s: 400 on seen and acknowledge, nothing stored, nothing echoed as markup', async (_what, id) => {
    for (const action of ['seen', 'acknowledge']) {
      const r = await asBrowser('POST', `/v1/staff/alarms/${id}/${action}`);
      expect([400, 404, 414]).toContain(r.status);
      expect(r.text).not.toContain('<img');
      expect(r.text).not.toContain('onerror=alert');
    }
    const g = await asBrowser('GET', `/v1/staff/alarms/${id}`);
    expect([400, 404, 414]).toContain(g.status);
    expect(g.text).not.toContain('<img');
    expect((await steps()).steps.map((s) => s.step)).toEqual(['raised']);
  });

  it.each([
    ['state=closed', 'state'],
    [`state=${encodeURIComponent(MARKUP)}`, 'state'],
    ['limit=0', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=1000000', 'limit'],
    ['limit=ten', 'limit'],
  ])('a list query with %s: 400 naming what is wrong, not echoing markup', async (query, field) => {
    const r = await asBrowser('GET', `/v1/staff/alarms?${query}`);
    expect(r.status).toBe(400);
    expect(r.text).toContain(field);
    expect(r.text).not.toContain('<img');
  });

  it('a logged-in browser without its CSRF token or from another origin changes nothing; nobody logged in gets 401', async () => {
    for (const action of ['seen', 'acknowledge']) {
      expect((await asBrowser('POST', `/v1/staff/alarms/${alarmId}/${action}`, { csrf: null })).status).toBe(403);
      expect((await asBrowser('POST', `/v1/staff/alarms/${alarmId}/${action}`, { csrf: 'f'.repeat(43) })).status).toBe(403);
      expect((await asBrowser('POST', `/v1/staff/alarms/${alarmId}/${action}`, { origin: 'http://evil.example' })).status).toBe(403);
      expect((await fetch(`${central.url}/v1/staff/alarms/${alarmId}/${action}`, { method: 'POST' })).status).toBe(401);
    }
    expect((await fetch(`${central.url}/v1/staff/alarms`)).status).toBe(401);
    const now = await steps();
    expect(now.alarm.state).toBe('open');
    expect(now.steps.map((s) => s.step)).toEqual(['raised']);
  });

  it('station staff of another station: not listed, and seen and acknowledge answer 404 as for no alarm, changing nothing', async () => {
    const as = (method: string, path: string) => call(central.url, method, path, { token: FAR.token });
    expect(((await as('GET', '/v1/staff/alarms?state=all')).body as { alarms: unknown[] }).alarms).toEqual([]);
    expect((await as('GET', `/v1/staff/alarms/${alarmId}`)).status).toBe(404);
    expect((await as('POST', `/v1/staff/alarms/${alarmId}/seen`)).status).toBe(404);
    expect((await as('POST', `/v1/staff/alarms/${alarmId}/acknowledge`)).status).toBe(404);
    const now = await steps();
    expect(now.alarm.state).toBe('open');
    expect(now.steps.map((s) => s.step)).toEqual(['raised']);
  });

  it.each([
    ['a station name with markup is taken as words and sent back only as JSON text', { stationName: { zh: MARKUP, en: MARKUP } }, 'stored'],
    ['an overlong location', { location: { zh: '出'.repeat(101), en: 'x' } }, 'rejected'],
    ['a location with a control character', { location: { zh: 'B出口\u0007', en: 'exit B' } }, 'rejected'],
    ['a station name missing its English', { stationName: { zh: '体育西路站' } }, 'rejected'],
    ['an unknown field in the words', { location: { zh: 'B', en: 'B', html: MARKUP } }, 'rejected'],
  ])('a kiosk sends %s', async (_what, extra, outcome) => {
    const before = ((await call(central.url, 'GET', '/v1/staff/alarms?state=all', { token: SUPERVISOR.token })).body as { alarms: unknown[] }).alarms.length;
    const { alarm, r } = await raise(extra);
    const acks = (r.body as { acks?: { status: string }[]; rejects?: unknown[] }).acks ?? [];
    const list = await call(central.url, 'GET', '/v1/staff/alarms?state=all', { token: SUPERVISOR.token });
    const alarms = (list.body as { alarms: { id: string }[] }).alarms;
    if (outcome === 'stored') {
      expect(acks).toMatchObject([{ status: 'stored' }]);
      expect(alarms.map((a) => a.id)).toContain(alarm.id);
    } else {
      expect(r.status === 400 || acks.every((a) => a.status !== 'stored'), r.text).toBe(true);
      expect(alarms).toHaveLength(before);
      expect(r.text).not.toContain('<img');
    }
  });
});
