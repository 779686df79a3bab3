/**
 * The three call WebSocket endpoints on central: `/calls/kiosk` (kiosk runtimes), `/calls/agent`
 * (agent consoles), `/calls/media` (kiosk pages, SDP/ICE only, with a media token minted when an
 * information call rings one agent, or when an agent answers). Protocol: shared/call-protocol.ts.
 *
 * This layer holds the sockets: it checks who is calling, parses every frame, answers bad ones
 * itself, and hands the rest to a {@link CallBackend} as {@link CallEvent}s; what the backend
 * decides comes back as {@link CallOutput}s for the sockets it names. On SQLite the backend is
 * this process's own {@link CallCore}; on PostgreSQL it is the cluster (`pg-cluster.ts`), where
 * one instance decides and the sockets may be held by any.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { parseAgentMessage, parseKioskMessage, parseMediaFrame, MAX_FRAME_BYTES, type CentralToAgent, type CentralToKiosk } from '../../shared/call-protocol.js';
import { CLOSE, CallCore, hashMediaToken, type CallEvent, type CallOutput } from './call-core.js';
import type { CallQueue, QueuePersistence, QueueSettings } from './queue.js';
import type { Scheduler } from './scheduler.js';
import type { IceConfig } from './turn.js';

export { CLOSE } from './call-core.js';

/** A person logged in to the agent console: their account's id and the name others see. */
export interface AgentAccount {
  readonly id: string;
  readonly name: string;
}

/** Checks a kiosk's bearer token; true when `token` belongs to `kioskId`. */
export type KioskAuthenticator = (kioskId: string, token: string) => Promise<boolean>;

/** Where socket events go and decisions come from. */
export interface CallBackend {
  /** Names this instance's connections (`<instanceId>.<n>`). */
  readonly instanceId: string;
  event(e: CallEvent): void;
  /** The queue this instance decides with (on a cluster: the last one it held, if any). */
  queue(): CallQueue;
  /** Stops deciding (timers) and listening; waiting entries stay in the store. */
  close(): Promise<void>;
}

/**
 * The person an agent console's WebSocket upgrade comes from (session cookie and Origin), or why
 * it is refused. There is no other way in: the socket takes no token.
 */
export type AgentUpgradeCheck = (request: FastifyRequest) => Promise<{ readonly ok: true; readonly agent: AgentAccount } | { readonly ok: false; readonly status: number; readonly message: string }>;

export interface SignallingDeps {
  readonly scheduler: Scheduler;
  readonly settings: QueueSettings;
  readonly store: QueuePersistence;
  /** Checks Origin and the session cookie before the agent socket opens; a refused upgrade never opens. */
  readonly agentUpgrade: AgentUpgradeCheck;
  readonly authenticateKiosk: KioskAuthenticator;
  readonly ice: IceConfig;
  readonly mediaTokenTtlSeconds: number;
  readonly log: (line: string) => void;
  /** Default: a {@link CallCore} in this process ({@link localBackend}). */
  readonly backend?: (deliver: (o: CallOutput) => void) => CallBackend;
}

function bearer(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : null;
}

/** One process decides alone: events are applied at once, outputs delivered at once. */
export function localBackend(deps: SignallingDeps, deliver: (o: CallOutput) => void): CallBackend {
  let broadcastPending = false;
  let closed = false;
  const core: CallCore = new CallCore({
    scheduler: deps.scheduler,
    settings: deps.settings,
    persistence: deps.store,
    ice: deps.ice,
    mediaTokenTtlSeconds: deps.mediaTokenTtlSeconds,
    sink: {
      output: deliver,
      changed: () => {
        if (broadcastPending || closed) return;
        broadcastPending = true;
        setImmediate(() => {
          broadcastPending = false;
          if (!closed) core.flushBroadcast();
        });
      },
    },
  });
  return {
    instanceId: 'local',
    event: (e) => core.apply(e),
    queue: () => core.queue,
    close: () => {
      closed = true;
      core.close();
      return Promise.resolve();
    },
  };
}

export class CallSignalling {
  private readonly backend: CallBackend;
  private readonly sockets = new Map<string, WebSocket>();
  private nextConn = 0;
  private closed = false;

  constructor(private readonly deps: SignallingDeps) {
    const deliver = (o: CallOutput): void => this.deliver(o);
    this.backend = deps.backend ? deps.backend(deliver) : localBackend(deps, deliver);
  }

  /** The queue this instance decides with. */
  get queue(): CallQueue {
    return this.backend.queue();
  }

  register(app: FastifyInstance): void {
    app.get('/calls/kiosk', { websocket: true }, (socket, request) => this.onKiosk(socket, request));
    const upgraded = new WeakMap<FastifyRequest, AgentAccount>();
    const check = this.deps.agentUpgrade;
    app.get(
      '/calls/agent',
      {
        websocket: true,
        preValidation: async (request: FastifyRequest, reply: FastifyReply) => {
          const r = await check(request);
          if (!r.ok) return reply.code(r.status).send({ error: { code: r.status === 403 ? 'forbidden' : 'unauthorized', message: r.message } });
          upgraded.set(request, r.agent);
          return undefined;
        },
      },
      (socket, request) => {
        const agent = upgraded.get(request);
        // preValidation ran for every upgrade that reaches here; refuse anything else all the same.
        if (agent) this.onAgent(socket, agent);
        else socket.close(CLOSE.unauthorized, 'log in at /login/ first');
      },
    );
    app.get('/calls/media', { websocket: true }, (socket, request) => this.onMedia(socket, request));
  }

