/**
 * The supervisor's insight page (`/insight/`): what went wrong where, how fast it was fixed, how
 * passengers felt about it. Filters (dates in Beijing time, line, station, kiosk, category,
 * channel) live in the page's address, so a view can be shared as a link; each view is drawn
 * from central's `/v1/staff/insight/<view>` answer, downloads as CSV from the same route, and
 * the weekly PDF report comes from the same queries on central. Supervisors and administrators
 * only; everyone else is told so in words. Stations, lines, kiosks, categories and channels are
 * shown as words; the machine keys stay in the form values and the address.
 */
import { INSIGHT_CHANNELS, INSIGHT_CSV_PARTS, INSIGHT_VIEWS, insightPath, type InsightAnswers, type InsightChannel, type InsightFilter, type InsightView } from '../../shared/insight.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { TICKET_CATEGORIES, type TicketCategory } from '../../shared/ticket.js';
import { deviceWords, fillWords, TICKET_CATEGORY_WORDS, type Words } from '../../shared/words.js';
import { byId, el, messageOf } from './dom.js';
import { drawChart, type ChartSpec, type DrawnChart } from './insight-chart.js';
import { CHANNEL_WORDS, daysBetween, dayWords, durationWords, INSIGHT_WORDS, parseDayWords, percentWords, RATING_CHANNEL_WORDS, weekOf, type InsightWord } from '../../shared/insight-words.js';
import { beijingTime } from './page-words.js';
import { accountBar, api, pageLanguage, requireSession, setPageLanguage, showDemoBanner, type PageLanguage, type PageSession } from './session.js';

type Filter = { -readonly [K in keyof InsightFilter]: InsightFilter[K] };

interface KioskInfo {
  readonly id: string;
  readonly stationId: string | null;
  readonly ticketCode: string | null;
}

/** What the filters offer: the places central knows, as words. */
interface Places {
  readonly stations: ReadonlyMap<string, Words>;
  readonly lines: ReadonlyMap<string, Words>;
  readonly kiosks: ReadonlyMap<string, KioskInfo>;
}

const ALLOWED_ROLES = new Set(['supervisor', 'administrator']);
const CSV_PART_WORDS: Readonly<Record<string, InsightWord>> = {
  byDay: 'day',
  byStation: 'station',
  byChannel: 'channel',
  rows: 'category',
  reasons: 'reasons',
  distribution: 'distribution',
  byHour: 'hour',
  byKiosk: 'kiosk',
  byDevice: 'device',
  offline: 'offlineKiosks',
};

