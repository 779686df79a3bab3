/**
 * Staff page: find tickets (filters, search, overdue highlighted), work one (assign, priority,
 * internal note, reply to the passenger, status, reopen) with its two histories — what the
 * passenger sees and what only staff see — and the fleet of kiosks with an alert for a silent
 * one. Categories, statuses and card families are named with the words of shared/words.ts, the
 * same words the kiosk and the passenger's ticket page use; the form values stay the machine
 * keys. Times are Beijing time.
 */
import { TICKET_CATEGORIES, TICKET_STATUSES } from '../../shared/ticket.js';
import { TICKET_CATEGORY_WORDS, TICKET_PRIORITIES, TICKET_PRIORITY_WORDS, TICKET_STATUS_WORDS, bothLanguages, type TicketPriority, type Words } from '../../shared/words.js';
import type { StoredTicket, TicketActivity, TicketHistoryEntry } from '../storage/types.js';
import { byId, el, messageOf } from './dom.js';
import { categoryText, diagnosisText, familyText, options, statusText } from './labels.js';
import { ACTIVITY_WORDS, NOBODY_WORDS, SILENT_ALERT_WORDS, agoWords, beijingTime, clockOffsetWords, deviceFaultText, silentKioskWords } from './page-words.js';
import { mountAlarmBanner } from './alarms.js';
import { api as sessionApi, authHeaders, currentSession, loggedInSession, pageLanguage } from './session.js';
import { addInsightLink } from './insight-link.js';
import { watchProblems } from './problems.js';

type StaffTicket = StoredTicket & { readonly dueAt: string; readonly overdue: boolean };
interface Detail {
  readonly ticket: StaffTicket;
  readonly history: readonly TicketHistoryEntry[];
  readonly activity: readonly TicketActivity[];
}
interface FleetKiosk {
  readonly kioskId: string;
  readonly stationId: string | null;
  readonly stationName: Words | null;
  readonly kioskLocation: string | null;
  readonly online: boolean;
  readonly silent: boolean;
  readonly lastContactAt: string | null;
  readonly kioskVersion: string | null;
  readonly faults: readonly { readonly device: string; readonly state: string }[];
  readonly outboxPending: number | null;
  readonly outboxRejected: number | null;
  readonly clockOffsetMs: number | null;
}

const PAGE = 50;
const TOKEN_KEY = 'central.staffToken';
const FINISHED = new Set(['resolved', 'closed', 'rejected']);
const FLEET_REFRESH_MS = 15_000;

let offset = 0;
let selected: string | null = null;
/** Station names from central's station list (`GET /v1/staff/stations`), by station id. */
let stationNames = new Map<string, Words>();
/** Account username → the name people read (from the list of people); a name not in it is shown as stored. */
let personNames = new Map<string, string>();
const personText = (username: string): string => personNames.get(username) ?? username;

/** A station as staff read it: its name in the page's language; the id only where central has no name for it. */
const stationText = (id: string | null): string => {
  if (id === null) return '—';
  const name = stationNames.get(id);
  return name ? name[pageLanguage()] : id;
};

async function loadStations(): Promise<void> {
  try {
    const { stations } = await api<{ stations: readonly { id: string; name: Words }[] }>('/v1/staff/stations');
    stationNames = new Map(stations.map((s) => [s.id, s.name]));
    // Station staff see their own station only (central checks it too): the filter offers no other.
    const own = currentSession()?.person;
    const offered = own?.role === 'station-staff' ? stations.filter((s) => s.id === own.stationId) : stations;
    field(filters(), 'stationId', HTMLSelectElement).replaceChildren(new Option('全部 all', ''), ...offered.map((s) => new Option(s.name[pageLanguage()], s.id)));
  } catch (e) {
    byId('list-error').textContent = messageOf(e);
  }
}