  /** Closes every socket of this instance (a shutdown is not "everybody left"); resolves when the backend stopped. */
  close(): Promise<void> {
    this.closed = true;
    const stopped = this.backend.close();
    for (const s of this.sockets.values()) s.close(1001, 'central stopping');
    return stopped;
  }

  /** Does what the backend decided to a socket of this instance (others' are not here). */
  deliver(o: CallOutput): void {
    const socket = this.sockets.get(o.conn);
    if (!socket) return;
    if (o.m) this.send(socket, o.m);
    if (o.close) socket.close(o.close.code, o.close.reason);
  }

  private attach(socket: WebSocket): string {
    const conn = `${this.backend.instanceId}.${++this.nextConn}`;
    this.sockets.set(conn, socket);
    return conn;
  }

  private event(e: CallEvent): void {
    if (!this.closed) this.backend.event(e);
  }

  // ---- kiosk runtime -------------------------------------------------------------------

  private onKiosk(socket: WebSocket, request: FastifyRequest): void {
    const query = request.query as Record<string, unknown>;
    const kioskId = typeof query['kioskId'] === 'string' ? query['kioskId'] : '';
    const token = bearer(request);
    const pending: string[] = [];
    let conn: string | null = null;
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const frame = isBinary ? '' : data.toString('utf8');
      if (conn === null) pending.push(frame);
      else this.onKioskFrame(kioskId, conn, socket, frame);
    });
    socket.on('close', () => {
      if (conn === null) return;
      this.sockets.delete(conn);
      this.event({ k: 'kiosk-close', conn, kioskId });
    });
    socket.on('error', (e) => this.deps.log(`kiosk ${kioskId} socket: ${e.message}`));
    const authorised = kioskId !== '' && token !== null ? this.deps.authenticateKiosk(kioskId, token).catch(() => false) : Promise.resolve(false);
    void authorised.then((authorisedKiosk) => {
      if (!authorisedKiosk) {
        this.send(socket, { type: 'error', code: 'unauthorized', message: 'unknown kiosk or token' } satisfies CentralToKiosk);
        socket.close(CLOSE.unauthorized, 'unauthorized');
        return;
      }
      if (socket.readyState !== socket.OPEN) return;
      const c = this.attach(socket);
      conn = c;
      this.event({ k: 'kiosk-open', conn: c, kioskId });
      for (const frame of pending.splice(0)) this.onKioskFrame(kioskId, c, socket, frame);
    });
  }

  private onKioskFrame(kioskId: string, conn: string, socket: WebSocket, frame: string): void {
    const parsed = parseKioskMessage(frame);
    if (!parsed.ok) {
      this.send(socket, { type: 'error', code: parsed.error.code, message: parsed.error.message } satisfies CentralToKiosk);
      return;
    }
    const m = parsed.value;
    if (m.type === 'request' && m.context.kioskId !== kioskId) {
      this.send(socket, { type: 'error', code: 'bad-message', message: 'context.kioskId is not you' } satisfies CentralToKiosk);
      return;
    }
    this.event({ k: 'kiosk-msg', conn, kioskId, m });
  }

  // ---- agent console -------------------------------------------------------------------

  private onAgent(socket: WebSocket, agent: AgentAccount): void {
    const conn = this.attach(socket);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const parsed = parseAgentMessage(isBinary ? '' : data.toString('utf8'));
      if (!parsed.ok) {
        this.send(socket, { type: 'error', code: parsed.error.code, message: parsed.error.message } satisfies CentralToAgent);
        return;
      }
      this.event({ k: 'agent-msg', conn, agentId: agent.id, m: parsed.value });
    });
    socket.on('close', () => {
      this.sockets.delete(conn);
      this.event({ k: 'agent-close', conn, agentId: agent.id });
    });
    socket.on('error', (e) => this.deps.log(`agent socket: ${e.message}`));
    // Logged in by the session cookie at the upgrade: the person is who their session says.
    this.event({ k: 'agent-login', conn, agentId: agent.id, name: agent.name });
  }

  // ---- kiosk page media ----------------------------------------------------------------

  private onMedia(socket: WebSocket, request: FastifyRequest): void {
    const query = request.query as Record<string, unknown>;
    const token = typeof query['token'] === 'string' ? query['token'] : '';
    if (token === '') {
      socket.close(CLOSE.unauthorized, 'unknown or expired media token');
      return;
    }
    const conn = this.attach(socket);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary || data.length > MAX_FRAME_BYTES) return;
      const parsed = parseMediaFrame(data.toString('utf8'));
      if (parsed.ok) this.event({ k: 'media-msg', conn, signal: parsed.value });
    });
    socket.on('close', () => {
      this.sockets.delete(conn);
      this.event({ k: 'media-close', conn });
    });
    socket.on('error', (e) => this.deps.log(`media socket: ${e.message}`));
    this.event({ k: 'media-open', conn, tokenHash: hashMediaToken(token) });
  }

  private send(socket: WebSocket, message: object): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }
}
