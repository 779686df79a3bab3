import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { LANGUAGES, parseUiUpMessage, UI_CLOSE_REPLACED, UI_SUBPROTOCOL, type PassengerEvent, type ScreenModel, type UiProtocolErrorCode } from '../../../shared/ui-protocol.js';
import type { KioskDownMessage, KioskScreenMessage } from '../../../shared/ui-wire.js';
import type { Logger } from '../logger.js';

/** What the UI server needs from the runtime: the current screen, and somewhere to put what the passenger did. */
export interface UiSessionPort {
  current(): KioskScreenMessage;
  /** Returns an unsubscribe function. */
  onScreen(listener: (message: KioskScreenMessage) => void): () => void;
  /** A passenger event, already checked by `parseUiUpMessage`. */
  passengerEvent(event: PassengerEvent): void;
}

export interface UiServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Folder with the built UI (`dist/ui`); when missing, `/` answers 503 with a hint. */
  readonly staticDir: string;
  /** Served as `/info.json`: what the page shows around the screens (the station's name). */
  readonly info: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  /** Origins besides this one the page may open connections to: central's `ws://` origin for call media. */
  readonly connectSrc?: readonly string[];
  /**
   * The per-boot key a page must present to open `/ws` (see `ui-key.ts`); a fresh random one
   * when absent. The kiosk browser gets it through a one-time launch code (`launchUrl()`).
   */
  readonly key?: string;
}

const LAUNCH_CODE_TTL_MS = 10 * 60_000;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** A technician's screen (maintenance mode), not the out-of-service screen passengers see. */
function isTechnicianScreen(model: ScreenModel): boolean {
  return model.screen === 'maintenance' && model.page !== 'out-of-service';
}

