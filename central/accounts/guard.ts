/**
 * The one guard of every staff and agent route: `requireStaff(request, capability)` finds the
 * person a request comes from and returns them, or refuses it (401 nobody, 403 not allowed).
 *
 * A person is found by
 * - a session cookie (browsers, after logging in at `/login/`): the session row must exist, be
 *   neither revoked nor expired nor idle too long, and its account enabled. A request that
 *   changes anything must also carry the session's CSRF token (`x-csrf-token`) and come from
 *   central's own origin (`Origin`, else `Referer`);
 * - a personal API token (`Authorization: Bearer …`, issued by `central account token NAME`) for
 *   central systems and scripts: no cookie, so no CSRF; the account must be enabled.
 * Every state-changing request a person makes is written to the audit with them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiFailure } from '../api/errors.js';
import type { CentralStorage } from '../storage/types.js';
import { maskCardNumbersIn } from './audit-actions.js';
import { can, ROLE_WORDS, type Capability, type Role } from './roles.js';
import type { AccountWithSecret } from './store.js';

export interface Person {
  readonly accountId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly stationId: string | null;
  /** How the request proved who it is. */
  readonly via: 'session' | 'token';
  /** The session's CSRF token (session only). */
  readonly csrfToken: string | null;
  readonly sessionIdHash: string | null;
}

export interface AuthSettings {
  /** A session ends this long after login, used or not. Default 12 h. */
  readonly sessionHours: number;
  /** A session ends after this long without a request. Default 30 min. */
  readonly idleMinutes: number;
  /** Consecutive wrong passwords that lock an account. Default 5. */
  readonly maxFailures: number;
  /** How long a lock lasts. Default 15 min. */
  readonly lockMinutes: number;
  /** Login attempts per client address per minute, across instances. Default 10. */
  readonly loginsPerMinute: number;
  /** `Secure` on the cookie: true, false, or `auto` (when the request came over https). Default auto. */
  readonly secureCookies: boolean | 'auto';
  /** Central runs with --demo: the pages say so. */
  readonly demo: boolean;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = { sessionHours: 12, idleMinutes: 30, maxFailures: 5, lockMinutes: 15, loginsPerMinute: 10, secureCookies: 'auto', demo: false };

export const SESSION_COOKIE = 'kiosk_session';
/** Over https the cookie is `__Host-` prefixed: Secure, Path=/, no Domain, so no sub-domain can set or shadow it. */
export const SECURE_SESSION_COOKIE = '__Host-kiosk_session';
export const CSRF_HEADER = 'x-csrf-token';

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The cookies of a request (the first of each name). */
export function cookies(request: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const header = request.headers.cookie;
  if (typeof header !== 'string') return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (!out.has(name)) out.set(name, part.slice(i + 1).trim());
  }
  return out;
}

const isHttps = (request: FastifyRequest): boolean => request.protocol === 'https';

