/**
 * The link to the supervisor's insight page, added to another page's header (staff page,
 * administration) for the people who may use it: supervisors and administrators logged in at
 * /login/. Nobody else sees it.
 */
import { el } from './dom.js';
import { pageLanguage } from './session.js';

const WORDS = { zh: '服务洞察', en: 'Service insight' } as const;
const ROLES = new Set(['supervisor', 'administrator']);

/** Appends the link to `into` (the page's header) when the logged-in person may use the page. */
export async function addInsightLink(into: Element | null): Promise<void> {
  if (!into) return;
  const res = await fetch('/v1/session', { credentials: 'same-origin' }).catch(() => null);
  if (!res?.ok) return;
  const { person } = (await res.json()) as { person: { role: string } };
  if (!ROLES.has(person.role) || into.querySelector('[data-testid=insight-link]')) return;
  into.append(el('a', WORDS[pageLanguage()], { href: '/insight/', class: 'insight-link', 'data-testid': 'insight-link' }));
}
