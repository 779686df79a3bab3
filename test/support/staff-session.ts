/**
 * A person's browser session against a real central, for the route tests: log in at
 * `POST /v1/session` as a browser would (central's own Origin), then send requests with the
 * session cookie, the CSRF token on a change and an Origin, each of which a test may leave out
 * or replace to see it refused.
 */
import { expect } from 'vitest';

/** A logged-in browser: its session cookie and CSRF token (null for nobody logged in). */
export interface StaffSession {
  readonly cookie: string | null;
  readonly csrf: string | null;
}

export const NOBODY: StaffSession = { cookie: null, csrf: null };

/** Logs in with a password; the answer must be 200. */
export async function logInSession(centralUrl: string, who: { readonly username: string; readonly password: string }): Promise<StaffSession> {
  const res = await fetch(`${centralUrl}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: centralUrl }, body: JSON.stringify({ username: who.username, password: who.password }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrfToken };
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
  /** The answer's JSON object; empty when it is not JSON. */
  readonly json: Record<string, unknown>;
}

/** One request as the logged-in browser sends it. */
export async function asSession(centralUrl: string, session: StaffSession, method: string, path: string, o: SessionRequest = {}): Promise<SessionAnswer> {
  const headers: Record<string, string> = {};
  if (session.cookie) headers['cookie'] = session.cookie;
  const origin = o.origin === undefined ? centralUrl : o.origin;
  if (origin !== null) headers['origin'] = origin;
  const csrf = o.csrf === undefined ? session.csrf : o.csrf;
  if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${centralUrl}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json };
}
