import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseKioskConfig, publicUrlProblem, ticketPageBase } from './index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const demo = JSON.parse(await readFile(join(ROOT, 'config/demo.json'), 'utf8')) as Record<string, unknown>;
const dir = await mkdtemp(join(tmpdir(), 'kiosk-public-url-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const remoteCentral = { url: 'https://central.metro.example', token: 'tok-0123456789' };

describe('publicBaseUrl: where the receipt, the QR code and the screen send a passenger', () => {
  it('is read without its trailing slash and used for the ticket page; absent, central is the page', () => {
    const set = parseKioskConfig({ ...demo, publicBaseUrl: 'https://kf.metro.example/service/' }, 'x.json');
    expect(set.publicBaseUrl).toBe('https://kf.metro.example/service');
    expect(ticketPageBase(set)).toBe('https://kf.metro.example/service');
    const unset = parseKioskConfig(demo, 'config/demo.json');
    expect(unset.publicBaseUrl).toBeNull();
    expect(ticketPageBase(unset)).toBe('http://127.0.0.1:8081');
  });

  it('refuses a value that is not an http(s) URL, naming the field', () => {
    expect(() => parseKioskConfig({ ...demo, publicBaseUrl: 'kf.metro.example' }, 'station.json')).toThrow(ConfigError);
    expect(() => parseKioskConfig({ ...demo, publicBaseUrl: 'kf.metro.example' }, 'station.json')).toThrow(
      'station.json: publicBaseUrl must be an http:// or https:// URL, got "kf.metro.example"',
    );
  });

  it('refuses a loopback ticket page outside the demo, set or inherited from central, and explains why', () => {
    for (const url of ['http://127.0.0.1:8081', 'http://localhost/', 'http://[::1]:80', 'http://127.1.2.3', 'http://0.0.0.0:8081']) {
      const c = parseKioskConfig({ ...demo, central: remoteCentral, publicBaseUrl: url }, 'x.json');
      expect(publicUrlProblem(c, false)).toMatch(/^publicBaseUrl must be an address a passenger's phone can open, got the loopback address/);
      expect(publicUrlProblem(c, true)).toBeNull();
    }
    const inherited = parseKioskConfig(demo, 'config/demo.json');
    expect(publicUrlProblem(inherited, false)).toContain("publicBaseUrl is not set, so the receipt and the QR code would point at central's address http://127.0.0.1:8081");
    expect(publicUrlProblem(inherited, true)).toBeNull();
    expect(publicUrlProblem(parseKioskConfig({ ...demo, central: remoteCentral, publicBaseUrl: 'https://kf.metro.example' }, 'x.json'), false)).toBeNull();
    expect(publicUrlProblem(parseKioskConfig({ ...demo, publicBaseUrl: 'http://192.168.10.5:8081' }, 'x.json'), false)).toBeNull();
  });

  it('kiosk start refuses such a config with the message and exit code 2, before starting anything', async () => {
    const file = join(dir, 'station.json');
    await writeFile(file, JSON.stringify({ ...demo, publicBaseUrl: 'http://127.0.0.1:8081', dataDir: join(dir, 'data') }));
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'kiosk/cli.ts'), 'start', '--config', file, '--no-browser', '--no-sim', '--no-central'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(out).toContain(`${file}: publicBaseUrl must be an address a passenger's phone can open, got the loopback address http://127.0.0.1:8081`);
    await expect(readFile(join(dir, 'data', 'kiosk.sqlite'))).rejects.toThrow();
  });
});
