/** The accounts screen: everyone who may log in, with their role; add, disable or enable, reset a password, change a role. */
import type { Words } from '../../shared/words.js';
import type { AdminContext, AdminSection } from './admin.js';
import { el, messageOf } from './dom.js';
import { api, beijingTime } from './session.js';

interface AccountRow {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly roleWords: Words;
  readonly stationId: string | null;
  readonly disabledAt: string | null;
  readonly lockedUntil: string | null;
  readonly createdAt: string;
}

interface AccountList {
  readonly accounts: readonly AccountRow[];
  readonly roles: readonly { role: string; words: Words }[];
}

function field(label: string, input: HTMLElement): HTMLLabelElement {
  const l = el('label', null);
  l.append(el('span', label), input);
  return l;
}

function roleSelect(ctx: AdminContext, roles: AccountList['roles'], value: string, testid: string): HTMLSelectElement {
  const select = el('select', null, { 'data-testid': testid });
  for (const r of roles) select.append(new Option(r.words[ctx.lang], r.role, false, r.role === value));
  return select;
}

async function act(ctx: AdminContext, fn: () => Promise<string>): Promise<void> {
  try {
    ctx.notice(await fn());
  } catch (e) {
    ctx.notice(ctx.t('failed', messageOf(e)), 'error');
  }
}

export const accountsSection: AdminSection = {
  id: 'accounts',
  word: 'accounts',
  capability: 'manage-accounts',
  async render(ctx, into) {
    const list = await api<AccountList>('/v1/admin/accounts');

    // ---- add --------------------------------------------------------------------------
    const username = el('input', null, { maxlength: '32', autocomplete: 'off', 'data-testid': 'new-username' });
    const displayName = el('input', null, { maxlength: '60', 'data-testid': 'new-display-name' });
    const role = roleSelect(ctx, list.roles, 'agent', 'new-role');
    const station = el('input', null, { maxlength: '64', 'data-testid': 'new-station' });
    const password = el('input', null, { type: 'password', maxlength: '200', autocomplete: 'new-password', 'data-testid': 'new-password' });
    const stationField = field(ctx.t('station'), station);
    const syncStation = (): void => {
      stationField.hidden = role.value !== 'station-staff';
    };
    role.addEventListener('change', syncStation);
    syncStation();
    const add = el('form', null, { class: 'panel', 'data-testid': 'add-account' });
    add.append(field(ctx.t('username'), username), field(ctx.t('displayName'), displayName), field(ctx.t('role'), role), stationField, field(ctx.t('password'), password), el('button', ctx.t('add'), { type: 'submit', 'data-testid': 'add-account-submit' }));
    add.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void act(ctx, async () => {
        const body = {
          username: username.value.trim().toLowerCase(),
          role: role.value,
          password: password.value,
          ...(displayName.value.trim() !== '' ? { displayName: displayName.value.trim() } : {}),
          ...(role.value === 'station-staff' ? { stationId: station.value.trim() } : {}),
        };
        const r = await api<{ account: AccountRow }>('/v1/admin/accounts', { method: 'POST', body });
        ctx.rerender();
        return ctx.t('added', r.account.username);
      });
    });

    // ---- the list ---------------------------------------------------------------------
    const table = el('table', null, { 'data-testid': 'accounts' });
    const head = el('tr');
    for (const w of ['username', 'displayName', 'role', 'station', 'state', 'created', 'actions'] as const) head.append(el('th', w === 'created' ? `${ctx.t(w)} ${ctx.t('when')}` : ctx.t(w)));
    table.append(el('thead'), el('tbody'));
    table.tHead!.append(head);
    for (const a of list.accounts) {
      const tr = el('tr', null, { 'data-username': a.username, ...(a.disabledAt ? { class: 'disabled-row' } : {}) });
      const state = a.disabledAt ? ctx.t('disabledSince', beijingTime(a.disabledAt)) : a.lockedUntil && Date.parse(a.lockedUntil) > Date.now() ? ctx.t('lockedUntil', beijingTime(a.lockedUntil)) : ctx.t('active');
      const actions = el('td', null, { class: 'actions' });
      const toggle = el('button', a.disabledAt ? ctx.t('enable') : ctx.t('disable'), { type: 'button', 'data-testid': a.disabledAt ? 'enable' : 'disable' });
      toggle.addEventListener('click', () =>
        void act(ctx, async () => {
          await api(`/v1/admin/accounts/${encodeURIComponent(a.username)}/${a.disabledAt ? 'enable' : 'disable'}`, { method: 'POST' });
          ctx.rerender();
          return ctx.t(a.disabledAt ? 'enabled' : 'disabled', a.username);
        }),
      );
      const resetBox = el('form', null, { class: 'panel', hidden: '' });
      const newPassword = el('input', null, { type: 'password', maxlength: '200', autocomplete: 'new-password', 'data-testid': 'reset-password-input' });
      resetBox.append(field(ctx.t('newPassword'), newPassword), el('button', ctx.t('save'), { type: 'submit', 'data-testid': 'reset-password-save' }));
      resetBox.addEventListener('submit', (ev) => {
        ev.preventDefault();
        void act(ctx, async () => {
          await api(`/v1/admin/accounts/${encodeURIComponent(a.username)}/password`, { method: 'POST', body: { password: newPassword.value } });
          ctx.rerender();
          return ctx.t('passwordReset', a.username);
        });
      });
      const reset = el('button', ctx.t('resetPassword'), { type: 'button', 'data-testid': 'reset-password' });
      reset.addEventListener('click', () => {
        resetBox.hidden = !resetBox.hidden;
      });
      const roleBox = el('form', null, { class: 'panel', hidden: '' });
      const newRole = roleSelect(ctx, list.roles, a.role, 'change-role-select');
      const newStation = el('input', null, { maxlength: '64', value: a.stationId ?? '', 'data-testid': 'change-role-station' });
      roleBox.append(field(ctx.t('role'), newRole), field(ctx.t('station'), newStation), el('button', ctx.t('save'), { type: 'submit', 'data-testid': 'change-role-save' }));
      roleBox.addEventListener('submit', (ev) => {
        ev.preventDefault();
        void act(ctx, async () => {
          const r = await api<{ account: AccountRow }>(`/v1/admin/accounts/${encodeURIComponent(a.username)}/role`, {
            method: 'POST',
            body: { role: newRole.value, ...(newRole.value === 'station-staff' ? { stationId: newStation.value.trim() } : {}) },
          });
          ctx.rerender();
          return ctx.t('roleChanged', a.username, r.account.roleWords[ctx.lang]);
        });
      });
      const roleButton = el('button', ctx.t('changeRole'), { type: 'button', 'data-testid': 'change-role' });
      roleButton.addEventListener('click', () => {
        roleBox.hidden = !roleBox.hidden;
      });
      actions.append(toggle, reset, roleButton, resetBox, roleBox);
      tr.append(el('td', a.username), el('td', a.displayName), el('td', a.roleWords[ctx.lang]), el('td', a.stationId ?? ctx.t('noStation')), el('td', state), el('td', beijingTime(a.createdAt)), actions);
      table.tBodies[0]!.append(tr);
    }
    into.append(add, table);
  },
};
