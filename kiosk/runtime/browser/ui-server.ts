import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import type { WebSocket } from 'ws';
import { parseUiUpMessage, type PassengerEvent, type UiProtocolErrorCode } from '../../../shared/ui-protocol.js';
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
 * The loopback-only HTTP + WebSocket server of the kiosk UI. Every connected page gets the
 * current screen at once and every later one; passenger events come back on the same socket.
 */
export class UiServer {
  private app: FastifyInstance | null = null;
  private readonly sockets = new Set<WebSocket>();
  private unsubscribe: (() => void) | null = null;
  private boundPort = 0;

  constructor(
    private readonly session: UiSessionPort,
    private readonly options: UiServerOptions,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}/`;
  }

  get connections(): number {
    return this.sockets.size;
  }

  async start(): Promise<void> {
    const app = Fastify({ logger: false, bodyLimit: MAX_MESSAGE_BYTES });
    this.app = app;
    const csp = kioskCsp(this.options.connectSrc ?? []);
    app.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('content-security-policy', csp);
      reply.header('x-content-type-options', 'nosniff');
      done(null, payload);
    });
    await app.register(fastifyWebsocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
    app.get('/ws', { websocket: true }, (socket) => this.attach(socket));
    app.get('/info.json', () => this.options.info);
    app.get('/health', () => ({ ok: true, connections: this.sockets.size }));
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
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
    const app = this.app;
    this.app = null;
    if (app) await app.close();
  }

  private attach(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (e) => this.options.logger.warn('ui socket error', { error: e.message }));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.refuse(socket, 'not-json', 'text frames only');
      this.receive(socket, Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
    });
    this.send(socket, this.session.current());
  }

  private receive(socket: WebSocket, frame: string): void {
    const up = parseUiUpMessage(frame);
    if (!up.ok) return this.refuse(socket, up.error.code, up.error.message);
    switch (up.value.type) {
      case 'event':
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
    for (const s of this.sockets) this.send(s, message);
  }
}

