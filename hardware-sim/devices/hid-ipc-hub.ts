import type { WebSocket } from 'ws';
import type { HidConnection, HidDeviceInfo, HidTransport } from '../../shared/devices.js';
import { parseHidIpcClientMessage, reportToHex, type HidIpcClientMessage, type HidIpcServerMessage } from '../../shared/hid-ipc.js';

/** WebSocket close code for a peer that broke the protocol (RFC 6455 policy violation). */
const CLOSE_PROTOCOL_VIOLATION = 1008;

interface OpenedDevice {
  readonly connection: HidConnection;
  readonly release: () => void;
}

interface IpcClient {
  readonly socket: WebSocket;
  readonly opened: Map<string, OpenedDevice>;
  /** Messages are handled in order, after the hello went out. */
  queue: Promise<void>;
}

/**
 * Serves a {@link HidTransport}'s devices over the HID IPC protocol (`shared/hid-ipc.ts`) to any
 * number of WebSocket clients: the list at connect, arrival and removal when told
 * ({@link devicesChanged}), and the input reports of the devices each client opened.
 */
export class HidIpcHub {
  private readonly clients = new Set<IpcClient>();
  private known = new Map<string, HidDeviceInfo>();
  private changes: Promise<void> = Promise.resolve();

  constructor(
    private readonly transport: HidTransport,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** How many clients have the device open now. */
  openedBy(path: string): number {
    return [...this.clients].filter((c) => c.opened.has(path)).length;
  }

  /** Takes over an accepted WebSocket: sends the hello, then serves its requests until it closes. */
  attach(socket: WebSocket): void {
    const client: IpcClient = { socket, opened: new Map(), queue: Promise.resolve() };
    this.clients.add(client);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.clients.delete(client);
      for (const path of [...client.opened.keys()]) this.closeOpened(client, path);
    });
    client.queue = this.changes.then(async () => {
      const devices = await this.transport.enumerate();
      this.send(client, { type: 'hello', mode: 'injected-reports', devices });
    });
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      client.queue = client.queue.then(() => this.handle(client, text)).catch((e: unknown) => this.log(`hid ipc: ${e instanceof Error ? e.message : String(e)}`));
    });
  }

  /** Re-reads the transport's device list and tells every client what arrived and what left. */
  devicesChanged(): Promise<void> {
    const next = this.changes.then(async () => {
      const now = new Map((await this.transport.enumerate()).map((d) => [d.path, d]));
      for (const [path] of this.known) {
        if (now.has(path)) continue;
        for (const c of this.clients) {
          this.closeOpened(c, path);
          this.send(c, { type: 'removed', path });
        }
      }
      for (const [path, device] of now) {
        if (!this.known.has(path)) for (const c of this.clients) this.send(c, { type: 'arrived', device });
      }
      this.known = now;
    });
    this.changes = next.catch((e: unknown) => this.log(`hid ipc: cannot list devices: ${e instanceof Error ? e.message : String(e)}`));
    return next;
  }

  /** Closes every client socket (the daemon is stopping). */
  closeAll(): void {
    for (const c of this.clients) c.socket.close(1001, 'sim daemon stopping');
  }

  private async handle(client: IpcClient, text: string | null): Promise<void> {
    if (!this.clients.has(client)) return;
    const parsed = text === null ? null : parseHidIpcClientMessage(text);
    if (parsed === null || !parsed.ok) {
      const message = parsed === null ? 'binary frames are not part of the protocol' : parsed.error.message;
      this.send(client, { type: 'protocol-error', message });
      client.socket.close(CLOSE_PROTOCOL_VIOLATION, 'protocol error');
      return;
    }
    await this.apply(client, parsed.value);
  }

  private async apply(client: IpcClient, message: HidIpcClientMessage): Promise<void> {
    switch (message.type) {
      case 'close':
        this.closeOpened(client, message.path);
        return;
      case 'open': {
        const { requestId, path } = message;
        if (client.opened.has(path)) return this.send(client, { type: 'opened', requestId, path });
        const info = (await this.transport.enumerate()).find((d) => d.path === path);
        if (!info) return this.send(client, { type: 'open-failed', requestId, path, message: `${path}: no such device` });
        let connection: HidConnection;
        try {
          connection = await this.transport.open(info);
        } catch (e) {
          return this.send(client, { type: 'open-failed', requestId, path, message: e instanceof Error ? e.message : String(e) });
        }
        if (!this.clients.has(client)) {
          await connection.close();
          return;
        }
        const offReport = connection.onReport((report) => this.send(client, { type: 'report', path, data: reportToHex(report) }));
        const offError = connection.onError((e) => {
          this.closeOpened(client, path);
          this.send(client, { type: 'device-error', path, message: e.message });
        });
        client.opened.set(path, { connection, release: () => (offReport(), offError()) });
        this.send(client, { type: 'opened', requestId, path });
        return;
      }
    }
  }

  private closeOpened(client: IpcClient, path: string): void {
    const opened = client.opened.get(path);
    if (!opened) return;
    client.opened.delete(path);
    opened.release();
    opened.connection.close().catch(() => undefined);
  }

  private send(client: IpcClient, message: HidIpcServerMessage): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(message));
  }
}
