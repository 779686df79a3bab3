/**
 * The agent console: central/pages/console.html and console.ts, built by Vite into
 * dist/pages and served at `/console/`. It talks to `/calls/agent` on the same origin, and its
 * CSP lets it talk to nothing else nor be framed. Only a person logged in at `/login/` whose role
 * may answer calls gets past the socket's upgrade; the page sends anyone else to log in.
 */
import type { FastifyInstance } from 'fastify';
import { registerBuiltPage } from '../serve-pages.js';

export function registerConsole(app: FastifyInstance): void {
  registerBuiltPage(app, {
    mount: '/console',
    html: 'console.html',
    headers: {
      'cache-control': 'no-cache',
      // No other origin may frame the console; it connects only to its own origin ('self' covers
      // ws/wss of the same host in CSP Level 3), never to another host.
      'content-security-policy':
        "default-src 'self'; connect-src 'self'; media-src 'self' blob: mediastream:; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
      'x-content-type-options': 'nosniff',
    },
  });
}