/** Central's own origin as the browser sees it: scheme and Host of this request. */
export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? ''}`;
}

/** The origin a browser says the request came from (Origin, else the Referer's), or null. */
export function requestOrigin(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return origin;
  const referer = request.headers.referer;
  if (typeof referer === 'string') {
    try {
      return new URL(referer).origin;
    } catch {
      return null;
    }
  }
  return null;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface Guard {
  readonly settings: AuthSettings;
  /** The person making the request, allowed `capability`; throws 401/403 ApiFailures. */
  requireStaff(request: FastifyRequest, capability?: Capability): Promise<Person>;
  /** The person of a session cookie, without the CSRF check (for a WebSocket upgrade, which checks Origin itself). */
  sessionPerson(request: FastifyRequest): Promise<Person | null>;
  /** The person an earlier `requireStaff` found for this request. */
  personOf(request: FastifyRequest): Person | null;
  /** Starts a session for an account: sets the cookie, returns the CSRF token. */
  startSession(request: FastifyRequest, reply: FastifyReply, account: AccountWithSecret): Promise<{ csrfToken: string; expiresAt: string }>;
  endSession(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Writes an audit row with the person (used by routes whose action the generic audit would not describe well). */
  audit(request: FastifyRequest, action: string, target: string | null, detail?: string | null): Promise<void>;
}

const found = new WeakMap<FastifyRequest, Person>();
const audited = new WeakSet<FastifyRequest>();

/** The person an earlier `requireStaff` found for this request, or null. */
export const personOf = (request: FastifyRequest): Person | null => found.get(request) ?? null;

function personFrom(a: AccountWithSecret, via: Person['via'], session: { csrfToken: string; idHash: string } | null): Person {
  return { accountId: a.id, username: a.username, displayName: a.displayName, role: a.role, stationId: a.stationId, via, csrfToken: session?.csrfToken ?? null, sessionIdHash: session?.idHash ?? null };
}

export function createGuard(storage: CentralStorage, settings: AuthSettings, now: () => Date): Guard {
  const accounts = storage.accounts;

  const cookieValue = (request: FastifyRequest): string | null => {
    const c = cookies(request);
    const v = c.get(SECURE_SESSION_COOKIE) ?? c.get(SESSION_COOKIE);
    return v !== undefined && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
  };

  const sessionPerson = async (request: FastifyRequest): Promise<Person | null> => {
    const value = cookieValue(request);
    if (value === null) return null;
    const idHash = sha256(value);
    const session = await accounts.session(idHash);
    if (!session || session.revokedAt !== null) return null;
    const t = now().getTime();
    if (Date.parse(session.expiresAt) <= t) return null;
    if (Date.parse(session.lastSeenAt) + settings.idleMinutes * 60_000 <= t) return null;
    const account = await accounts.byId(session.accountId);
    if (!account || account.disabledAt !== null) return null;
    // Idle time counts from the last request; written at most once a minute.
    if (t - Date.parse(session.lastSeenAt) > 60_000) await accounts.touchSession(idHash, now().toISOString());
    return personFrom(account, 'session', { csrfToken: session.csrfToken, idHash });
  };

  const tokenPerson = async (request: FastifyRequest): Promise<Person | null | undefined> => {
    const header = request.headers.authorization;
    // No token, or the empty one a page sends when its person is logged in by the session cookie.
    if (header === undefined || (typeof header === 'string' && /^Bearer\s*$/.test(header))) return undefined;
    const m = typeof header === 'string' ? /^Bearer ([\x21-\x7E]{16,512})$/.exec(header) : null;
    if (!m?.[1]) return null;
    const account = await accounts.byToken(sha256(m[1]));
    return account ? personFrom(account, 'token', null) : null;
  };

  const requireStaff = async (request: FastifyRequest, capability?: Capability): Promise<Person> => {
    const earlier = found.get(request);
    let person: Person | null | undefined = earlier;
    if (!person) {
      person = await tokenPerson(request);
      if (person === null) throw new ApiFailure(401, 'invalid-token', 'this API token is unknown, revoked or of a disabled account');
      if (person === undefined) {
        person = await sessionPerson(request);
        if (person === null) throw new ApiFailure(401, 'not-logged-in', 'log in first (your session may have ended)');
        if (UNSAFE.has(request.method)) {
          const origin = requestOrigin(request);
          if (origin === null || origin !== ownOrigin(request)) throw new ApiFailure(403, 'wrong-origin', 'this request did not come from central’s own pages');
          const token = request.headers[CSRF_HEADER];
          if (typeof token !== 'string' || !sameText(token, person.csrfToken ?? '')) throw new ApiFailure(403, 'csrf-token', 'the page’s security token is missing or wrong; reload the page');
        }
      }
      found.set(request, person);
    }
    if (capability !== undefined && !can(person.role, capability)) {
      throw new ApiFailure(403, 'forbidden-for-role', `${ROLE_WORDS[person.role].en} (${ROLE_WORDS[person.role].zh}) may not do this`);
    }
    return person;
  };

  const cookieName = (request: FastifyRequest): { name: string; secure: boolean } => {
    const secure = settings.secureCookies === 'auto' ? isHttps(request) : settings.secureCookies;
    return { name: secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, secure };
  };

  return {
    settings,
    requireStaff,
    sessionPerson,
    personOf: (request) => found.get(request) ?? null,
    async startSession(request, reply, account) {
      const value = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const at = now();
      const expiresAt = new Date(at.getTime() + settings.sessionHours * 3_600_000).toISOString();
      await accounts.addSession({ idHash: sha256(value), accountId: account.id, csrfToken, createdAt: at.toISOString(), lastSeenAt: at.toISOString(), expiresAt });
      const { name, secure } = cookieName(request);
      reply.header('set-cookie', `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${settings.sessionHours * 3600}${secure ? '; Secure' : ''}`);
      return { csrfToken, expiresAt };
    },
    async endSession(request, reply) {
      const value = cookieValue(request);
      if (value !== null) await accounts.revokeSession(sha256(value), now().toISOString());
      const { name, secure } = cookieName(request);
      reply.header('set-cookie', `${name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`);
    },
    async audit(request, action, target, detail = null) {
      const p = found.get(request);
      audited.add(request);
      await accounts.audit({ at: now().toISOString(), accountId: p?.accountId ?? null, actor: p?.username ?? 'anonymous', role: p?.role ?? 'none', action, target, detail });
    },
  };
}

/**
 * Every state-changing request a person made is audited with them (route, its parameters, the
 * answer's status), unless its handler wrote a more telling entry itself.
 */
export function auditEveryChange(app: FastifyInstance, storage: CentralStorage, now: () => Date): void {
  // Before the answer leaves (onSend), so that whoever reads the answer finds the audit row written.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!UNSAFE.has(request.method) || audited.has(request)) return payload;
    const p = found.get(request);
    if (!p) return payload;
    audited.add(request);
    const params = request.params && typeof request.params === 'object' && Object.keys(request.params).length > 0 ? JSON.stringify(request.params) : null;
    try {
      await storage.accounts.audit({
        at: now().toISOString(),
        accountId: p.accountId,
        actor: p.username,
        role: p.role,
        action: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0] ?? ''}`,
        target: maskCardNumbersIn(params),
        detail: `status ${reply.statusCode}`,
      });
    } catch (e) {
      request.log.error({ err: e }, 'audit row not written');
    }
    return payload;
  });
}
