/**
 * Logging in and out (`/v1/session`), the demo notice (`/v1/demo`), and the administrator's
 * account routes (`/v1/admin/accounts…`) and audit (`/v1/admin/audit`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiFailure } from '../api/errors.js';
import type { CentralStorage } from '../storage/types.js';
import { ownOrigin, requestOrigin, type Guard, type Person } from './guard.js';
import { decoyHash, verifyPassword, PASSWORD_MAX } from './password.js';
import { AUDIT_ACTION_WORDS, auditActionWords, maskCardNumbersIn } from './audit-actions.js';
import { can, CAPABILITIES, isRole, ROLES, ROLE_WORDS, type Role } from './roles.js';
import { AccountProblem, addAccount, changeRole, disableAccount, enableAccount, resetPassword, STATION_ID_PATTERN, USERNAME_PATTERN } from './service.js';
import type { Account } from './store.js';

export interface DemoLogin {
  readonly username: string;
  readonly password: string;
  readonly role: Role;
}

export interface AccountRoutesOptions {
  readonly storage: CentralStorage;
  readonly guard: Guard;
  readonly now: () => Date;
  /** The published demo logins, shown on the login page (with --demo only). */
  readonly demoLogins: readonly DemoLogin[];
}

/** Where a person goes after logging in. */
export function homeOf(role: Role): string {
  return role === 'agent' ? '/console/' : role === 'administrator' ? '/admin/' : '/staff/';
}

const person = (p: Person) => ({
  username: p.username,
  displayName: p.displayName,
  role: p.role,
  roleWords: ROLE_WORDS[p.role],
  stationId: p.stationId,
  capabilities: CAPABILITIES.filter((c) => can(p.role, c)),
  home: homeOf(p.role),
});

const accountView = (a: Account) => ({
  username: a.username,
  displayName: a.displayName,
  role: a.role,
  roleWords: ROLE_WORDS[a.role],
  stationId: a.stationId,
  disabledAt: a.disabledAt,
  lockedUntil: a.lockedUntil,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});

const PASSWORD = { type: 'string', minLength: 1, maxLength: PASSWORD_MAX * 4 } as const;
const USERNAME_PARAMS = { type: 'object', required: ['username'], additionalProperties: false, properties: { username: { type: 'string', pattern: USERNAME_PATTERN } } } as const;
const STATION = { anyOf: [{ type: 'string', pattern: STATION_ID_PATTERN }, { type: 'null' }] } as const;
const ROLE = { type: 'string', enum: [...ROLES] } as const;

function problem(e: unknown): never {
  if (e instanceof AccountProblem) throw new ApiFailure(e.code === 'no-such-account' ? 404 : e.code === 'account-exists' || e.code === 'last-administrator' ? 409 : 400, e.code, e.message);
  throw e;
}

/** The client's address for the login rate limit. */
const addressOf = (request: FastifyRequest): string => request.ip;

