import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface KioskBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Real Chromium (the system's, never downloaded), one page at the kiosk's screen size. */
export async function openKioskBrowser(options: { media?: boolean; width?: number; height?: number } = {}): Promise<KioskBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'kiosk-e2e-chromium-'));
  const args = [...ARGS, `--user-data-dir=${userDataDir}`];
  if (options.media) args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args, headless: true });
  try {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 1024 }, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    return {
      browser,
      context,
      page,
      async close() {
        await browser.close().catch(() => undefined);
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser.close().catch(() => undefined);
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
}
