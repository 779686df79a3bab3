// Agent console: queue, availability, answering, WebRTC video with the kiosk page, the
// passenger's context and the audited kiosk actions. Protocol: shared/call-protocol.ts.
// Every string from the network is shown with textContent, never parsed as markup.

const $ = (id) => document.getElementById(id);

const state = {
  socket: null,
  agentId: null,
  presence: 'logged-out',
  offers: new Map(),
  call: null, // { callId, context, iceServers, iceTransportPolicy }
  pc: null,
  localStream: null,
  clockOffset: 0,
  queue: [],
};

function send(message) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(message));
}

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function fen(amount) {
  return `¥${(amount / 100).toFixed(2)}`;
}

function renderContext(container, context) {
  container.replaceChildren();
  const dl = el('dl');
  const row = (k, v) => {
    dl.append(el('dt', k), el('dd', v));
  };
  row('Station', `${context.stationName} (${context.stationId})`);
  row('Kiosk', context.kioskId);
  row('Language', context.language);
  if (context.card) {
    row('Card', `${context.card.maskedNumber} · ${context.card.family}`);
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

function waited(queuedAt) {
  const seconds = Math.max(0, Math.round((Date.now() + state.clockOffset - Date.parse(queuedAt)) / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function renderQueue() {
  const body = $('queue').querySelector('tbody');
  body.replaceChildren();
  for (const e of state.queue) {
    const tr = el('tr', null, { class: e.lane, 'data-call-id': e.callId });
    tr.append(el('td', e.lane), el('td', e.stationName), el('td', e.kioskId), el('td', waited(e.queuedAt), { 'data-queued-at': e.queuedAt }), el('td', e.agentName ? `${e.state} · ${e.agentName}` : e.state));
    body.append(tr);
  }
}

function tickWaits() {
  for (const cell of document.querySelectorAll('[data-queued-at]')) cell.textContent = waited(cell.getAttribute('data-queued-at'));
}

function renderOffer() {
  const offers = [...state.offers.values()].sort((a, b) => (a.lane === b.lane ? 0 : a.lane === 'emergency' ? -1 : 1));
  const offer = offers[0];
  $('offer').hidden = !offer;
  if (!offer) return;
  $('offer').className = `offer ${offer.lane}`;
  $('offer').dataset.callId = offer.callId;
  $('offer').dataset.lane = offer.lane;
  $('offer-title').textContent = offer.lane === 'emergency' ? 'EMERGENCY call' : 'Incoming call';
  renderContext($('offer-context'), offer.context);
}

function logAction(text) {
  $('action-log').append(el('li', text));
}

async function startMedia() {
  if (!state.localStream) {
    state.localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    $('local-video').srcObject = state.localStream;
  }
}

function closePeer() {
  if (state.pc) {
    state.pc.onicecandidate = null;
    state.pc.onconnectionstatechange = null;
    state.pc.close();
  }
  state.pc = null;
}

async function makeOffer() {
  const call = state.call;
  if (!call) return;
  closePeer();
  await startMedia();
  const pc = new RTCPeerConnection({ iceServers: call.iceServers, iceTransportPolicy: call.iceTransportPolicy ?? 'all' });
  state.pc = pc;
  for (const track of state.localStream.getTracks()) pc.addTrack(track, state.localStream);
  pc.ontrack = (ev) => {
    $('remote-video').srcObject = ev.streams[0];
  };
  pc.onicecandidate = (ev) => {
    send({ type: 'signal', callId: call.callId, signal: { type: 'ice', candidate: ev.candidate ? ev.candidate.toJSON() : null } });
  };
  pc.onconnectionstatechange = () => {
    $('media-state').textContent = `media ${pc.connectionState}`;
  };
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  send({ type: 'signal', callId: call.callId, signal: { type: 'sdp', description: { type: 'offer', sdp: offer.sdp } } });
}

async function onSignal(callId, signal) {
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
      $('media-state').textContent = `kiosk media ${signal.state}`;
      return;
  }
}

function endCallView(reason) {
  closePeer();
  if (state.localStream) for (const t of state.localStream.getTracks()) t.stop();
  state.localStream = null;
  $('remote-video').srcObject = null;
  $('local-video').srcObject = null;
  $('last-call').textContent = state.call ? `Call ${state.call.callId} ended: ${reason}` : '';
  state.call = null;
  $('call').hidden = true;
}

function onMessage(m) {
  switch (m.type) {
    case 'welcome':
      state.agentId = m.agentId;
      $('me').textContent = m.name;
      $('login-panel').hidden = true;
      $('work').hidden = false;
      setPresence(m.presence);
      return;
    case 'presence':
      setPresence(m.presence, m.reason);
      return;
    case 'queue':
      state.clockOffset = Date.parse(m.serverTime) - Date.now();
      state.queue = m.entries;
      renderQueue();
      $('agents').replaceChildren(...m.agents.map((a) => el('li', `${a.name}: ${a.presence}`, { 'data-agent-id': a.id })));
      return;
    case 'offer':
      // A lasting trace for supervisors and tests: offers can be withdrawn within seconds.
      document.body.dataset.offersSeen = String(Number(document.body.dataset.offersSeen ?? 0) + 1);
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
      state.call = { callId: m.callId, context: m.context, iceServers: m.iceServers, iceTransportPolicy: m.iceTransportPolicy };
      $('call').hidden = false;
      $('call-id').textContent = m.callId;
      $('action-log').replaceChildren();
      $('media-state').textContent = 'waiting for the kiosk page…';
      renderContext($('call-context'), m.context);
      startMedia().catch((e) => logAction(`camera: ${e.message}`));
      return;
    case 'signal':
      onSignal(m.callId, m.signal).catch((e) => logAction(`media: ${e.message}`));
      return;
    case 'action-result':
      logAction(`${m.actionId.slice(-6)}: ${m.status}${m.code ? ` (${m.code})` : ''}`);
      return;
    case 'ended':
      endCallView(m.reason);
      return;
    case 'error':
      if ($('work').hidden) $('login-error').textContent = m.message;
      else logAction(`error: ${m.code}`);
      return;
  }
}

function setPresence(presence, reason) {
  state.presence = presence;
  $('presence').textContent = reason === 'no-answer' ? `${presence} (missed a call)` : presence;
  $('presence').dataset.presence = presence;
}

function connect(token) {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/calls/agent`;
  const socket = new WebSocket(url);
  state.socket = socket;
  socket.onopen = () => send({ type: 'login', token });
  socket.onmessage = (ev) => {
    try {
      onMessage(JSON.parse(ev.data));
    } catch (e) {
      console.error(e);
    }
  };
  socket.onclose = (ev) => {
    if (state.socket !== socket) return;
    endCallView('console disconnected');
    setPresence('logged-out');
    $('login-panel').hidden = false;
    $('work').hidden = true;
    if (ev.code === 4401) $('login-error').textContent = 'Unknown agent token';
  };
}

$('login-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('login-error').textContent = '';
  connect($('token').value);
});
for (const b of document.querySelectorAll('[data-status]')) {
  b.addEventListener('click', () => send({ type: 'set-status', status: b.dataset.status }));
}
$('answer').addEventListener('click', () => {
  const callId = $('offer').dataset.callId;
  if (callId) send({ type: 'answer', callId });
});
$('hang-up').addEventListener('click', () => {
  if (state.call) send({ type: 'hang-up', callId: state.call.callId });
});
$('act-faq').addEventListener('click', () => {
  if (state.call) send({ type: 'action', callId: state.call.callId, action: { type: 'show-faq', articleId: $('faq-id').value } });
});
$('act-report').addEventListener('click', () => {
  if (state.call)
    send({ type: 'action', callId: state.call.callId, action: { type: 'open-fault-report', category: $('report-category').value, description: $('report-description').value } });
});
$('act-end').addEventListener('click', () => {
  if (state.call) send({ type: 'action', callId: state.call.callId, action: { type: 'end-call' } });
});
setInterval(tickWaits, 1000);

// For tests and supervisors: what the remote video has decoded so far.
window.agentConsole = {
  async framesDecoded() {
    if (!state.pc) return 0;
    let frames = 0;
    (await state.pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
    });
    return frames;
  },
  send,
};
