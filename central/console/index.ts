/**
 * The agent console: a static page served at `/console/` (plain HTML, CSS and an ES module,
 * no build step). It talks to `/calls/agent` on the same origin.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

export function registerConsole(app: FastifyInstance): void {
  const dir = fileURLToPath(new URL('./static/', import.meta.url));
  const headers = {
    'cache-control': 'no-cache',
    'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob: mediastream:; img-src 'self' data:",
    'x-content-type-options': 'nosniff',
  };
  app.get('/console', (_req, reply) => reply.redirect('/console/'));
  const serve = (name: string, reply: FastifyReply): FastifyReply => {
    const type = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (!type) return reply.code(404).send({ error: { code: 'not-found', message: 'no such console file' } });
    return reply.headers({ ...headers, 'content-type': type }).send(readFileSync(dir + name));
  };
  // `/console/:file?` would also claim `/console`, which the redirect above owns (FST_ERR_DUPLICATED_ROUTE).
  app.get('/console/', (_req, reply) => serve('index.html', reply));
  app.get<{ Params: { file: string } }>('/console/:file', (req, reply) => serve(req.params.file, reply));
}
