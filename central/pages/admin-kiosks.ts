/**
 * Kiosks: where each stands and when central last heard from it; register one (its token is
 * shown once, with where to put it on the kiosk), give one a new token, revoke one.
 */
import type { AdminContext, AdminSection } from './admin.js';
import { act, button, field, table } from './admin-parts.js';
import { el } from './dom.js';
import { api, beijingTime } from './session.js';

interface Words {
  readonly zh: string;
  readonly en: string;
}
interface StationRow {
  readonly id: string;
  readonly name: Words;
  readonly lines: readonly Words[];
}
interface KioskRow {
  readonly id: string;
  readonly stationId: string | null;
  readonly station: { readonly name: Words; readonly lines: readonly Words[] } | null;
  readonly location: string;
  readonly lastContactAt: string | null;
  readonly revokedAt: string | null;
}

export const stationWords = (ctx: AdminContext, s: { readonly name: Words; readonly lines: readonly Words[] }): string =>
  `${s.name[ctx.lang]}${s.lines.length > 0 ? `（${s.lines.map((l) => l[ctx.lang]).join(ctx.lang === 'zh' ? '、' : ', ')}）` : ''}`;

/** The token box: the token once, and where it goes on the kiosk. */
function tokenBox(ctx: AdminContext, kioskId: string, token: string): HTMLElement {
  const box = el('div', null, { class: 'panel column token-box', role: 'status', 'data-testid': 'kiosk-token-box' });
  box.append(
    el('strong', ctx.t('tokenTitle', kioskId)),
    el('code', token, { class: 'secret', 'data-testid': 'kiosk-token' }),
    el('p', ctx.t('tokenHow', kioskId, location.origin)),
    button(ctx.t('tokenDone'), 'kiosk-token-done', () => box.remove()),
  );
  return box;
}

export const kiosksSection: AdminSection = {
  id: 'kiosks',
  word: 'kiosks',
  capability: 'manage-kiosks',
  async render(ctx, into) {
    const { kiosks, stations } = await api<{ kiosks: KioskRow[]; stations: StationRow[] }>('/v1/admin/kiosks');
    const tokenSlot = el('div');

    const showToken = (kioskId: string, token: string): void => {
      tokenSlot.replaceChildren(tokenBox(ctx, kioskId, token));
      tokenSlot.scrollIntoView({ block: 'nearest' });
    };

    // ---- register -----------------------------------------------------------------------
    const form = el('form', null, { class: 'panel', 'data-testid': 'register-kiosk' });
    const id = el('input', null, { maxlength: '64', autocomplete: 'off', 'data-testid': 'kiosk-id' });
    const station = el('select', null, { 'data-testid': 'kiosk-station' });
    station.append(new Option(ctx.t('chooseStation'), ''));
    for (const s of stations) station.append(new Option(stationWords(ctx, s), s.id));
    const where = el('input', null, { maxlength: '100', 'data-testid': 'kiosk-location' });
    const code = el('input', null, { maxlength: '8', autocomplete: 'off', 'data-testid': 'kiosk-code' });
    form.append(
      field(ctx.t('kioskNameHint'), id),
      field(ctx.t('station'), station),
      field(ctx.t('location'), where),
      field(ctx.t('ticketCode'), code),
      el('button', ctx.t('register'), { type: 'submit', 'data-testid': 'register-kiosk-submit' }),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void act(ctx, async () => {
        const body = { id: id.value.trim(), stationId: station.value, location: where.value.trim(), ...(code.value.trim() !== '' ? { ticketCode: code.value.trim().toUpperCase() } : {}) };
        const r = await api<{ kiosk: KioskRow; token: string }>('/v1/admin/kiosks', { method: 'POST', body });
        form.reset();
        await refresh();
        showToken(r.kiosk.id, r.token);
        return ctx.t('kioskRegistered', r.kiosk.id);
      });
    });

    // ---- the list -------------------------------------------------------------------------
    const listSlot = el('div');
    const fill = (rows: readonly KioskRow[]): void => {
      const { table: t, body } = table(ctx, 'kiosks', ['kioskName', 'station', 'location', 'lastContact', 'state', 'actions']);
      for (const k of rows) {
        const tr = el('tr', null, { 'data-kiosk': k.id, ...(k.revokedAt ? { class: 'disabled-row' } : {}) });
        const actions = el('td', null, { class: 'actions' });
        const rotate = button(ctx.t('rotate'), 'rotate-token', () =>
          void act(ctx, async () => {
            const r = await api<{ token: string }>(`/v1/admin/kiosks/${encodeURIComponent(k.id)}/rotate-token`, { method: 'POST' });
            await refresh();
            showToken(k.id, r.token);
            return ctx.t('kioskRotated', k.id);
          }),
        );
        actions.append(rotate);
        if (!k.revokedAt) {
          const confirm = button(ctx.t('confirmRevoke'), 'confirm-revoke', () =>
            void act(ctx, async () => {
              await api(`/v1/admin/kiosks/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' });
              tokenSlot.replaceChildren();
              await refresh();
              return ctx.t('kioskRevoked', k.id);
            }),
          );
          confirm.hidden = true;
          confirm.classList.add('danger');
          actions.append(
            button(ctx.t('revoke'), 'revoke', () => {
              confirm.hidden = !confirm.hidden;
            }),
            confirm,
          );
        }
        tr.append(
          el('td', k.id),
          el('td', k.station ? stationWords(ctx, k.station) : (k.stationId ?? ctx.t('noStation'))),
          el('td', k.location || ctx.t('noStation')),
          el('td', k.lastContactAt ? beijingTime(k.lastContactAt) : ctx.t('never')),
          el('td', k.revokedAt ? ctx.t('revokedSince', beijingTime(k.revokedAt)) : ctx.t('active')),
          actions,
        );
        body.append(tr);
      }
      listSlot.replaceChildren(t);
    };
    const refresh = async (): Promise<void> => fill((await api<{ kiosks: KioskRow[] }>('/v1/admin/kiosks')).kiosks);
    fill(kiosks);
    into.append(...(stations.length === 0 ? [el('p', ctx.t('noStations'), { class: 'muted' })] : []), form, tokenSlot, el('p', ctx.t('when'), { class: 'muted' }), listSlot);
  },
};
