/**
 * Agent console: queue, availability, answering, WebRTC video with the kiosk page, the
 * passenger's context and the audited kiosk actions. Protocol: shared/call-protocol.ts.
 * Every string from the network is shown with textContent, never parsed as markup.
 */
import type { AgentChosenStatus, AgentToCentral, AgentView, CallContext, CentralToAgent, IceServer, IceTransportPolicy, MediaSignal, QueueView } from '../../shared/call-protocol.js';
import type { FaqArticle } from '../../shared/sync.js';
import { TICKET_STATUSES, type TicketStatus } from '../../shared/ticket.js';
import { REPORT_CATEGORIES } from '../../shared/ui-protocol.js';
import { CARD_FAMILY_WORDS, DIAGNOSIS_WORDS, NO_DIAGNOSIS_WORDS, TICKET_CATEGORY_WORDS, TICKET_STATUS_WORDS, fillWords, type Words } from '../../shared/words.js';
import type { StoredTicket } from '../storage/types.js';
import { byId, el, messageOf } from './dom.js';
import {
  CONSOLE_WORDS,
  END_REASON_WORDS,
  LANE_WORDS,
  PRESENCE_WORDS,
  QUEUE_STATE_WORDS,
  beijingTime,
  deviceStateOf,
  deviceWordsOf,
  missedReasonWords,
  type ConsoleWord,
} from './page-words.js';
import { mountAlarmBanner } from './alarms.js';
import { accountBar, authHeaders, currentSession, loggedInSession, pageLanguage, requireSession, setPageLanguage } from './session.js';

type Lang = 'zh' | 'en';
// The language the person chose on any of central's pages (kept in this browser), Chinese unless told.
let lang: Lang = pageLanguage();
/** Words in the agent's language. */
const say = (w: Words): string => w[lang];
const word = (key: ConsoleWord, ...values: (string | number)[]): string => fillWords(CONSOLE_WORDS[key][lang], ...values);
const known = (table: Readonly<Record<string, Words>>, key: string): string => say(table[key] ?? CONSOLE_WORDS.unknown);

type Offer = Extract<CentralToAgent, { type: 'offer' }>;

interface CallState {
  readonly callId: string;
  readonly context: CallContext;
  readonly iceServers: readonly IceServer[];
  readonly iceTransportPolicy: IceTransportPolicy;
}

const state: {
  socket: WebSocket | null;
  agentId: string | null;
  presence: string;
  offers: Map<string, Offer>;
  call: CallState | null;
  pc: RTCPeerConnection | null;
  /** The call `pc` belongs to: the call in progress, or the one ringing here (tracks held until the answer). */
  pcCallId: string | null;
  localStream: MediaStream | null;
  clockOffset: number;
  queue: readonly QueueView[];
  agents: readonly AgentView[];
  ticketId: string | null;
} = {
  socket: null,
  agentId: null,
  presence: 'logged-out',
  offers: new Map(),
  call: null,
  pc: null,
  pcCallId: null,
  localStream: null,
  clockOffset: 0,
  queue: [],
  agents: [],
  ticketId: null,
};