export function registerAccountRoutes(app: FastifyInstance, o: AccountRoutesOptions): void {
  const { storage, guard, now } = o;
  const settings = guard.settings;

  app.get('/v1/demo', () => Promise.resolve(settings.demo ? { demo: true, logins: o.demoLogins.map((l) => ({ ...l, roleWords: ROLE_WORDS[l.role], home: homeOf(l.role) })) } : { demo: false, logins: [] }));

  app.get('/v1/session', async (request) => {
    const p = await guard.requireStaff(request);
    return { person: person(p), csrfToken: p.csrfToken, demo: settings.demo };
  });

  app.post(
    '/v1/session',
    {
      schema: {
        body: { type: 'object', required: ['username', 'password'], additionalProperties: false, properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: PASSWORD } },
      },
    },
    async (request, reply) => {
      // A login from another site's page (login CSRF) is refused like any other cross-site write.
      const origin = requestOrigin(request);
      if (origin !== null && origin !== ownOrigin(request)) throw new ApiFailure(403, 'wrong-origin', 'this request did not come from central’s own pages');
      const at = now();
      const attempts = await storage.accounts.loginAttempt(addressOf(request), at.toISOString(), new Date(at.getTime() - 60_000).toISOString());
      if (attempts > settings.loginsPerMinute) {
        void reply.header('retry-after', '60');
        throw new ApiFailure(429, 'too-many-logins', 'too many login attempts from this address; try again in a minute');
      }
      const { username, password } = request.body as { username: string; password: string };
      const account = await storage.accounts.byUsername(username.trim().toLowerCase());
      const audit = (action: string, detail: string | null) =>
        storage.accounts.audit({ at: at.toISOString(), accountId: account?.id ?? null, actor: account?.username ?? 'anonymous', role: account?.role ?? 'none', action, target: null, detail });
      if (!account || account.passwordHash === null) {
        await verifyPassword(password, await decoyHash());
        await audit('login-failed', `unknown user name from ${addressOf(request)}`);
        throw new ApiFailure(401, 'wrong-password', 'the user name or password is not right');
      }
      if (account.lockedUntil !== null && Date.parse(account.lockedUntil) > at.getTime()) {
        await audit('login-refused-locked', `from ${addressOf(request)}`);
        throw new ApiFailure(423, 'account-locked', `too many failed logins: this account is locked until ${account.lockedUntil}`);
      }
      const ok = await verifyPassword(password, account.passwordHash);
      if (!ok) {
        const { lockedUntil } = await storage.accounts.failedLogin(account.id, settings.maxFailures, new Date(at.getTime() + settings.lockMinutes * 60_000).toISOString());
        await audit(lockedUntil ? 'account-locked' : 'login-failed', `wrong password from ${addressOf(request)}`);
        if (lockedUntil) throw new ApiFailure(423, 'account-locked', `too many failed logins: this account is locked until ${lockedUntil}`);
        throw new ApiFailure(401, 'wrong-password', 'the user name or password is not right');
      }
      if (account.disabledAt !== null) {
        await audit('login-refused-disabled', `from ${addressOf(request)}`);
        throw new ApiFailure(403, 'account-disabled', 'this account is disabled');
      }
      await storage.accounts.succeededLogin(account.id);
      const session = await guard.startSession(request, reply, account);
      await audit('login', `from ${addressOf(request)}`);
      const p: Person = { accountId: account.id, username: account.username, displayName: account.displayName, role: account.role, stationId: account.stationId, via: 'session', csrfToken: session.csrfToken, sessionIdHash: null };
      return { person: person(p), csrfToken: session.csrfToken, expiresAt: session.expiresAt, demo: settings.demo };
    },
  );

  app.delete('/v1/session', async (request, reply) => {
    await guard.requireStaff(request);
    await guard.audit(request, 'logout', null);
    await guard.endSession(request, reply);
    return reply.code(204).send();
  });

  // ---- the administrator's account routes ---------------------------------------------

  app.get('/v1/admin/accounts', async (request) => {
    await guard.requireStaff(request, 'manage-accounts');
    return { accounts: (await storage.accounts.list()).map(accountView), roles: ROLES.map((r) => ({ role: r, words: ROLE_WORDS[r] })) };
  });

  app.post(
    '/v1/admin/accounts',
    {
      schema: {
        body: {
          type: 'object',
          required: ['username', 'role', 'password'],
          additionalProperties: false,
          properties: { username: { type: 'string', pattern: USERNAME_PATTERN }, displayName: { type: 'string', minLength: 1, maxLength: 60 }, role: ROLE, stationId: STATION, password: PASSWORD },
        },
      },
    },
    async (request, reply) => {
      await guard.requireStaff(request, 'manage-accounts');
      const body = request.body as { username: string; displayName?: string; role: Role; stationId?: string | null; password: string };
      const added = await addAccount(storage, body, now()).catch(problem);
      await guard.audit(request, 'account-add', added.username, `role ${added.role}${added.stationId ? ` at ${added.stationId}` : ''}`);
      return reply.code(201).send({ account: accountView(added) });
    },
  );

  const onAccount = (path: string, body: object | null, act: (username: string, body: Record<string, unknown>) => Promise<Account>, action: string) =>
    app.post(`/v1/admin/accounts/:username/${path}`, { schema: { params: USERNAME_PARAMS, ...(body ? { body } : {}) } }, async (request) => {
      await guard.requireStaff(request, 'manage-accounts');
      const { username } = request.params as { username: string };
      const changed = await act(username, (request.body ?? {}) as Record<string, unknown>).catch(problem);
      await guard.audit(request, action, username, action === 'account-role' ? `now ${changed.role}${changed.stationId ? ` at ${changed.stationId}` : ''}` : null);
      return { account: accountView(changed) };
    });

  onAccount('disable', null, (u) => disableAccount(storage, u, now()), 'account-disable');
  onAccount('enable', null, (u) => enableAccount(storage, u, now()), 'account-enable');
  onAccount(
    'password',
    { type: 'object', required: ['password'], additionalProperties: false, properties: { password: PASSWORD } },
    (u, b) => resetPassword(storage, u, b['password'] as string, now()),
    'account-reset-password',
  );
  onAccount(
    'role',
    { type: 'object', required: ['role'], additionalProperties: false, properties: { role: ROLE, stationId: STATION } },
    (u, b) => changeRole(storage, u, b['role'] as string, (b['stationId'] as string | null | undefined) ?? null, now()),
    'account-role',
  );

  app.get(
    '/v1/admin/audit',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            offset: { type: 'integer', minimum: 0, default: 0 },
            username: { type: 'string', pattern: USERNAME_PATTERN },
            action: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9 /:_.-]+$' },
            from: { type: 'string', format: 'date-time', maxLength: 40 },
            to: { type: 'string', format: 'date-time', maxLength: 40 },
          },
        },
      },
    },
    async (request) => {
      await guard.requireStaff(request, 'read-audit');
      const q = request.query as { limit: number; offset: number; username?: string; action?: string; from?: string; to?: string };
      const iso = (t: string | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
      const from = iso(q.from);
      const to = iso(q.to);
      const entries = await storage.accounts.listAudit({
        limit: q.limit,
        offset: q.offset,
        ...(q.username !== undefined ? { actor: q.username } : {}),
        ...(q.action !== undefined ? { actions: [q.action] } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
      });
      const people = await storage.accounts.list();
      const nameOf = new Map(people.map((a) => [a.username, a.displayName]));
      return {
        entries: entries.map((e) => ({ ...e, target: maskCardNumbersIn(e.target), actorName: nameOf.get(e.actor) ?? null, actionWords: auditActionWords(e.action), roleWords: isRole(e.role) ? ROLE_WORDS[e.role] : null })),
        actions: Object.entries(AUDIT_ACTION_WORDS).map(([action, words]) => ({ action, words })),
        people: people.map((a) => ({ username: a.username, displayName: a.displayName })),
      };
    },
  );
}
