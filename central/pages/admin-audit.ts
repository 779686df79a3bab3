/** The audit, read-only: who did what, on what, when (Beijing time), with the outcome; filtered by person, action and days. */
import type { AdminContext, AdminSection } from './admin.js';
import { field, table } from './admin-parts.js';
import { beijingMidnight } from '../../shared/shanghai-date.js';
import { el } from './dom.js';
import { api, beijingTime } from './session.js';

interface Words {
  readonly zh: string;
  readonly en: string;
}
interface Entry {
  readonly at: string;
  readonly actor: string;
  readonly actorName: string | null;
  readonly roleWords: Words | null;
  readonly actionWords: Words;
  readonly target: string | null;
  readonly detail: string | null;
}
interface AuditAnswer {
  readonly entries: readonly Entry[];
  readonly actions: readonly { action: string; words: Words }[];
  readonly people: readonly { username: string; displayName: string }[];
}

const filters = { username: '', action: '', from: '', to: '' };

/** A route's parameters (`{"cardNumber":"3104 **** **** 7777"}`) as their values; other targets as they are. */
function targetText(target: string | null): string {
  if (target === null) return '';
  if (!target.startsWith('{')) return target;
  try {
    return Object.values(JSON.parse(target) as Record<string, unknown>).map(String).join(' · ');
  } catch {
    return target;
  }
}

function resultText(ctx: AdminContext, detail: string | null): string {
  const m = /^status (\d{3})$/.exec(detail ?? '');
  if (!m) return detail ?? '';
  return Number(m[1]) < 400 ? ctx.t('done') : ctx.t('refusedStatus');
}

/** The Beijing day `YYYY-MM-DD` as an instant (its midnight, +08:00), `days` later; null for no real date. */
function dayStart(day: string, days = 0): string | null {
  const midnight = beijingMidnight(day);
  return midnight === null ? null : new Date(midnight + days * 86_400_000).toISOString();
}

export const auditSection: AdminSection = {
  id: 'audit',
  word: 'audit',
  capability: 'read-audit',
  async render(ctx, into) {
    const q = new URLSearchParams({ limit: '200' });
    if (filters.username) q.set('username', filters.username);
    if (filters.action) q.set('action', filters.action);
    const fromAt = dayStart(filters.from);
    const toAt = dayStart(filters.to, 1);
    if (fromAt !== null) q.set('from', fromAt);
    if (toAt !== null) q.set('to', toAt);
    const answer = await api<AuditAnswer>(`/v1/admin/audit?${q.toString()}`);

    const form = el('form', null, { class: 'panel', 'data-testid': 'audit-filter' });
    const person = el('select', null, { 'data-testid': 'audit-person' });
    person.append(new Option(ctx.t('everyone'), ''));
    for (const p of answer.people) person.append(new Option(p.displayName === p.username ? p.username : `${p.displayName}（${p.username}）`, p.username, false, p.username === filters.username));
    const action = el('select', null, { 'data-testid': 'audit-action' });
    action.append(new Option(ctx.t('everyAction'), ''));
    const seen = new Set<string>();
    for (const a of answer.actions) {
      const words = a.words[ctx.lang];
      if (seen.has(`${words}|${a.action}`)) continue;
      seen.add(`${words}|${a.action}`);
      action.append(new Option(words, a.action, false, a.action === filters.action));
    }
    const from = el('input', null, { type: 'date', value: filters.from, 'data-testid': 'audit-from' });
    const to = el('input', null, { type: 'date', value: filters.to, 'data-testid': 'audit-to' });
    form.append(field(ctx.t('person'), person), field(ctx.t('action'), action), field(ctx.t('fromDay'), from), field(ctx.t('toDay'), to), el('button', ctx.t('filter'), { type: 'submit', 'data-testid': 'audit-filter-submit' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      Object.assign(filters, { username: person.value, action: action.value, from: from.value, to: to.value });
      ctx.rerender();
    });

    const { table: t, body } = table(ctx, 'audit', ['time', 'person', 'role', 'action', 'what', 'result']);
    for (const e of answer.entries) {
      const tr = el('tr');
      tr.append(
        el('td', beijingTime(e.at)),
        el('td', e.actorName ?? e.actor),
        el('td', e.roleWords ? e.roleWords[ctx.lang] : ''),
        el('td', e.actionWords[ctx.lang]),
        el('td', targetText(e.target)),
        el('td', resultText(ctx, e.detail)),
      );
      body.append(tr);
    }
    into.append(form, answer.entries.length === 0 ? el('p', ctx.t('noEntries'), { class: 'muted', 'data-testid': 'audit-empty' }) : t);
  },
};
