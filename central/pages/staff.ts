/**
 * Staff page: find tickets, read one with its history, change its status. Categories,
 * statuses and card families are named with the words of shared/words.ts, the same words the
 * kiosk and the passenger's ticket page use; the form values stay the machine keys.
 */
import { TICKET_CATEGORIES, TICKET_STATUSES } from '../../shared/ticket.js';
import { TICKET_CATEGORY_WORDS, TICKET_STATUS_WORDS } from '../../shared/words.js';
import type { StoredTicket, TicketHistoryEntry } from '../storage/types.js';
import { byId, el, messageOf } from './dom.js';
import { categoryText, familyText, options, statusText } from './labels.js';

const PAGE = 50;
const TOKEN_KEY = 'central.staffToken';

let offset = 0;
let selected: string | null = null;

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
    headers: { authorization: `Bearer ${token ?? ''}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = res.status === 204 ? null : ((await res.json().catch(() => null)) as unknown);
  if (res.status === 401) showLogin('令牌无效 Invalid token');
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

function showApp(): void {
  byId('login').hidden = true;
  byId('app').hidden = false;
  byId('logout').hidden = false;
}

function query(): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of new FormData(filters())) {
    if (typeof v !== 'string' || v.trim() === '') continue;
    if (k === 'from') params.set(k, new Date(`${v}T00:00:00`).toISOString());
    else if (k === 'to') params.set(k, new Date(`${v}T23:59:59.999`).toISOString());
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
    const { tickets, total } = await api<{ tickets: readonly StoredTicket[]; total: number }>(`/v1/staff/tickets?${query().toString()}`);
    ticketRows().replaceChildren(
      ...tickets.map((t) => {
        const tr = el('tr');
        tr.dataset['ticketId'] = t.id;
        if (t.id === selected) tr.classList.add('selected');
        tr.append(
          el('td', t.id),
          el('td', statusText(t.status), { class: 'status', 'data-status': t.status }),
          el('td', categoryText(t.category), { 'data-category': t.category }),
          el('td', t.stationId),
          el('td', t.kioskId),
          el('td', new Date(t.createdAt).toLocaleString()),
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
    const { ticket, history } = await api<{ ticket: StoredTicket; history: readonly TicketHistoryEntry[] }>(`/v1/staff/tickets/${encodeURIComponent(id)}`);
    byId('detail').hidden = false;
    byId('detail-title').textContent = `${ticket.id} · ${statusText(ticket.status)}`;
    const card = ticket.card;
    const fields: readonly (readonly [string, string])[] = [
      ['描述 Description', ticket.description],
      ['类别 Category', categoryText(ticket.category)],
      ['电话 Phone', ticket.phone ?? '—'],
      ['卡 Card', card ? `${familyText(card.family)} ${card.cardNumber} (${card.diagnosis.join(', ') || 'ok'})` : '—'],
      ['车站 / 终端 Station / kiosk', `${ticket.stationId} / ${ticket.kioskId}`],
      ['创建 Created (kiosk)', ticket.createdAt],
      ['收到 Received', ticket.receivedAt],
      ['语言 Language', ticket.language],
    ];
    byId('detail-fields').replaceChildren(...fields.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
    byId('history').replaceChildren(
      ...history.map((h) => {
        const li = el('li');
        li.append(el('span', statusText(h.status), { class: 'status' }), el('span', ` · ${h.actor} · ${new Date(h.at).toLocaleString()}`));
        if (h.note) li.append(el('div', h.note));
        return li;
      }),
    );
    field(statusForm(), 'status', HTMLSelectElement).value = ticket.status;
    for (const tr of ticketRows().rows) tr.classList.toggle('selected', tr.dataset['ticketId'] === id);
  } catch (e) {
    byId('list-error').textContent = messageOf(e);
  }
}

async function changeStatus(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  byId('status-error').textContent = '';
  const form = statusForm();
  const note = field(form, 'note', HTMLTextAreaElement);
  const text = note.value.trim();
  if (selected === null) return;
  try {
    await api(`/v1/staff/tickets/${encodeURIComponent(selected)}/status`, {
      method: 'POST',
      body: JSON.stringify({
        status: field(form, 'status', HTMLSelectElement).value,
        note: text === '' ? null : text,
        actor: field(form, 'actor', HTMLInputElement).value.trim(),
      }),
    });
    note.value = '';
    await loadDetail(selected);
    await loadList();
  } catch (e) {
    byId('status-error').textContent = messageOf(e);
  }
}

field(filters(), 'status', HTMLSelectElement).append(...options(TICKET_STATUSES, TICKET_STATUS_WORDS));
field(filters(), 'category', HTMLSelectElement).append(...options(TICKET_CATEGORIES, TICKET_CATEGORY_WORDS));
field(statusForm(), 'status', HTMLSelectElement).append(...options(TICKET_STATUSES, TICKET_STATUS_WORDS));

byId('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, byId('token', HTMLInputElement).value);
  showApp();
  offset = 0;
  void loadList();
});
byId('logout').addEventListener('click', () => showLogin());
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
statusForm().addEventListener('submit', (event) => void changeStatus(event));

if (sessionStorage.getItem(TOKEN_KEY)) {
  showApp();
  void loadList();
}
