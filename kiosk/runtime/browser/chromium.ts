import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for the passenger-facing browser. Camera and microphone for the video call are granted
 * by a managed policy in production (see docs/runtime-and-ui.md); the flag
 * `--auto-accept-camera-and-microphone-capture` does the same for a development machine
 * without the policy file, for this one origin only because the page is the only one the
 * kiosk window can reach.
 */
export function kioskChromiumArgs(url: string, userDataDir: string): string[] {
  return [
    '--kiosk',
    `--app=${url}`,
    `--user-data-dir=${userDataDir}`,
    '--auto-accept-camera-and-microphone-capture',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--noerrdialogs',
    '--disable-translate',
    '--disable-features=Translate,TouchpadOverscrollHistoryNavigation',
    '--overscroll-history-navigation=0',
    '--disable-pinch',
    '--disable-session-crashed-bubble',
    '--check-for-update-interval=31536000',
  ];
}

/** True when a graphical session is there to show a window on. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']);
}

/** Opens the kiosk window. Returns null when Chromium is not installed. */
export async function openKioskWindow(url: string, path = CHROMIUM_PATH): Promise<ChildProcess | null> {
  if (!existsSync(path)) return null;
  const dir = await mkdtemp(join(tmpdir(), 'kiosk-chromium-'));
  return spawn(path, kioskChromiumArgs(url, dir), { stdio: 'ignore' });
}
