/**
 * Control panel of the sim daemon (built by Vite from hardware-sim/panel into dist/panel).
 * Talks to the same origin's /api; the shapes are the daemon's own types.
 */
import type { CardImageEntry } from '../virtual-card/load.js';
import type { ApduExchange } from '../virtual-card/virtual-card.js';
import type { ReaderState } from '../daemon/card-readers.js';
import type { CabinetSimState, HidDelivery, HidSimState, PrinterSimState } from '../devices/index.js';
import type { CardFaults } from '../virtual-card/faults.js';

function $<T extends HTMLElement = HTMLElement>(id: string, kind?: abstract new () => T): T {
  const node = document.getElementById(id);
  if (!node || (kind && !(node instanceof kind))) throw new Error(`the panel has no ${kind?.name ?? 'element'} #${id}`);
  return node as T;
}
const input = (id: string): HTMLInputElement => $(id, HTMLInputElement);

let readers: readonly ReaderState[] = [];

type Child = Node | string;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function say(text: string, isError = false): void {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) throw new Error((json as { error?: { message?: string } } | null)?.error?.message ?? `${res.status} ${res.statusText}`);
  return json as T;
}

function faultsFromForm(): CardFaults | undefined {
  const faults: { -readonly [K in keyof CardFaults]: CardFaults[K] } = {};
  const removeAfter = input('removeAfter').value;
  if (removeAfter !== '') faults.removeAfterApdus = Number(removeAfter);
  const delay = input('delayMs').value;
  if (delay !== '') faults.delayMs = Number(delay);
  if (input('garbage').checked) faults.garbage = [{ fromApdu: Number(input('garbageFrom').value || 1) }];
  if (input('mute').checked) faults.mute = [{ fromApdu: Number(input('muteFrom').value || 1) }];
  return Object.keys(faults).length > 0 ? faults : undefined;
}

async function tap(slot: number, image: string): Promise<void> {
  try {
    const faults = faultsFromForm();
    await api('POST', `/api/readers/${slot}/tap`, faults ? { image, faults } : { image });
    say(`${image} is on reader ${slot}`);
  } catch (e) {
    say(`Tap failed: ${messageOf(e)}`, true);
  }
  await refresh();
}

async function remove(slot: number): Promise<void> {
  try {
    await api('POST', `/api/readers/${slot}/remove`);
    say(`Reader ${slot} is empty`);
  } catch (e) {
    say(`Remove failed: ${messageOf(e)}`, true);
  }
  await refresh();
}

/**
 * The readers whose APDU log is open, with the log's last text: the panel redraws the readers every
 * second, and an open log stays open through it, shown again at once and then brought up to date.
 */
const openLogs = new Map<number, string>();

async function showLog(slot: number, target: HTMLElement): Promise<void> {
  let text: string;
  try {
    const log = await api<{ exchanges: readonly ApduExchange[] }>('GET', `/api/readers/${slot}/apdu-log`);
    text = log.exchanges.length === 0 ? '(no APDUs yet)' : log.exchanges.map((x) => `${x.index}. ${x.command} → ${x.response || '—'}${x.outcome === 'answer' ? '' : ` [${x.outcome}]`}`).join('\n');
  } catch (e) {
    text = messageOf(e);
  }
  if (!openLogs.has(slot)) return;
  openLogs.set(slot, text);
  target.textContent = text;
}

function renderReaders(): void {
  $('readers').replaceChildren(
    ...readers.map((r) => {
      const open = openLogs.get(r.slot);
      const logView = el('pre', { hidden: open === undefined, textContent: open ?? '' });
      if (open !== undefined) void showLog(r.slot, logView);
      const status = r.card
        ? el(
            'p',
            {},
            el('strong', { textContent: r.card.image }),
            ` since ${new Date(r.card.insertedAt).toLocaleTimeString()}, ${r.card.apduCount} APDUs`,
            r.card.faults ? el('div', { textContent: `faults: ${JSON.stringify(r.card.faults)}` }) : '',
          )
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
            if (openLogs.has(r.slot)) openLogs.delete(r.slot);
            else openLogs.set(r.slot, '');
            logView.hidden = !openLogs.has(r.slot);
            if (!logView.hidden) void showLog(r.slot, logView);
          },
        }),
        logView,
      );
    }),
  );
}

