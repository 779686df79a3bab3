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

await refresh();
await loadCards().catch((e) => say(`Cannot list cards: ${e.message}`, true));
setInterval(() => void refresh(), 1000);
