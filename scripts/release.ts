/**
 * `npm run release [-- --out DIR] [--id ID] [--no-node]`: one versioned artifact,
 * `station-kiosk-<id>.tar.gz`, that `kiosk update FILE` installs beside the running release.
 * It holds what every role installed from it needs ({@link RELEASE_ROLES}: the kiosk's
 * runtime and window, central, the demo's simulator), package.json and lock, the production
 * node_modules (dev dependencies pruned, native addons as built for the pinned Node), the
 * pinned Node itself under .runtime/ (unless --no-node), and `RELEASE` (its id).
 * Build first: `npm run build`; a build that lacks a file some role needs is refused.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ReleaseOptions {
  readonly out: string;
  readonly id?: string;
  readonly withNode?: boolean;
}

/** What one role run from a release needs of the build, and the built folders that hold it. */
export interface ReleaseRole {
  readonly role: string;
  /** The files that prove the build is there, relative to the release's root. */
  readonly needs: readonly string[];
  readonly folders: readonly string[];
}

export const RELEASE_ROLES: readonly ReleaseRole[] = [
  {
    role: 'kiosk runtime and window (kiosk install)',
    needs: ['dist/app/kiosk/cli.js', 'dist/app/driver/pcsc/reader-host.js', 'dist/ui/index.html'],
    folders: ['dist/app', 'dist/ui'],
  },
  { role: 'central (central serve: staff page, agent console)', needs: ['dist/app/central/cli.js', 'dist/pages/staff.html', 'dist/pages/console.html'], folders: ['dist/app', 'dist/pages'] },
  { role: 'demo simulator (kiosk start without --no-sim: control panel)', needs: ['dist/app/hardware-sim/cli.js', 'dist/panel/index.html'], folders: ['dist/app', 'dist/panel'] },
];

/** The files some role needs that the build in `root` lacks, each with its role. */
export function missingForRoles(root: string): string[] {
  return RELEASE_ROLES.flatMap((r) => r.needs.filter((f) => !existsSync(join(root, f))).map((f) => `${f} (${r.role})`));
}

export function releaseId(version: string, at = new Date()): string {
  return `${version}-${at.toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 15)}`;
}

export function buildRelease(o: ReleaseOptions): { file: string; id: string } {
  const missing = missingForRoles(ROOT);
  if (missing.length > 0) throw new Error(`run "npm run build" first; the build lacks ${missing.join(', ')}`);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const id = o.id ?? releaseId(pkg.version);
  if (!/^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$/.test(id)) throw new Error(`bad release id ${id}`);
  const stage = join(o.out, `stage-${id}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const f of ['package.json', 'package-lock.json', '.node-version']) cpSync(join(ROOT, f), join(stage, f));
  const folders = [...new Set(RELEASE_ROLES.flatMap((r) => r.folders))];
  for (const d of [...folders, 'config', 'docs']) cpSync(join(ROOT, d), join(stage, d), { recursive: true });
  cpSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), { recursive: true, dereference: false });
  // Dev dependencies go; the native addons stay as built for the pinned Node.
  execFileSync('npm', ['prune', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: stage, stdio: 'ignore' });
  if (o.withNode !== false) {
    const pinned = readFileSync(join(ROOT, '.node-version'), 'utf8').trim();
    cpSync(join(ROOT, '.runtime', `node-${pinned}`), join(stage, '.runtime', `node-${pinned}`), { recursive: true, dereference: true });
  }
  writeFileSync(join(stage, 'RELEASE'), id + '\n');
  const file = join(o.out, `station-kiosk-${id}.tar.gz`);
  execFileSync('tar', ['czf', file, '-C', stage, '.'], { stdio: 'inherit' });
  rmSync(stage, { recursive: true, force: true });
  return { file, id };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: join(ROOT, 'dist/release') }, id: { type: 'string' }, 'no-node': { type: 'boolean', default: false } } });
  mkdirSync(values.out, { recursive: true });
  const { file, id } = buildRelease({ out: values.out, ...(values.id ? { id: values.id } : {}), withNode: !values['no-node'] });
  process.stdout.write(`[release] ${id}: ${file}\n`);
}
