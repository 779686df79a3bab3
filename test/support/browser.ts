import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Real Chromium (the system's, never downloaded), headless; `launch()` gives it a fresh temporary profile of its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface KioskBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

/** Real Chromium (the system's, never downloaded) with a fresh profile, one page at a kiosk screen's size. */
export async function openKioskBrowser(
  options: {
    media?: boolean;
    width?: number;
    height?: number;
    /** Another way to start Chromium (for example inside a network namespace); default the system's. */
    executablePath?: string;
    /** Origins to treat as secure although served over plain HTTP off loopback (camera and microphone need one). */
    secureOrigins?: readonly string[];
  } = {},
): Promise<KioskBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'kiosk-e2e-chromium-'));
  const args = [...ARGS];
  if (options.media) args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
  if (options.secureOrigins?.length) args.push(`--unsafely-treat-insecure-origin-as-secure=${options.secureOrigins.join(',')}`);
  let context: BrowserContext | null = null;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: options.executablePath ?? CHROMIUM,
      args,
      headless: true,
      viewport: { width: options.width ?? 1280, height: options.height ?? 1024 },
      hasTouch: true,
      locale: 'zh-CN',
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const ctx = context;
    return {
      context: ctx,
      page,
      async close() {
        await ctx.close().catch(() => undefined);
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await context?.close().catch(() => undefined);
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
}
