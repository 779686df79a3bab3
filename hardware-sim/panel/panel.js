// Control panel of the sim daemon: plain DOM, no build step. Talks to the same origin's /api.
const $ = (id) => document.getElementById(id);
let readers = [];

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function say(text, isError = false) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(json?.error?.message ?? `${res.status} ${res.statusText}`);
  return json;
}

function faultsFromForm() {
  const faults = {};
  const removeAfter = $('removeAfter').value;
  if (removeAfter !== '') faults.removeAfterApdus = Number(removeAfter);
  const delay = $('delayMs').value;
  if (delay !== '') faults.delayMs = Number(delay);
  if ($('garbage').checked) faults.garbage = [{ fromApdu: Number($('garbageFrom').value || 1) }];
  if ($('mute').checked) faults.mute = [{ fromApdu: Number($('muteFrom').value || 1) }];
  return Object.keys(faults).length > 0 ? faults : undefined;
}

async function tap(slot, image) {
  try {
    const faults = faultsFromForm();
    await api('POST', `/api/readers/${slot}/tap`, faults ? { image, faults } : { image });
    say(`${image} is on reader ${slot}`);
  } catch (e) {
    say(`Tap failed: ${e.message}`, true);
  }
  await refresh();
}

async function remove(slot) {
  try {
    await api('POST', `/api/readers/${slot}/remove`);
    say(`Reader ${slot} is empty`);
  } catch (e) {
    say(`Remove failed: ${e.message}`, true);
  }
  await refresh();
}

async function showLog(slot, target) {
  try {
    const log = await api('GET', `/api/readers/${slot}/apdu-log`);
    target.textContent = log.exchanges.length === 0 ? '(no APDUs yet)' : log.exchanges.map((x) => `${x.index}. ${x.command} → ${x.response || '—'}${x.outcome === 'answer' ? '' : ` [${x.outcome}]`}`).join('\n');
  } catch (e) {
    target.textContent = e.message;
  }
}

function renderReaders() {
  const box = $('readers');
  box.replaceChildren(
    ...readers.map((r) => {
      const logView = el('pre', { hidden: true });
      const status = r.card
        ? el('p', {}, el('strong', { textContent: r.card.image }), ` since ${new Date(r.card.insertedAt).toLocaleTimeString()}, ${r.card.apduCount} APDUs`, r.card.faults ? el('div', { textContent: `faults: ${JSON.stringify(r.card.faults)}` }) : '')
        : el('p', { className: 'empty', textContent: r.lastRemoval ? `empty (last: ${r.lastRemoval.image}, ${r.lastRemoval.reason})` : 'empty' });
      return el(
        'div',
        { className: 'reader' },
        el('h2', { textContent: `Reader ${r.slot}: ${r.reader}` }),
        status,
        el('button', { textContent: 'Remove card', disabled: !r.card, onclick: () => void remove(r.slot) }),
        ' ',
        el('button', {
          textContent: 'APDU log',
          onclick: () => {
            logView.hidden = !logView.hidden;
            if (!logView.hidden) void showLog(r.slot, logView);
          },
        }),
        logView,
      );
    }),
  );
}

async function loadCards() {
  const cards = await api('GET', '/api/cards');
  $('cards').replaceChildren(
    ...cards.map((c) =>
      el(
        'tr',
        {},
        el('td', {}, el('code', { textContent: c.name })),
        el('td', { textContent: c.family ?? '—' }),
        el('td', { className: 'desc', textContent: c.description }),
        el('td', {}, ...readers.flatMap((r) => [el('button', { textContent: `Tap on reader ${r.slot}`, onclick: () => void tap(r.slot, c.name) }), ' '])),
      ),
    ),
  );
}

async function refresh() {
  try {
    readers = await api('GET', '/api/readers');
    renderReaders();
  } catch (e) {
    say(`Daemon not answering: ${e.message}`, true);
  }
}

// ---- printer, cabinet, HID ------------------------------------------------------------

async function act(label, method, url, body, describe) {
  try {
    const result = await api(method, url, body);
    say(describe ? describe(result) : label);
  } catch (e) {
    say(`${label} failed: ${e.message}`, true);
  }
  await refreshDevices();
}

let latestReceipt = null;

function renderPrinter(p) {
  $('printerPath').textContent = p.hostPath;
  $('printerState').textContent = p.plugged
    ? `paper ${p.paper}, cover ${p.coverOpen ? 'open' : 'closed'}${p.offline ? ', offline' : ''}; ${p.receipts} receipt(s) printed`
    : 'UNPLUGGED';
  $('printerState').className = p.plugged ? 'state' : 'state unplugged';
  const plug = document.querySelector('[data-plug="printer"]');
  plug.textContent = p.plugged ? 'Unplug printer' : 'Plug printer back';
  plug.dataset.action = p.plugged ? 'unplug' : 'replug';
  const r = p.latestReceipt;
  if (r && r.number !== latestReceipt) {
    latestReceipt = r.number;
    $('receiptPng').src = r.pngUrl;
    $('receiptPng').alt = `Receipt ${r.number}`;
    $('receiptPng').hidden = false;
    $('receiptCaption').textContent = `Receipt ${r.number}, ${new Date(r.printedAt).toLocaleTimeString()} — ${r.pngPath}`;
  }
}

