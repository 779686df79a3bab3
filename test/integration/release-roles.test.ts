// The release artifact holds what each role installed from it needs: the kiosk's runtime and
// window, central with its staff page and agent console, the demo's simulator panel. Central is
// started from the unpacked artifact and serves its pages from it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, VITE_CONFIGS } from '../../scripts/build.js';
import { buildRelease, missingForRoles, RELEASE_ROLES } from '../../scripts/release.js';
import { ROOT } from '../support/run-cli.js';

let dir: string;
let unpacked: string;

/** What each Vite config builds, to build only what is missing. */
const VITE_OUTPUT: Readonly<Record<string, string>> = {
  'kiosk/ui/vite.config.ts': 'dist/ui/index.html',
  'central/pages/vite.config.ts': 'dist/pages/staff.html',
  'hardware-sim/panel/vite.config.ts': 'dist/panel/index.html',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiosk-release-'));
  await buildApp();
  for (const config of VITE_CONFIGS) {
    const output = VITE_OUTPUT[config];
    if (output === undefined || !existsSync(join(ROOT, output))) await build({ configFile: join(ROOT, config), logLevel: 'warn' });
  }
  const { file } = buildRelease({ out: dir, id: 'roles-test', withNode: false });
  unpacked = join(dir, 'unpacked');
  await mkdir(unpacked);
  execFileSync('tar', ['xzf', file, '-C', unpacked]);
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('release artifact', () => {
  it('names, for a build that lacks them, the files each role needs', async () => {
    const partial = join(dir, 'partial');
    for (const f of ['dist/app/kiosk/cli.js', 'dist/app/driver/pcsc/reader-host.js', 'dist/ui/index.html', 'dist/app/central/cli.js']) {
      await mkdir(dirname(join(partial, f)), { recursive: true });
      await writeFile(join(partial, f), '');
    }
    expect(missingForRoles(partial)).toEqual([
      'dist/pages/staff.html (central (central serve: staff page, agent console))',
      'dist/pages/console.html (central (central serve: staff page, agent console))',
      'dist/app/hardware-sim/cli.js (demo simulator (kiosk start without --no-sim: control panel))',
      'dist/panel/index.html (demo simulator (kiosk start without --no-sim: control panel))',
    ]);
  });

  it('holds every file each role needs, and its RELEASE id', async () => {
    expect((await readFile(join(unpacked, 'RELEASE'), 'utf8')).trim()).toBe('roles-test');
    expect(missingForRoles(unpacked)).toEqual([]);
    for (const role of RELEASE_ROLES) for (const f of role.needs) expect(existsSync(join(unpacked, f)), `${f} for ${role.role}`).toBe(true);
    // The pages' scripts and styles come along with their HTML.
    const staff = await readFile(join(unpacked, 'dist/pages/staff.html'), 'utf8');
    const assets = [...staff.matchAll(/\.\/assets\/([\w-]+\.(?:js|css))/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(existsSync(join(unpacked, 'dist/pages/assets', a!)), a).toBe(true);
  });

  it('runs central from the release, serving the staff page and the agent console', async () => {
    const data = join(dir, 'central-data');
    const child = spawn(process.execPath, [join(unpacked, 'dist/app/central/cli.js'), 'serve', '--data', data, '--port', '0', '--staff-token', 'release-test-staff-token-01'], {
      cwd: unpacked,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /^central listening on (http\S+)/.exec(line);
          if (m?.[1]) resolve(m[1]);
        });
        void exited.then(() => reject(new Error(`central from the release ended before it listened: ${stderr}`)));
      });
      const staff = await fetch(`${url}/staff/`);
      expect(staff.status).toBe(200);
      expect(staff.headers.get('content-type')).toContain('text/html');
      const html = await staff.text();
      expect(html).toContain('工单管理');
      const script = /\.\/assets\/([\w-]+\.js)/.exec(html)?.[1];
      const asset = await fetch(`${url}/staff/assets/${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('text/javascript');
      const consolePage = await fetch(`${url}/console/`);
      expect(consolePage.status).toBe(200);
      expect(await consolePage.text()).toContain('<html');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
