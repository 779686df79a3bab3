/** Technicians: who may open maintenance mode with their card; enrol one by the card's public key, revoke one. */
import type { AdminSection } from './admin.js';
import { act, button, field, table } from './admin-parts.js';
import { el } from './dom.js';
import { api, beijingTime } from './session.js';

interface TechnicianRow {
  readonly technicianId: string;
  readonly name: string;
  readonly revokedAt: string | null;
  readonly updatedAt: string;
}

export const techniciansSection: AdminSection = {
  id: 'technicians',
  word: 'technicians',
  capability: 'manage-technicians',
  async render(ctx, into) {
    const { technicians } = await api<{ technicians: TechnicianRow[] }>('/v1/staff/technicians');

    const form = el('form', null, { class: 'panel', 'data-testid': 'enrol-technician' });
    const id = el('input', null, { maxlength: '32', autocomplete: 'off', 'data-testid': 'technician-id' });
    const name = el('input', null, { maxlength: '100', 'data-testid': 'technician-name' });
    const pem = el('textarea', null, { rows: '6', maxlength: '4096', spellcheck: 'false', 'data-testid': 'technician-key' });
    const file = el('input', null, { type: 'file', accept: '.pem,application/x-pem-file,text/plain', 'data-testid': 'technician-key-file' });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (f) void f.text().then((text) => (pem.value = text.slice(0, 4096)));
    });
    form.append(
      field(ctx.t('staffNumber'), id),
      field(ctx.t('technicianName'), name),
      field(ctx.t('publicKey'), pem),
      field(ctx.t('publicKeyFile'), file),
      el('button', ctx.t('enrol'), { type: 'submit', 'data-testid': 'enrol-technician-submit' }),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void act(ctx, async () => {
        await api('/v1/admin/technicians', { method: 'POST', body: { technicianId: id.value.trim(), name: name.value.trim(), publicKeyPem: pem.value.trim() } });
        ctx.rerender();
        return ctx.t('enrolled', name.value.trim());
      });
    });

    const { table: t, body } = table(ctx, 'technicians', ['technicianName', 'staffNumber', 'enrolledOn', 'state', 'actions']);
    for (const x of technicians) {
      const tr = el('tr', null, { 'data-technician': x.technicianId, ...(x.revokedAt ? { class: 'disabled-row' } : {}) });
      const actions = el('td', null, { class: 'actions' });
      if (!x.revokedAt) {
        actions.append(
          button(ctx.t('revoke'), 'revoke-technician', () =>
            void act(ctx, async () => {
              await api(`/v1/staff/technicians/${encodeURIComponent(x.technicianId)}/revoke`, { method: 'POST' });
              ctx.rerender();
              return ctx.t('technicianRevoked', x.name);
            }),
          ),
        );
      }
      tr.append(el('td', x.name), el('td', x.technicianId), el('td', beijingTime(x.updatedAt)), el('td', x.revokedAt ? ctx.t('revokedSince', beijingTime(x.revokedAt)) : ctx.t('active')), actions);
      body.append(tr);
    }
    into.append(form, el('p', ctx.t('when'), { class: 'muted' }), t);
  },
};
