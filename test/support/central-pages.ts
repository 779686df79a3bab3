/**
 * What the browser tests of central's staff page and agent console set up alike: the pages built
 * from their sources into dist/pages, a real central on a SQLite file in a fresh folder, and
 * Chromium, each test opening its own context (viewport, language) in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { startCentral, type RunningCentral, type StartCentralOptions } from '../../central/server.js';
import { launchChromium } from './browser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CentralPages {
  readonly central: RunningCentral;
  readonly browser: Browser;
  /** Closes Chromium and central, removes the data folder. */
  close(): Promise<void>;
}

/** Builds central's pages, starts central with these options (its data in a fresh folder named after `name`) and launches Chromium. */
export async function startCentralPages(name: string, options: Omit<StartCentralOptions, 'storage' | 'dataDir'>): Promise<CentralPages> {
  await build({ configFile: join(ROOT, 'central/pages/vite.config.ts'), logLevel: 'warn' });
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const central = await startCentral({ ...options, storage: { engine: 'sqlite', file: join(dir, 'central.sqlite') }, dataDir: dir }).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  const browser = await launchChromium().catch(async (e: unknown) => {
    await central.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    central,
    browser,
    close: async () => {
      await browser.close();
      await central.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
