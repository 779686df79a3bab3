/**
 * Simulated HID devices reaching the kiosk's real HID driver in another "process": the sim
 * daemon serves them over the loopback HID IPC WebSocket, `RemoteHidTransport` feeds
 * `HidDevices`, and a scan or button press made through the daemon's control API comes out of
 * the driver's own report parsers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HidDevices } from '../../driver/hid/hid-devices.js';
import { RemoteHidError, RemoteHidTransport } from '../../driver/hid/remote-transport.js';
import { startSimDaemon, type SimServer } from '../../hardware-sim/daemon/index.js';
import { SIM_WEDGE_SCANNER, startSimDevices, type HidDelivery, type HidSimState, type SimDevices } from '../../hardware-sim/devices/index.js';
import { SIM_BUTTONS, SIM_SCANNER } from '../../hardware-sim/hid/hid-sim.js';
import type { DeviceUpdate } from '../../shared/devices.js';
import { HID_IPC_SUBPROTOCOL } from '../../shared/hid-ipc.js';
import { nextMatching } from '../support/pty.js';

interface Daemon {
  readonly devices: SimDevices;
  readonly server: SimServer;
  api<T = unknown>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; json: T }>;
  close(): Promise<void>;
}

async function startDaemon(): Promise<Daemon> {
  const devices = await startSimDevices({ serial: false });
  const server = await startSimDaemon({ port: 0, extraDevices: devices.devices });
  return {
    devices,
    server,
    async api<T>(method: 'GET' | 'POST', route: string, body?: unknown) {
      const res = await fetch(server.url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
      return { status: res.status, json: (await res.json()) as T };
    },
    async close() {
      await server.close();
      await devices.stop();
    },
  };
}

const updatesOf = (hid: HidDevices) => (l: (u: DeviceUpdate) => void) => hid.subscribe(l);

/** A hand-made client of the IPC socket, as a hostile or confused process would be. */
function rawClient(url: string, protocols: string[] = [HID_IPC_SUBPROTOCOL], headers: Record<string, string> = {}): { socket: WebSocket; messages: unknown[]; closed: Promise<number>; opened: Promise<void> } {
  const socket = new WebSocket(url, protocols, { headers });
  const messages: unknown[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages, closed, opened };
}