const t = (word: InsightWord, ...values: (string | number)[]): string => fillWords(INSIGHT_WORDS[word][lang], ...values);
const w = (words: Words): string => words[lang];
const categoryWords = (c: TicketCategory): string => w(TICKET_CATEGORY_WORDS[c]);
const stationWords = (id: string | null): string => (id === null ? '—' : (places.stations.get(id)?.[lang] ?? id));
function kioskWords(id: string): string {
  const k = places.kiosks.get(id);
  if (!k) return id;
  return t('kioskName', stationWords(k.stationId), k.ticketCode ?? k.id);
}
const day = (d: string): string => dayWords(d, lang);
/** An instant as `12月1日 15:26` / `1 Dec 15:26`, Beijing time. */
function when(iso: string): string {
  const text = beijingTime(iso);
  const [d, time] = text.split(' ');
  return d && time ? `${dayWords(d, lang)} ${time}` : text;
}
const today = (): string => shanghaiDate(Date.now());
const addDays = (d: string, n: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

let lang: PageLanguage = pageLanguage();
let session: PageSession | null = null;
let places: Places = { stations: new Map(), lines: new Map(), kiosks: new Map() };
let view: InsightView = (INSIGHT_VIEWS as readonly string[]).includes(location.hash.slice(1)) ? (location.hash.slice(1) as InsightView) : 'tickets';
let answers: Partial<InsightAnswers> = {};
let charts: DrawnChart[] = [];

/** The filter in the page's address (`?from=…&station=…`); this week (Monday to today) unless told. */
function filterFromAddress(): Filter {
  const q = new URLSearchParams(location.search);
  const date = (k: string): string | null => (/^\d{4}-\d{2}-\d{2}$/.test(q.get(k) ?? '') ? q.get(k) : null);
  const category = q.get('category');
  const channel = q.get('channel');
  return {
    from: date('from') ?? weekOf(today()).from,
    to: date('to') ?? today(),
    line: q.get('line') || null,
    stationId: q.get('station') || null,
    kioskId: q.get('kiosk') || null,
    category: category && (TICKET_CATEGORIES as readonly string[]).includes(category) ? (category as TicketCategory) : null,
    channel: channel && (INSIGHT_CHANNELS as readonly string[]).includes(channel) ? (channel as InsightChannel) : null,
  };
}

let filter: Filter = filterFromAddress();

function filterToAddress(): void {
  const path = insightPath(view, filter);
  history.replaceState(null, '', `${location.pathname}${path.slice(path.indexOf('?') >= 0 ? path.indexOf('?') : path.length)}#${view}`);
}

interface StationInfo {
  readonly id: string;
  readonly name: Words;
  readonly lines: readonly Words[];
}

/** The stations central knows by name (and their lines) and its kiosks; a station without a name yet is shown by its id. */
async function loadPlaces(): Promise<Places> {
  const [{ kiosks }, { stations: named }] = await Promise.all([api<{ kiosks: readonly KioskInfo[] }>('/v1/staff/kiosks'), api<{ stations: readonly StationInfo[] }>('/v1/staff/stations')]);
  const stations = new Map<string, Words>(named.map((s) => [s.id, s.name]));
  for (const k of kiosks) if (k.stationId && !stations.has(k.stationId)) stations.set(k.stationId, { zh: k.stationId, en: k.stationId });
  // A line is filtered by its Chinese name (central matches the zh or the en name).
  const lines = new Map<string, Words>();
  for (const s of named) for (const l of s.lines) if (!lines.has(l.zh)) lines.set(l.zh, l);
  return { stations, lines, kiosks: new Map(kiosks.map((k) => [k.id, k])) };
}

function select(name: string, word: InsightWord, choices: readonly (readonly [string, string])[], chosen: string | null): HTMLLabelElement {
  const label = el('label', t(word));
  const s = el('select', null, { name, 'data-testid': `filter-${name}` });
  s.append(new Option(t('all'), ''), ...choices.map(([value, text]) => new Option(text, value, false, value === chosen)));
  label.append(s);
  return label;
}

/**
 * A day in the page's language (`2026年12月1日` / `1 Dec 2026`), typed as text: a browser's own
 * date picker shows and takes dates in the browser's language, not the page's. Read back with
 * {@link parseDayWords} (digits `2026-12-01` too); the days are Beijing days.
 */
function dateInput(name: 'from' | 'to', word: InsightWord): HTMLLabelElement {
  const label = el('label', t(word));
  const input = el('input', null, { name, type: 'text', required: '', autocomplete: 'off', lang: lang === 'zh' ? 'zh-CN' : 'en', placeholder: t('dayExample'), title: t('dayExample'), 'data-testid': `filter-${name}` });
  input.value = dayWords(filter[name], lang, { year: true });
  label.append(input);
  return label;
}

const byWords = (a: readonly [string, string], b: readonly [string, string]): number => a[1].localeCompare(b[1], lang === 'zh' ? 'zh-CN' : 'en');
/** Lines in number order (`2号线` before `10号线`). */
const byLine = (a: readonly [string, string], b: readonly [string, string]): number => a[1].localeCompare(b[1], lang === 'zh' ? 'zh-CN' : 'en', { numeric: true });

function renderFilters(): void {
  const form = byId('filters', HTMLFormElement);
  const kiosks = [...places.kiosks.values()].filter((k) => !filter.stationId || k.stationId === filter.stationId);
  const quick = el('div', null, { class: 'quick' });
  for (const [word, from, to] of [
    ['thisWeek', weekOf(today()).from, today()],
    ['lastWeek', weekOf(addDays(today(), -7)).from, weekOf(addDays(today(), -7)).to],
    ['last30', addDays(today(), -29), today()],
  ] as const) {
    const b = el('button', t(word), { type: 'button', 'data-testid': `range-${word}` });
    b.addEventListener('click', () => {
      filter.from = from;
      filter.to = to;
      void refresh();
    });
    quick.append(b);
  }
  form.replaceChildren(
    dateInput('from', 'from'),
    dateInput('to', 'to'),
    select('line', 'line', [...places.lines].map(([id, words]) => [id, w(words)] as const).sort(byLine), filter.line),
    select('station', 'station', [...places.stations.keys()].map((id) => [id, stationWords(id)] as const).sort(byWords), filter.stationId),
    select('kiosk', 'kiosk', kiosks.map((k) => [k.id, kioskWords(k.id)] as const).sort(byWords), filter.kioskId),
    select('category', 'category', TICKET_CATEGORIES.map((c) => [c, categoryWords(c)] as const), filter.category),
    select('channel', 'channel', INSIGHT_CHANNELS.map((c) => [c, w(CHANNEL_WORDS[c])] as const), filter.channel),
    el('button', t('apply'), { type: 'submit', 'data-testid': 'apply' }),
    quick,
  );
}

/** The form's filter; false (with the words shown and the filter kept) when a date is no date. */
function readFilters(): boolean {
  const data = new FormData(byId('filters', HTMLFormElement));
  const text = (k: string): string | null => {
    const v = data.get(k);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  const day = (k: 'from' | 'to'): string | null | false => {
    const v = text(k);
    if (v === null) return null;
    const parsed = parseDayWords(v);
    if (parsed !== null) return parsed;
    byId('page-error').textContent = t('badDay', v.slice(0, 40));
    return false;
  };
  const from = day('from');
  const to = day('to');
  if (from === false || to === false) return false;
  filter = {
    from: from ?? filter.from,
    to: to ?? filter.to,
    line: text('line'),
    stationId: text('station'),
    kioskId: text('kiosk'),
    category: text('category') as TicketCategory | null,
    channel: text('channel') as InsightChannel | null,
  };
  // A kiosk of another station than the one chosen is dropped rather than silently giving nothing.
  if (filter.kioskId && filter.stationId && places.kiosks.get(filter.kioskId)?.stationId !== filter.stationId) filter.kioskId = null;
  return true;
}

async function loadAnswers(): Promise<Partial<InsightAnswers>> {
  const got = await Promise.all(INSIGHT_VIEWS.map(async (v) => [v, await api<InsightAnswers[typeof v]>(insightPath(v, filter))] as const));
  return Object.fromEntries(got);
}

function figureCard(label: string, value: string, note: string, testId: string): HTMLElement {
  const card = el('div', null, { class: 'figure-card', 'data-testid': testId });
  card.append(el('div', label, { class: 'label' }), el('div', value, { class: 'value' }), el('div', note, { class: 'note' }));
  return card;
}

/** The answer to "what went wrong where, how fast did we fix it, how did passengers feel" in six figures. */
function renderSummary(): void {
  const { tickets, response, satisfaction, calls, devices } = answers;
  const into = byId('summary');
  if (!tickets || !response || !satisfaction || !calls || !devices) return into.replaceChildren();
  const stationTotals = sumBy(tickets.byStation, (r) => r.stationId, (r) => r.count);
  const categoryTotals = sumBy(tickets.byDay, (r) => r.category, (r) => r.count);
  const topStation = [...stationTotals].sort((a, b) => b[1] - a[1])[0];
  const topCategory = [...categoryTotals].sort((a, b) => b[1] - a[1])[0];
  const met = response.rows.reduce((n, r) => n + r.met, 0);
  const missed = response.rows.reduce((n, r) => n + r.missed, 0);
  const avg = satisfaction.total.average;
  into.replaceChildren(
    figureCard(t('sumTickets'), String(tickets.total), t('range', dayWords(tickets.filter.from, lang, { year: true }), dayWords(tickets.filter.to, lang, { year: true })), 'sum-tickets'),
    figureCard(t('sumTopStation'), topStation ? stationWords(topStation[0]) : '—', topStation ? t('ticketsN', topStation[1]) : '', 'sum-top-station'),
    figureCard(t('sumTopCategory'), topCategory ? categoryWords(topCategory[0]) : '—', topCategory ? t('ticketsN', topCategory[1]) : '', 'sum-top-category'),
    figureCard(t('sumMet'), percentWords(met + missed > 0 ? met / (met + missed) : null), t('sumMetNote', met, missed), 'sum-met'),
    figureCard(t('sumSatisfaction'), avg === null ? '—' : `${avg.toFixed(1)} / 5`, t('sumRatings', satisfaction.total.count), 'sum-satisfaction'),
    figureCard(t('sumCalls'), `${calls.total.answered}`, t('sumCallsNote', calls.total.offered, calls.total.abandoned), 'sum-calls'),
    figureCard(t('sumFaults'), `${devices.faults}`, t('sumFaultsNote', devices.repeats), 'sum-faults'),
  );
}

function sumBy<R, K>(rows: readonly R[], key: (r: R) => K, value: (r: R) => number): Map<K, number> {
  const out = new Map<K, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}

/** Rows of (label key, series key, value) as a chart's labels and series, in the order given. */
function pivot<L extends string, S extends string>(labels: readonly L[], series: readonly S[], cells: readonly { l: L; s: S; v: number }[], labelText: (l: L) => string, seriesText: (s: S) => string): Pick<ChartSpec, 'labels' | 'series'> {
  const at = new Map(cells.map((c) => [`${c.l}\u0000${c.s}`, c.v]));
  const present = series.filter((s) => cells.some((c) => c.s === s && c.v !== 0));
  return {
    labels: labels.map(labelText),
    series: present.map((s) => ({ name: seriesText(s), values: labels.map((l) => at.get(`${l}\u0000${s}`) ?? 0) })),
  };
}

function chart(spec: Omit<ChartSpec, 'empty'>): HTMLElement {
  const drawn = drawChart({ ...spec, empty: t('nothing') }, t('dataTable'), t('most'));
  charts.push(drawn);
  return drawn.figure;
}

function table(testId: string, head: readonly string[], rows: readonly (readonly (string | { text: string; class: string })[])[]): HTMLElement {
  const tableEl = el('table', null, { 'data-testid': testId });
  const tr = el('tr');
  tr.append(...head.map((h) => el('th', h, { scope: 'col' })));
  const body = el('tbody');
  if (rows.length === 0) {
    const row = el('tr');
    row.append(el('td', t('nothing'), { colspan: String(head.length), class: 'muted' }));
    body.append(row);
  }
  for (const r of rows) {
    const row = el('tr');
    row.append(...r.map((c) => (typeof c === 'string' ? el('td', c) : el('td', c.text, { class: c.class }))));
    body.append(row);
  }
  const thead = el('thead');
  thead.append(tr);
  tableEl.append(thead, body);
  return tableEl;
}

function ticketsView(a: InsightAnswers['tickets']): HTMLElement[] {
  const days = daysBetween(a.filter.from, a.filter.to);
  const stations = [...new Set(a.byStation.map((r) => r.stationId))];
  return [
    chart({ title: t('ticketsByDay'), labelsName: t('day'), kind: 'stacked', counts: true, legend: true, testId: 'chart-tickets-by-day', ...pivot(days, TICKET_CATEGORIES, a.byDay.map((r) => ({ l: r.day, s: r.category, v: r.count })), day, categoryWords) }),
    chart({ title: t('ticketsByStation'), labelsName: t('station'), kind: 'horizontal', counts: true, legend: true, testId: 'chart-tickets-by-station', ...pivot(stations, TICKET_CATEGORIES, a.byStation.map((r) => ({ l: r.stationId, s: r.category, v: r.count })), stationWords, categoryWords) }),
    chart({ title: t('ticketsByChannel'), labelsName: t('day'), kind: 'stacked', counts: true, legend: true, testId: 'chart-tickets-by-channel', ...pivot(days, INSIGHT_CHANNELS, a.byChannel.map((r) => ({ l: r.day, s: r.channel, v: r.count })), day, (c) => w(CHANNEL_WORDS[c])) }),
  ];
}

function responseView(a: InsightAnswers['response']): HTMLElement[] {
  const rows = a.rows.filter((r) => r.tickets > 0 || r.met + r.missed > 0);
  const minutes = (m: number | null): string => durationWords(m, lang);
  const hoursOf = (m: number | null): number | null => (m === null ? null : Math.round((m / 60) * 10) / 10);
  return [
    chart({
      title: t('responseHours'),
      labelsName: t('category'),
      kind: 'grouped',
      testId: 'chart-response-times',
      format: (h) => minutes(h * 60),
      labels: rows.map((r) => categoryWords(r.category)),
      series: [
        { name: t('firstResponseP50'), values: rows.map((r) => hoursOf(r.firstResponse.p50Minutes)) },
        { name: t('closeP50'), values: rows.map((r) => hoursOf(r.close.p50Minutes)) },
        { name: t('target'), values: rows.map((r) => r.targetHours) },
      ],
    }),
    chart({
      title: t('metShareChart'),
      labelsName: t('category'),
      kind: 'grouped',
      testId: 'chart-met-share',
      counts: true,
      labels: rows.map((r) => categoryWords(r.category)),
      series: [
        { name: t('met'), values: rows.map((r) => r.met) },
        { name: t('missed'), values: rows.map((r) => r.missed) },
      ],
    }),
    table(
      'response-table',
      [t('category'), t('ticketCount'), t('firstResponseP50'), t('firstResponseP90'), t('closeP50'), t('closeP90'), t('target'), t('met'), t('missed'), t('metShare')],
      rows.map((r) => [
        categoryWords(r.category),
        String(r.tickets),
        minutes(r.firstResponse.p50Minutes),
        minutes(r.firstResponse.p90Minutes),
        minutes(r.close.p50Minutes),
        minutes(r.close.p90Minutes),
        t('hours', r.targetHours),
        String(r.met),
        r.missed > 0 ? { text: String(r.missed), class: 'missed' } : '0',
        { text: percentWords(r.metShare), class: r.metShare !== null && r.metShare < 0.8 ? 'missed' : 'met' },
      ]),
    ),
  ];
}

function satisfactionView(a: InsightAnswers['satisfaction']): HTMLElement[] {
  const days = daysBetween(a.filter.from, a.filter.to);
  const byDay = new Map(a.byDay.map((r) => [r.day, r]));
  const avg = (v: number): string => v.toFixed(2);
  return [
    chart({ title: t('averageByDay'), labelsName: t('day'), kind: 'line', max: 5, testId: 'chart-satisfaction-by-day', format: avg, labels: days.map(day), series: [{ name: t('average'), values: days.map((d) => byDay.get(d)?.average ?? null) }] }),
    chart({ title: t('distribution'), labelsName: t('score', ''), kind: 'grouped', counts: true, testId: 'chart-satisfaction-distribution', labels: a.distribution.map((r) => t('score', r.score)), series: [{ name: t('ratings'), values: a.distribution.map((r) => r.count) }] }),
    chart({ title: t('byStation'), labelsName: t('station'), kind: 'horizontal', max: 5, testId: 'chart-satisfaction-by-station', format: avg, labels: a.byStation.map((r) => stationWords(r.stationId)), series: [{ name: t('average'), values: a.byStation.map((r) => r.average) }] }),
    chart({ title: t('byChannel'), labelsName: t('service'), kind: 'grouped', max: 5, testId: 'chart-satisfaction-by-channel', format: avg, labels: a.byChannel.map((r) => w(RATING_CHANNEL_WORDS[r.channel])), series: [{ name: t('average'), values: a.byChannel.map((r) => r.average) }] }),
    el('h3', t('reasons')),
    table('reasons-table', [t('reason'), t('ratings'), t('average')], a.reasons.map((r) => [r.reason, String(r.count), r.average === null ? '—' : avg(r.average)])),
  ];
}

function callsView(a: InsightAnswers['calls']): HTMLElement[] {
  const hours = a.byHour.map((r) => `${String(r.hour).padStart(2, '0')}:00`);
  const secs = (s: number | null): string => (s === null ? '—' : t('seconds', Math.round(s)));
  return [
    chart({
      title: t('callsByHour'),
      labelsName: t('hour'),
      kind: 'stacked',
      testId: 'chart-calls-by-hour',
      counts: true,
      labels: hours,
      series: [
        { name: t('answered'), values: a.byHour.map((r) => r.answered) },
        { name: t('abandoned'), values: a.byHour.map((r) => r.abandoned) },
        { name: t('unanswered'), values: a.byHour.map((r) => r.unanswered) },
      ],
    }),
    chart({
      title: t('waitByHour'),
      labelsName: t('hour'),
      kind: 'grouped',
      testId: 'chart-wait-by-hour',
      format: (s) => secs(s),
      labels: hours,
      series: [
        { name: t('waitP50'), values: a.byHour.map((r) => r.waitP50Seconds) },
        { name: t('waitP90'), values: a.byHour.map((r) => r.waitP90Seconds) },
      ],
    }),
    table(
      'calls-table',
      [t('offered'), t('answered'), t('abandoned'), t('unanswered'), t('callbacks'), t('waitP50'), t('waitP90'), t('waitMax')],
      [[String(a.total.offered), String(a.total.answered), String(a.total.abandoned), String(a.total.unanswered), String(a.total.callbacks), secs(a.total.waitP50Seconds), secs(a.total.waitP90Seconds), secs(a.total.waitMaxSeconds)]],
    ),
  ];
}

function devicesView(a: InsightAnswers['devices']): HTMLElement[] {
  return [
    chart({
      title: t('faultsByKiosk'),
      labelsName: t('kiosk'),
      kind: 'horizontal',
      testId: 'chart-faults-by-kiosk',
      counts: true,
      labels: a.byKiosk.map((r) => kioskWords(r.kioskId)),
      series: [
        { name: t('firstFaults'), values: a.byKiosk.map((r) => r.faults - r.repeats) },
        { name: t('repeats'), values: a.byKiosk.map((r) => r.repeats) },
      ],
    }),
    el('h3', t('faultsByDevice')),
    table('devices-table', [t('kiosk'), t('device'), t('faults'), t('repeats'), t('lastFault')], a.byDevice.map((r) => [kioskWords(r.kioskId), w(deviceWords(r.device)), String(r.faults), r.repeats > 0 ? { text: String(r.repeats), class: 'missed' } : '0', when(r.lastAt)])),
    el('h3', t('offlineKiosks')),
    table(
      'offline-table',
      [t('kiosk'), t('outages'), t('offlineMinutes'), t('offlineNow'), t('lastContact')],
      a.offline.map((r) => [kioskWords(r.kioskId), String(r.outages), durationWords(r.offlineMinutes, lang), r.offlineNow ? { text: t('yes'), class: 'missed' } : t('no'), r.lastContactAt === null ? t('never') : when(r.lastContactAt)]),
    ),
  ];
}

function renderView(): void {
  for (const c of charts) c.destroy();
  charts = [];
  byId('tabs').replaceChildren(
    ...INSIGHT_VIEWS.map((v) => {
      const b = el('button', t(v), { type: 'button', 'data-testid': `tab-${v}` });
      if (v === view) b.setAttribute('aria-current', 'page');
      b.addEventListener('click', () => {
        view = v;
        filterToAddress();
        renderView();
      });
      return b;
    }),
  );
  const into = byId('view');
  const a = answers[view];
  if (!a) return into.replaceChildren(el('p', t('loading'), { class: 'muted' }));
  const head = el('div', null, { class: 'view-head' });
  head.append(el('h2', t(view)), el('span', t('generated', when(a.generatedAt)), { class: 'muted' }));
  const downloads = el('div', null, { class: 'downloads', 'data-testid': 'downloads' });
  for (const part of INSIGHT_CSV_PARTS[view]) {
    downloads.append(el('a', t('downloadCsv', t(CSV_PART_WORDS[part] ?? 'dataTable')), { href: insightPath(view, filter, { part }), download: `${view}-${part}-${filter.from}-${filter.to}.csv`, 'data-testid': `csv-${part}` }));
  }
  const nodes: HTMLElement[] = [head];
  if (a.ignored.length > 0) nodes.push(el('p', t('ignored', a.ignored.map((k) => t(k === 'stationId' ? 'station' : k === 'kioskId' ? 'kiosk' : k)).join(lang === 'zh' ? '、' : ', ')), { class: 'muted', 'data-testid': 'ignored' }));
  nodes.push(downloads);
  const charted = el('div', null, { class: 'charts' });
  const rest: HTMLElement[] = [];
  const parts =
    view === 'tickets' ? ticketsView(answers.tickets!) : view === 'response' ? responseView(answers.response!) : view === 'satisfaction' ? satisfactionView(answers.satisfaction!) : view === 'calls' ? callsView(answers.calls!) : devicesView(answers.devices!);
  for (const p of parts) (p.tagName === 'FIGURE' ? charted : { append: (n: HTMLElement) => rest.push(n) }).append(p);
  nodes.push(charted, ...rest);
  into.replaceChildren(...nodes);
}

function renderReportLink(): HTMLElement {
  const box = el('div', null, { class: 'report panel' });
  const last = weekOf(addDays(today(), -7));
  const label = el('label', t('weekOf'));
  const input = el('input', null, { type: 'date', 'data-testid': 'report-week' });
  input.value = last.from;
  label.append(input);
  const link = el('a', t('weeklyReport'), { 'data-testid': 'weekly-report' });
  const point = (): void => {
    const week = weekOf(input.value || last.from);
    link.setAttribute('href', `/v1/staff/insight/weekly-report.pdf?week=${week.from}${filter.line ? `&line=${encodeURIComponent(filter.line)}` : ''}`);
    link.setAttribute('download', `weekly-report-${week.from}.pdf`);
    link.title = t('range', dayWords(week.from, lang, { year: true }), dayWords(week.to, lang, { year: true }));
  };
  input.addEventListener('change', point);
  point();
  box.append(label, link);
  return box;
}

function renderChrome(s: PageSession): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t('title')} — Station Kiosk central`;
  byId('title').textContent = t('title');
  byId('language').textContent = t('language');
  document.getElementById('demo-banner')?.remove();
  if (s.demo) showDemoBanner(lang);
  byId('account').replaceChildren(accountBar(s, lang));
  const links = [el('a', t('toStaff'), { href: '/staff/' })];
  if (s.person.role === 'administrator') links.push(el('a', t('toAdmin'), { href: '/admin/' }));
  byId('links').replaceChildren(...links);
}

let loads = 0;

/**
 * The figures for the filter in the form. While they load, the view says so and is `aria-busy`;
 * the form is not drawn again when they arrive (a choice made meanwhile stays chosen), and an
 * answer overtaken by a newer Apply is dropped.
 */
async function refresh(): Promise<void> {
  const load = ++loads;
  filterToAddress();
  renderFilters();
  byId('page-error').textContent = '';
  byId('view').replaceChildren(el('p', t('loading'), { class: 'muted' }));
  byId('view').setAttribute('aria-busy', 'true');
  answers = {};
  let got: Partial<InsightAnswers> = {};
  let failed: unknown = null;
  try {
    got = await loadAnswers();
  } catch (e) {
    failed = e;
  }
  if (load !== loads) return;
  answers = got;
  if (failed !== null) byId('page-error').textContent = t('failed', messageOf(failed));
  byId('view').removeAttribute('aria-busy');
  renderFigures();
}

function renderAll(): void {
  renderFilters();
  renderFigures();
}

function renderFigures(): void {
  if (!session) return;
  renderChrome(session);
  const app = byId('app');
  if (!app.querySelector('.report')) byId('summary').before(renderReportLink());
  renderSummary();
  renderView();
}

byId('filters', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  if (readFilters()) void refresh();
});
byId('filters', HTMLFormElement).addEventListener('change', (event) => {
  // Choosing a station narrows the kiosks to that station's.
  if (event.target instanceof HTMLSelectElement && event.target.name === 'station') {
    if (readFilters()) renderFilters();
  }
});
byId('language').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  setPageLanguage(lang);
  byId('app').querySelector('.report')?.remove();
  renderAll();
});

void requireSession().then(async (s) => {
  session = s;
  renderChrome(s);
  if (!ALLOWED_ROLES.has(s.person.role)) {
    byId('page-error').textContent = t('notAllowed');
    byId('page-error').dataset['testid'] = 'not-allowed';
    return;
  }
  byId('app').hidden = false;
  try {
    places = await loadPlaces();
  } catch (e) {
    byId('page-error').textContent = t('failed', messageOf(e));
  }
  await refresh();
});
