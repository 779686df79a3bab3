/**
 * The agent console: central/pages/console.html and console.ts, built by Vite into
 * dist/pages and served at `/console/`. It talks to `/calls/agent` on the same origin.
 */
import type { FastifyInstance } from 'fastify';
import { registerBuiltPage } from '../serve-pages.js';

export function registerConsole(app: FastifyInstance): void {
  registerBuiltPage(app, {
    mount: '/console',
    html: 'console.html',
    headers: {
      'cache-control': 'no-cache',
      'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; media-src 'self' blob: mediastream:; img-src 'self' data:",
      'x-content-type-options': 'nosniff',
    },
  });
}
