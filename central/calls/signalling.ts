/**
 * The three call WebSocket endpoints on central, translating frames to {@link CallQueue} calls:
 * `/calls/kiosk` (kiosk runtimes), `/calls/agent` (agent consoles), `/calls/media` (kiosk pages,
 * SDP/ICE only, with a media token minted when an agent answers). Protocol: shared/call-protocol.ts.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import {
  parseAgentMessage,
  parseKioskMessage,
  parseMediaFrame,
  MAX_FRAME_BYTES,
  type CentralToAgent,
  type CentralToKiosk,
  type MediaGrant,
  type MediaSignal,
} from '../../shared/call-protocol.js';
import { uuidv7 } from '../../shared/ids.js';
import { CallQueue, type QueueSettings } from './queue.js';
import type { CallRecordStore } from './queue-store.js';
import type { Scheduler } from './scheduler.js';
import { iceGrantFor, type IceConfig } from './turn.js';

export interface AgentAccount {
  readonly id: string;
  readonly name: string;
  readonly token: string;
}

/** Checks a kiosk's bearer token; true when `token` belongs to `kioskId`. */
export type KioskAuthenticator = (kioskId: string, token: string) => Promise<boolean>;

export interface SignallingDeps {
  readonly scheduler: Scheduler;
  readonly settings: QueueSettings;
  readonly store: CallRecordStore;
  readonly agents: readonly AgentAccount[];
  readonly authenticateKiosk: KioskAuthenticator;
  readonly ice: IceConfig;
  readonly mediaTokenTtlSeconds: number;
  readonly log: (line: string) => void;
}

/** WebSocket close codes used by the call endpoints. */
export const CLOSE = { unauthorized: 4401, replaced: 4409, loginTimeout: 4408 } as const;

const LOGIN_TIMEOUT_MS = 10_000;

interface MediaSession {
  readonly callId: string;
  readonly kioskId: string;
  readonly token: string;
  readonly expiresAt: number;
  socket: WebSocket | null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : null;
}

export class CallSignalling {
  readonly queue: CallQueue;
  private readonly kiosks = new Map<string, WebSocket>();
  private readonly agentSockets = new Map<string, WebSocket>();
  private readonly media = new Map<string, MediaSession>();
  private broadcastPending = false;
  private closed = false;

  constructor(private readonly deps: SignallingDeps) {
    this.queue = new CallQueue({
      scheduler: deps.scheduler,
      settings: deps.settings,
      persistence: deps.store,
      newId: () => uuidv7(deps.scheduler.now()),
      outputs: {
        toKiosk: (kioskId, m) => this.sendKiosk(kioskId, m),
        toAgent: (agentId, m) => this.sendAgent(agentId, m),
        queueChanged: () => this.scheduleBroadcast(),
        grantMedia: (callId, kioskId) => this.grantMedia(callId, kioskId),
        revokeMedia: (callId) => this.revokeMedia(callId),
        ice: (user) => iceGrantFor(deps.ice, user, deps.scheduler.now()),
      },
    });
  }

  register(app: FastifyInstance): void {
    app.get('/calls/kiosk', { websocket: true }, (socket, request) => this.onKiosk(socket, request));
    app.get('/calls/agent', { websocket: true }, (socket) => this.onAgent(socket));
    app.get('/calls/media', { websocket: true }, (socket, request) => this.onMedia(socket, request));
  }

  close(): void {
    this.closed = true;
    this.queue.close();
    for (const s of [...this.kiosks.values(), ...this.agentSockets.values()]) s.close(1001, 'central stopping');
    for (const m of this.media.values()) m.socket?.close(1001, 'central stopping');
  }

  // ---- kiosk runtime -------------------------------------------------------------------

