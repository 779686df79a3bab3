/** Stations: each station code with its names in Chinese and English and the lines that call there; add or edit one. */
import type { AdminContext, AdminSection } from './admin.js';
import { act, button, field, table } from './admin-parts.js';
import { el } from './dom.js';
import { api, beijingTime } from './session.js';

interface Words {
  readonly zh: string;
  readonly en: string;
}
interface Station {
  readonly id: string;
  readonly name: Words;
  readonly lines: readonly Words[];
  readonly updatedAt: string;
}

const split = (s: string): string[] =>
  s
    .split(/[、,，;；]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

function form(ctx: AdminContext, s: Station | null): HTMLFormElement {
  const f = el('form', null, { class: 'panel', 'data-testid': 'station-form' });
  const code = el('input', null, { maxlength: '64', autocomplete: 'off', value: s?.id ?? '', 'data-testid': 'station-code' });
  if (s) code.readOnly = true;
  const nameZh = el('input', null, { maxlength: '60', value: s?.name.zh ?? '', 'data-testid': 'station-name-zh' });
  const nameEn = el('input', null, { maxlength: '60', value: s?.name.en ?? '', 'data-testid': 'station-name-en' });
  const linesZh = el('input', null, { maxlength: '400', value: s?.lines.map((l) => l.zh).join('、') ?? '', 'data-testid': 'station-lines-zh' });
  const linesEn = el('input', null, { maxlength: '400', value: s?.lines.map((l) => l.en).join(', ') ?? '', 'data-testid': 'station-lines-en' });
  f.append(
    field(ctx.t('stationCode'), code),
    field(ctx.t('nameZh'), nameZh),
    field(ctx.t('nameEn'), nameEn),
    field(ctx.t('linesZh'), linesZh),
    field(ctx.t('linesEn'), linesEn),
    el('button', ctx.t('saveStation'), { type: 'submit', 'data-testid': 'station-save' }),
  );
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void act(ctx, async () => {
      const zh = split(linesZh.value);
      const en = split(linesEn.value);
      if (zh.length !== en.length) throw new Error(ctx.t('linesMismatch'));
      const r = await api<{ station: Station }>(`/v1/admin/stations/${encodeURIComponent(code.value.trim())}`, {
        method: 'PUT',
        body: { name: { zh: nameZh.value.trim(), en: nameEn.value.trim() }, lines: zh.map((z, i) => ({ zh: z, en: en[i]! })) },
      });
      ctx.rerender();
      return ctx.t('stationSaved', r.station.name[ctx.lang]);
    });
  });
  return f;
}

export const stationsSection: AdminSection = {
  id: 'stations',
  word: 'stations',
  capability: 'manage-stations',
  async render(ctx, into) {
    const { stations } = await api<{ stations: Station[] }>('/v1/staff/stations');
    const formSlot = el('div');
    formSlot.append(form(ctx, null));
    const { table: t, body } = table(ctx, 'stations', ['nameZh', 'nameEn', 'lines', 'stationCode', 'updated', 'actions']);
    for (const s of stations) {
      const tr = el('tr', null, { 'data-station': s.id });
      const actions = el('td', null, { class: 'actions' });
      actions.append(button(ctx.t('edit'), 'station-edit', () => formSlot.replaceChildren(form(ctx, s))));
      tr.append(el('td', s.name.zh), el('td', s.name.en), el('td', s.lines.map((l) => l[ctx.lang]).join(ctx.lang === 'zh' ? '、' : ', ')), el('td', s.id), el('td', beijingTime(s.updatedAt)), actions);
      body.append(tr);
    }
    into.append(formSlot, el('p', ctx.t('when'), { class: 'muted' }), t);
  },
};
