/**
 * RemoteHidTransport against scripted daemons on a loopback WebSocket: each script answers only
 * what it was written for, so a transport that trusted garbage or hung would fail here.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HidDeviceInfo } from '../../shared/devices.js';
import { HID_IPC_SUBPROTOCOL, reportToHex, type HidIpcServerMessage } from '../../shared/hid-ipc.js';
import { RemoteHidError, RemoteHidTransport } from './remote-transport.js';

const SCANNER: HidDeviceInfo = { path: 'sim:hidraw0', vendorId: 0x0c2e, productId: 0x0b61, usagePage: 0x8c, usage: 0x02, product: 'scanner', manufacturer: null, interfaceNumber: 0 };

interface ScriptedDaemon {
  readonly url: string;
  readonly received: unknown[];
  close(): Promise<void>;
}

const servers: ScriptedDaemon[] = [];
const transports: RemoteHidTransport[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) await t.close();
  for (const s of servers.splice(0)) await s.close();
});

async function scriptedDaemon(onConnect: (socket: WebSocket, send: (m: HidIpcServerMessage | string) => void) => void, onMessage?: (m: Record<string, unknown>, send: (m: HidIpcServerMessage | string) => void) => void): Promise<ScriptedDaemon> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has(HID_IPC_SUBPROTOCOL) ? HID_IPC_SUBPROTOCOL : false) });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: unknown[] = [];
  wss.on('connection', (socket) => {
    const send = (m: HidIpcServerMessage | string): void => socket.send(typeof m === 'string' ? m : JSON.stringify(m));
    socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      received.push(m);
      onMessage?.(m, send);
    });
    onConnect(socket, send);
  });
  const daemon: ScriptedDaemon = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/api/hid/ipc`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
  servers.push(daemon);
  return daemon;
}

function transportFor(url: string, options: { connectTimeoutMs?: number; openTimeoutMs?: number } = {}): RemoteHidTransport {
  const t = new RemoteHidTransport({ url, ...options });
  transports.push(t);
  return t;
}

async function failureOf(p: Promise<unknown>): Promise<RemoteHidError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(RemoteHidError);
  return e as RemoteHidError;
}

const hello: HidIpcServerMessage = { type: 'hello', mode: 'injected-reports', devices: [SCANNER] };
const answerOpens = (m: Record<string, unknown>, send: (m: HidIpcServerMessage) => void): void => {
  if (m.type === 'open') send({ type: 'opened', requestId: m.requestId as number, path: m.path as string });
};

describe('RemoteHidTransport', () => {
  it('lists the daemon’s devices, opens one, and hands over its report bytes unchanged', async () => {
    let socket: WebSocket | null = null;
    const daemon = await scriptedDaemon((s, send) => ((socket = s), send(hello)), answerOpens);
    const transport = transportFor(daemon.url);
    expect(await transport.enumerate()).toEqual([SCANNER]);
    const connection = await transport.open(SCANNER);
    const reports: string[] = [];
    connection.onReport((r) => reports.push(reportToHex(r)));
    const report = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff);
    const delivered = new Promise<void>((resolve) => connection.onReport(() => resolve()));
    (socket as WebSocket | null)?.send(JSON.stringify({ type: 'report', path: SCANNER.path, data: reportToHex(report) }));
    await delivered;
    expect(reports).toEqual([reportToHex(report)]);
    await connection.close();
    await expect.poll(() => daemon.received).toEqual([
      { type: 'open', requestId: 1, path: SCANNER.path },
      { type: 'close', path: SCANNER.path },
    ]);
  });

  it('tracks arrival and removal; removal fails the open connection', async () => {
    let send: ((m: HidIpcServerMessage) => void) | null = null;
    const daemon = await scriptedDaemon((_s, s) => ((send = s), s({ type: 'hello', mode: 'injected-reports', devices: [] })), answerOpens);
    const transport = transportFor(daemon.url);
    expect(await transport.enumerate()).toEqual([]);
    const push = send as ((m: HidIpcServerMessage) => void) | null;
    push?.({ type: 'arrived', device: SCANNER });
    await expect.poll(() => transport.enumerate()).toEqual([SCANNER]);
    const connection = await transport.open(SCANNER);
    const failed = new Promise<Error>((resolve) => connection.onError(resolve));
    push?.({ type: 'removed', path: SCANNER.path });
    expect((await failed).message).toContain('device removed');
    expect(await transport.enumerate()).toEqual([]);
  });

  it('refuses a non-loopback daemon URL', () => {
    expect(() => new RemoteHidTransport({ url: 'ws://192.0.2.7:8090/api/hid/ipc' })).toThrow(/loopback only/);
    expect(() => new RemoteHidTransport({ url: 'http://127.0.0.1:8090/api/hid/ipc' })).toThrow(/loopback only/);
  });

  it('says the daemon is unreachable when nothing listens', async () => {
    const probe = await scriptedDaemon((_s, send) => send(hello));
    const url = probe.url;
    await probe.close();
    const transport = transportFor(url, { connectTimeoutMs: 2_000 });
    expect((await failureOf(transport.enumerate())).code).toBe('daemon-unreachable');
    expect(transport.connected).toBe(false);
  });

  it('gives up on a daemon that never says hello', async () => {
    const daemon = await scriptedDaemon(() => undefined);
    const transport = transportFor(daemon.url, { connectTimeoutMs: 300 });
    expect(await failureOf(transport.enumerate())).toMatchObject({ code: 'daemon-unreachable', message: expect.stringContaining('no hello') as unknown });
  });

  it.each([
    ['not JSON', '{{{'],
    ['an unknown message', JSON.stringify({ type: 'format-disk' })],
    ['a hello with a malformed device', JSON.stringify({ type: 'hello', mode: 'injected-reports', devices: [{ ...SCANNER, vendorId: 70000 }] })],
    ['a hello in another mode', JSON.stringify({ type: 'hello', mode: 'node-hid', devices: [] })],
    ['a report before hello', JSON.stringify({ type: 'report', path: SCANNER.path, data: '00' })],
  ])('drops a daemon that sends %s', async (_what, frame) => {
    const daemon = await scriptedDaemon((_s, send) => send(frame));
    const transport = transportFor(daemon.url);
    expect((await failureOf(transport.enumerate())).code).toBe('protocol-error');
  });

  it('fails open connections when a report is not hex, and does not deliver it', async () => {
    let socket: WebSocket | null = null;
    const daemon = await scriptedDaemon((s, send) => ((socket = s), send(hello)), answerOpens);
    const transport = transportFor(daemon.url);
    const connection = await transport.open(SCANNER);
    const reports: Uint8Array[] = [];
    connection.onReport((r) => reports.push(r));
    const failed = new Promise<Error>((resolve) => connection.onError(resolve));
    (socket as WebSocket | null)?.send(JSON.stringify({ type: 'report', path: SCANNER.path, data: '0G1' }));
    expect(await failed).toMatchObject({ code: 'protocol-error' });
    expect(reports).toEqual([]);
  });

  it('rejects an open the daemon refuses, and one it never answers', async () => {
    const refusing = await scriptedDaemon(
      (_s, send) => send(hello),
      (m, send) => m.type === 'open' && send({ type: 'open-failed', requestId: m.requestId as number, path: m.path as string, message: 'sim:hidraw0: permission denied' }),
    );
    expect(await failureOf(transportFor(refusing.url).open(SCANNER))).toMatchObject({ code: 'open-failed', message: 'sim:hidraw0: permission denied' });
    const silent = await scriptedDaemon((_s, send) => send(hello));
    expect((await failureOf(transportFor(silent.url, { openTimeoutMs: 300 }).open(SCANNER))).code).toBe('open-timeout');
  });

  it('fails open connections with connection-lost when the daemon goes', async () => {
    const daemon = await scriptedDaemon((_s, send) => send(hello), answerOpens);
    const transport = transportFor(daemon.url);
    const connection = await transport.open(SCANNER);
    const failed = new Promise<Error>((resolve) => connection.onError(resolve));
    const sockets = daemon.close();
    expect(await failed).toMatchObject({ code: 'connection-lost' });
    await sockets;
    expect(transport.connected).toBe(false);
    expect((await failureOf(transport.enumerate())).code).toBe('daemon-unreachable');
  });

  it('connects again at the next enumerate after the connection dropped (daemon restarted)', async () => {
    let connections = 0;
    let first: WebSocket | null = null;
    const daemon = await scriptedDaemon((socket, send) => {
      connections += 1;
      if (connections === 1) first = socket;
      send(connections === 1 ? hello : { type: 'hello', mode: 'injected-reports', devices: [] });
    }, answerOpens);
    const transport = transportFor(daemon.url);
    const connection = await transport.open(SCANNER);
    const failed = new Promise<Error>((resolve) => connection.onError(resolve));
    (first as WebSocket | null)?.terminate();
    expect(await failed).toMatchObject({ code: 'connection-lost' });
    expect(await transport.enumerate()).toEqual([]);
    expect(connections).toBe(2);
    expect(transport.connected).toBe(true);
  });

  it('is closed for good after close()', async () => {
    const daemon = await scriptedDaemon((_s, send) => send(hello), answerOpens);
    const transport = transportFor(daemon.url);
    const connection = await transport.open(SCANNER);
    const failed = new Promise<Error>((resolve) => connection.onError(resolve));
    await transport.close();
    expect(await failed).toMatchObject({ code: 'closed' });
    expect((await failureOf(transport.enumerate())).code).toBe('closed');
  });
});