const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * The page's Content-Security-Policy: its own scripts only, no plugins or frames, connections
 * to this server and the listed origins (central's call signalling). Media from the camera
 * (`mediastream:`, `blob:`), QR codes as inline SVG, Preact's inline styles.
 */
export function kioskCsp(connectSrc: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}


/**
 * The loopback-only HTTP + WebSocket server of the kiosk UI. It serves only its own Host; `/ws`
 * takes only the kiosk page's own Origin with the per-boot key, one connection at a time (a
 * newer one replaces the older, logged). The connected page gets the current screen at once and
 * every later one; passenger events come back on the same socket. In maintenance mode only the
 * connection that was there when it began may send events.
 */
export class UiServer {
  private app: FastifyInstance | null = null;
  /** The one page connected now (a newer connection replaces it). */
  private active: WebSocket | null = null;
  /** The connection that was active when maintenance mode began; only it may act in maintenance. */
  private maintenanceOwner: WebSocket | null = null;
  private inMaintenance = false;
  private unsubscribe: (() => void) | null = null;
  private boundPort = 0;
  private readonly key: string;
  private launch: { code: string; until: number } | null = null;

  constructor(
    private readonly session: UiSessionPort,
    private readonly options: UiServerOptions,
  ) {
    this.key = options.key ?? randomBytes(32).toString('base64url');
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}/`;
  }

  get connections(): number {
    return this.active ? 1 : 0;
  }

  /**
   * The URL to open the kiosk browser on: the page plus a one-time launch code in the fragment
   * (never sent in a request), which the page trades once for the key at `POST /session`. A new
   * call invalidates the previous code; a code expires after ten minutes.
   */
  launchUrl(now = Date.now()): string {
    const code = randomBytes(24).toString('base64url');
    this.launch = { code, until: now + LAUNCH_CODE_TTL_MS };
    return `${this.url}#launch=${code}`;
  }

  /** Hosts the page is served under: this port on loopback, by address or by name. */
  private ownHost(host: string | undefined): boolean {
    return host === `127.0.0.1:${this.boundPort}` || host === `localhost:${this.boundPort}`;
  }

  private ownOrigin(origin: string | undefined): boolean {
    return origin !== undefined && origin.startsWith('http://') && this.ownHost(origin.slice('http://'.length));
  }

  private refuseRequest(request: FastifyRequest, reply: FastifyReply, reason: string): FastifyReply {
    this.options.logger.warn('ui connection refused', { reason, path: request.url.split('?')[0] ?? '', origin: String(request.headers.origin ?? '').slice(0, 100) });
    // A refused upgrade's socket is no longer the HTTP server's to close: end it once the answer is out.
    if (request.headers.upgrade !== undefined) reply.raw.once('finish', () => request.raw.socket.destroy());
    return reply.code(403).type('application/json').send({ error: { code: 'forbidden', message: 'not the kiosk page' } });
  }

  /** Why an upgrade to `/ws` is refused, or null when it comes from the kiosk page with the key. */
  private socketRefusal(request: FastifyRequest): string | null {
    if (!this.ownOrigin(request.headers.origin)) return 'foreign origin';
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!offered.includes(UI_SUBPROTOCOL)) return 'no kiosk-ui subprotocol';
    const presented = offered.find((p) => p.startsWith('key.'))?.slice('key.'.length);
    if (presented === undefined || !sameSecret(presented, this.key)) return 'missing or wrong key';
    return null;
  }

  private takeLaunchCode(code: unknown): boolean {
    const launch = this.launch;
    if (!launch || typeof code !== 'string' || Date.now() > launch.until || !sameSecret(code, launch.code)) return false;
    this.launch = null;
    return true;
  }

  async start(): Promise<void> {
    const app = Fastify({ logger: false, bodyLimit: MAX_MESSAGE_BYTES, forceCloseConnections: true });
    this.app = app;
    const csp = kioskCsp(this.options.connectSrc ?? []);
    app.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('content-security-policy', csp);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', 'no-store');
      done(null, payload);
    });
    // A DNS-rebinding page reaches this server under its own name: nothing is served to a Host that is not ours.
    app.addHook('onRequest', async (request, reply) => {
      if (!this.ownHost(request.headers.host)) return this.refuseRequest(request, reply, 'foreign host');
    });
    await app.register(fastifyWebsocket, {
      options: {
        maxPayload: MAX_MESSAGE_BYTES,
        handleProtocols: (protocols: Set<string>, _request: IncomingMessage) => (protocols.has(UI_SUBPROTOCOL) ? UI_SUBPROTOCOL : false),
      },
    });
    app.get(
      '/ws',
      {
        websocket: true,
        preValidation: async (request, reply) => {
          const refusal = this.socketRefusal(request);
          if (refusal) return this.refuseRequest(request, reply, refusal);
        },
      },
      (socket) => this.attach(socket),
    );
    app.post('/session', async (request, reply) => {
      if (!this.ownOrigin(request.headers.origin)) return this.refuseRequest(request, reply, 'foreign origin');
      const body = request.body as { launch?: unknown } | null;
      if (!this.takeLaunchCode(body?.launch)) return this.refuseRequest(request, reply, 'unknown, used or expired launch code');
      this.options.logger.info('ui key handed to the kiosk page');
      return { key: this.key };
    });
    app.get('/info.json', () => this.options.info);
    app.get('/health', () => ({ ok: true, connections: this.connections }));
    if (existsSync(this.options.staticDir)) {
      await app.register(fastifyStatic, { root: this.options.staticDir, prefix: '/', index: ['index.html'] });
    } else {
      app.get('/', (_req, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send(`The kiosk UI is not built: run \`npm run build:ui\` (looked in ${this.options.staticDir}).\n`),
      );
    }
    this.unsubscribe = this.session.onScreen((m) => this.broadcast(m));
    await app.listen({ host: '127.0.0.1', port: this.options.port });
    this.boundPort = (app.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.active?.terminate();
    this.active = null;
    this.maintenanceOwner = null;
    const app = this.app;
    this.app = null;
    if (app) await app.close();
  }

  private attach(socket: WebSocket): void {
    const previous = this.active;
    this.active = socket;
    if (previous) {
      this.options.logger.warn('ui connection replaced', { maintenance: this.inMaintenance });
      previous.close(UI_CLOSE_REPLACED, 'replaced by a newer connection');
      this.lost(previous);
    }
    socket.on('close', () => {
      if (this.active === socket) this.active = null;
      this.lost(socket);
    });
    socket.on('error', (e) => this.options.logger.warn('ui socket error', { error: e.message }));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.refuse(socket, 'not-json', 'text frames only');
      this.receive(socket, Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
    });
    this.send(socket, this.session.current());
  }

  /** The technician's page went away in maintenance mode: the maintenance session ends (audited as an exit). */
  private lost(socket: WebSocket): void {
    if (this.maintenanceOwner !== socket) return;
    this.maintenanceOwner = null;
    if (!this.inMaintenance) return;
    this.options.logger.warn('ui connection of the maintenance session lost; ending the session');
    this.session.passengerEvent({ type: 'EXIT' });
  }

  private receive(socket: WebSocket, frame: string): void {
    if (socket !== this.active) return;
    // A language the kiosk does not offer is refused here: the session keeps its language.
    const up = parseUiUpMessage(frame, { languages: this.session.current().model.chrome.languages ?? LANGUAGES });
    if (!up.ok) return this.refuse(socket, up.error.code, up.error.message);
    switch (up.value.type) {
      case 'event':
        if (this.inMaintenance && socket !== this.maintenanceOwner) return this.refuse(socket, 'forbidden', 'maintenance belongs to the connection that entered it');
        return this.session.passengerEvent(up.value.event);
      case 'hello':
        return this.send(socket, this.session.current());
    }
  }

  private refuse(socket: WebSocket, code: UiProtocolErrorCode, message: string): void {
    this.options.logger.warn('ui message refused', { code, message });
    this.send(socket, { type: 'rejected', code, message });
  }

  private send(socket: WebSocket, message: KioskDownMessage): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  private broadcast(message: KioskScreenMessage): void {
    const maintenance = isTechnicianScreen(message.model);
    if (maintenance && !this.inMaintenance) this.maintenanceOwner = this.active;
    if (!maintenance) this.maintenanceOwner = null;
    this.inMaintenance = maintenance;
    if (this.active) this.send(this.active, message);
  }
}

