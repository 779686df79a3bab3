/**
 * The agent console: central/pages/console.html and console.ts, built by Vite into
 * dist/pages and served at `/console/`. It talks to `/calls/agent` on the same origin, and its
 * CSP lets it talk to nothing else nor be framed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The agent accounts of `<dataDir>/calls.json` (the same file the call routes read), so that an
 * agent's token also opens the staff operations marked for agents (tickets, missed calls, FAQ).
 */
export function agentAccountsOf(dataDir: string): readonly { readonly id: string; readonly name: string; readonly token: string }[] {
  const file = join(dataDir, 'calls.json');
  if (!existsSync(file)) return [];
  const agents = (JSON.parse(readFileSync(file, 'utf8')) as { agents?: unknown }).agents;
  if (!Array.isArray(agents)) return [];
  return agents.filter(
    (a): a is { id: string; name: string; token: string } =>
      typeof a === 'object' && a !== null && typeof (a as { name?: unknown }).name === 'string' && typeof (a as { token?: unknown }).token === 'string' && (a as { token: string }).token.length >= 16,
  );
}
