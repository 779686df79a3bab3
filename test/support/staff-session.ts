/**
 * A person's session at a real central, the two ways a test gets one:
 * - through the API, as central's own login page does it: `POST /v1/session` with central's
 *   Origin, then requests with the session cookie, the CSRF token on a change and an Origin, each
 *   of which a test may leave out or replace to see it refused;
 * - in a browser page, as a person does it: typing the username and password on /login/.
 */
import type { Page } from 'playwright-core';

/** What a person logs in with. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** A logged-in browser: its session cookie and CSRF token (null for nobody logged in). */
export interface PersonSession {
  readonly cookie: string | null;
  readonly csrf: string | null;
}

export const NOBODY: PersonSession = { cookie: null, csrf: null };

/** Logs in with a password as central's login page does; anything but 200 with a session cookie throws. */
export async function logInSession(centralUrl: string, who: Credentials): Promise<PersonSession & { readonly cookie: string; readonly csrf: string }> {
  const res = await fetch(`${centralUrl}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: centralUrl }, body: JSON.stringify({ username: who.username, password: who.password }) });
  if (res.status !== 200) throw new Error(`login of ${who.username} failed: HTTP ${res.status} ${await res.text()}`);
  const cookie = (res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  if (cookie === '') throw new Error(`login of ${who.username} set no session cookie`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

export interface SessionRequest {
  readonly body?: unknown;
  /** Central's own origin when left out; null sends none. */
  readonly origin?: string | null;
  /** The session's CSRF token on a change when left out; null sends none. */
  readonly csrf?: string | null;
}

export interface SessionAnswer {
  readonly status: number;
  readonly text: string;
  /** The answer parsed as JSON; the text when it is not JSON. */
  readonly body: unknown;
  /** The answer's JSON object; empty when it is not JSON. */
  readonly json: Record<string, unknown>;
}

/** One request as the logged-in browser sends it. */
export async function asSession(centralUrl: string, session: PersonSession, method: string, path: string, o: SessionRequest = {}): Promise<SessionAnswer> {
  const headers: Record<string, string> = {};
  if (session.cookie) headers['cookie'] = session.cookie;
  const origin = o.origin === undefined ? centralUrl : o.origin;
  if (origin !== null) headers['origin'] = origin;
  const csrf = o.csrf === undefined ? session.csrf : o.csrf;
  if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${centralUrl}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  const json = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return { status: res.status, text, body, json };
}

/**
 * Opens central's /login/ (asking to go on to `next` when given), types the username and
 * password and presses sign in; does not wait for central's answer.
 */
export async function submitLogin(page: Page, centralUrl: string, who: Credentials, next?: string): Promise<void> {
  await page.goto(next === undefined ? `${centralUrl}/login/` : `${centralUrl}/login/?next=${encodeURIComponent(next)}`);
  await page.fill('[data-testid=username]', who.username);
  await page.fill('[data-testid=password]', who.password);
  await page.click('[data-testid=sign-in]');
}

/**
 * Signs in at central's /login/ as a person types it and waits for the page the browser lands
 * on: `next`, or without it the person's own page (whatever page that is, once /login/ is left).
 */
export async function signIn(page: Page, centralUrl: string, who: Credentials, next?: string): Promise<void> {
  await submitLogin(page, centralUrl, who, next);
  await page.waitForURL(next === undefined ? (url) => url.pathname !== '/login/' : `${centralUrl}${next}`);
}
