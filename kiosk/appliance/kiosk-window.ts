/**
 * The passenger's window as `kiosk start` and the installed service open it: Chromium in kiosk
 * mode under a {@link BrowserSupervisor}, as an unprivileged user when the runtime is root,
 * sized to the X display (a Wayland kiosk compositor such as cage sizes it itself).
 */
import type { Logger } from '../runtime/logger.js';
import { kioskChromiumArgs } from '../runtime/browser/chromium.js';
import { chooseBrowserUser } from './browser-user.js';
import { BrowserSupervisor, xDisplayGeometry, type BrowserSupervisorOptions } from './browser-supervisor.js';

export interface KioskWindowOptions {
  /** The page, asked at each launch (the runtime's `launchUrl()`: a fresh one-time code each time). */
  readonly url: () => string | Promise<string>;
  readonly logger: Logger;
  /** `--browser-user NAME`. */
  readonly requestedUser?: string | null;
  readonly env?: NodeJS.ProcessEnv;
  readonly supervisor?: Partial<Pick<BrowserSupervisorOptions, 'heartbeatIntervalMs' | 'heartbeatTimeoutMs' | 'restartMinMs' | 'restartMaxMs' | 'chromiumPath' | 'profileParent'>>;
}

export type KioskWindow = { readonly ok: true; readonly supervisor: BrowserSupervisor; readonly user: string } | { readonly ok: false; readonly reason: string };

export async function openSupervisedKioskWindow(o: KioskWindowOptions): Promise<KioskWindow> {
  const env = o.env ?? process.env;
  const choice = chooseBrowserUser({ requested: o.requestedUser ?? null, uid: process.getuid?.() ?? -1, env });
  if (choice.kind === 'refused') return { ok: false, reason: choice.reason };
  const user = choice.kind === 'user' ? choice.user : null;
  if (choice.kind === 'user') o.logger.info('browser runs as an unprivileged user', { user: choice.user.name, why: choice.why });
  const geometry = env['WAYLAND_DISPLAY'] ? null : await xDisplayGeometry(env);
  if (!geometry && !env['WAYLAND_DISPLAY']) o.logger.warn('could not read the X display size (xdpyinfo); the window keeps the size Chromium picks');
  const supervisor = new BrowserSupervisor({ url: o.url, chromiumArgs: kioskChromiumArgs, user, geometry, logger: o.logger, env, ...o.supervisor });
  supervisor.start();
  return { ok: true, supervisor, user: user?.name ?? 'this user' };
}
