/**
 * A stolen kiosk token: the operator rotates it or revokes the kiosk with central's command line,
 * and the old token opens nothing any more (the thief replays it against the sync API). Each
 * command is its own process (tsx start-up), hence the longer timeouts.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server.js';
import { call } from '../support/central.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_CLI = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const run = promisify(execFile);
let dir: string;

/** `central …` with the data dir; an environment without any CENTRAL_* variable. */
async function central(...args: string[]): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CENTRAL_')));
  const { stdout } = await run(process.execPath, [TSX_CLI, 'central/cli.ts', ...args, '--data', dir], { cwd: ROOT, env });
  return stdout;
}

/** What the sync API answers this token for kiosk K1, from a central on the same data. */
async function answerFor(token: string): Promise<number> {
  const c = await startCentral({ storage: { engine: 'sqlite', file: path.join(dir, 'central.sqlite') }, dataDir: dir });
  try {
    return (await call(c.url, 'GET', '/v1/kiosks/K1/changes?cursor=0', { token })).status;
  } finally {
    await c.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kiosk-tokens-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('rotating and revoking a kiosk token', () => {
  it('rotate-token: the old token is refused, the new one (printed once) works; revoke: no token works', async () => {
    const stolen = 'first-token-of-k1-0123456789';
    await central('kiosk', 'add', 'K1', '--station', 'GZ-TIYUXILU', '--code', 'GZ0101', '--token', stolen);
    expect(await answerFor(stolen)).toBe(200);

    const out = await central('kiosk', 'rotate-token', 'K1');
    const fresh = /new token \(shown once\): (\S+)/.exec(out)?.[1];
    expect(fresh).toBeDefined();
    expect(await answerFor(stolen)).toBe(401);
    expect(await answerFor(fresh!)).toBe(200);

    expect(await central('kiosk', 'revoke', 'K1')).toMatch(/K1 revoked/);
    expect(await answerFor(fresh!)).toBe(401);
    expect(await answerFor(stolen)).toBe(401);
  }, 120_000);

  it('rotate-token of an unknown kiosk is refused and creates nothing', async () => {
    await expect(central('kiosk', 'rotate-token', 'NOPE1')).rejects.toThrow(/no kiosk NOPE1/);
    const c = await startCentral({ storage: { engine: 'sqlite', file: path.join(dir, 'central.sqlite') }, dataDir: dir });
    try {
      expect((await c.storage.listKiosks()).map((k) => k.id)).toEqual(['K1']);
    } finally {
      await c.close();
    }
  }, 60_000);
});
