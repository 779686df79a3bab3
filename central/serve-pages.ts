/**
 * Serving central's built browser pages (`dist/pages/`, made by `vite build --config
 * central/pages/vite.config.ts`, which scripts/setup.sh runs when a source is newer). A page
 * is its HTML at `<mount>/` and its hashed scripts and styles at `<mount>/assets/<file>`.
 * Files are read when asked for, so a rebuild is served without a restart.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { projectRootOf } from '../shared/project-root.js';

/** Where the pages are built. */
export const PAGES_DIR = join(projectRootOf(import.meta.url), 'dist', 'pages');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** A built file's name: letters, digits, `-`, `_` and one extension; nothing that leaves the folder. */
const ASSET_NAME = /^[\w-]+\.(js|css)$/;

export interface PageOptions {
  /** URL folder without the trailing slash, e.g. `/console`. */
  readonly mount: string;
  /** The built HTML in `dist/pages/`, e.g. `console.html`. */
  readonly html: string;
  /** Headers on every answer (CSP and the like). */
  readonly headers: Readonly<Record<string, string>>;
  /** Where the built pages are; {@link PAGES_DIR} unless told. */
  readonly dir?: string;
}

export function registerBuiltPage(app: FastifyInstance, o: PageOptions): void {
  const dir = o.dir ?? PAGES_DIR;
  const send = async (reply: FastifyReply, file: string): Promise<FastifyReply> => {
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return reply
        .code(file.endsWith('.html') ? 503 : 404)
        .headers(o.headers)
        .send({ error: { code: 'page-not-built', message: `${o.mount}/ is not built: run scripts/setup.sh` } });
    }
    return reply.headers({ ...o.headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' }).send(body);
  };
  app.get(o.mount, (_request, reply) => reply.redirect(`${o.mount}/`));
  app.get(`${o.mount}/`, (_request, reply) => send(reply, join(dir, o.html)));
  app.get<{ Params: { file: string } }>(`${o.mount}/assets/:file`, (request, reply) => {
    const name = request.params.file;
    if (!ASSET_NAME.test(name)) return reply.code(404).send({ error: { code: 'not-found', message: `no such file in ${o.mount}/assets/` } });
    return send(reply, join(dir, 'assets', name));
  });
}
