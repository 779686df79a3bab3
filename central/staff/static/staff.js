// Staff page. Every value from the API reaches the page through textContent or a form value,
// never as HTML.
const STATUSES = ['open', 'in-progress', 'waiting-for-passenger', 'resolved', 'closed', 'rejected'];
const CATEGORIES = ['card-problem', 'gate', 'ticket-machine', 'station-facility', 'staff-complaint', 'suggestion', 'callback', 'device-fault'];
const PAGE = 50;
const TOKEN_KEY = 'central.staffToken';

const $ = (id) => document.getElementById(id);
let offset = 0;
let selected = null;

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

function fillSelect(select, values) {
  for (const v of values) select.append(new Option(v, v));
}

async function api(path, init = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, {
    ...init,
    headers: { authorization: `Bearer ${token ?? ''}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401) showLogin('令牌无效 Invalid token');
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}

function showLogin(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  $('app').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message ?? '';
}

function showApp() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
}

function query() {
  const form = new FormData($('filters'));
  const params = new URLSearchParams();
  for (const [k, v] of form) {
    if (typeof v !== 'string' || v.trim() === '') continue;
    if (k === 'from') params.set(k, new Date(`${v}T00:00:00`).toISOString());
    else if (k === 'to') params.set(k, new Date(`${v}T23:59:59.999`).toISOString());
    else params.set(k, v.trim());
  }
  params.set('limit', String(PAGE));
  params.set('offset', String(offset));
  return params;
}

async function loadList() {
  $('list-error').textContent = '';
  try {
    const { tickets, total } = await api(`/v1/staff/tickets?${query()}`);
    const tbody = $('tickets').tBodies[0];
    tbody.replaceChildren(
      ...tickets.map((t) => {
        const tr = el('tr');
        tr.dataset.ticketId = t.id;
        if (t.id === selected) tr.classList.add('selected');
        tr.append(
          el('td', t.id),
          el('td', t.status, 'status'),
          el('td', t.category),
          el('td', t.stationId),
          el('td', t.kioskId),
          el('td', new Date(t.createdAt).toLocaleString()),
          el('td', t.description, 'description'),
        );
        tr.addEventListener('click', () => void loadDetail(t.id));
        return tr;
      }),
    );
    $('page-info').textContent = total === 0 ? '无工单 No tickets' : `${offset + 1}–${offset + tickets.length} / ${total}`;
    $('prev').disabled = offset === 0;
    $('next').disabled = offset + tickets.length >= total;
  } catch (e) {
    $('list-error').textContent = e.message;
  }
}

async function loadDetail(id) {
  selected = id;
  try {
    const { ticket, history } = await api(`/v1/staff/tickets/${encodeURIComponent(id)}`);
    $('detail').hidden = false;
    $('detail-title').textContent = `${ticket.id} · ${ticket.status}`;
    const fields = [
      ['描述 Description', ticket.description],
      ['类别 Category', ticket.category],
      ['电话 Phone', ticket.phone ?? '—'],
      ['卡 Card', ticket.card ? `${ticket.card.family} ${ticket.card.cardNumber} (${ticket.card.diagnosis.join(', ') || 'ok'})` : '—'],
      ['车站 / 终端 Station / kiosk', `${ticket.stationId} / ${ticket.kioskId}`],
      ['创建 Created (kiosk)', ticket.createdAt],
      ['收到 Received', ticket.receivedAt],
      ['语言 Language', ticket.language],
    ];
    $('detail-fields').replaceChildren(...fields.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
    $('history').replaceChildren(
      ...history.map((h) => {
        const li = el('li');
        li.append(el('span', h.status, 'status'), el('span', ` · ${h.actor} · ${new Date(h.at).toLocaleString()}`));
        if (h.note) li.append(el('div', h.note));
        return li;
      }),
    );
    $('status-form').elements.status.value = ticket.status;
    for (const tr of $('tickets').tBodies[0].rows) tr.classList.toggle('selected', tr.dataset.ticketId === id);
  } catch (e) {
    $('list-error').textContent = e.message;
  }
}

async function changeStatus(event) {
  event.preventDefault();
  $('status-error').textContent = '';
  const form = event.currentTarget;
  const note = form.elements.note.value.trim();
  try {
    await api(`/v1/staff/tickets/${encodeURIComponent(selected)}/status`, {
      method: 'POST',
      body: JSON.stringify({ status: form.elements.status.value, note: note === '' ? null : note, actor: form.elements.actor.value.trim() }),
    });
    form.elements.note.value = '';
    await loadDetail(selected);
    await loadList();
  } catch (e) {
    $('status-error').textContent = e.message;
  }
}

fillSelect($('filters').elements.status, STATUSES);
fillSelect($('filters').elements.category, CATEGORIES);
fillSelect($('status-form').elements.status, STATUSES);

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value);
  showApp();
  offset = 0;
  void loadList();
});
$('logout').addEventListener('click', () => showLogin());
$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  offset = 0;
  void loadList();
});
$('prev').addEventListener('click', () => {
  offset = Math.max(0, offset - PAGE);
  void loadList();
});
$('next').addEventListener('click', () => {
  offset += PAGE;
  void loadList();
});
$('status-form').addEventListener('submit', (event) => void changeStatus(event));

if (sessionStorage.getItem(TOKEN_KEY)) {
  showApp();
  void loadList();
}
