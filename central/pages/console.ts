/**
 * Agent console: queue, availability, answering, WebRTC video with the kiosk page, the
 * passenger's context and the audited kiosk actions. Protocol: shared/call-protocol.ts.
 * Every string from the network is shown with textContent, never parsed as markup.
 */
import type { AgentChosenStatus, AgentToCentral, CallContext, CentralToAgent, IceServer, IceTransportPolicy, MediaSignal, QueueView } from '../../shared/call-protocol.js';
import { REPORT_CATEGORIES } from '../../shared/ui-protocol.js';
import { TICKET_CATEGORY_WORDS } from '../../shared/words.js';
import { byId, el, messageOf } from './dom.js';
import { familyText, options } from './labels.js';

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
  localStream: MediaStream | null;
  clockOffset: number;
  queue: readonly QueueView[];
} = {
  socket: null,
  agentId: null,
  presence: 'logged-out',
  offers: new Map(),
  call: null,
  pc: null,
  localStream: null,
  clockOffset: 0,
  queue: [],
};

function send(message: AgentToCentral): void {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

const video = (id: string): HTMLVideoElement => byId(id, HTMLVideoElement);

function fen(amount: number): string {
  return `¥${(amount / 100).toFixed(2)}`;
}

function renderContext(container: HTMLElement, context: CallContext): void {
  container.replaceChildren();
  const dl = el('dl');
  const row = (k: string, v: string): void => {
    dl.append(el('dt', k), el('dd', v));
  };
  row('Station', `${context.stationName} (${context.stationId})`);
  row('Kiosk', context.kioskId);
  row('Language', context.language);
  if (context.card) {
    row('Card', `${context.card.maskedNumber} · ${familyText(context.card.family)}`);
    row('Balance', fen(context.card.balance));
    row('Valid until', context.card.validUntil ?? '—');
  } else row('Card', 'no card read');
  row('Diagnosis', context.diagnosis.length ? context.diagnosis.join(', ') : 'nothing found');
  row('Open tickets', context.openTicketIds.length ? context.openTicketIds.join(', ') : 'none');
  row('Kiosk health', context.health.map((h) => `${h.device}: ${h.state}${h.code ? ` (${h.code})` : ''}`).join('; ') || 'unknown');
  container.append(dl);
  if (context.recentTrips.length) {
    const table = el('table');
    table.append(el('caption', 'Recent trips'));
    for (const t of context.recentTrips) {
      const tr = el('tr');
      tr.append(el('td', t.time ?? '?'), el('td', `${t.mode} ${t.kind}`), el('td', t.station), el('td', fen(t.amount)));
      table.append(tr);
    }
    container.append(table);
  }
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
    tr.append(el('td', e.lane), el('td', e.stationName), el('td', e.kioskId), el('td', waited(e.queuedAt), { 'data-queued-at': e.queuedAt }), el('td', e.agentName ? `${e.state} · ${e.agentName}` : e.state));
    body.append(tr);
  }
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
  byId('offer-title').textContent = offer.lane === 'emergency' ? 'EMERGENCY call' : 'Incoming call';
  renderContext(byId('offer-context'), offer.context);
}

function logAction(text: string): void {
  byId('action-log').append(el('li', text));
}

async function startMedia(): Promise<MediaStream> {
  if (!state.localStream) {
    state.localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    video('local-video').srcObject = state.localStream;
  }
  return state.localStream;
}

function closePeer(): void {
  if (state.pc) {
    state.pc.onicecandidate = null;
    state.pc.onconnectionstatechange = null;
    state.pc.close();
  }
  state.pc = null;
}

async function makeOffer(): Promise<void> {
  const call = state.call;
  if (!call) return;
  closePeer();
  const stream = await startMedia();
  const pc = new RTCPeerConnection({ iceServers: call.iceServers.map((s) => ({ ...s, urls: [...s.urls] })), iceTransportPolicy: call.iceTransportPolicy });
  state.pc = pc;
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.ontrack = (ev) => {
    video('remote-video').srcObject = ev.streams[0] ?? null;
  };
  pc.onicecandidate = (ev) => {
    const c = ev.candidate;
    send({ type: 'signal', callId: call.callId, signal: { type: 'ice', candidate: c ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } : null } });
  };
  pc.onconnectionstatechange = () => {
    byId('media-state').textContent = `media ${pc.connectionState}`;
  };
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  send({ type: 'signal', callId: call.callId, signal: { type: 'sdp', description: { type: 'offer', sdp: offer.sdp ?? '' } } });
}

