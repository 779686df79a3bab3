/**
 * What the browser tests of central's login and administration pages set up alike: the pages
 * built (when a source is newer than the build), a real central on a SQLite file with the given
 * accounts, real Chromium and screenshots saved under test-output/<folder>/.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import type { RunningCentral } from '../../central/server.js';
import type { AccountSeed } from '../../central/accounts/seed.js';
import { openKioskBrowser, type KioskBrowser } from './browser.js';
import { startCentralOn } from './central.js';
import { submitLogin } from './staff-session.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** central/pages built into dist/pages when missing or older than any page source or the shared words. */
export async function ensurePagesBuilt(): Promise<void> {
  const built = join(ROOT, 'dist/pages/admin.html');
  const dir = join(ROOT, 'central/pages');
  const newest = Math.max(...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs), statSync(join(ROOT, 'shared/words.ts')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  await build({ configFile: join(ROOT, 'central/pages/vite.config.ts'), logLevel: 'warn' });
}

/** `submitLogin` with the username and password apart; new tests use `signIn` or `submitLogin` of staff-session.ts. */
export async function logIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await submitLogin(page, url, { username, password });
}

export interface AdminPagesRig {
  readonly central: RunningCentral;
  readonly browser: KioskBrowser;
  /** Saves the whole page as test-output/<folder>/<name>.png. */
  shot(page: Page, name: string): Promise<void>;
  /** Closes Chromium and central, removes the data folder. */
  close(): Promise<void>;
}

/** Builds the pages, starts central (SQLite file in a fresh folder) with these accounts and opens Chromium at 1280×900. */
export async function startAdminPages(o: { readonly shots: string; readonly accounts: readonly AccountSeed[] }): Promise<AdminPagesRig> {
  const shots = join(ROOT, 'test-output', o.shots);
  mkdirSync(shots, { recursive: true });
  await ensurePagesBuilt();
  const fixture = await startCentralOn('sqlite', { accounts: o.accounts });
  const browser = await openKioskBrowser({ width: 1280, height: 900 }).catch(async (e: unknown) => {
    await fixture.dispose();
    throw e;
  });
  return {
    central: fixture.central,
    browser,
    shot: async (page, name) => {
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await browser.close();
      await fixture.dispose();
    },
  };
}
