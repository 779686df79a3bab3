/**
 * Default credentials: an attacker who read the README tries the published demo tokens against a
 * central started without flags. Nothing may answer; only `--demo` creates them, and says so.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveCentral, stopServedCentrals } from '../support/run-cli.js';

const dirs: string[] = [];

/** Starts `central serve` with these flags and an environment without any CENTRAL_* variable. */
async function serve(args: string[]): Promise<{ url: string; output: () => string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'central-creds-'));
  dirs.push(dir);
  const central = await serveCentral(dir, args);
  if (central.url === null) throw new Error(`central exited (${central.code}): ${central.output()}`);
  return { url: central.url, output: central.output };
}

afterEach(async () => {
  await stopServedCentrals();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Logs in at /v1/session as a browser of central's own page would; the HTTP status. */
const login = async (url: string, username: string, password: string): Promise<number> =>
  (await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ username, password }) })).status;

describe('central without flags', () => {
  it('accepts no credential at all: not the published demo tokens, not any kiosk', async () => {
    const central = await serve([]);
    expect(central.output()).toMatch(/no kiosks and no accounts exist/i);
    expect((await fetch(`${central.url}/v1/staff/tickets`, { headers: bearer('demo-staff-token') })).status).toBe(401);
    for (const name of ['demo-admin', 'demo-supervisor', 'demo-agent', 'demo-staff']) expect(await login(central.url, name, `${name}-password`)).toBe(401);
    for (const [id, token] of [
      ['DEMO01', 'demo-kiosk-token-DEMO01'],
      ['gz-tyxl-k01', 'demo-kiosk-token-gz-tyxl-k01'],
    ] as const) {
      const changes = await fetch(`${central.url}/v1/kiosks/${id}/changes?types=technician`, { headers: bearer(token) });
      expect(changes.status).toBe(401);
      expect(await changes.text()).not.toContain('technician');
    }
    const kiosks = await fetch(`${central.url}/v1/staff/kiosks`);
    expect(kiosks.status).toBe(401);
  });

  it('--demo is the only way to get the demo credentials, and it says so at start', async () => {
    const central = await serve(['--demo']);
    expect(central.output()).toMatch(/DEMO credentials/);
    expect(central.output()).toMatch(/DEMO logins at http:\S+\/login\/ — administrator: demo-admin \/ demo-admin-password/);
    for (const name of ['demo-admin', 'demo-supervisor', 'demo-agent', 'demo-staff']) expect(await login(central.url, name, `${name}-password`)).toBe(200);
    // The shared demo staff token of before is gone: people log in as themselves.
    expect((await fetch(`${central.url}/v1/staff/tickets`, { headers: bearer('demo-staff-token') })).status).toBe(401);
    expect((await fetch(`${central.url}/v1/kiosks/DEMO01/changes`, { headers: bearer('demo-kiosk-token-DEMO01') })).status).toBe(200);
  });

  it('a configured staff token (deprecated alias of the account "staff") works without --demo, and the demo one still does not', async () => {
    const central = await serve(['--staff-token', 'a-real-staff-token-0123456789']);
    expect((await fetch(`${central.url}/v1/staff/tickets`, { headers: bearer('a-real-staff-token-0123456789') })).status).toBe(200);
    expect((await fetch(`${central.url}/v1/staff/tickets`, { headers: bearer('demo-staff-token') })).status).toBe(401);
  });
});
