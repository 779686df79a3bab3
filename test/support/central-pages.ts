/**
 * What the browser tests of central's staff page and agent console set up alike: the pages built
 * from their sources into dist/pages, a real central on a SQLite file in a fresh folder, and
 * Chromium, each test opening its own context (viewport, language) in it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import type { RunningCentral, StartCentralOptions } from '../../central/server.js';
import { launchChromium } from './browser.js';
import { startCentralOn } from './central.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CentralPages {
  readonly central: RunningCentral;
  readonly browser: Browser;
  /** Closes Chromium and central, removes the data folder. */
  close(): Promise<void>;
}

/** Builds central's pages, starts central with these options (on a SQLite file in a fresh folder) and launches Chromium. */
export async function startCentralPages(options: Omit<StartCentralOptions, 'storage' | 'dataDir'>): Promise<CentralPages> {
  await build({ configFile: join(ROOT, 'central/pages/vite.config.ts'), logLevel: 'warn' });
  const fixture = await startCentralOn('sqlite', options);
  const browser = await launchChromium().catch(async (e: unknown) => {
    await fixture.dispose();
    throw e;
  });
  return {
    central: fixture.central,
    browser,
    close: async () => {
      await browser.close();
      await fixture.dispose();
    },
  };
}
