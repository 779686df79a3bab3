/** Blocked cards, their numbers masked: block one with a reason; unblock one by typing its whole number. */
import type { AdminSection } from './admin.js';
import { act, button, field, table } from './admin-parts.js';
import { el } from './dom.js';
import { api } from './session.js';

interface BlockedRow {
  /** Masked: `3104 **** **** 2345`. */
  readonly cardNumber: string;
  readonly reason: string;
}

/** Whether a typed number is the one a masked number stands for (its first and last four). */
function matches(masked: string, typed: string): boolean {
  const m = /^([0-9A-Fa-f]{4}) \*{4} \*{4} ([0-9A-Fa-f]{4})$/.exec(masked);
  if (m) return typed.length > 8 && typed.toUpperCase().startsWith(m[1]!.toUpperCase()) && typed.toUpperCase().endsWith(m[2]!.toUpperCase());
  const short = /^\*{4} ([0-9A-Fa-f]{1,4})$/.exec(masked);
  return short !== null && typed.length <= 8 && typed.toUpperCase().endsWith(short[1]!.toUpperCase());
}

export const blocklistSection: AdminSection = {
  id: 'blocklist',
  word: 'blocklist',
  capability: 'manage-blocklist',
  async render(ctx, into) {
    const { entries } = await api<{ entries: BlockedRow[] }>('/v1/staff/blocklist');

    const form = el('form', null, { class: 'panel', 'data-testid': 'block-card' });
    const number = el('input', null, { maxlength: '32', inputmode: 'numeric', autocomplete: 'off', 'data-testid': 'block-number' });
    const reason = el('input', null, { maxlength: '200', 'data-testid': 'block-reason' });
    form.append(field(ctx.t('cardNumber'), number), field(ctx.t('reason'), reason), el('button', ctx.t('block'), { type: 'submit', 'data-testid': 'block-card-submit' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void act(ctx, async () => {
        const r = await api<BlockedRow>('/v1/admin/blocklist', { method: 'POST', body: { cardNumber: number.value.replace(/\s+/g, ''), reason: reason.value.trim() } });
        ctx.rerender();
        return ctx.t('blocked', r.cardNumber);
      });
    });

    const { table: t, body } = table(ctx, 'blocklist', ['cardNumber', 'reason', 'actions']);
    for (const e of entries) {
      const tr = el('tr', null, { 'data-card': e.cardNumber });
      const confirmBox = el('form', null, { class: 'panel', hidden: '' });
      const typed = el('input', null, { maxlength: '32', inputmode: 'numeric', autocomplete: 'off', 'data-testid': 'unblock-number' });
      confirmBox.append(field(ctx.t('unblockHow'), typed), el('button', ctx.t('unblock'), { type: 'submit', 'data-testid': 'unblock-confirm' }));
      confirmBox.addEventListener('submit', (ev) => {
        ev.preventDefault();
        void act(ctx, async () => {
          const n = typed.value.replace(/\s+/g, '');
          if (!matches(e.cardNumber, n)) throw new Error(ctx.t('unblockMismatch'));
          await api(`/v1/staff/blocklist/${encodeURIComponent(n)}`, { method: 'DELETE' });
          ctx.rerender();
          return ctx.t('unblocked', e.cardNumber);
        });
      });
      const actions = el('td', null, { class: 'actions' });
      actions.append(
        button(ctx.t('unblock'), 'unblock', () => {
          confirmBox.hidden = !confirmBox.hidden;
        }),
        confirmBox,
      );
      tr.append(el('td', e.cardNumber, { class: 'card-number' }), el('td', e.reason), actions);
      body.append(tr);
    }
    into.append(form, entries.length === 0 ? el('p', ctx.t('noBlocked'), { class: 'muted' }) : t);
  },
};