async function onSignal(callId: string, signal: MediaSignal): Promise<void> {
  if (!state.call || state.call.callId !== callId) return;
  switch (signal.type) {
    case 'peer-ready':
      await makeOffer();
      return;
    case 'sdp':
      if (signal.description.type === 'answer' && state.pc) await state.pc.setRemoteDescription(signal.description);
      return;
    case 'ice':
      if (state.pc && signal.candidate) await state.pc.addIceCandidate(signal.candidate).catch(() => undefined);
      return;
    case 'media-state':
      byId('media-state').textContent = `kiosk media ${signal.state}`;
      return;
  }
}

function endCallView(reason: string): void {
  closePeer();
  if (state.localStream) for (const t of state.localStream.getTracks()) t.stop();
  state.localStream = null;
  video('remote-video').srcObject = null;
  video('local-video').srcObject = null;
  byId('last-call').textContent = state.call ? `Call ${state.call.callId} ended: ${reason}` : '';
  state.call = null;
  byId('call').hidden = true;
}

function onMessage(m: CentralToAgent): void {
  switch (m.type) {
    case 'welcome':
      state.agentId = m.agentId;
      byId('me').textContent = m.name;
      byId('login-panel').hidden = true;
      byId('work').hidden = false;
      setPresence(m.presence);
      return;
    case 'presence':
      setPresence(m.presence, m.reason);
      return;
    case 'queue':
      state.clockOffset = Date.parse(m.serverTime) - Date.now();
      state.queue = m.entries;
      renderQueue();
      byId('agents').replaceChildren(...m.agents.map((a) => el('li', `${a.name}: ${a.presence}`, { 'data-agent-id': a.id })));
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
      return;
    case 'connected':
      state.offers.clear();
      renderOffer();
      state.call = { callId: m.callId, context: m.context, iceServers: m.iceServers, iceTransportPolicy: m.iceTransportPolicy ?? 'all' };
      byId('call').hidden = false;
      byId('call-id').textContent = m.callId;
      byId('action-log').replaceChildren();
      byId('media-state').textContent = 'waiting for the kiosk page…';
      renderContext(byId('call-context'), m.context);
      startMedia().catch((e: unknown) => logAction(`camera: ${messageOf(e)}`));
      return;
    case 'signal':
      onSignal(m.callId, m.signal).catch((e: unknown) => logAction(`media: ${messageOf(e)}`));
      return;
    case 'action-result':
      logAction(`${m.actionId.slice(-6)}: ${m.status}${m.code ? ` (${m.code})` : ''}`);
      return;
    case 'ended':
      endCallView(m.reason);
      return;
    case 'error':
      if (byId('work').hidden) byId('login-error').textContent = m.message;
      else logAction(`error: ${m.code}`);
      return;
  }
}

function setPresence(presence: string, reason?: string | null): void {
  state.presence = presence;
  const shown = byId('presence');
  shown.textContent = reason === 'no-answer' ? `${presence} (missed a call)` : presence;
  shown.dataset['presence'] = presence;
}

function connect(token: string): void {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/calls/agent`;
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.onopen = () => send({ type: 'login', token });
  socket.onmessage = (ev: MessageEvent<unknown>) => {
    try {
      if (typeof ev.data === 'string') onMessage(JSON.parse(ev.data) as CentralToAgent);
    } catch (e) {
      console.error(e);
    }
  };
  socket.onclose = (ev) => {
    if (state.socket !== socket) return;
    endCallView('console disconnected');
    setPresence('logged-out');
    byId('login-panel').hidden = false;
    byId('work').hidden = true;
    if (ev.code === 4401) byId('login-error').textContent = 'Unknown agent token';
  };
}

const isChosenStatus = (s: string | undefined): s is AgentChosenStatus => s === 'available' || s === 'on-break' || s === 'logged-out';

byId('report-category', HTMLSelectElement).append(...options(REPORT_CATEGORIES, TICKET_CATEGORY_WORDS));
byId('login-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  byId('login-error').textContent = '';
  connect(byId('token', HTMLInputElement).value);
});
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
  if (state.call) send({ type: 'action', callId: state.call.callId, action: { type: 'show-faq', articleId: byId('faq-id', HTMLInputElement).value } });
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