describe('HID over IPC from the sim daemon to HidDevices', () => {
  let daemon: Daemon;
  let transport: RemoteHidTransport;
  let hid: HidDevices;

  beforeAll(async () => {
    daemon = await startDaemon();
    transport = new RemoteHidTransport({ url: daemon.devices.hid.ipcUrl ?? '' });
    hid = new HidDevices({ transport, pollIntervalMs: 60_000 });
    await hid.start();
  });

  afterAll(async () => {
    await hid?.stop();
    await transport?.close();
    await daemon?.close();
  });

  it('finds the scanners and the help buttons, and the daemon says it runs injected-reports over IPC', async () => {
    expect(transport.mode).toBe('injected-reports');
    expect(hid.scanner().health().state).toBe('ok');
    expect(hid.helpButtons().health().state).toBe('ok');
    expect(hid.openDevices().map((d) => d.path).sort()).toEqual([SIM_SCANNER.path, SIM_BUTTONS.path, SIM_WEDGE_SCANNER.path].sort());
    const { json } = await daemon.api<HidSimState>('GET', '/api/hid');
    expect(json).toMatchObject({ mode: 'injected-reports', transport: 'loopback WebSocket IPC (not kernel uhid)', ipcClients: 1 });
    expect(json.devices.map((d) => [d.role, d.openedBy])).toEqual([
      ['scanner', 1],
      ['wedge-scanner', 1],
      ['buttons', 1],
    ]);
  });

  it('a HID-POS scan made through the API comes out of the driver (several reports joined, UTF-8)', async () => {
    const text = 'https://kf.metro.example/t/GZ0102-261123-0042-7?站=体育西路&lang=zh-CN&ref=kiosk-receipt';
    const scanned = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'qr-scan', 'qr scan');
    const { status, json } = await daemon.api<HidDelivery>('POST', '/api/hid/scan', { text });
    expect(status).toBe(200);
    const reports = Math.ceil(Buffer.byteLength(text, 'utf8') / 56);
    expect(reports).toBeGreaterThan(1);
    expect(json).toEqual({ reports, delivered: 1 });
    expect(await scanned).toEqual({ type: 'qr-scan', device: SIM_SCANNER.path, scan: { text, symbology: ']Q1', source: SIM_SCANNER.path } });
  });

  it('a keyboard-wedge scan comes from the wedge scanner, typed key by key', async () => {
    const text = 'GZ0102-261123-0042-7';
    const scanned = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'qr-scan', 'wedge scan');
    expect((await daemon.api<HidDelivery>('POST', '/api/hid/scan', { text, mode: 'keyboard' })).json).toEqual({ reports: (text.length + 1) * 2, delivered: 1 });
    expect(await scanned).toMatchObject({ device: SIM_WEDGE_SCANNER.path, scan: { text, symbology: null } });
  });

  it('both help buttons', async () => {
    for (const button of ['information', 'emergency'] as const) {
      const pressed = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'help-button', `${button} press`);
      expect((await daemon.api<HidDelivery>('POST', '/api/hid/press', { button })).json.delivered).toBe(1);
      expect(await pressed).toEqual({ type: 'help-button', device: SIM_BUTTONS.path, press: { button, source: SIM_BUTTONS.path } });
    }
  });

  it('unplug through the API: the driver sees the buttons absent; replug: ok again at the next device poll', async () => {
    const gone = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'health' && u.kind === 'help-buttons' && u.health.state === 'absent', 'buttons absent');
    await daemon.api('POST', '/api/hid/buttons/unplug');
    await gone;
    const refused = await daemon.api<{ error: { code: string } }>('POST', '/api/hid/press', { button: 'emergency' });
    expect([refused.status, refused.json.error.code]).toEqual([409, 'device-unplugged']);
    expect((await transport.enumerate()).map((d) => d.path)).not.toContain(SIM_BUTTONS.path);

    await daemon.api('POST', '/api/hid/buttons/replug');
    const back = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'health' && u.kind === 'help-buttons' && u.health.state === 'ok', 'buttons ok');
    await hid.rescan();
    await back;
    const pressed = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'help-button', 'press after replug');
    await daemon.api('POST', '/api/hid/press', { button: 'information' });
    expect(await pressed).toMatchObject({ press: { button: 'information' } });
  });

  it('refuses bad control requests with typed errors', async () => {
    const cases: [string, unknown, number, string][] = [
      ['/api/hid/scan', { text: '' }, 400, 'invalid-value'],
      ['/api/hid/scan', { text: 42 }, 400, 'invalid-value'],
      ['/api/hid/scan', { text: 'x'.repeat(2049) }, 400, 'invalid-value'],
      ['/api/hid/scan', { text: '体育西路', mode: 'keyboard' }, 400, 'untypeable-text'],
      ['/api/hid/scan', { text: 'ok', mode: 'serial' }, 400, 'invalid-value'],
      ['/api/hid/scan', { text: 'ok', symbology: 'QR' }, 400, 'bad-request'],
      ['/api/hid/press', { button: 'panic' }, 400, 'invalid-value'],
      ['/api/hid/keyboard/unplug', {}, 404, 'unknown-hid-device'],
    ];
    for (const [route, body, status, code] of cases) {
      const res = await daemon.api<{ error: { code: string } }>('POST', route, body);
      expect({ route, status: res.status, code: res.json.error.code }).toEqual({ route, status, code });
    }
  });

  it('refuses a hostile IPC client and keeps serving the kiosk', async () => {
    const url = daemon.devices.hid.ipcUrl ?? '';
    const garbage = rawClient(url);
    await garbage.opened;
    garbage.socket.send('{"type":"open","requestId":"x","path":"sim:hidraw0"}');
    expect(await garbage.closed).toBe(1008);
    expect(garbage.messages.at(-1)).toMatchObject({ type: 'protocol-error', message: expect.stringContaining('open: needs requestId') as unknown });

    const noProtocol = rawClient(url, []);
    expect(await noProtocol.closed).toBe(1002);

    const foreignPage = rawClient(url, [HID_IPC_SUBPROTOCOL], { origin: 'https://attacker.example' });
    await expect(foreignPage.opened).rejects.toThrow(/403/);
    await foreignPage.closed;

    const scanned = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'qr-scan', 'scan after hostile clients');
    expect((await daemon.api<HidDelivery>('POST', '/api/hid/scan', { text: 'still here' })).json.delivered).toBe(1);
    expect(await scanned).toMatchObject({ scan: { text: 'still here' } });
  });
});

describe('when the sim daemon stops', () => {
  it('open devices fail, the driver shows them absent, and enumerate says the daemon is unreachable', async () => {
    const daemon = await startDaemon();
    const transport = new RemoteHidTransport({ url: daemon.devices.hid.ipcUrl ?? '', connectTimeoutMs: 2_000 });
    const hid = new HidDevices({ transport, pollIntervalMs: 60_000 });
    try {
      await hid.start();
      expect(hid.scanner().health().state).toBe('ok');
      const gone = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'health' && u.kind === 'qr-scanner' && u.health.state === 'absent', 'scanner absent');
      const buttonsGone = nextMatching<DeviceUpdate>(updatesOf(hid), (u) => u.type === 'health' && u.kind === 'help-buttons' && u.health.state === 'absent', 'buttons absent');
      await daemon.close();
      await gone;
      await buttonsGone;
      expect(transport.connected).toBe(false);
      const failure = await transport.enumerate().then(
        () => null,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(RemoteHidError);
      expect((failure as RemoteHidError).code).toBe('daemon-unreachable');
    } finally {
      await hid.stop();
      await transport.close();
      await daemon.close();
    }
  });
});
