/**
 * The management routes behind the administration page, on both engines: each asks for a
 * session (or a personal API token), the CSRF token and central's own Origin on a change, and the
 * role; hostile input (too long, control or bidi characters, a key that is not an EC P-256 public
 * key, an id already taken) gets a clear 4xx, stores nothing and never echoes the input; every
 * change is audited with the person; a kiosk's token is answered once and works at once, a
 * rotated or revoked one stops at once. Ended sessions are pruned.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { ENGINES, startCentralOn, type CentralFixture } from '../support/central.js';
import { asSession, logInSession, NOBODY, type SessionAnswer, type PersonSession, type SessionRequest } from '../support/staff-session.js';

const ADMIN = { username: 'zhou.admin', password: 'admin-password-0123', role: 'administrator' as const };
const SUPERVISOR = { username: 'wu.supervisor', password: 'supervisor-password-0123', role: 'supervisor' as const };
const STAFF = { username: 'zheng.staff', password: 'staff-password-0123', role: 'station-staff' as const, stationId: 'GZ-TIYUXILU' };
const AGENT = { username: 'wang.agent', password: 'agent-password-0123', role: 'agent' as const };

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const HOSTILE = '<img src=x onerror=alert(1)>';

describe.each(ENGINES)('administration routes on %s', (engine) => {
  let fixture: CentralFixture;
  let central: RunningCentral;
  let clock = Date.parse('2026-12-01T02:00:00Z');
  const now = () => new Date(clock);
  let admin: PersonSession;
  let supervisor: PersonSession;
  let staff: PersonSession;
  let agent: PersonSession;

  const login = (who: { username: string; password: string }): Promise<PersonSession> => logInSession(central.url, who);
  const as = (b: PersonSession, method: string, path: string, o: SessionRequest = {}): Promise<SessionAnswer> => asSession(central.url, b, method, path, o);

  const station = { name: { zh: '体育西路', en: 'Tiyu Xilu' }, lines: [{ zh: '1号线', en: 'Line 1' }, { zh: '3号线', en: 'Line 3' }] };

  beforeAll(async () => {
    fixture = await startCentralOn(engine, { now, accounts: [ADMIN, SUPERVISOR, STAFF, AGENT], auth: { loginsPerMinute: 1000 }, sessionPruneMs: 50 });
    central = fixture.central;
    [admin, supervisor, staff, agent] = [await login(ADMIN), await login(SUPERVISOR), await login(STAFF), await login(AGENT)];
    expect((await as(admin, 'PUT', '/v1/admin/stations/GZ-TIYUXILU', { body: station })).status).toBe(200);
  });

  afterAll(async () => {
    await fixture?.dispose();
  });

  const audit = async () => central.storage.accounts.listAudit({ limit: 50, offset: 0 });

  it('registers a kiosk with a token answered once that opens its sync at once; a duplicate is refused with 409', async () => {
    const r = await as(admin, 'POST', '/v1/admin/kiosks', { body: { id: 'GZ0301', stationId: 'GZ-TIYUXILU', location: 'B 出口旁 · by exit B' } });
    expect(r.status).toBe(201);
    const token = r.json['token'] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.json['kiosk']).toMatchObject({ id: 'GZ0301', station: station, location: 'B 出口旁 · by exit B', lastContactAt: null, revokedAt: null, ticketCode: 'GZ0301' });
    const changes = await fetch(`${central.url}/v1/kiosks/GZ0301/changes?cursor=0`, { headers: { authorization: `Bearer ${token}` } });
    expect(changes.status).toBe(200);
    // The list never carries a token or its hash.
    const list = await as(admin, 'GET', '/v1/admin/kiosks');
    expect(list.text).not.toContain(token);
    expect(list.text).not.toMatch(/tokenHash|[0-9a-f]{64}/);
    const again = await as(admin, 'POST', '/v1/admin/kiosks', { body: { id: 'GZ0301', stationId: 'GZ-TIYUXILU', location: 'elsewhere' } });
    expect(again.status).toBe(409);
    expect((await central.storage.admin.listKioskDetails()).find((d) => d.kioskId === 'GZ0301')?.location).toBe('B 出口旁 · by exit B');
    const rows = await audit();
    expect(rows.find((e) => e.action === 'kiosk-register')).toMatchObject({ actor: ADMIN.username, role: 'administrator', target: 'GZ0301', detail: 'station GZ-TIYUXILU' });
    // The refused second registration is audited too, with its answer.
    expect(rows[0]).toMatchObject({ actor: ADMIN.username, action: 'POST /v1/admin/kiosks', detail: 'status 409' });
  });

  it('rotates a token (the old one stops at once) and revokes it (no token opens the kiosk), audited', async () => {
    const first = (await as(admin, 'POST', '/v1/admin/kiosks', { body: { id: 'GZ0302', stationId: 'GZ-TIYUXILU', location: 'A 出口 · exit A' } })).json['token'] as string;
    const rotated = await as(admin, 'POST', '/v1/admin/kiosks/GZ0302/rotate-token');
    expect(rotated.status).toBe(200);
    const second = rotated.json['token'] as string;
    expect(second).not.toBe(first);
    const sync = (t: string) => fetch(`${central.url}/v1/kiosks/GZ0302/changes?cursor=0`, { headers: { authorization: `Bearer ${t}` } }).then((r) => r.status);
    expect([await sync(first), await sync(second)]).toEqual([401, 200]);
    const revoked = await as(admin, 'POST', '/v1/admin/kiosks/GZ0302/revoke');
    expect(revoked.status).toBe(200);
    expect((revoked.json['kiosk'] as { revokedAt: string }).revokedAt).toBe(now().toISOString());
    expect(revoked.text).not.toContain('token"');
    expect(await sync(second)).toBe(401);
    expect((await audit()).slice(0, 2).map((e) => [e.actor, e.action, e.target])).toEqual([
      [ADMIN.username, 'kiosk-revoke', 'GZ0302'],
      [ADMIN.username, 'kiosk-rotate-token', 'GZ0302'],
    ]);
    expect((await as(admin, 'POST', '/v1/admin/kiosks/NOPE01/revoke')).status).toBe(404);
  });

  it('refuses hostile kiosk input with 400, stores nothing and echoes nothing', async () => {
    const before = (await central.storage.listKiosks()).length;
    for (const body of [
      { id: 'GZ0399', stationId: 'GZ-TIYUXILU', location: 'x'.repeat(101) },
      { id: 'GZ0399', stationId: 'GZ-TIYUXILU', location: 'exit\u202Eb' },
      { id: 'GZ0399', stationId: 'GZ-TIYUXILU', location: 'exit\nb' },
      { id: 'GZ0399', stationId: 'GZ-TIYUXILU', location: '   ' },
      { id: HOSTILE, stationId: 'GZ-TIYUXILU', location: 'exit' },
      { id: 'GZ0399', stationId: 'NOT-A-STATION', location: 'exit' },
      { id: 'GZ0399', stationId: 'GZ-TIYUXILU', location: 'exit', token: 'chosen-by-the-caller-0123' },
    ]) {
      const r = await as(admin, 'POST', '/v1/admin/kiosks', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.text).not.toContain('<img');
      expect(r.text).not.toContain('\u202E');
    }
    expect((await central.storage.listKiosks()).length).toBe(before);
  });

  it('enrols a technician only with an EC P-256 public key, refuses an id enrolled already, and audits', async () => {
    const ok = await as(admin, 'POST', '/v1/admin/technicians', { body: { technicianId: 'T-0100', name: '李工 Li', publicKeyPem: p256() } });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ technicianId: 'T-0100', name: '李工 Li', revokedAt: null });
    const count = async () => (await central.storage.listTechnicians()).length;
    const n = await count();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const priv = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const [body, status] of [
      [{ technicianId: 'T-0101', name: 'Rsa', publicKeyPem: rsa }, 400],
      [{ technicianId: 'T-0101', name: 'P384', publicKeyPem: p384 }, 400],
      [{ technicianId: 'T-0101', name: 'Private', publicKeyPem: priv }, 400],
      [{ technicianId: 'T-0101', name: 'Garbage', publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${HOSTILE}\n-----END PUBLIC KEY-----` }, 400],
      [{ technicianId: 'T-0101', name: 'x'.repeat(101), publicKeyPem: p256() }, 400],
      [{ technicianId: 'T-0101', name: 'Li\u0007', publicKeyPem: p256() }, 400],
      [{ technicianId: 'T-0101', name: 'Li\u2066x', publicKeyPem: p256() }, 400],
      [{ technicianId: HOSTILE, name: 'Li', publicKeyPem: p256() }, 400],
      [{ technicianId: 'T-0100', name: 'Again', publicKeyPem: p256() }, 409],
    ] as const) {
      const r = await as(admin, 'POST', '/v1/admin/technicians', { body });
      expect(r.status, body.name).toBe(status);
      expect(r.text).not.toContain('<img');
      expect(r.text).not.toContain('PRIVATE KEY');
    }
    expect(await count()).toBe(n);
    const wrongKey = await as(admin, 'POST', '/v1/admin/technicians', { body: { technicianId: 'T-0101', name: 'Rsa', publicKeyPem: rsa } });
    expect(JSON.parse(wrongKey.text)).toMatchObject({ error: { code: 'invalid-public-key', message: 'the key must be ECDSA P-256 (prime256v1)' } });
    expect((await audit()).find((e) => e.action === 'technician-enrol')).toMatchObject({ actor: ADMIN.username, target: 'T-0100' });
  });

  it('blocks a card once (a second time is 409), masks it in the answer and the audit, refuses a bad reason', async () => {
    const add = await as(supervisor, 'POST', '/v1/admin/blocklist', { body: { cardNumber: '3104555566667777', reason: '挂失 reported lost' } });
    expect(add.status).toBe(201);
    expect(add.json).toEqual({ cardNumber: '3104 **** **** 7777', reason: '挂失 reported lost' });
    expect((await as(supervisor, 'POST', '/v1/admin/blocklist', { body: { cardNumber: '3104555566667777', reason: 'again' } })).status).toBe(409);
    for (const reason of ['x'.repeat(201), 'lost\u202E', '', '  ']) expect((await as(supervisor, 'POST', '/v1/admin/blocklist', { body: { cardNumber: '3104555566668888', reason } })).status).toBe(400);
    expect((await as(supervisor, 'POST', '/v1/admin/blocklist', { body: { cardNumber: '31045555<b>', reason: 'x' } })).status).toBe(400);
    expect((await central.storage.listBlocklist()).map((e) => e.cardNumber)).toEqual(['3104555566667777']);
    const rows = await audit();
    expect(rows.find((e) => e.action === 'blocklist-add')).toMatchObject({ actor: SUPERVISOR.username, role: 'supervisor', target: '3104 **** **** 7777', detail: '挂失 reported lost' });
    expect(JSON.stringify(rows)).not.toContain('3104555566667777');
    const listed = await as(supervisor, 'GET', '/v1/admin/audit?action=blocklist-add');
    expect(listed.text).not.toContain('3104555566667777');
    // The generic audit of the staff route masks the number too.
    expect((await as(supervisor, 'DELETE', '/v1/staff/blocklist/3104555566667777')).status).toBe(204);
    expect((await audit())[0]).toMatchObject({ action: 'DELETE /v1/staff/blocklist/:cardNumber', target: '{"cardNumber":"3104 **** **** 7777"}' });
  });

  it('names stations in zh and en with their lines; refuses hostile names; every person may read them', async () => {
    for (const body of [
      { name: { zh: '', en: 'X' }, lines: [] },
      { name: { zh: '站\u202E', en: 'X' }, lines: [] },
      { name: { zh: '站', en: 'x'.repeat(61) }, lines: [] },
      { name: { zh: '站', en: 'X' }, lines: Array.from({ length: 13 }, () => ({ zh: '1号线', en: 'Line 1' })) },
      { name: { zh: '站', en: 'X' }, lines: [{ zh: '1号线', en: HOSTILE.replace(/ /g, '') + '\u0000' }] },
    ]) {
      expect((await as(admin, 'PUT', '/v1/admin/stations/SZ-FUTIAN', { body })).status).toBe(400);
    }
    expect((await as(admin, 'PUT', `/v1/admin/stations/${encodeURIComponent('../etc')}`, { body: station })).status).toBe(400);
    expect((await central.storage.admin.listStations()).map((s) => s.id)).toEqual(['GZ-TIYUXILU']);
    const read = await as(agent, 'GET', '/v1/staff/stations');
    expect(read.status).toBe(200);
    expect(read.json['stations']).toEqual([{ id: 'GZ-TIYUXILU', ...station, updatedAt: expect.any(String) as string }]);
  });

  it('checks role, session, CSRF token and Origin on every management route', async () => {
    const routes: [string, string, unknown][] = [
      ['GET', '/v1/admin/kiosks', undefined],
      ['POST', '/v1/admin/kiosks', { id: 'GZ0398', stationId: 'GZ-TIYUXILU', location: 'exit C' }],
      ['POST', '/v1/admin/kiosks/GZ0301/rotate-token', undefined],
      ['POST', '/v1/admin/kiosks/GZ0301/revoke', undefined],
      ['POST', '/v1/admin/technicians', { technicianId: 'T-0200', name: 'Zhang', publicKeyPem: p256() }],
      ['PUT', '/v1/admin/stations/SZ-FUTIAN', station],
    ];
    for (const [method, path, body] of routes) {
      const opts = body === undefined ? {} : { body };
      for (const who of [staff, agent, supervisor]) expect((await as(who, method, path, opts)).status, `${method} ${path}`).toBe(403);
      expect((await as(NOBODY, method, path, opts)).status).toBe(401);
      if (method !== 'GET') {
        expect((await as(admin, method, path, { ...opts, csrf: null })).status).toBe(403);
        expect((await as(admin, method, path, { ...opts, csrf: 'x'.repeat(43) })).status).toBe(403);
        expect((await as(admin, method, path, { ...opts, origin: 'http://evil.example' })).status).toBe(403);
        expect((await as(admin, method, path, { ...opts, origin: null })).status).toBe(403);
      }
    }
    for (const who of [staff, agent]) expect((await as(who, 'POST', '/v1/admin/blocklist', { body: { cardNumber: '3104000011112222', reason: 'x' } })).status).toBe(403);
    expect((await as(staff, 'GET', '/v1/admin/audit')).status).toBe(403);
    expect((await as(agent, 'GET', '/v1/admin/audit')).status).toBe(403);
    expect((await as(supervisor, 'GET', '/v1/admin/audit')).status).toBe(200);
    // Nothing of the refused calls was stored.
    expect((await central.storage.listKiosks()).map((k) => k.id)).not.toContain('GZ0398');
    expect((await central.storage.listTechnicians()).map((t) => t.technicianId)).not.toContain('T-0200');
    expect((await central.storage.admin.listStations()).map((s) => s.id)).toEqual(['GZ-TIYUXILU']);
  });

  it('filters the audit by person, action and time, with words for the action and the role', async () => {
    const r = await as(supervisor, 'GET', `/v1/admin/audit?username=${ADMIN.username}&action=kiosk-register`);
    const entries = r.json['entries'] as { actor: string; action: string; actionWords: { zh: string; en: string }; roleWords: { en: string } }[];
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) expect(e).toMatchObject({ actor: ADMIN.username, action: 'kiosk-register', actionWords: { zh: '登记终端', en: 'Registered a kiosk' }, roleWords: { en: 'Administrator' } });
    const later = new Date(clock + 60_000).toISOString();
    expect(((await as(supervisor, 'GET', `/v1/admin/audit?from=${encodeURIComponent(later)}`)).json['entries'] as unknown[]).length).toBe(0);
    expect((await as(supervisor, 'GET', `/v1/admin/audit?action=${encodeURIComponent(HOSTILE)}`)).status).toBe(400);
    expect((await as(supervisor, 'GET', '/v1/admin/audit?from=yesterday')).status).toBe(400);
  });

  it('prunes ended sessions by itself: expired, idle past the limit, revoked; a live one stays', async () => {
    const live = await login(ADMIN);
    expect((await as(live, 'GET', '/v1/session')).status).toBe(200);
    const before = await central.storage.accounts.sessionCount();
    expect(before).toBeGreaterThanOrEqual(5);
    // 31 minutes on: every session so far is idle past the 30-minute limit; one made now is not.
    clock += 31 * 60_000;
    const fresh = await login(SUPERVISOR);
    const deadline = Date.now() + 5_000;
    while ((await central.storage.accounts.sessionCount()) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(await central.storage.accounts.sessionCount()).toBe(1);
    expect((await as(fresh, 'GET', '/v1/session')).status).toBe(200);
    expect((await as(live, 'GET', '/v1/session')).status).toBe(401);
    // A logged-out session goes too.
    expect((await as(fresh, 'DELETE', '/v1/session')).status).toBe(204);
    clock += 1000;
    const end = Date.now() + 5_000;
    while ((await central.storage.accounts.sessionCount()) !== 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    expect(await central.storage.accounts.sessionCount()).toBe(0);
  });
});
