/**
 * The logged-in person on central's pages: who they are (`GET /v1/session`), the calls the page
 * makes as them (the session cookie goes along by itself; a change also carries the session's
 * CSRF token), the account bar with "sign out", and the demo banner every page shows in demo mode.
 * A page without a session sends the person to `/login/` and back.
 */
/** Beijing time for the login and administration pages: the one helper of shared/shanghai-date.ts. */
export { beijingTime } from '../../shared/shanghai-date.js';
import { fillWords, LOGIN_WORDS, type Words } from '../../shared/words.js';
import { el } from './dom.js';

export type PageLanguage = 'zh' | 'en';

export interface SessionPerson {
  readonly username: string;
  readonly displayName: string;
  readonly role: 'agent' | 'station-staff' | 'supervisor' | 'administrator';
  readonly roleWords: Words;
  readonly stationId: string | null;
  readonly capabilities: readonly string[];
  readonly home: string;
}

export interface PageSession {
  readonly person: SessionPerson;
  readonly csrfToken: string | null;
  readonly demo: boolean;
}

let current: PageSession | null = null;

const LANGUAGE_KEY = 'central-language';
/** The page language the person chose (kept in this browser), Chinese unless told. */
export function pageLanguage(): PageLanguage {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh';
}
export function setPageLanguage(lang: PageLanguage): void {
  localStorage.setItem(LANGUAGE_KEY, lang);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A JSON call as the logged-in person; a 401 sends them to the login page. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && current?.csrfToken) headers['x-csrf-token'] = current.csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (res.status === 401 && body?.error?.code === 'not-logged-in') toLogin();
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

function toLogin(): void {
  location.assign(`/login/?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/** The session of this page's person, or (no session) off to the login page. */
export async function requireSession(): Promise<PageSession> {
  const res = await fetch('/v1/session', { credentials: 'same-origin' });
  if (res.status === 401) {
    toLogin();
    return new Promise<PageSession>(() => undefined);
  }
  if (!res.ok) throw new Error(`central answered ${res.status}`);
  current = (await res.json()) as PageSession;
  return current;
}

export const currentSession = (): PageSession | null => current;

/** The red demo banner at the top of the page. */
export function showDemoBanner(lang: PageLanguage): void {
  if (document.getElementById('demo-banner')) return;
  const banner = el('div', LOGIN_WORDS.demo[lang], { id: 'demo-banner', role: 'note', 'data-testid': 'demo-banner' });
  // Styled here (CSSOM, which the pages' CSP allows) so that it looks the same on every page, whatever its stylesheet.
  Object.assign(banner.style, { background: '#b00020', color: '#fff', fontWeight: '600', padding: '0.5rem 1.5rem', margin: '0 -1.5rem 0.5rem', alignSelf: 'stretch' });
  document.body.prepend(banner);
}

/** Who is logged in and "sign out", in the page's header. */
export function accountBar(session: PageSession, lang: PageLanguage): HTMLElement {
  const bar = el('div', null, { class: 'account-bar', 'data-testid': 'account-bar' });
  bar.append(el('span', fillWords(LOGIN_WORDS.signedInAs[lang], session.person.displayName, session.person.roleWords[lang])));
  const out = el('button', LOGIN_WORDS.signOut[lang], { type: 'button', 'data-testid': 'sign-out' });
  out.addEventListener('click', () => {
    void api('/v1/session', { method: 'DELETE' }).finally(() => location.assign('/login/'));
  });
  bar.append(out);
  if (session.demo) showDemoBanner(lang);
  return bar;
}

/**
 * For pages that still take a typed token (the staff page, the agent console): the headers of a
 * call — the typed token when there is one, else the session's CSRF token on a change (the
 * session cookie goes along by itself).
 */
export function authHeaders(token: string | null, method = 'GET'): Record<string, string> {
  if (token) return { authorization: `Bearer ${token}` };
  return method !== 'GET' && current?.csrfToken ? { 'x-csrf-token': current.csrfToken } : {};
}

/** The session of this page's person when logged in at /login/ (null otherwise); shows the account bar and demo banner in `into`. */
export async function loggedInSession(into?: HTMLElement): Promise<PageSession | null> {
  const res = await fetch('/v1/session', { credentials: 'same-origin' }).catch(() => null);
  if (!res?.ok) return null;
  current = (await res.json()) as PageSession;
  if (into) into.replaceChildren(accountBar(current, pageLanguage()));
  else if (current.demo) showDemoBanner(pageLanguage());
  return current;
}
