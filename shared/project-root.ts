/**
 * The project's root folder: the nearest folder above the calling module with a
 * `package.json`. The same from source (`central/…` through tsx) and compiled
 * (`dist/app/central/…`), so built files under `dist/` are found either way.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRootOf(moduleUrl: string): string {
  const from = dirname(fileURLToPath(moduleUrl));
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