function renderCabinet(c) {
  $('cabinetPath').textContent = c.hostPath;
  $('cabinetState').textContent = c.plugged ? `door ${c.door}, ${c.temperatureC} °C, ${c.power} power, battery ${c.batteryPercent}%` : 'UNPLUGGED';
  $('cabinetState').className = c.plugged ? 'state' : 'state unplugged';
  const plug = document.querySelector('[data-plug="cabinet"]');
  plug.textContent = c.plugged ? 'Unplug cabinet' : 'Plug cabinet back';
  plug.dataset.action = c.plugged ? 'unplug' : 'replug';
}

let renderedHid = '';

function renderHid(h) {
  const key = JSON.stringify(h);
  if (key === renderedHid) return;
  renderedHid = key;
  $('hidMode').textContent = `Mode: ${h.mode} over loopback IPC (${h.ipcUrl ?? '—'}), not kernel uhid. Kiosk runtimes connected: ${h.ipcClients}.`;
  $('hidDevices').replaceChildren(
    ...h.devices.map((d) =>
      el(
        'li',
        {},
        `${d.info.product ?? d.info.path} (${d.info.path}): ${d.plugged ? `plugged, open in ${d.openedBy} runtime(s)` : 'UNPLUGGED'} `,
        el('button', {
          textContent: d.plugged ? `Unplug ${d.role}` : `Plug ${d.role} back`,
          onclick: () => void act(`${d.plugged ? 'Unplug' : 'Replug'} ${d.role}`, 'POST', `/api/hid/${encodeURIComponent(d.role)}/${d.plugged ? 'unplug' : 'replug'}`),
        }),
      ),
    ),
  );
}

const delivered = (what) => (d) => (d.delivered > 0 ? `${what}: sent to ${d.delivered} kiosk runtime(s)` : `${what}: sent, but no kiosk runtime has the device open`);

async function refreshDevices() {
  let devices;
  try {
    devices = await api('GET', '/api/devices');
  } catch (e) {
    say(`Daemon not answering: ${e.message}`, true);
    return;
  }
  const byId = Object.fromEntries(devices.map((d) => [d.id, d.status]));
  for (const [id, render] of [['printer', renderPrinter], ['cabinet', renderCabinet], ['hid', renderHid]]) {
    $(id).hidden = !byId[id];
    if (byId[id]) render(byId[id]);
  }
}

for (const b of document.querySelectorAll('[data-paper]')) b.onclick = () => void act(`Paper ${b.dataset.paper}`, 'POST', '/api/printer/paper', { level: b.dataset.paper });
for (const b of document.querySelectorAll('[data-cover]')) b.onclick = () => void act(`Cover ${b.dataset.cover}`, 'POST', '/api/printer/cover', { state: b.dataset.cover });
for (const b of document.querySelectorAll('[data-door]')) b.onclick = () => void act(`Door ${b.dataset.door}`, 'POST', '/api/cabinet/door', { state: b.dataset.door });
for (const b of document.querySelectorAll('[data-power]')) b.onclick = () => void act(`Power ${b.dataset.power}`, 'POST', '/api/cabinet/power', { source: b.dataset.power });
for (const b of document.querySelectorAll('[data-plug]')) b.onclick = () => void act(`${b.dataset.action === 'replug' ? 'Replug' : 'Unplug'} ${b.dataset.plug}`, 'POST', `/api/${b.dataset.plug}/${b.dataset.action ?? 'unplug'}`);
for (const b of document.querySelectorAll('[data-press]')) b.onclick = () => void act(`${b.dataset.press} button`, 'POST', '/api/hid/press', { button: b.dataset.press }, delivered(`${b.dataset.press} button pressed`));
// The panel sends what was typed; the daemon validates it and its message is shown.
const typedNumber = (input) => (input.value.trim() === '' ? input.value : Number(input.value));
$('temperatureForm').onsubmit = (e) => {
  e.preventDefault();
  void act('Temperature', 'POST', '/api/cabinet/temperature', { celsius: typedNumber($('temperature')) });
};
$('setBattery').onclick = () => void act('Battery', 'POST', '/api/cabinet/battery', { percent: typedNumber($('batteryPercent')) });
$('scanForm').onsubmit = (e) => {
  e.preventDefault();
  const text = $('scanText').value;
  void act('Scan', 'POST', '/api/hid/scan', { text, mode: $('scanKeyboard').checked ? 'keyboard' : 'hid-pos' }, delivered(`Scanned ${JSON.stringify(text)}`));
};

await refresh();
await refreshDevices();
await loadCards().catch((e) => say(`Cannot list cards: ${e.message}`, true));
setInterval(() => void refresh().then(refreshDevices), 1000);
