/**
 * `npm run build`: the production build.
 * - `dist/app/`: every non-test TypeScript source of kiosk/, driver/, shared/, central/ and
 *   hardware-sim/ compiled to ES modules one file each (esbuild, no bundling, so the tree and
 *   the relative paths stay as they are), beside a copy of their static files (HTML, CSS,
 *   card images);
 * - `dist/ui/`: the kiosk UI, `dist/pages/`: central's agent console and staff page,
 *   `dist/panel/`: the sim daemon's control panel (all Vite), unless `--no-ui`.
 * Production runs `node dist/app/kiosk/cli.js`; nothing compiles TypeScript at run time.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FINAL = join(ROOT, 'dist', 'app');
/** Built beside, then swapped in, so a running kiosk never sees half a tree for long. */
const OUT = join(ROOT, 'dist', 'app.partial');
const FOLDERS = ['kiosk', 'driver', 'shared', 'central', 'hardware-sim'];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const isTest = (f: string) => /\.test\.tsx?$/.test(f) || f.includes('/__fixtures__/');
/** The UI is Vite's (dist/ui); its TSX is not part of the runtime. */
const isUiSource = (f: string) => relative(ROOT, f).startsWith('kiosk/ui/') && (f.endsWith('.tsx') || f.endsWith('vite.config.ts'));
/** Browser pages built by Vite on their own (dist/pages, dist/panel): neither compiled nor copied here. */
const PAGE_FOLDERS = ['central/pages/', 'hardware-sim/panel/'];
const isPageFile = (f: string) => PAGE_FOLDERS.some((p) => relative(ROOT, f).startsWith(p));
/** Vite configs of the browser parts, each building into its own dist/ folder. */
export const VITE_CONFIGS = ['kiosk/ui/vite.config.ts', 'central/pages/vite.config.ts', 'hardware-sim/panel/vite.config.ts'];

export async function buildApp(): Promise<{ sources: number; assets: number }> {
  const files = FOLDERS.flatMap((f) => walk(join(ROOT, f)));
  const sources = files.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts') && !isTest(f) && !isUiSource(f) && !isPageFile(f));
  const assets = files.filter((f) => !/\.tsx?$/.test(f) && !relative(ROOT, f).startsWith('kiosk/ui/') && !isPageFile(f));
  rmSync(OUT, { recursive: true, force: true });
  await build({
    entryPoints: sources,
    outdir: OUT,
    outbase: ROOT,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'warning',
  });
  for (const a of assets) {
    const to = join(OUT, relative(ROOT, a));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(a, to);
  }
  writeFileSync(join(OUT, 'BUILD.json'), JSON.stringify({ builtAt: new Date().toISOString(), sources: sources.length }, null, 2) + '\n');
  rmSync(FINAL, { recursive: true, force: true });
  renameSync(OUT, FINAL);
  return { sources: sources.length, assets: assets.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { sources, assets } = await buildApp();
  process.stdout.write(`[build] dist/app: ${sources} modules, ${assets} static files\n`);
  if (!process.argv.includes('--no-ui')) {
    for (const config of VITE_CONFIGS) execFileSync('npx', ['vite', 'build', '--config', config, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    process.stdout.write('[build] dist/ui: kiosk UI; dist/pages: agent console, staff page; dist/panel: sim control panel\n');
  }
}
