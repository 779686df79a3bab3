import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { projectRootOf } from '../../shared/project-root.js';
import { SimRequestError, type SimApiError, type SimDevice } from './sim-device.js';

export const DEFAULT_SIM_PORT = 8090;
/** The control panel, built by Vite from hardware-sim/panel (scripts/setup.sh builds it). */
const PANEL_DIR = path.join(projectRootOf(import.meta.url), 'dist', 'panel');
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface SimServerOptions {
  readonly devices: readonly SimDevice[];
  /** Loopback only: `127.0.0.1` (default), `::1` or `localhost`. */
  readonly host?: string;
  /** 0 = any free port. Default 8090. */
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface SimServer {
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Stops every device (cards leave the readers) and the HTTP server; idempotent. */
  close(): Promise<void>;
}

const errorBody = (code: string, message: string, problems?: readonly string[]): SimApiError => ({
  error: { code, message, ...(problems && problems.length > 0 ? { problems } : {}) },
});

/** The sim daemon's HTTP control API and control panel, composed from its devices. */
export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the sim control API listens on loopback only, not ${host}`);
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });

  app.addHook('onRequest', async (req, reply) => {
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    if (!LOOPBACK.has(hostname)) await reply.code(403).send(errorBody('forbidden-host', 'the sim control API answers loopback host names only'));
  });
  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof SimRequestError) return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.problems));
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const code = (error as { code?: string }).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported-media-type' : 'bad-request';
      return reply.code(status).send(errorBody(code, error instanceof Error ? error.message : String(error)));
    }
    options.log?.(`sim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return reply.code(500).send(errorBody('internal', 'internal error; see the daemon log'));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('not-found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  const panelFile = async (reply: FastifyReply, name: string, type: string): Promise<FastifyReply> => {
    const body = await readFile(path.join(PANEL_DIR, name), 'utf8').catch(() => null);
    if (body === null) return reply.code(503).send(errorBody('panel-not-built', 'the control panel is not built: run scripts/setup.sh'));
    return reply.type(type).send(body);
  };
  app.get('/', (_req, reply) => panelFile(reply, 'index.html', 'text/html; charset=utf-8'));
  app.get('/panel.js', (_req, reply) => panelFile(reply, 'panel.js', 'text/javascript; charset=utf-8'));
  app.get('/api/devices', () => options.devices.map((d) => ({ id: d.id, description: d.description, status: d.status() })));
  for (const device of options.devices) device.registerRoutes(app);

  await app.listen({ host, port: options.port ?? DEFAULT_SIM_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_SIM_PORT);
  let closing: Promise<void> | null = null;
  return {
    app,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        for (const device of options.devices) await device.stop();
        await app.close();
      })()),
  };
}
