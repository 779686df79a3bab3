/**
 * Personal accounts at central, on both engines (a real SQLite file and a fresh PostgreSQL
 * schema): logging in with a password, the session cookie and its flags, CSRF and Origin on every
 * change, the login rate limit and the account lockout, sessions that expire, idle out and end
 * at logout or disable (on every instance: they are rows), roles refused with 403, personal API
 * tokens, hostile input refused with nothing stored, and every action audited with the person.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parametersOf, verifyPassword } from '../../central/accounts/password.js';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { ENGINES, uniqueStorage } from '../support/central.js';
import { asSession, type PersonSession, type SessionAnswer, type SessionRequest } from '../support/staff-session.js';

const ADMIN = { username: 'zhao.admin', password: 'admin-password-0123', role: 'administrator' as const };
const SUPERVISOR = { username: 'qian.supervisor', password: 'supervisor-password-0123', role: 'supervisor' as const };
const STAFF = { username: 'sun.staff', password: 'staff-password-0123', role: 'station-staff' as const, stationId: 'GZ-TIYUXILU' };
const AGENT = { username: 'li.agent', password: 'agent-password-0123', role: 'agent' as const };
const SCRIPT_TOKEN = 'script-token-of-zhao-admin-0123456789';

describe.each(ENGINES)('personal accounts on %s', (engine) => {
  let dir: string;
  let storage: StorageConfig;
  let central: RunningCentral;
  let second: RunningCentral | null = null;
  let clock = Date.parse('2026-12-01T02:00:00Z');
  const now = () => new Date(clock);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'central-accounts-'));
    storage = uniqueStorage(engine, dir);
    central = await startCentral({
      storage,
      dataDir: dir,
      now,
      accounts: [{ ...ADMIN, apiToken: SCRIPT_TOKEN }, SUPERVISOR, STAFF, AGENT],
      auth: { loginsPerMinute: 1000 },
    });
  });

  afterAll(async () => {
    await second?.close();
    await central.close();
    if (storage.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const url = () => central.url;

  async function login(who: { username: string; password: string }, base = url()): Promise<{ status: number; browser: PersonSession; setCookie: string | null; body: Record<string, unknown> }> {
    const res = await fetch(`${base}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ username: who.username, password: who.password }) });
    const setCookie = res.headers.get('set-cookie');
    const body = (await res.json()) as Record<string, unknown>;
    return { status: res.status, setCookie, body, browser: { cookie: setCookie ? setCookie.split(';')[0]! : null, csrf: typeof body['csrfToken'] === 'string' ? body['csrfToken'] : null } };
  }

  /** A request as the browser: cookie, own Origin, the CSRF token on changes, unless told otherwise. */
  const as = (b: PersonSession, method: string, path: string, o: SessionRequest & { readonly base?: string } = {}): Promise<SessionAnswer> => asSession(o.base ?? url(), b, method, path, o);

  const accountNames = async (): Promise<string[]> => (await central.storage.accounts.list()).map((a) => a.username);

  it('stores an Argon2id hash with its parameters, never the password', async () => {
    const a = await central.storage.accounts.byUsername(ADMIN.username);
    expect(a?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(parametersOf(a!.passwordHash!)).toEqual({ memory: 19456, passes: 2, parallelism: 1 });
    expect(a?.passwordHash).not.toContain(ADMIN.password);
    expect(await verifyPassword(ADMIN.password, a!.passwordHash!)).toBe(true);
    expect(await verifyPassword('admin-password-0124', a!.passwordHash!)).toBe(false);
  });

  it('logs in with the right password: HttpOnly, SameSite=Strict, Path=/ cookie with an expiry, no Secure over http', async () => {
    const r = await login(ADMIN);
    expect(r.status).toBe(200);
    expect(r.setCookie).toMatch(/^kiosk_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(r.body).toMatchObject({ person: { username: ADMIN.username, role: 'administrator', home: '/admin/' } });
    const me = await as(r.browser, 'GET', '/v1/session');
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text)).toMatchObject({ person: { username: ADMIN.username, roleWords: { zh: '系统管理员', en: 'Administrator' } } });
  });

  it('marks the cookie Secure (and __Host-) when central is reached over https', async () => {
    const res = await central.app.inject({ method: 'POST', url: '/v1/session', headers: { 'x-forwarded-proto': 'https', 'content-type': 'application/json' }, payload: { username: ADMIN.username, password: ADMIN.password } });
    // Fastify does not trust x-forwarded-proto unless told: this stays http, Secure off …
    expect(res.headers['set-cookie']).not.toMatch(/Secure/);
    // … and a central configured for https (behind its TLS proxy) always sets it.
    const https = await startCentral({ storage: uniqueStorage('sqlite', mkdtempSync(join(tmpdir(), 'central-https-'))), accounts: [ADMIN], auth: { secureCookies: true } });
    try {
      const r = await login(ADMIN, https.url);
      expect(r.setCookie).toMatch(/^__Host-kiosk_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
    } finally {
      await https.close();
    }
  });

  it('refuses a wrong password and an unknown name alike (401), and audits both', async () => {
    const wrong = await login({ username: SUPERVISOR.username, password: 'not-the-password' });
    const unknown = await login({ username: 'nobody.here', password: 'not-the-password' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.setCookie).toBeNull();
    expect(wrong.body).toEqual(unknown.body);
    const audit = await central.storage.accounts.listAudit({ limit: 5, offset: 0 });
    expect(audit.map((e) => [e.actor, e.action])).toEqual(expect.arrayContaining([[SUPERVISOR.username, 'login-failed'], ['anonymous', 'login-failed']]));
    await central.storage.accounts.succeededLogin((await central.storage.accounts.byUsername(SUPERVISOR.username))!.id);
  });

  it('locks an account after 5 wrong passwords, even against the right one, until the lock ends', async () => {
    for (let i = 0; i < 4; i++) expect((await login({ username: SUPERVISOR.username, password: `wrong-${i}-password` })).status).toBe(401);
    const fifth = await login({ username: SUPERVISOR.username, password: 'wrong-4-password' });
    expect(fifth.status).toBe(423);
    expect(fifth.body).toMatchObject({ error: { code: 'account-locked' } });
    const right = await login(SUPERVISOR);
    expect(right.status).toBe(423);
    expect(right.setCookie).toBeNull();
    clock += 16 * 60_000;
    expect((await login(SUPERVISOR)).status).toBe(200);
  });

  it('limits login attempts per address (across instances: they are rows)', async () => {
    const limited = await startCentral({ storage, dataDir: dir, now, auth: { loginsPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await login({ username: 'nobody.here', password: 'whatever-password' }, limited.url)).status);
      expect(statuses.slice(-2)).toEqual([429, 429]);
      clock += 61_000;
      expect((await login(AGENT, limited.url)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('refuses a change without the CSRF token, with a wrong one, or from another origin (403); nothing stored', async () => {
    const { browser } = await login(ADMIN);
    const body = { username: 'csrf.victim', role: 'agent', password: 'victim-password-0123' };
    expect(await as(browser, 'POST', '/v1/admin/accounts', { body, csrf: null })).toMatchObject({ status: 403 });
    expect(await as(browser, 'POST', '/v1/admin/accounts', { body, csrf: 'x'.repeat(43) })).toMatchObject({ status: 403 });
    expect(await as(browser, 'POST', '/v1/admin/accounts', { body, origin: 'http://evil.example' })).toMatchObject({ status: 403 });
    expect(await as(browser, 'POST', '/v1/admin/accounts', { body, origin: null })).toMatchObject({ status: 403 });
    expect(await accountNames()).not.toContain('csrf.victim');
    // A login posted from another site's page is refused too.
    const cross = await fetch(`${url()}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }) });
    expect(cross.status).toBe(403);
    expect(cross.headers.get('set-cookie')).toBeNull();
  });

  it('an administrator adds an agent on the API; the agent logs in; audited with the administrator', async () => {
    const { browser } = await login(ADMIN);
    const r = await as(browser, 'POST', '/v1/admin/accounts', { body: { username: 'zhou.agent', displayName: '周客服', role: 'agent', password: 'zhou-password-0123' } });
    expect(r.status).toBe(201);
    expect((await login({ username: 'zhou.agent', password: 'zhou-password-0123' })).status).toBe(200);
    const audit = await central.storage.accounts.listAudit({ limit: 20, offset: 0 });
    expect(audit).toContainEqual(expect.objectContaining({ actor: ADMIN.username, role: 'administrator', action: 'account-add', target: 'zhou.agent' }));
  });

  it('refuses each role what it may not do with 403, and nobody with 401', async () => {
    const staff = (await login(STAFF)).browser;
    const agent = (await login(AGENT)).browser;
    const supervisor = (await login(SUPERVISOR)).browser;
    expect((await as(staff, 'GET', '/v1/admin/accounts')).status).toBe(403);
    expect((await as(supervisor, 'GET', '/v1/admin/accounts')).status).toBe(403);
    expect((await as(agent, 'POST', '/v1/admin/accounts', { body: { username: 'x.agent', role: 'administrator', password: 'x-password-0123456' } })).status).toBe(403);
    expect((await as(staff, 'PUT', '/v1/staff/blocklist/3104123412342345', { body: { reason: 'lost' } })).status).toBe(403);
    expect((await as(supervisor, 'PUT', '/v1/staff/blocklist/3104123412342345', { body: { reason: 'lost' } })).status).toBe(200);
    expect((await as(staff, 'GET', '/v1/staff/tickets')).status).toBe(200);
    expect((await as({ cookie: null, csrf: null }, 'GET', '/v1/staff/tickets')).status).toBe(401);
    expect(await accountNames()).not.toContain('x.agent');
    const forbidden = JSON.parse((await as(staff, 'GET', '/v1/admin/accounts')).text) as { error: { message: string } };
    expect(forbidden.error.message).toContain('Station staff');
  });

  it('a session ends after its idle time and after its lifetime', async () => {
    const { browser } = await login(STAFF);
    clock += 29 * 60_000;
    expect((await as(browser, 'GET', '/v1/session')).status).toBe(200);
    clock += 31 * 60_000;
    expect((await as(browser, 'GET', '/v1/session')).status).toBe(401);
    const kept = (await login(STAFF)).browser;
    for (let i = 0; i < 25; i++) {
      clock += 29 * 60_000;
      if ((await as(kept, 'GET', '/v1/session')).status !== 200) break;
    }
    // 12 h after login it is over, however busy the person was.
    expect((await as(kept, 'GET', '/v1/session')).status).toBe(401);
  });

  it('logout and disable end a session on every instance', async () => {
    second = await startCentral({ storage, dataDir: dir, now });
    const first = (await login(AGENT)).browser;
    expect((await as(first, 'GET', '/v1/session', { base: second.url })).status).toBe(200);
    expect((await as(first, 'DELETE', '/v1/session', { origin: second.url, base: second.url })).status).toBe(204);
    expect((await as(first, 'GET', '/v1/session')).status).toBe(401);

    // An administrator on the second instance disables the agent: the agent's session on the first ends at once.
    const agent = (await login(AGENT)).browser;
    const admin = (await login(ADMIN, second.url)).browser;
    expect((await as(agent, 'GET', '/v1/staff/tickets')).status).toBe(200);
    expect((await as(admin, 'POST', `/v1/admin/accounts/${AGENT.username}/disable`, { base: second.url })).status).toBe(200);
    expect((await as(agent, 'GET', '/v1/staff/tickets')).status).toBe(401);
    expect((await login(AGENT)).status).toBe(403);
    expect((await as(admin, 'POST', `/v1/admin/accounts/${AGENT.username}/enable`, { base: second.url })).status).toBe(200);
    expect((await login(AGENT)).status).toBe(200);
  });

  it('personal API tokens act as their person (audited), and stop when the account is disabled', async () => {
    const bearer = { authorization: `Bearer ${SCRIPT_TOKEN}`, 'content-type': 'application/json' };
    const put = await fetch(`${url()}/v1/staff/blocklist/3104999988887777`, { method: 'PUT', headers: bearer, body: JSON.stringify({ reason: 'reported stolen' }) });
    expect(put.status).toBe(200);
    const audit = await central.storage.accounts.listAudit({ limit: 5, offset: 0 });
    expect(audit[0]).toMatchObject({ actor: ADMIN.username, role: 'administrator', action: 'PUT /v1/staff/blocklist/:cardNumber', target: '{"cardNumber":"3104 **** **** 7777"}', detail: 'status 200' });
    // A second administrator disables the first: the token stops.
    await central.storage.accounts.add({ id: 'second-admin', username: 'wu.admin', displayName: 'wu', role: 'administrator', stationId: null, passwordHash: null }, now().toISOString());
    await central.storage.accounts.change((await central.storage.accounts.byUsername(ADMIN.username))!.id, { disabledAt: now().toISOString() }, now().toISOString());
    expect((await fetch(`${url()}/v1/staff/tickets`, { headers: bearer })).status).toBe(401);
    await central.storage.accounts.change((await central.storage.accounts.byUsername(ADMIN.username))!.id, { disabledAt: null }, now().toISOString());
    await central.storage.accounts.change('second-admin', { disabledAt: now().toISOString() }, now().toISOString());
  });

  it('refuses hostile input on the account forms with a clear 400, stores nothing, echoes nothing', async () => {
    const { browser } = await login(ADMIN);
    const before = await accountNames();
    const hostile: unknown[] = [
      { username: '<script>alert(1)</script>', role: 'agent', password: 'hostile-password-0123' },
      { username: 'ok.name', role: 'root', password: 'hostile-password-0123' },
      { username: 'ok.name', role: 'agent', password: 'short' },
      { username: 'ok.name', role: 'agent', password: 'hostile-password-0123', displayName: 'a\u0000b' },
      { username: 'ok.name', role: 'station-staff', password: 'hostile-password-0123' },
      { username: 'ok.name', role: 'station-staff', stationId: '../../etc', password: 'hostile-password-0123' },
      { username: 'ok.name', role: 'agent', password: 'hostile-password-0123', isAdmin: true },
      { username: "x' OR 1=1 --", role: 'agent', password: 'hostile-password-0123' },
      { username: 'ok.name', role: 'agent', password: 'x'.repeat(5000) },
    ];
    for (const body of hostile) {
      const r = await as(browser, 'POST', '/v1/admin/accounts', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(r.text)).toMatchObject({ error: { code: expect.any(String) as unknown, message: expect.any(String) as unknown } });
      expect(r.text).not.toContain('<script>');
    }
    const malformed = await fetch(`${url()}/v1/admin/accounts`, { method: 'POST', headers: { cookie: browser.cookie!, origin: url(), 'x-csrf-token': browser.csrf!, 'content-type': 'application/json' }, body: '{"username":' });
    expect(malformed.status).toBe(400);
    expect((await as(browser, 'POST', '/v1/admin/accounts/%3Cscript%3E/disable')).status).toBe(400);
    expect((await as(browser, 'POST', '/v1/admin/accounts/no.such.person/disable')).status).toBe(404);
    expect((await as(browser, 'POST', `/v1/admin/accounts/${AGENT.username}/password`, { body: { password: 'short' } })).status).toBe(400);
    expect(await accountNames()).toEqual(before);
    const login400 = await fetch(`${url()}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x', password: 'y', extra: '<b>' }) });
    expect(login400.status).toBe(400);
  });

  it('keeps one enabled administrator: the last one cannot be disabled or demoted', async () => {
    const { browser } = await login(ADMIN);
    const r = await as(browser, 'POST', `/v1/admin/accounts/${ADMIN.username}/disable`);
    expect(r.status).toBe(409);
    expect((await as(browser, 'POST', `/v1/admin/accounts/${ADMIN.username}/role`, { body: { role: 'agent' } })).status).toBe(409);
    expect((await central.storage.accounts.byUsername(ADMIN.username))?.disabledAt).toBeNull();
  });

  it('the agent console socket: a session from central’s page logs the agent in; another Origin is refused at the upgrade', async () => {
    const agent = (await login(AGENT)).browser;
    const ws = central.url.replace('http', 'ws') + '/calls/agent';
    const refused = await new Promise<number>((resolve) => {
      const s = new WebSocket(ws, { headers: { cookie: agent.cookie!, origin: 'http://evil.example' } });
      s.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      s.on('open', () => resolve(101));
      s.on('error', () => undefined);
    });
    expect(refused).toBe(403);
    const staff = (await login(STAFF)).browser;
    const staffRefused = await new Promise<number>((resolve) => {
      const s = new WebSocket(ws, { headers: { cookie: staff.cookie!, origin: central.url } });
      s.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      s.on('open', () => resolve(101));
      s.on('error', () => undefined);
    });
    expect(staffRefused).toBe(403);
    const welcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const s = new WebSocket(ws, { headers: { cookie: agent.cookie!, origin: central.url } });
      s.on('message', (d: Buffer) => {
        const m = JSON.parse(d.toString('utf8')) as Record<string, unknown>;
        if (m['type'] === 'welcome') {
          s.close();
          resolve(m);
        }
      });
      s.on('error', reject);
    });
    expect(welcome).toMatchObject({ type: 'welcome', name: AGENT.username });
  });
});
