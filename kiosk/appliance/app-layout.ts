/**
 * Where the kiosk's files are, in both ways it runs:
 * - from source (development, tests): `kiosk/cli.ts` through `tsx`;
 * - compiled (production, `npm run build`): `dist/app/kiosk/cli.js` on plain Node, no `tsx`.
 * The application root is the nearest folder above this file with a `package.json` (the
 * project checkout, or an installed release).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when this process runs the compiled JavaScript of `dist/app`. */
export const COMPILED = import.meta.url.endsWith('.js');

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const APP_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Compiled JavaScript, mirroring the source tree (`kiosk/cli.ts` → `dist/app/kiosk/cli.js`). */
export const COMPILED_DIR = join(APP_ROOT, 'dist', 'app');

/** The built UI. */
export const UI_DIR = join(APP_ROOT, 'dist', 'ui');

export interface NodeEntry {
  /** Absolute path of the script to run. */
  readonly script: string;
  /** Node flags the script needs (`--import tsx` for a TypeScript source). */
  readonly execArgv: readonly string[];
}

/**
 * How a child Node runs one of the project's entry points, named by its source path
 * (`central/cli.ts`): the compiled file when this process runs compiled, the source through
 * `tsx` otherwise.
 */
export function nodeEntry(source: string): NodeEntry {
  if (COMPILED) return { script: join(COMPILED_DIR, source.replace(/\.tsx?$/, '.js')), execArgv: [] };
  return { script: join(APP_ROOT, source), execArgv: ['--import', 'tsx'] };
}
