import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));
const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'staff.js': 'text/javascript; charset=utf-8',
  'staff.css': 'text/css; charset=utf-8',
} as const;

/** Nothing on the page comes from anywhere but these three files; data is fetched and set as text. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Serves the staff page at `/staff/`. */
export function registerStaffPage(app: FastifyInstance): void {
  const contents = Object.fromEntries(Object.keys(FILES).map((name) => [name, readFileSync(join(here, 'static', name), 'utf8')]));
  app.get('/staff', (_request, reply) => reply.redirect('/staff/'));
  for (const [name, type] of Object.entries(FILES)) {
    const url = name === 'index.html' ? '/staff/' : `/staff/${name}`;
    app.get(url, (_request, reply) => reply.type(type).header('content-security-policy', CSP).send(contents[name]));
  }
}