const priorityText = (p: TicketPriority): string => bothLanguages(TICKET_PRIORITY_WORDS[p]);
const both = (w: Words): string => bothLanguages(w);
const filters = (): HTMLFormElement => byId('filters', HTMLFormElement);
const statusForm = (): HTMLFormElement => byId('status-form', HTMLFormElement);
/** A named control of a form, checked to be of the expected kind. */
function field<T extends Element>(form: HTMLFormElement, name: string, kind: abstract new () => T): T {
  const node = form.elements.namedItem(name);
  if (!(node instanceof kind)) throw new Error(`#${form.id} has no ${name}`);
  return node;
}

interface ErrorBody {
  readonly error?: { readonly message?: string };
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, {
    ...init,
    headers: { ...authHeaders(token, init.method), ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = res.status === 204 ? null : ((await res.json().catch(() => null)) as unknown);
  if (res.status === 401) {
    // A person whose session ended logs in again at /login/ and comes back here; a typed token was wrong
    // (after its first refusal the token is forgotten, and the requests still on their way are refused too).
    if (token === null && currentSession() !== null) location.assign(`/login/?next=${encodeURIComponent('/staff/')}`);
    else showLogin('令牌无效 Invalid token');
  }
  if (!res.ok) throw new Error((body as ErrorBody | null)?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

function showLogin(message?: string): void {
  sessionStorage.removeItem(TOKEN_KEY);
  byId('app').hidden = true;
  byId('logout').hidden = true;
  byId('login').hidden = false;
  byId('login-error').textContent = message ?? '';
}

/** Shows the work area; station and people's names come first so that no row shows an id or a username while they load. */
async function showApp(): Promise<void> {
  byId('login').hidden = true;
  byId('app').hidden = false;
  byId('logout').hidden = false;
  await Promise.all([loadStations(), loadPeople()]);
  void loadFleet();
}

function query(): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(filters())) {
    if (typeof v !== 'string' || v.trim() === '') continue;
    // The dates staff pick are Beijing dates.
    if (k === 'from') params.set(k, new Date(`${v}T00:00:00+08:00`).toISOString());
    else if (k === 'to') params.set(k, new Date(`${v}T23:59:59.999+08:00`).toISOString());
    else params.set(k, v.trim());
  }
  params.set('limit', String(PAGE));
  params.set('offset', String(offset));
  return params;
}

const ticketRows = (): HTMLTableSectionElement => {
  const body = byId('tickets', HTMLTableElement).tBodies[0];
  if (!body) throw new Error('#tickets has no body');
  return body;
};

async function loadList(): Promise<void> {
  byId('list-error').textContent = '';
  try {
    const { tickets, total } = await api<{ tickets: readonly StaffTicket[]; total: number }>(`/v1/staff/tickets?${query().toString()}`);
    ticketRows().replaceChildren(
      ...tickets.map((t) => {
        const tr = el('tr');
        tr.dataset['ticketId'] = t.id;
        if (t.id === selected) tr.classList.add('selected');
        if (t.overdue) tr.classList.add('overdue');
        tr.append(
          el('td', t.id),
          el('td', statusText(t.status), { class: 'status', 'data-status': t.status }),
          el('td', categoryText(t.category), { 'data-category': t.category }),
          el('td', priorityText(t.priority), { class: `priority-${t.priority}` }),
          el('td', t.assignee === null ? '—' : personText(t.assignee), { class: 'assignee' }),
          el('td', stationText(t.stationId), { class: 'station', 'data-station-id': t.stationId }),
          el('td', beijingTime(t.createdAt)),
          el('td', t.overdue ? `已超时 Overdue · ${beijingTime(t.dueAt)}` : FINISHED.has(t.status) ? '—' : beijingTime(t.dueAt), { class: 'due' }),
          el('td', t.description, { class: 'description' }),
        );
        tr.addEventListener('click', () => void loadDetail(t.id));
        return tr;
      }),
    );
    byId('page-info').textContent = total === 0 ? '无工单 No tickets' : `${offset + 1}–${offset + tickets.length} / ${total}`;
    byId('prev', HTMLButtonElement).disabled = offset === 0;
    byId('next', HTMLButtonElement).disabled = offset + tickets.length >= total;
  } catch (e) {
    byId('list-error').textContent = messageOf(e);
  }
}

async function loadDetail(id: string): Promise<void> {
  selected = id;
  try {
    showDetail(await api<Detail>(`/v1/staff/tickets/${encodeURIComponent(id)}`));
  } catch (e) {
    byId('list-error').textContent = messageOf(e);
  }
}

function showDetail({ ticket, history, activity }: Detail): void {
  byId('detail').hidden = false;
  byId('detail-title').textContent = `${ticket.id} · ${statusText(ticket.status)}${ticket.overdue ? ' · 已超时 Overdue' : ''}`;
  const card = ticket.card;
  const fields: readonly (readonly [string, string])[] = [
    ['描述 Description', ticket.description],
    ['类别 Category', categoryText(ticket.category)],
    ['优先级 Priority', priorityText(ticket.priority)],
    ['负责人 Assignee', ticket.assignee === null ? both(NOBODY_WORDS) : personText(ticket.assignee)],
    ['电话 Phone', ticket.phone ?? '—'],
    ['卡 Card', card ? `${familyText(card.family)} ${card.cardNumber} (${diagnosisText(card.diagnosis)})` : '—'],
    ['车站 / 终端 Station / kiosk', `${stationText(ticket.stationId)} / ${ticket.kioskId}`],
    ['提交 Reported (北京时间)', beijingTime(ticket.createdAt)],
    ['期限 Due', `${beijingTime(ticket.dueAt)}${ticket.overdue ? ' · 已超时 Overdue' : ''}`],
  ];
  byId('detail-fields').replaceChildren(...fields.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
  byId('history').replaceChildren(
    ...history.map((h) => {
      const li = el('li');
      li.append(el('span', statusText(h.status), { class: 'status' }), el('span', ` · ${h.actor.startsWith('kiosk:') ? '终端提交 Filed at the kiosk' : personText(h.actor)} · ${beijingTime(h.at)}`));
      if (h.note) li.append(el('div', h.note));
      return li;
    }),
  );
  byId('activity').replaceChildren(
    ...activity.map((a) => {
      const li = el('li');
      const text = a.kind === 'priority' ? priorityText(a.text as TicketPriority) : a.kind === 'assign' ? (a.text === '' ? both(NOBODY_WORDS) : personText(a.text)) : a.text;
      li.append(el('span', both(ACTIVITY_WORDS[a.kind]), { class: 'kind' }), el('span', ` · ${personText(a.actor)} · ${beijingTime(a.at)}`), el('div', text));
      return li;
    }),
  );
  if (activity.length === 0) byId('activity').append(el('li', '暂无 None yet', { class: 'muted' }));
  field(statusForm(), 'status', HTMLSelectElement).value = ticket.status;
  field(byId('assign-form', HTMLFormElement), 'assignee', HTMLSelectElement).value = ticket.assignee ?? '';
  field(byId('priority-form', HTMLFormElement), 'priority', HTMLSelectElement).value = ticket.priority;
  byId('reopen-form').hidden = !FINISHED.has(ticket.status);
  for (const tr of ticketRows().rows) tr.classList.toggle('selected', tr.dataset['ticketId'] === ticket.id);
}

/** Sends one of the ticket's forms; on success shows the ticket as central now has it. */
async function work(event: SubmitEvent, path: string, body: (form: HTMLFormElement) => unknown): Promise<void> {
  event.preventDefault();
  byId('status-error').textContent = '';
  const form = event.currentTarget;
  if (!(form instanceof HTMLFormElement) || selected === null) return;
  try {
    showDetail(await api<Detail>(`/v1/staff/tickets/${encodeURIComponent(selected)}/${path}`, { method: 'POST', body: JSON.stringify(body(form)) }));
    for (const t of form.querySelectorAll('textarea')) t.value = '';
    // A reply's status change was for that reply: the next one leaves the status as it is unless chosen again.
    if (form.id === 'reply-form') field(form, 'status', HTMLSelectElement).value = '';
    await loadList();
  } catch (e) {
    byId('status-error').textContent = messageOf(e);
  }
}

const textOf = (form: HTMLFormElement, name: string): string => field(form, name, HTMLTextAreaElement).value.trim();
const choiceOf = (form: HTMLFormElement, name: string): string => field(form, name, HTMLSelectElement).value;

async function loadPeople(): Promise<void> {
  try {
    const { people } = await api<{ people: readonly { name: string; displayName: string; role: string }[] }>('/v1/staff/people');
    personNames = new Map(people.map((p) => [p.name, p.displayName]));
    const names = [...new Set(people.map((p) => p.name))];
    field(byId('assign-form', HTMLFormElement), 'assignee', HTMLSelectElement).replaceChildren(new Option(both(NOBODY_WORDS), ''), ...names.map((n) => new Option(personText(n), n)));
    field(filters(), 'assignee', HTMLSelectElement).replaceChildren(new Option('全部 all', ''), ...names.map((n) => new Option(personText(n), n)));
  } catch (e) {
    byId('list-error').textContent = messageOf(e);
  }
}

async function loadFleet(): Promise<void> {
  try {
    const { kiosks, serverTime, silentAfterSeconds } = await api<{ kiosks: readonly FleetKiosk[]; serverTime: string; silentAfterSeconds: number }>('/v1/staff/fleet');
    const now = Date.parse(serverTime);
    byId('fleet', HTMLTableElement).tBodies[0]?.replaceChildren(
      ...kiosks.map((k) => {
        const tr = el('tr', null, { 'data-kiosk-id': k.kioskId, class: k.silent ? 'silent' : '' });
        tr.append(
          el('td', k.kioskLocation ? `${k.kioskLocation} · ${k.kioskId}` : k.kioskId),
          el('td', k.stationName ? k.stationName[pageLanguage()] : stationText(k.stationId), { class: 'station' }),
          el('td', k.online ? '在线 Online' : '离线 Offline', { class: k.online ? 'online' : 'offline' }),
          el('td', `${beijingTime(k.lastContactAt)} (${both(agoWords(k.lastContactAt, now))})`),
          el('td', k.kioskVersion ?? '—'),
          el('td', k.faults.length === 0 ? (k.lastContactAt ? '无 None' : '—') : k.faults.map((f) => deviceFaultText(f.device, f.state)).join('；')),
          el('td', k.outboxPending === null ? '—' : `${k.outboxPending}${k.outboxRejected ? `（被拒 refused ${k.outboxRejected}）` : ''}`),
          el('td', both(clockOffsetWords(k.clockOffsetMs))),
        );
        return tr;
      }),
    );
    byId('fleet-updated').textContent = `更新于 Updated ${beijingTime(serverTime)}`;
    const minutes = Math.round(silentAfterSeconds / 60);
    byId('fleet-rule').textContent = `超过 ${minutes} 分钟没有联系的终端会报警。A kiosk silent for more than ${minutes} min raises an alert.`;
    const silent = kiosks.filter((k) => k.silent);
    const alert = byId('fleet-alert');
    alert.hidden = silent.length === 0;
    // In words, in the page's language: the station, where the kiosk stands, since when (Beijing time).
    const lang = pageLanguage();
    alert.replaceChildren(
      ...(silent.length
        ? [el('strong', `⚠ ${SILENT_ALERT_WORDS[lang]}`), el('ul', null, { class: 'silent-kiosks' })]
        : []),
    );
    alert.querySelector('ul')?.append(...silent.map((k) => el('li', silentKioskWords(k, now)[lang], { 'data-testid': 'silent-kiosk' })));
  } catch (e) {
    // A role that may not see the fleet still works its tickets.
    byId('fleet-updated').textContent = messageOf(e);
  }
}

field(filters(), 'status', HTMLSelectElement).append(...options(TICKET_STATUSES, TICKET_STATUS_WORDS));
field(filters(), 'category', HTMLSelectElement).append(...options(TICKET_CATEGORIES, TICKET_CATEGORY_WORDS));
field(filters(), 'priority', HTMLSelectElement).append(...options(TICKET_PRIORITIES, TICKET_PRIORITY_WORDS));
field(statusForm(), 'status', HTMLSelectElement).append(...options(TICKET_STATUSES, TICKET_STATUS_WORDS));
field(byId('reply-form', HTMLFormElement), 'status', HTMLSelectElement).append(...options(TICKET_STATUSES, TICKET_STATUS_WORDS));
field(byId('priority-form', HTMLFormElement), 'priority', HTMLSelectElement).append(...options(TICKET_PRIORITIES, TICKET_PRIORITY_WORDS));

byId('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, byId('token', HTMLInputElement).value);
  offset = 0;
  void showApp().then(loadList);
});
byId('logout').addEventListener('click', () => {
  // A person logged in at /login/ ends their session at central; a typed token is only forgotten.
  if (sessionStorage.getItem(TOKEN_KEY) === null && currentSession() !== null) void sessionApi('/v1/session', { method: 'DELETE' }).finally(() => location.assign('/login/'));
  else showLogin();
});
filters().addEventListener('submit', (event) => {
  event.preventDefault();
  offset = 0;
  void loadList();
});
byId('prev').addEventListener('click', () => {
  offset = Math.max(0, offset - PAGE);
  void loadList();
});
byId('next').addEventListener('click', () => {
  offset += PAGE;
  void loadList();
});
statusForm().addEventListener('submit', (event) => {
  void work(event, 'status', (form) => ({ status: choiceOf(form, 'status'), note: textOf(form, 'note') || null }));
});
byId('assign-form').addEventListener('submit', (event) => void work(event, 'assign', (form) => ({ assignee: choiceOf(form, 'assignee') || null })));
byId('priority-form').addEventListener('submit', (event) => void work(event, 'priority', (form) => ({ priority: choiceOf(form, 'priority') })));
byId('note-form').addEventListener('submit', (event) => void work(event, 'notes', (form) => ({ text: textOf(form, 'text') })));
byId('reply-form').addEventListener('submit', (event) => {
  void work(event, 'reply', (form) => (choiceOf(form, 'status') ? { text: textOf(form, 'text'), status: choiceOf(form, 'status') } : { text: textOf(form, 'text') }));
});
byId('reopen-form').addEventListener('submit', (event) => void work(event, 'reopen', (form) => ({ reason: textOf(form, 'reason') })));
for (const b of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) {
  b.addEventListener('click', () => {
    for (const other of document.querySelectorAll<HTMLButtonElement>('[data-tab]')) {
      other.classList.toggle('active', other === b);
      byId(other.dataset['tab'] ?? '').hidden = other !== b;
    }
    if (b.dataset['tab'] === 'fleet-tab') void loadFleet();
  });
}
mountAlarmBanner({ language: () => 'both', token: () => sessionStorage.getItem(TOKEN_KEY) });
setInterval(() => {
  if (!byId('app').hidden) void loadFleet();
}, FLEET_REFRESH_MS);
watchProblems(api, byId('app'));

if (sessionStorage.getItem(TOKEN_KEY)) {
  void showApp().then(loadList);
} else {
  // A person logged in at /login/ works with their session (central/pages/session.ts).
  void loggedInSession().then((s) => s && showApp().then(loadList));
}
void addInsightLink(document.querySelector('header'));
