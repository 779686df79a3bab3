/**
 * The technician's command lines as an operator runs them: the sim makes a card (image owner-only,
 * holding the only copy of the private key; the public key in a PEM file), central enrols that
 * public key and revokes it, and refuses a private key or a bad file with a message and nothing stored.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main as sim } from '../../hardware-sim/cli.js';
import { loadCardImage } from '../../hardware-sim/virtual-card/index.js';
import { ROOT, runNode } from '../support/run-cli.js';
import { DEMO_TECHNICIAN } from '../../central/seed/demo-technician.js';
import { technicianKeyId } from '../../kiosk/maintenance/auth/technician-auth.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tech-cli-'));
const data = path.join(dir, 'central');
const central = (...args: string[]) => runNode(['--import', 'tsx', 'central/cli.ts', ...args, '--data', data], { timeoutMs: 120_000 });

async function runSim(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await sim(args, { out: (l) => (out += l + '\n'), err: (l) => (err += l + '\n') });
  return { code, out, err };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('technician command lines', () => {
  const pem = path.join(dir, 'gz-t-0100.pem');

  it('sim technician-card writes an owner-only image with the private key and a public key PEM', async () => {
    const r = await runSim(['technician-card', 'GZ-T-0100', '--pin', '135792', '--public-key', pem, '--dir', dir, '--tries', '3']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('central -- technician add GZ-T-0100');
    const imageFile = path.join(dir, 'technician-gz-t-0100.json');
    expect((await stat(imageFile)).mode & 0o777).toBe(0o600);
    const image = await loadCardImage(imageFile);
    expect(image.applications[0]?.technician).toMatchObject({ technicianId: 'GZ-T-0100', pin: '135792', pinTries: 3 });
    const publicPem = await readFile(pem, 'utf8');
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(publicPem).not.toContain('PRIVATE');
  });

  it('sim technician-card refuses a bad PIN, id or tries count and writes nothing', async () => {
    for (const args of [
      ['technician-card', 'GZ-T-0101', '--pin', '12', '--public-key', path.join(dir, 'x.pem'), '--dir', dir],
      ['technician-card', 'bad id', '--pin', '1234', '--public-key', path.join(dir, 'x.pem'), '--dir', dir],
      ['technician-card', 'GZ-T-0101', '--pin', '1234', '--public-key', path.join(dir, 'x.pem'), '--dir', dir, '--tries', '99'],
      ['technician-card', 'GZ-T-0101', '--public-key', path.join(dir, 'x.pem')],
    ]) {
      const r = await runSim(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^sim: /);
    }
    await expect(stat(path.join(dir, 'x.pem'))).rejects.toThrow();
  });

  it('central technician add enrols the public key; revoke revokes; a private key or a missing file is refused', async () => {
    const added = await central('technician', 'add', 'GZ-T-0100', '--name', '王工', '--public-key', pem);
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/technician GZ-T-0100 enrolled with key [0-9a-f]{16}…/);

    const image = await loadCardImage(path.join(dir, 'technician-gz-t-0100.json'));
    await writeFile(path.join(dir, 'private.pem'), image.applications[0]!.technician!.privateKeyPem);
    const privateKey = await central('technician', 'add', 'GZ-T-0102', '--name', 'x', '--public-key', path.join(dir, 'private.pem'));
    expect(privateKey.code).toBe(2);
    expect(privateKey.stderr).toContain('this is a private key');
    const missing = await central('technician', 'add', 'GZ-T-0102', '--name', 'x', '--public-key', path.join(dir, 'nope.pem'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');

    const revoked = await central('technician', 'revoke', 'GZ-T-0100');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('technician GZ-T-0100 revoked');
    const unknown = await central('technician', 'revoke', 'GZ-T-0102');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no technician GZ-T-0102');
    expect((await stat(path.join(data, 'central.sqlite'))).mode & 0o777).toBe(0o600);
    expect((await stat(data)).mode & 0o777).toBe(0o700);
  });

  it('central serve --demo enrols the demo technician (the public key of the `technician` card image), and only with --demo', async () => {
    for (const demo of [true, false]) {
      const demoData = path.join(dir, demo ? 'demo' : 'plain');
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CENTRAL_')));
      const child = spawn(process.execPath, ['--import', 'tsx', 'central/cli.ts', 'serve', '--port', '0', '--data', demoData, ...(demo ? ['--demo'] : []), '--staff-token', 'staff-token-technician-cli-0001'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      try {
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
        child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
        const url = await new Promise<string>((resolve, reject) => {
          child.stdout.on('data', () => {
            const m = /central listening on (http:\/\/\S+)[\s\S]*staff page/.exec(out);
            if (m) resolve(m[1]!);
          });
          child.once('exit', (code) => reject(new Error(`central exited (${code}): ${out}`)));
        });
        const list = await fetch(`${url}/v1/staff/technicians`, { headers: { authorization: 'Bearer staff-token-technician-cli-0001' } });
        const body = (await list.json()) as { technicians: { technicianId: string; keyId: string }[] };
        if (demo) {
          expect(out).toContain('enrolled demo technician GZ-T-0042');
          expect(body.technicians).toEqual([expect.objectContaining({ technicianId: 'GZ-T-0042', keyId: technicianKeyId(DEMO_TECHNICIAN.publicKeyPem) })]);
        } else {
          expect(out).not.toContain('demo technician');
          expect(body.technicians).toEqual([]);
        }
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
  });
});
