import WebSocket from 'ws';
import type { HidConnection, HidDeviceInfo, HidTransport } from '../../shared/devices.js';
import {
  HID_IPC_MAX_FRAME_BYTES,
  HID_IPC_SUBPROTOCOL,
  parseHidIpcServerMessage,
  reportFromHex,
  type HidIpcClientMessage,
  type HidIpcServerMessage,
} from '../../shared/hid-ipc.js';

/** How long a connection may take to reach the daemon's hello. */
export const REMOTE_HID_CONNECT_TIMEOUT_MS = 5_000;
/** How long the daemon may take to answer an `open`. */
export const REMOTE_HID_OPEN_TIMEOUT_MS = 5_000;
/** How long a clean close may take before the socket is cut. */
const CLOSE_GRACE_MS = 1_000;

export type RemoteHidErrorCode =
  /** Nothing answers at the URL, or the handshake failed or timed out. */
  | 'daemon-unreachable'
  /** The daemon sent something that is not the HID IPC protocol. */
  | 'protocol-error'
  /** The daemon refused to open the device (gone, busy). */
  | 'open-failed'
  /** The daemon did not answer an open in time. */
  | 'open-timeout'
  /** The connection dropped (daemon stopped or restarted). */
  | 'connection-lost'
  /** {@link RemoteHidTransport.close} was called. */
  | 'closed';

