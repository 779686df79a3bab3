/**
 * The sim daemon with its printer and cabinet on real pseudo-terminals (socat): the kiosk side
 * opens the documented pty links with the real serial drivers, and everything is steered through the
 * daemon's HTTP control API, as a developer or the panel would.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SerialCabinetController } from '../../driver/cabinet/cabinet-controller.js';
import { EscPosPrinter } from '../../driver/printer/escpos-printer.js';
import { ticketReceipt } from '../../driver/printer/ticket-receipt.js';
import { startSimDaemon, type SimServer } from '../../hardware-sim/daemon/index.js';
import { startSimDevices, type CabinetSimState, type PrinterSimState, type ReceiptEntry, type SimDevices } from '../../hardware-sim/devices/index.js';
import type { DeviceHealth, DeviceUpdate } from '../../shared/devices.js';
import type { TicketId } from '../../shared/ticket.js';
import { nextMatching, requireSocat, tempDir, type TempDir } from '../support/pty.js';
import { systemSerialBinding } from '../../driver/serial/binding.js';

let dir: TempDir;
let devices: SimDevices;
let server: SimServer;
let printer: EscPosPrinter;
let cabinet: SerialCabinetController;

async function api<T = unknown>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(server.url + route, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as T };
}

const healthIs =
  (state: DeviceHealth['state']) =>
  (u: DeviceUpdate): boolean =>
    u.type === 'health' && u.health.state === state;

beforeAll(async () => {
  requireSocat();
  dir = await tempDir('sim-serial');
  devices = await startSimDevices({ ptyDir: path.join(dir.path, 'sim'), receiptsDir: path.join(dir.path, 'receipts') });
  server = await startSimDaemon({ port: 0, extraDevices: devices.devices });
  printer = new EscPosPrinter({ criteria: { path: path.join(dir.path, 'sim', 'printer') }, binding: systemSerialBinding(), backoff: { initialMs: 50, maxMs: 400 } });
  cabinet = new SerialCabinetController({ criteria: { path: path.join(dir.path, 'sim', 'cabinet') }, binding: systemSerialBinding(), backoff: { initialMs: 50, maxMs: 400 } });
  await printer.start();
  await cabinet.start();
});

afterAll(async () => {
  await printer?.stop();
  await cabinet?.stop();
  await server?.close();
  await devices?.stop();
  await dir?.remove();
});

describe('the daemon lists its devices and their kiosk-side paths', () => {
  it('shows the printer and cabinet pty links and the HID IPC mode', async () => {
    const { json } = await api<{ id: string; status: Record<string, unknown> }[]>('GET', '/api/devices');
    const byId = Object.fromEntries(json.map((d) => [d.id, d.status]));
    expect(Object.keys(byId)).toEqual(['card-readers', 'printer', 'cabinet', 'hid']);
    expect(byId.printer).toMatchObject({ hostPath: path.join(dir.path, 'sim', 'printer'), plugged: true, paper: 'ok' });
    expect(byId.cabinet).toMatchObject({ hostPath: path.join(dir.path, 'sim', 'cabinet'), plugged: true, door: 'closed' });
    expect(byId.hid).toMatchObject({ mode: 'injected-reports', transport: 'loopback WebSocket IPC (not kernel uhid)', ipcUrl: `ws://127.0.0.1:${server.port}/api/hid/ipc` });
  });
});

describe('printer', () => {
  it('prints a ticket receipt from the kiosk side; the receipt appears in the daemon’s list with its text and PNG', async () => {
    const ticketId = 'GZ0102-261123-0042-7' as TicketId;
    const result = await printer.print(
      ticketReceipt({ ticketId, statusUrl: `https://kf.metro.example/t/${ticketId}`, station: { zh: '体育西路', en: 'Tiyu Xilu' }, category: { zh: '闸机', en: 'Gate' }, createdAt: '2026-11-23T06:05:00Z' }),
    );
    expect(result.ok).toBe(true);
    await devices.printer?.device.printer.flushed();
    const { json: receipts } = await api<ReceiptEntry[]>('GET', '/api/printer/receipts');
    expect(receipts).toHaveLength(1);
    const [entry] = receipts;
    expect(path.dirname(entry?.pngPath ?? '')).toMatch(/\/receipts\/run-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(entry?.text).toContain(ticketId);
    expect(entry?.text).toContain('体育西路');
    expect(entry?.text).toContain(`[QR https://kf.metro.example/t/${ticketId}]`);

    const text = await fetch(server.url + (entry?.textUrl ?? ''));
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toBe(await readFile(entry?.textPath ?? '', 'utf8'));
    const png = await fetch(server.url + (entry?.pngUrl ?? ''));
    expect(png.headers.get('content-type')).toBe('image/png');
    const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    expect([image.width, image.height]).toEqual([entry?.pngWidth, entry?.pngHeight]);
    expect(image.width).toBe(576);

    const { json: state } = await api<PrinterSimState>('GET', '/api/printer');
    expect(state).toMatchObject({ receipts: 1, latestReceipt: { number: 1 } });
  });

  it('paper out set through the API: the driver reads paper out and refuses to print', async () => {
    expect((await api('POST', '/api/printer/paper', { level: 'out' })).status).toBe(200);
    expect(await printer.status()).toEqual({ ok: true, value: { online: false, paperOut: true, paperNearEnd: true, coverOpen: false } });
    expect(printer.health()).toMatchObject({ state: 'fault', code: 'paper-out' });
    expect(await printer.print({ blocks: [{ kind: 'text', text: 'x' }] })).toMatchObject({ ok: false, error: { code: 'paper-out' } });

    await api('POST', '/api/printer/paper', { level: 'near-end' });
    expect(await printer.status()).toMatchObject({ ok: true, value: { paperOut: false, paperNearEnd: true } });
    expect(printer.health()).toMatchObject({ state: 'degraded', code: 'paper-near-end' });

    await api('POST', '/api/printer/cover', { state: 'open' });
    expect(await printer.status()).toMatchObject({ ok: true, value: { coverOpen: true } });
    expect(printer.health()).toMatchObject({ state: 'fault', code: 'cover-open' });
    await api('POST', '/api/printer/cover', { state: 'closed' });
    await api('POST', '/api/printer/paper', { level: 'ok' });
    expect(await printer.status()).toEqual({ ok: true, value: { online: true, paperOut: false, paperNearEnd: false, coverOpen: false } });
  });

  it('unplug and replug through the API: driver health absent, then ok', async () => {
    const gone = nextMatching<DeviceUpdate>((l) => printer.subscribe(l), healthIs('absent'), 'printer absent');
    expect((await api<PrinterSimState>('POST', '/api/printer/unplug')).json.plugged).toBe(false);
    await gone;
    expect((await api<PrinterSimState>('POST', '/api/printer/unplug')).json.plugged).toBe(false);
    const back = nextMatching<DeviceUpdate>((l) => printer.subscribe(l), healthIs('ok'), 'printer ok');
    expect((await api<PrinterSimState>('POST', '/api/printer/replug')).json.plugged).toBe(true);
    await back;
    expect((await printer.print({ blocks: [{ kind: 'text', text: 'after replug' }] })).ok).toBe(true);
  });

  it('refuses bad requests with typed errors and changes nothing', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/api/printer/paper', { level: 'empty' }, 400, 'invalid-value'],
      ['/api/printer/paper', { level: 'out', extra: 1 }, 400, 'bad-request'],
      ['/api/printer/paper', '{nope', 400, 'bad-request'],
      ['/api/printer/paper', ['out'], 400, 'bad-request'],
      ['/api/printer/cover', { state: 'ajar' }, 400, 'invalid-value'],
      ['/api/printer/offline', { offline: 'yes' }, 400, 'invalid-value'],
    ];
    for (const [route, body, status, code] of cases) {
      const res = await api<{ error: { code: string } }>('POST', route, body);
      expect({ route, body, status: res.status, code: res.json.error.code }).toEqual({ route, body, status, code });
    }
    for (const route of ['/api/printer/receipts/999/png', '/api/printer/receipts/..%2F..%2Fetc%2Fpasswd/text', '/api/printer/receipts/-1/text']) {
      const res = await api<{ error: { code: string } }>('GET', route);
      expect({ route, status: res.status, code: res.json.error.code }).toEqual({ route, status: 404, code: 'unknown-receipt' });
    }
    expect((await api<PrinterSimState>('GET', '/api/printer')).json).toMatchObject({ paper: 'ok', coverOpen: false, offline: false, plugged: true });
  });
});

describe('cabinet', () => {
  it('door opened through the API: the driver reports it as it happens', async () => {
    const opened = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'cabinet-status' && u.status.door === 'open', 'door open');
    expect((await api<CabinetSimState>('POST', '/api/cabinet/door', { state: 'open' })).json.door).toBe('open');
    expect(await opened).toMatchObject({ status: { door: 'open' } });
    const closed = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'cabinet-status' && u.status.door === 'closed', 'door closed');
    await api('POST', '/api/cabinet/door', { state: 'closed' });
    await closed;
  });

  it('power, battery and temperature through the API reach the driver', async () => {
    const onBattery = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'health' && u.health.code === 'on-battery', 'on battery');
    await api('POST', '/api/cabinet/power', { source: 'battery', batteryPercent: 64 });
    expect(await onBattery).toMatchObject({ health: { state: 'degraded', detail: 'on battery, 64%' } });
    await api('POST', '/api/cabinet/battery', { percent: 41 });
    expect(await cabinet.status()).toMatchObject({ ok: true, value: { power: 'battery', batteryPercent: 41 } });
    await api('POST', '/api/cabinet/power', { source: 'mains' });
    const hot = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'health' && u.health.code === 'over-temperature', 'hot');
    await api('POST', '/api/cabinet/temperature', { celsius: 57.5 });
    expect(await hot).toMatchObject({ health: { detail: '57.5 °C' } });
    await api('POST', '/api/cabinet/temperature', { celsius: 30 });
    expect(await cabinet.status()).toEqual({ ok: true, value: { door: 'closed', temperatureC: 30, power: 'mains', batteryPercent: 41 } });
  });

  it('unplug and replug through the API: driver health absent, then ok', async () => {
    const gone = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), healthIs('absent'), 'cabinet absent');
    await api('POST', '/api/cabinet/unplug');
    await gone;
    const back = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), healthIs('ok'), 'cabinet ok');
    await api('POST', '/api/cabinet/replug');
    await back;
    expect((await cabinet.status()).ok).toBe(true);
  });

  it('refuses bad values and keeps the state', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/api/cabinet/door', { state: 'OPEN' }, 400, 'invalid-value'],
      ['/api/cabinet/temperature', { celsius: 'hot' }, 400, 'invalid-value'],
      ['/api/cabinet/temperature', { celsius: 1e9 }, 400, 'invalid-value'],
      ['/api/cabinet/power', { source: 'solar' }, 400, 'invalid-value'],
      ['/api/cabinet/power', { source: 'battery', batteryPercent: 101 }, 400, 'invalid-value'],
      ['/api/cabinet/battery', { percent: -1 }, 400, 'invalid-value'],
      ['/api/cabinet/battery', {}, 400, 'invalid-value'],
      ['/api/cabinet/door', null, 400, 'bad-request'],
    ];
    for (const [route, body, status, code] of cases) {
      const res = await api<{ error: { code: string } }>('POST', route, body === null ? 'null' : body);
      expect({ route, body, status: res.status, code: res.json.error.code }).toEqual({ route, body, status, code });
    }
    expect((await api<CabinetSimState>('GET', '/api/cabinet')).json).toMatchObject({ door: 'closed', temperatureC: 30, power: 'mains', batteryPercent: 41, plugged: true });
  });
});