async function loadCards(): Promise<void> {
  const cards = await api<readonly CardImageEntry[]>('GET', '/api/cards');
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

async function refresh(): Promise<void> {
  try {
    readers = await api<readonly ReaderState[]>('GET', '/api/readers');
    renderReaders();
  } catch (e) {
    say(`Daemon not answering: ${messageOf(e)}`, true);
  }
}

// ---- printer, cabinet, HID ------------------------------------------------------------

async function act<R>(label: string, method: string, url: string, body?: unknown, describe?: (result: R) => string): Promise<void> {
  try {
    const result = await api<R>(method, url, body);
    say(describe ? describe(result) : label);
  } catch (e) {
    say(`${label} failed: ${messageOf(e)}`, true);
  }
  await refreshDevices();
}

let latestReceipt: number | null = null;

function plugButton(device: string): HTMLElement {
  const plug = document.querySelector<HTMLElement>(`[data-plug="${device}"]`);
  if (!plug) throw new Error(`the panel has no plug button for ${device}`);
  return plug;
}

function renderPrinter(p: PrinterSimState): void {
  $('printerPath').textContent = p.hostPath;
  $('printerState').textContent = p.plugged
    ? `paper ${p.paper}, cover ${p.coverOpen ? 'open' : 'closed'}${p.offline ? ', offline' : ''}; ${p.receipts} receipt(s) printed`
    : 'UNPLUGGED';
  $('printerState').className = p.plugged ? 'state' : 'state unplugged';
  const plug = plugButton('printer');
  plug.textContent = p.plugged ? 'Unplug printer' : 'Plug printer back';
  plug.dataset['action'] = p.plugged ? 'unplug' : 'replug';
  const r = p.latestReceipt;
  if (r && r.number !== latestReceipt) {
    latestReceipt = r.number;
    const png = $('receiptPng', HTMLImageElement);
    png.src = r.pngUrl;
    png.alt = `Receipt ${r.number}`;
    png.hidden = false;
    $('receiptCaption').textContent = `Receipt ${r.number}, ${new Date(r.printedAt).toLocaleTimeString()} — ${r.pngPath}`;
  }
}

function renderCabinet(c: CabinetSimState): void {
  $('cabinetPath').textContent = c.hostPath;
  $('cabinetState').textContent = c.plugged ? `door ${c.door}, ${c.temperatureC} °C, ${c.power} power, battery ${c.batteryPercent}%` : 'UNPLUGGED';
  $('cabinetState').className = c.plugged ? 'state' : 'state unplugged';
  const plug = plugButton('cabinet');
  plug.textContent = c.plugged ? 'Unplug cabinet' : 'Plug cabinet back';
  plug.dataset['action'] = c.plugged ? 'unplug' : 'replug';
}

let renderedHid = '';

function renderHid(h: HidSimState): void {
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

const delivered =
  (what: string) =>
  (d: HidDelivery): string =>
    d.delivered > 0 ? `${what}: sent to ${d.delivered} kiosk runtime(s)` : `${what}: sent, but no kiosk runtime has the device open`;

interface DeviceStatus {
  readonly printer?: PrinterSimState;
  readonly cabinet?: CabinetSimState;
  readonly hid?: HidSimState;
}

async function refreshDevices(): Promise<void> {
  let devices: readonly { id: string; status: unknown }[];
  try {
    devices = await api('GET', '/api/devices');
  } catch (e) {
    say(`Daemon not answering: ${messageOf(e)}`, true);
    return;
  }
  const byId = Object.fromEntries(devices.map((d) => [d.id, d.status])) as DeviceStatus;
  $('printer').hidden = !byId.printer;
  if (byId.printer) renderPrinter(byId.printer);
  $('cabinet').hidden = !byId.cabinet;
  if (byId.cabinet) renderCabinet(byId.cabinet);
  $('hid').hidden = !byId.hid;
  if (byId.hid) renderHid(byId.hid);
}

const buttons = (attribute: string): HTMLElement[] => [...document.querySelectorAll<HTMLElement>(`[data-${attribute}]`)];
for (const b of buttons('paper')) b.onclick = () => void act(`Paper ${b.dataset['paper']}`, 'POST', '/api/printer/paper', { level: b.dataset['paper'] });
for (const b of buttons('cover')) b.onclick = () => void act(`Cover ${b.dataset['cover']}`, 'POST', '/api/printer/cover', { state: b.dataset['cover'] });
for (const b of buttons('door')) b.onclick = () => void act(`Door ${b.dataset['door']}`, 'POST', '/api/cabinet/door', { state: b.dataset['door'] });
for (const b of buttons('power')) b.onclick = () => void act(`Power ${b.dataset['power']}`, 'POST', '/api/cabinet/power', { source: b.dataset['power'] });
for (const b of buttons('plug'))
  b.onclick = () => void act(`${b.dataset['action'] === 'replug' ? 'Replug' : 'Unplug'} ${b.dataset['plug']}`, 'POST', `/api/${b.dataset['plug']}/${b.dataset['action'] ?? 'unplug'}`);
for (const b of buttons('press'))
  b.onclick = () => void act(`${b.dataset['press']} button`, 'POST', '/api/hid/press', { button: b.dataset['press'] }, delivered(`${b.dataset['press']} button pressed`));
// The panel sends what was typed; the daemon validates it and its message is shown.
const typedNumber = (field: HTMLInputElement): string | number => (field.value.trim() === '' ? field.value : Number(field.value));
$('temperatureForm').onsubmit = (e) => {
  e.preventDefault();
  void act('Temperature', 'POST', '/api/cabinet/temperature', { celsius: typedNumber(input('temperature')) });
};
$('setBattery').onclick = () => void act('Battery', 'POST', '/api/cabinet/battery', { percent: typedNumber(input('batteryPercent')) });
$('scanForm').onsubmit = (e) => {
  e.preventDefault();
  const text = input('scanText').value;
  void act('Scan', 'POST', '/api/hid/scan', { text, mode: input('scanKeyboard').checked ? 'keyboard' : 'hid-pos' }, delivered(`Scanned ${JSON.stringify(text)}`));
};

await refresh();
await refreshDevices();
await loadCards().catch((e: unknown) => say(`Cannot list cards: ${messageOf(e)}`, true));
setInterval(() => void refresh().then(refreshDevices), 1000);
