// `kiosk install` / `kiosk uninstall` into a temporary root: the files a station gets, the
// units as systemd reads them, the Chromium policy as Chromium reads it, and a clean removal.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../scripts/build.js';
import { chromiumPolicyStatus } from '../support/chromium-policy.js';
import { ROOT, runKioskCli, type CliRun } from '../support/run-cli.js';

let dir: string;
/** The demo configuration as a station would install it: with the public address of the ticket page. */
let stationConfig: string;

const kiosk = (args: string[]): Promise<CliRun> => runKioskCli(args);

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else out.push(join(d, e.name).slice(root.length));
    }
  };
  await walk(root);
  return out.sort();
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/app/kiosk/cli.js'))) await buildApp();
  dir = await mkdtemp(join(tmpdir(), 'kiosk-install-'));
  stationConfig = join(dir, 'station.json');
  const demo = JSON.parse(readFileSync(join(ROOT, 'config/demo.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(stationConfig, JSON.stringify({ ...demo, publicBaseUrl: 'https://service.metro.example' }, null, 2));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kiosk install / uninstall (Debian 12 layout, into --root)', () => {
  it('refuses an invalid configuration and writes nothing', async () => {
    const root = join(dir, 'bad');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ kioskId: 'x' }));
    const r = await kiosk(['install', '--root', root, '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stationId|kioskCode/);
    expect(existsSync(root)).toBe(false);
  });

  it('refuses the demo configuration, whose ticket links point at loopback, and writes nothing', async () => {
    const root = join(dir, 'demo');
    const r = await kiosk(['install', '--root', root, '--config', 'config/demo.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/publicBaseUrl is not set/);
    expect(existsSync(root)).toBe(false);
  });

  it('installs the user, udev rules, units, Chromium policy, journald limits and the configuration', async () => {
    const root = join(dir, 'station');
    const r = await kiosk(['install', '--root', root, '--config', stationConfig]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await filesUnder(root)).toEqual(
      expect.arrayContaining([
        '/etc/chromium/policies/managed/station-kiosk.json',
        '/etc/station-kiosk/installed.json',
        '/etc/station-kiosk/kiosk.json',
        '/etc/systemd/journald.conf.d/station-kiosk.conf',
        '/etc/systemd/system/station-kiosk-browser.service',
        '/etc/systemd/system/station-kiosk.service',
        '/etc/udev/rules.d/70-station-kiosk.rules',
        '/usr/lib/sysusers.d/station-kiosk.conf',
      ]),
    );
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    expect(passwd).toMatch(/^kiosk:x:\d+:\d+:Station kiosk:\/var\/lib\/station-kiosk:\/usr\/sbin\/nologin$/m);
    const uid = Number(/^kiosk:x:(\d+):/m.exec(passwd)?.[1]);
    expect(uid).toBeGreaterThan(0);
    expect(uid).toBeLessThan(1000);
    const group = readFileSync(join(root, 'etc/group'), 'utf8');
    for (const g of ['dialout', 'video', 'audio', 'input']) expect(group).toMatch(new RegExp(`^${g}:x:\\d+:(.*,)?kiosk(,.*)?$`, 'm'));
    // The configuration: readable by root and the kiosk group only.
    const config = statSync(join(root, 'etc/station-kiosk/kiosk.json'));
    expect(config.mode & 0o777).toBe(0o640);
    expect(config.gid).toBe(Number(/^kiosk:x:(\d+):/m.exec(group)?.[1]));
    expect(readFileSync(join(root, 'etc/station-kiosk/kiosk.json'), 'utf8')).toBe(readFileSync(stationConfig, 'utf8'));

    const unit = readFileSync(join(root, 'etc/systemd/system/station-kiosk.service'), 'utf8');
    expect(unit).toContain('Type=notify');
    expect(unit).toMatch(/^WatchdogSec=\d+$/m);
    expect(unit).toContain('NotifyAccess=all');
    expect(unit).toContain('User=kiosk');
    expect(unit).toMatch(/^Environment=MALLOC_ARENA_MAX=1$/m);
    expect(unit).toMatch(/^ExecStart=\S+\/node --max-semi-space-size=1 --enable-source-maps \S+\/dist\/app\/kiosk\/cli\.js start --config \/etc\/station-kiosk\/kiosk\.json --no-sim --no-central --no-browser$/m);
    expect(unit).not.toContain('tsx');
    const browser = readFileSync(join(root, 'etc/systemd/system/station-kiosk-browser.service'), 'utf8');
    expect(browser).toMatch(/^ExecStart=\/usr\/bin\/cage -s -- \S+\/node \S+\/dist\/app\/kiosk\/cli\.js browser --config \/etc\/station-kiosk\/kiosk\.json$/m);
    expect(browser).not.toContain('--no-sandbox');

    const rules = readFileSync(join(root, 'etc/udev/rules.d/70-station-kiosk.rules'), 'utf8');
    expect(rules).toContain('SUBSYSTEM=="hidraw", ATTRS{idVendor}=="0079", ATTRS{idProduct}=="0006", GROUP="kiosk", MODE="0660"');
    expect(rules).toContain('SUBSYSTEM=="tty", KERNEL=="ttyUSB[0-9]*|ttyACM[0-9]*", GROUP="kiosk", MODE="0660"');
    expect(rules).toMatch(/ID_USB_INTERFACES}=="\*:0b\?\?\?\?:\*", GROUP="kiosk"/);

    expect(readFileSync(join(root, 'etc/systemd/journald.conf.d/station-kiosk.conf'), 'utf8')).toMatch(/^SystemMaxUse=\d+M$/m);
  });

  it('writes units that systemd-analyze verify accepts without a warning', () => {
    const root = join(dir, 'station');
    const units = ['station-kiosk.service', 'station-kiosk-browser.service'].map((u) => join(root, 'etc/systemd/system', u));
    const r = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('writes a policy Chromium reads without an error: camera and microphone for the kiosk origin only', async () => {
    const root = join(dir, 'station');
    const policy = JSON.parse(readFileSync(join(root, 'etc/chromium/policies/managed/station-kiosk.json'), 'utf8')) as Record<string, unknown>;
    const seen = await chromiumPolicyStatus('station-kiosk.json', policy);
    expect(Object.keys(seen).sort()).toEqual(Object.keys(policy).sort());
    for (const [name, status] of Object.entries(seen)) {
      expect({ name, error: status.error ?? null, level: status.level, value: status.value }).toEqual({ name, error: null, level: 'mandatory', value: policy[name] });
    }
    expect(seen['VideoCaptureAllowed']?.value).toBe(false);
    expect(seen['VideoCaptureAllowedUrls']?.value).toEqual(['http://127.0.0.1:8080']);
    expect(seen['AudioCaptureAllowedUrls']?.value).toEqual(['http://127.0.0.1:8080']);
    // The check itself tells a bad policy apart.
    const wrong = await chromiumPolicyStatus('wrong.json', { VideoCaptureAllowed: 'no', NoSuchPolicy: 1 });
    expect(wrong['VideoCaptureAllowed']?.error).toBeTruthy();
    expect(wrong['NoSuchPolicy']?.error).toBeTruthy();
  });

  it('uninstall removes every file it wrote and the user', async () => {
    const root = join(dir, 'station');
    const r = await kiosk(['uninstall', '--root', root]);
    expect(r.code).toBe(0);
    const left = await filesUnder(root);
    // What is left is the user database itself (its files and lock), which the system had before.
    const userDatabase = ['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow', '/etc/.pwd.lock'];
    expect(left.filter((f) => !userDatabase.some((u) => f.startsWith(u)))).toEqual([]);
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).not.toMatch(/^kiosk:/m);
    expect(readFileSync(join(root, 'etc/group'), 'utf8')).not.toMatch(/kiosk/);
    const again = await kiosk(['uninstall', '--root', root]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('not installed');
  });
});
