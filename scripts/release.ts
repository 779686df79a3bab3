/**
 * `npm run release [-- --out DIR] [--id ID] [--no-node]`: one versioned artifact,
 * `station-kiosk-<id>.tar.gz`, that `kiosk update FILE` installs beside the running release.
 * It holds the compiled kiosk (dist/app, dist/ui), package.json and lock, the production
 * node_modules (dev dependencies pruned, native addons as built for the pinned Node), the
 * pinned Node itself under .runtime/ (unless --no-node), and `RELEASE` (its id).
 * Build first: `npm run build`.
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

export function releaseId(version: string, at = new Date()): string {
  return `${version}-${at.toISOString().replace(/[-:]/g, '').replace('T', '.').slice(0, 15)}`;
}

export function buildRelease(o: ReleaseOptions): { file: string; id: string } {
  if (!existsSync(join(ROOT, 'dist/app/kiosk/cli.js')) || !existsSync(join(ROOT, 'dist/ui/index.html'))) throw new Error('run "npm run build" first');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const id = o.id ?? releaseId(pkg.version);
  if (!/^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$/.test(id)) throw new Error(`bad release id ${id}`);
  const stage = join(o.out, `stage-${id}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const f of ['package.json', 'package-lock.json', '.node-version']) cpSync(join(ROOT, f), join(stage, f));
  for (const d of ['dist/app', 'dist/ui', 'config', 'docs']) cpSync(join(ROOT, d), join(stage, d), { recursive: true });
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