export class RemoteHidError extends Error {
  override readonly name = 'RemoteHidError';
  constructor(
    readonly code: RemoteHidErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RemoteHidTransportOptions {
  /** The daemon's HID IPC socket, loopback only: `ws://127.0.0.1:8090/api/hid/ipc`. */
  readonly url: string;
  readonly connectTimeoutMs?: number;
  readonly openTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

interface LocalConnection {
  readonly path: string;
  readonly reports: Set<(report: Uint8Array) => void>;
  readonly errors: Set<(error: Error) => void>;
  dead: boolean;
}

interface PendingOpen {
  readonly resolve: () => void;
  readonly reject: (e: RemoteHidError) => void;
  readonly timer: NodeJS.Timeout;
}

interface Session {
  readonly socket: WebSocket;
  readonly devices: Map<string, HidDeviceInfo>;
  readonly ready: Promise<void>;
  readonly pending: Map<number, PendingOpen>;
  greeted: boolean;
  ended: boolean;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A {@link HidTransport} whose devices live in the sim daemon (another process), reached over
 * the loopback HID IPC WebSocket (`shared/hid-ipc.ts`). Mode `injected-reports`: there is no
 * kernel uhid device, but the report bytes are the simulated devices' own, so `HidDevices`
 * parses them with the same parsers as node-hid's.
 *
 * Connects on the first `enumerate()` and again on the next one after a drop (the driver's
 * device poll is the retry loop); while the daemon is unreachable `enumerate()` rejects with
 * `daemon-unreachable` and open connections have received `connection-lost`. Call `close()` when
 * the runtime stops.
 */
export class RemoteHidTransport implements HidTransport {
  readonly mode = 'injected-reports' as const;
  readonly url: string;
  private session: Session | null = null;
  private readonly connections = new Set<LocalConnection>();
  private nextRequestId = 1;
  private closed = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: RemoteHidTransportOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'ws:' || !LOOPBACK_HOSTS.has(url.hostname)) throw new Error(`the HID IPC socket is loopback only (ws://127.0.0.1:…), not ${options.url}`);
    this.url = url.href;
    this.log = options.log ?? (() => undefined);
  }

  /** True while a session with the daemon is up. */
  get connected(): boolean {
    return this.session?.greeted === true && !this.session.ended;
  }

  async enumerate(): Promise<readonly HidDeviceInfo[]> {
    const session = await this.connect();
    return [...session.devices.values()];
  }

  async open(device: HidDeviceInfo): Promise<HidConnection> {
    const session = await this.connect();
    const requestId = this.nextRequestId++;
    await new Promise<void>((resolve, reject) => {
      if (session.ended) {
        reject(new RemoteHidError('connection-lost', `${device.path}: the connection to the sim daemon dropped`));
        return;
      }
      const timer = setTimeout(() => {
        session.pending.delete(requestId);
        reject(new RemoteHidError('open-timeout', `${device.path}: the sim daemon did not answer the open within ${this.options.openTimeoutMs ?? REMOTE_HID_OPEN_TIMEOUT_MS} ms`));
      }, this.options.openTimeoutMs ?? REMOTE_HID_OPEN_TIMEOUT_MS);
      session.pending.set(requestId, { resolve, reject, timer });
      this.send(session, { type: 'open', requestId, path: device.path });
    });
    const local: LocalConnection = { path: device.path, reports: new Set(), errors: new Set(), dead: false };
    this.connections.add(local);
    return {
      onReport: (l) => (local.reports.add(l), () => local.reports.delete(l)),
      onError: (l) => (local.errors.add(l), () => local.errors.delete(l)),
      close: () => {
        this.forget(local);
        return Promise.resolve();
      },
    };
  }

  /** Ends the session and fails open connections with `closed`; later calls reject. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    if (!session) return;
    const socket = session.socket;
    if (socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
      socket.once('close', () => (clearTimeout(timer), resolve()));
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000, 'kiosk runtime stopping');
    });
  }

  private connect(): Promise<Session> {
    if (this.closed) return Promise.reject(new RemoteHidError('closed', 'the remote HID transport is closed'));
    const current = this.session;
    if (current && !current.ended) return current.ready.then(() => current);
    const session = this.startSession();
    this.session = session;
    return session.ready.then(() => session);
  }

  private startSession(): Session {
    const timeoutMs = this.options.connectTimeoutMs ?? REMOTE_HID_CONNECT_TIMEOUT_MS;
    const socket = new WebSocket(this.url, HID_IPC_SUBPROTOCOL, { maxPayload: HID_IPC_MAX_FRAME_BYTES, handshakeTimeout: timeoutMs });
    let greet: () => void = () => undefined;
    let refuse: (e: RemoteHidError) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      greet = resolve;
      refuse = reject;
    });
    const session: Session = { socket, devices: new Map(), ready, pending: new Map(), greeted: false, ended: false };
    const timer = setTimeout(() => {
      refuse(new RemoteHidError('daemon-unreachable', `no hello from the sim daemon at ${this.url} within ${timeoutMs} ms`));
      socket.terminate();
    }, timeoutMs);
    let endReason: RemoteHidError | null = null;
    socket.on('error', (e) => {
      endReason ??= new RemoteHidError(session.greeted ? 'connection-lost' : 'daemon-unreachable', `sim daemon at ${this.url}: ${e.message}`);
    });
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      const parsed = text === null ? null : parseHidIpcServerMessage(text);
      if (parsed === null || !parsed.ok) {
        endReason = new RemoteHidError('protocol-error', `sim daemon at ${this.url} broke the HID IPC protocol: ${parsed === null ? 'binary frame' : parsed.error.message}`);
        this.log(`hid ipc: ${endReason.message}`);
        socket.terminate();
        return;
      }
      if (parsed.value.type === 'hello') {
        clearTimeout(timer);
        session.greeted = true;
        greet();
      } else if (!session.greeted) {
        endReason = new RemoteHidError('protocol-error', `sim daemon at ${this.url} sent ${parsed.value.type} before hello`);
        socket.terminate();
        return;
      }
      this.apply(session, parsed.value);
    });
    socket.on('close', (code, reason) => {
      clearTimeout(timer);
      session.ended = true;
      const closedByUs = this.closed;
      const error =
        endReason ??
        (closedByUs
          ? new RemoteHidError('closed', 'the remote HID transport is closed')
          : new RemoteHidError(session.greeted ? 'connection-lost' : 'daemon-unreachable', `sim daemon at ${this.url} closed the connection (${code}${reason.length > 0 ? ` ${reason.toString('utf8')}` : ''})`));
      refuse(error);
      for (const p of session.pending.values()) {
        clearTimeout(p.timer);
        p.reject(error);
      }
      session.pending.clear();
      if (session.greeted && !closedByUs) this.log(`hid ipc: ${error.message}`);
      for (const local of [...this.connections]) this.fail(local, error);
    });
    // A rejected `ready` nobody awaited must not become an unhandled rejection.
    ready.catch(() => undefined);
    return session;
  }

  private apply(session: Session, message: HidIpcServerMessage): void {
    switch (message.type) {
      case 'hello':
        session.devices.clear();
        for (const d of message.devices) session.devices.set(d.path, d);
        return;
      case 'arrived':
        session.devices.set(message.device.path, message.device);
        return;
      case 'removed':
        session.devices.delete(message.path);
        this.failPath(message.path, new Error(`${message.path}: device removed`));
        return;
      case 'opened':
      case 'open-failed': {
        const pending = session.pending.get(message.requestId);
        if (!pending) return;
        session.pending.delete(message.requestId);
        clearTimeout(pending.timer);
        if (message.type === 'opened') pending.resolve();
        else pending.reject(new RemoteHidError('open-failed', message.message));
        return;
      }
      case 'report': {
        const report = reportFromHex(message.data);
        for (const local of this.connections) {
          if (local.path !== message.path || local.dead) continue;
          for (const l of local.reports) l(report);
        }
        return;
      }
      case 'device-error':
        this.failPath(message.path, new Error(message.message));
        return;
      case 'protocol-error':
        this.log(`hid ipc: the sim daemon refused our message: ${message.message}`);
        return;
    }
  }

  private failPath(path: string, error: Error): void {
    for (const local of [...this.connections]) if (local.path === path) this.fail(local, error);
  }

  private fail(local: LocalConnection, error: Error): void {
    if (local.dead) return;
    local.dead = true;
    this.connections.delete(local);
    for (const l of [...local.errors]) l(error);
  }

  private forget(local: LocalConnection): void {
    const wasLive = this.connections.delete(local);
    local.dead = true;
    const session = this.session;
    if (!wasLive || !session || session.ended) return;
    if ([...this.connections].some((c) => c.path === local.path)) return;
    this.send(session, { type: 'close', path: local.path });
  }

  private send(session: Session, message: HidIpcClientMessage): void {
    if (session.socket.readyState === WebSocket.OPEN) session.socket.send(JSON.stringify(message));
  }
}
