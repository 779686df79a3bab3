// `kiosk update` with real release artifacts (npm run release) and the real compiled runtime,
// kept running by a small stand-in for systemd (Restart=always on `current/…/cli.js start`):
// a good update switches and reports healthy; a broken one rolls back by itself.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHealthReport } from '../../kiosk/appliance/update.js';
import { buildApp } from '../../scripts/build.js';
import { buildRelease } from '../../scripts/release.js';
import { ROOT, runKioskCli, type CliRun } from '../support/run-cli.js';

let dir: string;
let apps: string;
let healthFile: string;
let pidFile: string;
let service: RestartAlways;
const artifacts: Record<string, string> = {};

/** Like systemd's Restart=always for the runtime unit: runs whatever `current` points at. */
class RestartAlways {
  #child: ChildProcess | null = null;
  #stopped = false;
  constructor(
    private readonly config: string,
    private readonly cwd: string,
  ) {}
  start(): void {
    const script = join(apps, 'current/dist/app/kiosk/cli.js');
    if (!existsSync(script)) {
      setTimeout(() => !this.#stopped && this.start(), 300);
      return;
    }
    const child = spawn(process.execPath, [script, 'start', '--config', this.config, '--no-sim', '--no-central', '--no-browser'], { cwd: this.cwd, stdio: 'ignore' });
    this.#child = child;
    writeFileSync(pidFile, String(child.pid));
    child.once('exit', () => {
      if (this.#child === child) this.#child = null;
      if (!this.#stopped) setTimeout(() => !this.#stopped && this.start(), 300);
    });
  }
  async stop(): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

function repack(from: string, id: string, change?: (dir: string) => void): string {
  const work = join(dir, `repack-${id}`);
  execFileSync('mkdir', ['-p', work]);
  execFileSync('tar', ['xzf', from, '-C', work]);
  writeFileSync(join(work, 'RELEASE'), id + '\n');
  change?.(work);
  const file = join(dir, `station-kiosk-${id}.tar.gz`);
  execFileSync('tar', ['czf', file, '-C', work, '.']);
  execFileSync('rm', ['-rf', work]);
  return file;
}

function kioskUpdate(artifact: string, timeoutSeconds: number): Promise<CliRun> {
  const args = ['update', artifact, '--apps', apps, '--health-file', healthFile, '--health-timeout', String(timeoutSeconds), '--restart-command', `kill -TERM "$(cat '${pidFile}')"`];
  return runKioskCli(args, { timeoutMs: (timeoutSeconds + 60) * 1000 });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiosk-update-'));
  apps = join(dir, 'opt/station-kiosk');
  const state = join(dir, 'state');
  await mkdir(join(state, 'data'), { recursive: true });
  healthFile = join(state, 'data', 'health.json');
  pidFile = join(dir, 'runtime.pid');
  await buildApp();
  artifacts['a'] = buildRelease({ out: dir, id: 'test-a', withNode: false }).file;
  artifacts['b'] = repack(artifacts['a'], 'test-b');
  // A release that installs and loads, but whose runtime never comes up.
  artifacts['broken'] = repack(artifacts['a'], 'test-broken', (d) => {
    const start = join(d, 'dist/app/kiosk/cli/start.js');
    writeFileSync(start, `throw new Error('this build is broken');\n${readFileSync(start, 'utf8')}`);
  });
  const config = join(dir, 'kiosk.json');
  const demo = JSON.parse(readFileSync(join(ROOT, 'config/demo.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(
    config,
    JSON.stringify({ ...demo, central: { url: 'http://127.0.0.1:9', token: 'update-test-token-0123456789' }, publicBaseUrl: 'https://service.metro.example', ui: { port: 0 }, readerName: 'No Reader For Update Tests', printerPath: null, cabinetPath: null, hid: null, dataDir: join(state, 'data') }),
  );
  service = new RestartAlways(config, state);
  service.start();
}, 300_000);

afterAll(async () => {
  await service?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('kiosk update', () => {
  it('installs the first release and reports it healthy', async () => {
    const r = await kioskUpdate(artifacts['a']!, 60);
    expect(r.stdout).toContain('Updated to test-a.');
    expect(r.code).toBe(0);
    expect(readlinkSync(join(apps, 'current'))).toBe('releases/test-a');
    expect(readHealthReport(healthFile)).toMatchObject({ release: 'test-a' });
  }, 120_000);

  it('switches to a good release atomically and keeps the previous one', async () => {
    const before = readHealthReport(healthFile)!;
    const r = await kioskUpdate(artifacts['b']!, 60);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('switched to test-b (was test-a)');
    expect(readlinkSync(join(apps, 'current'))).toBe('releases/test-b');
    const after = readHealthReport(healthFile)!;
    expect(after.release).toBe('test-b');
    expect(after.pid).not.toBe(before.pid);
    expect(existsSync(join(apps, 'releases/test-a/dist/app/kiosk/cli.js'))).toBe(true);
  }, 120_000);

  it('rolls back by itself when the new release does not report healthy', async () => {
    const r = await kioskUpdate(artifacts['broken']!, 15);
    expect(r.stdout).toContain('Rolled back to test-b: release test-broken did not report healthy within 15 s.');
    expect(r.code).toBe(1);
    expect(readlinkSync(join(apps, 'current'))).toBe('releases/test-b');
    expect(readHealthReport(healthFile)).toMatchObject({ release: 'test-b' });
    expect(readFileSync(join(apps, 'releases/test-broken/FAILED'), 'utf8')).toContain('did not report healthy');
  }, 120_000);

  it('refuses a file that is not a release and changes nothing', async () => {
    const junk = join(dir, 'junk.tar.gz');
    execFileSync('tar', ['czf', junk, '-C', dir, 'kiosk.json']);
    const r = await kioskUpdate(junk, 10);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a kiosk release');
    expect(readlinkSync(join(apps, 'current'))).toBe('releases/test-b');
  }, 60_000);
});
