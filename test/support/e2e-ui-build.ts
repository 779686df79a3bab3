import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const UI_DIST = join(root, 'dist/ui');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the kiosk UI into dist/ui when it is missing or older than its sources. */
export async function ensureUiBuilt(): Promise<void> {
  const index = join(UI_DIST, 'index.html');
  const sources = Math.max(newestMtime(join(root, 'kiosk/ui')), newestMtime(join(root, 'kiosk/i18n')), newestMtime(join(root, 'shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  await build({ configFile: join(root, 'kiosk/ui/vite.config.ts'), logLevel: 'warn' });
}