function send(message: AgentToCentral): void {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

const video = (id: string): HTMLVideoElement => byId(id, HTMLVideoElement);

function fen(amount: number): string {
  return `¥${(amount / 100).toFixed(2)}`;
}

/** The kiosk as the agent names it: where it stands in the station, else its number. */
function kioskPlace(kioskId: string, location: { readonly zh: string; readonly en: string } | null | undefined): string {
  return location ? say(location) : kioskId;
}

function renderContext(container: HTMLElement, context: CallContext): void {
  container.replaceChildren();
  const dl = el('dl');
  const row = (k: string, v: string): void => {
    dl.append(el('dt', k), el('dd', v));
  };
  row(word('station'), context.stationName);
  // Its number too: the label station staff find on the machine.
  row(word('kiosk'), context.location ? `${say(context.location)} (${context.kioskId})` : context.kioskId);
  row(word('language'), context.language === 'zh' ? '中文' : 'English');
  if (context.card) {
    const c = context.card;
    row(word('card'), `${say(CARD_FAMILY_WORDS[c.family])} · ${c.maskedNumber || '—'}`);
    row(word('balance'), fen(c.balance));
    const expired = context.diagnosis.includes('expired') || (c.validUntil !== null && c.validUntil < new Date().toISOString().slice(0, 10));
    row(word('validity'), c.validUntil === null ? word('unknown') : `${expired ? word('expired') : word('valid')} · ${word('validUntil')} ${c.validUntil}`);
  } else row(word('card'), word('noCard'));
  row(word('diagnosis'), context.diagnosis.length ? context.diagnosis.map((d) => known(DIAGNOSIS_WORDS, d)).join(lang === 'zh' ? '、' : '; ') : say(NO_DIAGNOSIS_WORDS));
  row(word('openTickets'), context.openTicketIds.length ? context.openTicketIds.join(', ') : word('none'));
  row(word('kioskHealth'), context.health.map((h) => `${say(deviceWordsOf(h.device))}: ${say(deviceStateOf(h.state))}`).join(lang === 'zh' ? '；' : '; ') || word('unknown'));
  container.append(dl);
  const trips = el('section', null, { 'data-testid': 'call-trips', class: 'trips' });
  trips.append(el('h3', `${word('recentTrips')} (${word('beijing')})`));
  if (context.recentTrips.length) {
    // The journeys as the passenger read them on the kiosk, in the agent's language.
    const list = el('ol');
    for (const t of context.recentTrips) list.append(el('li', say(t.text), t.open ? { class: 'open-trip' } : {}));
    trips.append(list);
  } else trips.append(el('p', word(context.card ? 'noTrips' : 'noCard'), { class: 'muted' }));
  container.append(trips);
}

function waited(queuedAt: string): string {
  const seconds = Math.max(0, Math.round((Date.now() + state.clockOffset - Date.parse(queuedAt)) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function renderQueue(): void {
  const body = byId('queue').querySelector('tbody');
  if (!body) return;
  body.replaceChildren();
  for (const e of state.queue) {
    const tr = el('tr', null, { class: e.lane, 'data-call-id': e.callId });
    const st = known(QUEUE_STATE_WORDS, e.state);
    tr.append(el('td', known(LANE_WORDS, e.lane)), el('td', e.stationName), el('td', kioskPlace(e.kioskId, e.location)), el('td', waited(e.queuedAt), { 'data-queued-at': e.queuedAt }), el('td', e.agentName ? `${st} · ${e.agentName}` : st));
    body.append(tr);
  }
}

/** The agents and what each is doing, in the console's language (drawn again when it changes). */
function renderAgents(): void {
  byId('agents').replaceChildren(...state.agents.map((a) => el('li', `${a.name}: ${known(PRESENCE_WORDS, a.presence)}`, { 'data-agent-id': a.id })));
}

function tickWaits(): void {
  for (const cell of document.querySelectorAll('[data-queued-at]')) cell.textContent = waited(cell.getAttribute('data-queued-at') ?? '');
}

function renderOffer(): void {
  const offers = [...state.offers.values()].sort((a, b) => (a.lane === b.lane ? 0 : a.lane === 'emergency' ? -1 : 1));
  const offer = offers[0];
  const box = byId('offer');
  box.hidden = !offer;
  if (!offer) return;
  box.className = `offer ${offer.lane}`;
  box.dataset['callId'] = offer.callId;
  box.dataset['lane'] = offer.lane;
  byId('offer-title').textContent = offer.lane === 'emergency' ? word('emergencyCall') : word('incoming');
  renderContext(byId('offer-context'), offer.context);
}

function logAction(text: string): void {
  byId('action-log').append(el('li', text));
}

/** The camera being started, so that two callers share one stream rather than opening the camera twice. */
let cameraStarting: Promise<MediaStream> | null = null;

async function startMedia(): Promise<MediaStream> {
  if (state.localStream) return state.localStream;
  cameraStarting ??= navigator.mediaDevices.getUserMedia({ video: true, audio: true }).finally(() => (cameraStarting = null));
  const stream = await cameraStarting;
  if (state.localStream === null) {
    state.localStream = stream;
    video('local-video').srcObject = stream;
  }
  return state.localStream;
}

function stopMedia(): void {
  if (state.localStream) for (const t of state.localStream.getTracks()) t.stop();
  state.localStream = null;
  video('local-video').srcObject = null;
}

function closePeer(): void {
  if (state.pc) {
    state.pc.onicecandidate = null;
    state.pc.onconnectionstatechange = null;
    state.pc.close();
  }
  state.pc = null;
  state.pcCallId = null;
}

/** Each sender carries the agent's camera or microphone once the call is answered here, nothing before. */
async function applySending(pc: RTCPeerConnection, callId: string): Promise<void> {
  for (const transceiver of pc.getTransceivers()) {
    // Read again for each sender: the answer may come while an earlier sender is being held.
    const live = state.call?.callId === callId;
    const track = live ? (state.localStream?.getTracks().find((t) => t.kind === transceiver.receiver.track.kind) ?? null) : null;
    if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
  }
}

/**
 * A fresh offer to the kiosk page of `callId`: the call in progress, or the call ringing here
 * (the page connects before the answer, each side holding its tracks until then).
 */
async function makeOffer(callId: string, ice: { readonly iceServers: readonly IceServer[]; readonly iceTransportPolicy: IceTransportPolicy }): Promise<void> {
  closePeer();
  const stream = await startMedia();
  if (state.call?.callId !== callId && !state.offers.has(callId)) {
    // The ring ended while the camera started.
    if (state.call === null && state.pc === null) stopMedia();
    return;
  }
  const pc = new RTCPeerConnection({ iceServers: ice.iceServers.map((s) => ({ ...s, urls: [...s.urls] })), iceTransportPolicy: ice.iceTransportPolicy });
  state.pc = pc;
  state.pcCallId = callId;
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  await applySending(pc, callId);
  pc.ontrack = (ev) => {
    video('remote-video').srcObject = ev.streams[0] ?? null;
  };
  pc.onicecandidate = (ev) => {
    const c = ev.candidate;
    send({ type: 'signal', callId, signal: { type: 'ice', candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } : null } });
  };
  pc.onconnectionstatechange = () => {
    if (state.call?.callId === callId) byId('media-state').textContent = word('mediaState', pc.connectionState);
  };
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  send({ type: 'signal', callId, signal: { type: 'sdp', description: { type: 'offer', sdp: offer.sdp ?? '' } } });
}

async function onSignal(callId: string, signal: MediaSignal): Promise<void> {
  const offered = state.offers.get(callId);
  const ice = state.call?.callId === callId ? state.call : offered?.iceServers ? { iceServers: offered.iceServers, iceTransportPolicy: offered.iceTransportPolicy ?? 'all' } : null;
  if (!ice) return;
  switch (signal.type) {
    case 'peer-ready':
      await makeOffer(callId, ice);
      return;
    case 'sdp':
      if (signal.description.type === 'answer' && state.pc && state.pcCallId === callId) await state.pc.setRemoteDescription(signal.description);
      return;
    case 'ice':
      if (state.pc && state.pcCallId === callId && signal.candidate) await state.pc.addIceCandidate(signal.candidate).catch(() => undefined);
      return;
    case 'media-state':
      byId('media-state').textContent = word('mediaState', signal.state);
      return;
  }
}

function endCallView(reason: string): void {
  closePeer();
  stopMedia();
  video('remote-video').srcObject = null;
  byId('last-call').textContent = state.call ? word('callEnded', known(END_REASON_WORDS, reason)) : '';
  state.call = null;
  byId('call').hidden = true;
}

function onMessage(m: CentralToAgent): void {
  switch (m.type) {
    case 'welcome':
      state.agentId = m.agentId;
      // Logged in at /login/, the account bar names the agent already.
      byId('me').textContent = currentSession() ? '' : m.name;
      byId('login-panel').hidden = true;
      byId('work').hidden = false;
      setPresence(m.presence);
      void loadFaq();
      void loadWorkList();
      return;
    case 'presence':
      setPresence(m.presence, m.reason);
      return;
    case 'queue':
      state.clockOffset = Date.parse(m.serverTime) - Date.now();
      state.queue = m.entries;
      renderQueue();
      state.agents = m.agents;
      renderAgents();
      return;
    case 'offer':
      // A lasting trace for supervisors and tests: offers can be withdrawn within seconds.
      document.body.dataset['offersSeen'] = String(Number(document.body.dataset['offersSeen'] ?? 0) + 1);
      state.offers.set(m.callId, m);
      renderOffer();
      return;
    case 'offer-withdrawn':
      state.offers.delete(m.callId);
      renderOffer();
      // The kiosk page this console was connecting with goes to another agent or back to the queue.
      if (state.pcCallId === m.callId && state.call === null) {
        closePeer();
        stopMedia();
      }
      return;
    case 'connected': {
      state.offers.clear();
      renderOffer();
      state.call = { callId: m.callId, context: m.context, iceServers: m.iceServers, iceTransportPolicy: m.iceTransportPolicy ?? 'all' };
      byId('call').hidden = false;
      byId('action-log').replaceChildren();
      renderContext(byId('call-context'), m.context);
      void loadCallTickets(m.context.openTicketIds);
      const early = state.pcCallId === m.callId ? state.pc : null;
      byId('media-state').textContent = early ? word('mediaState', early.connectionState) : word('mediaWaiting');
      // Connected while ringing: the answer only starts the tracks. Otherwise the page's `peer-ready` brings the offer.
      if (early) applySending(early, m.callId).catch((e: unknown) => logAction(`media: ${messageOf(e)}`));
      else startMedia().catch((e: unknown) => logAction(`camera: ${messageOf(e)}`));
      return;
    }
    case 'signal':
      onSignal(m.callId, m.signal).catch((e: unknown) => logAction(`media: ${messageOf(e)}`));
      return;
    case 'action-result':
      logAction(`${beijingTime(Date.now())} ${m.status === 'performed' ? word('performed') : word('refused')}${m.code ? ` (${m.code.replaceAll('-', ' ')})` : ''}`);
      return;
    case 'ended':
      endCallView(m.reason);
      return;
    case 'error':
      if (byId('work').hidden) byId('login-error').textContent = m.message;
      else logAction(m.message);
      return;
  }
}

function setPresence(presence: string, reason?: string | null): void {
  state.presence = presence;
  const shown = byId('presence');
  const words = known(PRESENCE_WORDS, presence);
  shown.textContent = reason === 'no-answer' ? `${words} (${word('missedOne')})` : words;
  shown.dataset['presence'] = presence;
}

/** Shows why the console is not connected, and the way back: connect again, or log in. */
function showLoginPanel(note: ConsoleWord, canReconnect: boolean): void {
  byId('login-panel').hidden = false;
  byId('work').hidden = true;
  byId('login-note').textContent = word(note);
  byId('reconnect').hidden = !canReconnect;
  byId('to-login').hidden = canReconnect;
}

/** Opens the agent socket: the session cookie (sent by the browser at the upgrade) says who the agent is; no token is sent. */
function connect(): void {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/calls/agent`;
  const socket = new WebSocket(url);
  state.socket = socket;
  byId('login-error').textContent = '';
  socket.onmessage = (ev: MessageEvent<unknown>) => {
    try {
      if (typeof ev.data === 'string') onMessage(JSON.parse(ev.data) as CentralToAgent);
    } catch (e) {
      console.error(e);
    }
  };
  socket.onclose = () => {
    if (state.socket !== socket) return;
    endCallView('console disconnected');
    setPresence('logged-out');
    // A refused upgrade and an ended session look alike to the page: ask central who is logged in.
    void loggedInSession().then((s) => {
      if (s === null) showLoginPanel('sessionEnded', false);
      else if (!s.person.capabilities.includes('answer-calls')) showLoginPanel('mayNotAnswer', false);
      else showLoginPanel('disconnected', true);
    });
  };
}

const isChosenStatus = (s: string | undefined): s is AgentChosenStatus => s === 'available' || s === 'on-break' || s === 'logged-out';

interface ErrorBody {
  readonly error?: { readonly message?: string };
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...authHeaders(null, body === undefined ? 'GET' : 'POST'), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) throw new Error((parsed as ErrorBody | null)?.error?.message ?? `HTTP ${res.status}`);
  return parsed as T;
}

let faq: readonly FaqArticle[] = [];
async function loadFaq(): Promise<void> {
  try {
    faq = (await api<{ articles: readonly FaqArticle[] }>('/v1/staff/faq')).articles;
    renderFaq();
  } catch (e) {
    logAction(messageOf(e));
  }
}
function renderFaq(): void {
  const select = byId('faq-id', HTMLSelectElement);
  const chosen = select.value;
  select.replaceChildren(...faq.map((a) => new Option(a.title[lang], a.id)));
  if (chosen) select.value = chosen;
}

type MissedView = { callId: string; stationName: string; kioskId: string; lane: string; reason: string; missedAt: string; maskedCardNumber: string | null; doneBy: string | null; doneAt: string | null };

async function loadWorkList(): Promise<void> {
  byId('work-error').textContent = '';
  try {
    const { calls } = await api<{ calls: readonly MissedView[] }>('/v1/staff/missed-calls');
    byId('missed').replaceChildren(
      ...calls.map((c) => {
        const li = el('li', null, { 'data-call-id': c.callId, class: c.doneBy ? 'done' : '' });
        li.append(el('span', `${beijingTime(c.missedAt)} · ${known(LANE_WORDS, c.lane)} · ${c.stationName} · ${say(missedReasonWords(c.reason))}${c.maskedCardNumber ? ` · ${c.maskedCardNumber}` : ''}`));
        if (c.doneBy && c.doneAt) li.append(el('span', ` — ${word('doneBy', c.doneBy, beijingTime(c.doneAt))}`, { class: 'done-by' }));
        else {
          const b = el('button', word('markDone'), { type: 'button', 'data-testid': 'missed-done' });
          b.addEventListener('click', () => void api(`/v1/staff/missed-calls/${encodeURIComponent(c.callId)}/done`, { note: null }).then(loadWorkList, (e: unknown) => (byId('work-error').textContent = messageOf(e))));
          li.append(' ', b);
        }
        return li;
      }),
    );
    if (calls.length === 0) byId('missed').append(el('li', word('nothingToDo'), { class: 'muted' }));
    const open = await api<{ tickets: readonly StoredTicket[] }>('/v1/staff/tickets?category=callback&status=open&limit=50');
    const doneTickets = await api<{ tickets: readonly StoredTicket[] }>('/v1/staff/tickets?category=callback&status=resolved&limit=10');
    byId('callbacks').replaceChildren(
      ...open.tickets.map((t) => {
        const li = el('li', null, { 'data-ticket-id': t.id });
        li.append(el('span', `${beijingTime(t.createdAt)} · ${t.phone ?? '—'} · ${t.description}`));
        const b = el('button', word('markDone'), { type: 'button', 'data-testid': 'callback-done' });
        b.addEventListener('click', () => void markCallbackDone(t.id));
        li.append(' ', b);
        return li;
      }),
      ...doneTickets.tickets.map((t) => el('li', `${beijingTime(t.createdAt)} · ${t.phone ?? '—'} — ${word('doneBy', t.assignee ?? '—', beijingTime(t.updatedAt))}`, { class: 'done', 'data-ticket-id': t.id })),
    );
    if (open.tickets.length + doneTickets.tickets.length === 0) byId('callbacks').append(el('li', word('nothingToDo'), { class: 'muted' }));
  } catch (e) {
    byId('work-error').textContent = messageOf(e);
  }
}

/** A callback made: the ticket is assigned to this agent and resolved (who and when stay in its history). */
async function markCallbackDone(ticketId: string): Promise<void> {
  try {
    // Tickets are assigned by account (user name), not by the name shown in the header.
    await api(`/v1/staff/tickets/${encodeURIComponent(ticketId)}/assign`, { assignee: currentSession()?.person.username ?? '' });
    await api(`/v1/staff/tickets/${encodeURIComponent(ticketId)}/status`, { status: 'resolved', note: null });
    await loadWorkList();
  } catch (e) {
    byId('work-error').textContent = messageOf(e);
  }
}

async function loadCallTickets(ids: readonly string[]): Promise<void> {
  state.ticketId = null;
  byId('ticket-form').hidden = true;
  byId('ticket-result').textContent = '';
  const list = byId('call-ticket-list');
  list.replaceChildren();
  for (const id of ids) {
    try {
      const { ticket } = await api<{ ticket: StoredTicket }>(`/v1/staff/tickets/${encodeURIComponent(id)}`);
      const li = el('li', null, { 'data-ticket-id': id });
      const b = el('button', callTicketText(ticket), { type: 'button', 'data-testid': 'call-ticket' });
      b.addEventListener('click', () => selectTicket(ticket));
      li.append(b, el('div', ticket.description, { class: 'muted' }));
      list.append(li);
      if (state.ticketId === null) selectTicket(ticket);
    } catch (e) {
      list.append(el('li', messageOf(e)));
    }
  }
  if (ids.length === 0) list.append(el('li', word('none'), { class: 'muted' }));
}

/** A ticket of the call as the agent reads it: category, status, when it was filed. */
function callTicketText(ticket: StoredTicket): string {
  return `${say(TICKET_CATEGORY_WORDS[ticket.category])} · ${say(TICKET_STATUS_WORDS[ticket.status])} · ${beijingTime(ticket.createdAt)}`;
}

function selectTicket(ticket: StoredTicket): void {
  // The list says the ticket's status as it is now (after a save too).
  const listed = document.querySelector<HTMLElement>(`#call-ticket-list li[data-ticket-id="${CSS.escape(ticket.id)}"] [data-testid=call-ticket]`);
  if (listed) listed.textContent = callTicketText(ticket);
  state.ticketId = ticket.id;
  byId('ticket-form').hidden = false;
  byId('ticket-summary').textContent = `${word('ticket')} ${ticket.id} · ${say(TICKET_CATEGORY_WORDS[ticket.category])} · ${say(TICKET_STATUS_WORDS[ticket.status])}`;
  ticketField('status', HTMLSelectElement).value = '';
}

function ticketField<T extends Element>(name: string, kind: abstract new () => T): T {
  const node = byId('ticket-form', HTMLFormElement).elements.namedItem(name);
  if (!(node instanceof kind)) throw new Error(`#ticket-form has no ${name}`);
  return node;
}

async function saveTicket(): Promise<void> {
  const id = state.ticketId;
  if (id === null) return;
  const reply = ticketField('reply', HTMLTextAreaElement);
  const note = ticketField('note', HTMLTextAreaElement);
  const status = ticketField('status', HTMLSelectElement).value as TicketStatus | '';
  const result = byId('ticket-result');
  result.textContent = '';
  try {
    const path = `/v1/staff/tickets/${encodeURIComponent(id)}`;
    let ticket: StoredTicket | null = null;
    if (note.value.trim() !== '') ticket = (await api<{ ticket: StoredTicket }>(`${path}/notes`, { text: note.value.trim() })).ticket;
    if (reply.value.trim() !== '') ticket = (await api<{ ticket: StoredTicket }>(`${path}/reply`, { text: reply.value.trim(), ...(status ? { status } : {}) })).ticket;
    else if (status) ticket = (await api<{ ticket: StoredTicket }>(`${path}/status`, { status, note: null })).ticket;
    reply.value = '';
    note.value = '';
    if (ticket) selectTicket(ticket);
    result.textContent = `${word('saved')} · ${beijingTime(Date.now())}`;
  } catch (e) {
    result.textContent = messageOf(e);
  }
}

/** Every fixed text of the page in the agent's language. */
function applyLanguage(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${word('title')} · Station Kiosk`;
  for (const node of document.querySelectorAll<HTMLElement>('[data-w]')) {
    const key = node.dataset['w'] as ConsoleWord;
    if (key in CONSOLE_WORDS) node.textContent = word(key);
  }
  byId('lang').textContent = lang === 'zh' ? 'English' : '中文';
  const category = byId('report-category', HTMLSelectElement);
  const chosen = category.value;
  category.replaceChildren(...REPORT_CATEGORIES.map((c) => new Option(say(TICKET_CATEGORY_WORDS[c]), c)));
  if (chosen) category.value = chosen;
  const status = ticketField('status', HTMLSelectElement);
  status.replaceChildren(new Option(word('unchanged'), ''), ...TICKET_STATUSES.map((s) => new Option(say(TICKET_STATUS_WORDS[s]), s)));
  renderFaq();
  setPresence(state.presence);
  renderQueue();
  renderAgents();
  renderOffer();
  if (state.call) renderContext(byId('call-context'), state.call.context);
  if (!byId('work').hidden) void loadWorkList();
  const session = currentSession();
  if (session) byId('account-bar').replaceChildren(accountBar(session, lang));
}

byId('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  setPageLanguage(lang);
  applyLanguage();
});
byId('refresh-work').addEventListener('click', () => void loadWorkList());
byId('ticket-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void saveTicket();
});
applyLanguage();
mountAlarmBanner({ language: () => lang });
byId('reconnect').addEventListener('click', () => connect());
for (const b of document.querySelectorAll<HTMLElement>('[data-status]')) {
  b.addEventListener('click', () => {
    const status = b.dataset['status'];
    if (isChosenStatus(status)) send({ type: 'set-status', status });
  });
}
byId('answer').addEventListener('click', () => {
  const callId = byId('offer').dataset['callId'];
  if (callId) send({ type: 'answer', callId });
});
byId('hang-up').addEventListener('click', () => {
  if (state.call) send({ type: 'hang-up', callId: state.call.callId });
});
byId('act-faq').addEventListener('click', () => {
  if (state.call) send({ type: 'action', callId: state.call.callId, action: { type: 'show-faq', articleId: byId('faq-id', HTMLSelectElement).value } });
});
byId('act-report').addEventListener('click', () => {
  if (state.call)
    send({
      type: 'action',
      callId: state.call.callId,
      action: { type: 'open-fault-report', category: byId('report-category', HTMLSelectElement).value, description: byId('report-description', HTMLInputElement).value },
    });
});
byId('act-end').addEventListener('click', () => {
  if (state.call) send({ type: 'action', callId: state.call.callId, action: { type: 'end-call' } });
});
setInterval(tickWaits, 1000);

interface AgentConsoleProbe {
  framesDecoded(): Promise<number>;
  send(message: AgentToCentral): void;
}

declare global {
  interface Window {
    /** For tests and supervisors: what the remote video has decoded so far. */
    agentConsole: AgentConsoleProbe;
  }
}

window.agentConsole = {
  async framesDecoded() {
    if (!state.pc) return 0;
    let frames = 0;
    (await state.pc.getStats()).forEach((s: { type?: string; kind?: string; framesDecoded?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
    });
    return frames;
  },
  send,
};

// Only a person logged in at /login/ uses the console: without a session the page sends them there
// and back; a role that may not answer calls is told so in words.
byId('login-note').textContent = word('connecting');
void requireSession().then((s) => {
  byId('account-bar').replaceChildren(accountBar(s, lang));
  if (s.person.capabilities.includes('answer-calls')) connect();
  else showLoginPanel('mayNotAnswer', false);
});