  private onKiosk(socket: WebSocket, request: FastifyRequest): void {
    const query = request.query as Record<string, unknown>;
    const kioskId = typeof query['kioskId'] === 'string' ? query['kioskId'] : '';
    const token = bearer(request);
    const pending: string[] = [];
    let kioskReady = false;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? '' : data.toString('utf8');
      if (!kioskReady) pending.push(frame);
      else this.onKioskFrame(kioskId, socket, frame);
    });
    socket.on('close', () => {
      if (kioskReady && this.kiosks.get(kioskId) === socket) {
        this.kiosks.delete(kioskId);
        if (!this.closed) this.queue.kioskDetached(kioskId);
      }
    });
    socket.on('error', (e) => this.deps.log(`kiosk ${kioskId} socket: ${e.message}`));
    const authorised = kioskId !== '' && token !== null ? this.deps.authenticateKiosk(kioskId, token).catch(() => false) : Promise.resolve(false);
    void authorised.then((authorisedKiosk) => {
      if (!authorisedKiosk) {
        this.send(socket, { type: 'error', code: 'unauthorized', message: 'unknown kiosk or token' } satisfies CentralToKiosk);
        socket.close(CLOSE.unauthorized, 'unauthorized');
        return;
      }
      const previous = this.kiosks.get(kioskId);
      this.kiosks.set(kioskId, socket);
      previous?.close(CLOSE.replaced, 'replaced by a newer connection');
      kioskReady = true;
      for (const frame of pending.splice(0)) this.onKioskFrame(kioskId, socket, frame);
    });
  }

  private onKioskFrame(kioskId: string, socket: WebSocket, frame: string): void {
    const parsed = parseKioskMessage(frame);
    if (!parsed.ok) {
      this.send(socket, { type: 'error', code: parsed.error.code, message: parsed.error.message } satisfies CentralToKiosk);
      return;
    }
    const m = parsed.value;
    switch (m.type) {
      case 'request': {
        if (m.context.kioskId !== kioskId) {
          this.send(socket, { type: 'error', code: 'bad-message', message: 'context.kioskId is not you' } satisfies CentralToKiosk);
          return;
        }
        const r = this.queue.request(kioskId, m.requestId, m.lane, m.context);
        if (!r.ok) this.send(socket, { type: 'error', code: r.error.code, message: r.error.message } satisfies CentralToKiosk);
        return;
      }
      case 'resume':
        this.queue.resume(kioskId, m.callId);
        return;
      case 'leave': {
        const r = this.queue.leave(kioskId, m.callId, m.reason);
        if (!r.ok) this.send(socket, { type: 'error', code: r.error.code, message: r.error.message } satisfies CentralToKiosk);
        return;
      }
      case 'action-result':
        this.queue.actionResult(kioskId, m.callId, m.actionId, m.status, m.code);
        return;
    }
  }

  private sendKiosk(kioskId: string, m: CentralToKiosk): void {
    const s = this.kiosks.get(kioskId);
    if (s) this.send(s, m);
  }

  // ---- agent console -------------------------------------------------------------------

  private onAgent(socket: WebSocket): void {
    let agentId: string | null = null;
    const loginTimer = setTimeout(() => {
      if (agentId === null) socket.close(CLOSE.loginTimeout, 'log in first');
    }, LOGIN_TIMEOUT_MS);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const parsed = parseAgentMessage(isBinary ? '' : data.toString('utf8'));
      if (!parsed.ok) {
        this.send(socket, { type: 'error', code: parsed.error.code, message: parsed.error.message } satisfies CentralToAgent);
        return;
      }
      const m = parsed.value;
      if (m.type === 'login') {
        const account = this.deps.agents.find((a) => sameSecret(a.token, m.token));
        if (!account) {
          this.send(socket, { type: 'error', code: 'unauthorized', message: 'unknown agent token' } satisfies CentralToAgent);
          socket.close(CLOSE.unauthorized, 'unauthorized');
          return;
        }
        clearTimeout(loginTimer);
        agentId = account.id;
        const previous = this.agentSockets.get(account.id);
        this.agentSockets.set(account.id, socket);
        previous?.close(CLOSE.replaced, 'logged in elsewhere');
        const presence = this.queue.agentLoggedIn(account.id, account.name);
        this.send(socket, { type: 'welcome', agentId: account.id, name: account.name, presence } satisfies CentralToAgent);
        this.sendQueue(socket);
        return;
      }
      if (agentId === null) {
        this.send(socket, { type: 'error', code: 'unauthorized', message: 'log in first' } satisfies CentralToAgent);
        return;
      }
      this.onAgentMessage(agentId, socket, m);
    });
    socket.on('close', () => {
      clearTimeout(loginTimer);
      if (agentId !== null && this.agentSockets.get(agentId) === socket) {
        this.agentSockets.delete(agentId);
        if (!this.closed) this.queue.agentDisconnected(agentId);
      }
    });
    socket.on('error', (e) => this.deps.log(`agent socket: ${e.message}`));
  }

  private onAgentMessage(agentId: string, socket: WebSocket, m: Exclude<ReturnType<typeof parseAgentMessage>, { ok: false }>['value']): void {
    const fail = (code: string, message: string): void => this.send(socket, { type: 'error', code, message } satisfies CentralToAgent);
    switch (m.type) {
      case 'login':
        return;
      case 'set-status': {
        const r = this.queue.setAgentStatus(agentId, m.status);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
      case 'answer': {
        const r = this.queue.answer(agentId, m.callId);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
      case 'hang-up': {
        const r = this.queue.hangUp(agentId, m.callId);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
      case 'signal': {
        if (this.queue.agentOfCall(m.callId) !== agentId) return fail('not-your-call', 'no call of yours with that id');
        const session = this.media.get(m.callId);
        if (session?.socket) this.send(session.socket, m.signal);
        return;
      }
      case 'action': {
        const r = this.queue.agentAction(agentId, m.callId, m.action);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
    }
  }

  private sendAgent(agentId: string, m: CentralToAgent): void {
    const s = this.agentSockets.get(agentId);
    if (s) this.send(s, m);
  }

  private scheduleBroadcast(): void {
    if (this.broadcastPending || this.closed) return;
    this.broadcastPending = true;
    setImmediate(() => {
      this.broadcastPending = false;
      for (const s of this.agentSockets.values()) this.sendQueue(s);
    });
  }

  private sendQueue(socket: WebSocket): void {
    const view = this.queue.view();
    this.send(socket, { type: 'queue', serverTime: new Date(this.deps.scheduler.now()).toISOString(), ...view } satisfies CentralToAgent);
  }

  // ---- kiosk page media ----------------------------------------------------------------

  private grantMedia(callId: string, kioskId: string): MediaGrant {
    const existing = this.media.get(callId);
    const session: MediaSession = {
      callId,
      kioskId,
      token: randomBytes(24).toString('base64url'),
      expiresAt: this.deps.scheduler.now() + this.deps.mediaTokenTtlSeconds * 1000,
      socket: existing?.socket ?? null,
    };
    this.media.set(callId, session);
    return { path: '/calls/media', token: session.token, expiresAt: new Date(session.expiresAt).toISOString() };
  }

  private revokeMedia(callId: string): void {
    const session = this.media.get(callId);
    this.media.delete(callId);
    session?.socket?.close(1000, 'call ended');
  }

  private onMedia(socket: WebSocket, request: FastifyRequest): void {
    const query = request.query as Record<string, unknown>;
    const token = typeof query['token'] === 'string' ? query['token'] : '';
    const session = [...this.media.values()].find((s) => token !== '' && sameSecret(s.token, token));
    if (!session || session.expiresAt < this.deps.scheduler.now()) {
      socket.close(CLOSE.unauthorized, 'unknown or expired media token');
      return;
    }
    const previous = session.socket;
    session.socket = socket;
    previous?.close(CLOSE.replaced, 'page reloaded');
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary || data.length > MAX_FRAME_BYTES) return;
      const parsed = parseMediaFrame(data.toString('utf8'));
      if (!parsed.ok) return;
      const agentId = this.queue.agentOfCall(session.callId);
      if (agentId) this.sendAgent(agentId, { type: 'signal', callId: session.callId, signal: parsed.value });
    });
    socket.on('close', () => {
      if (session.socket === socket) session.socket = null;
    });
    socket.on('error', (e) => this.deps.log(`media socket: ${e.message}`));
    const agentId = this.queue.agentOfCall(session.callId);
    const ready: MediaSignal = { type: 'peer-ready' };
    if (agentId) this.sendAgent(agentId, { type: 'signal', callId: session.callId, signal: ready });
  }

  private send(socket: WebSocket, message: object): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }
}
