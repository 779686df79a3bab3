/**
 * The kiosk window, watched. Starts Chromium in kiosk mode (as an unprivileged user when the
 * runtime is root, with explicit full-screen geometry on a bare X server), passes its output to
 * the log, and relaunches it when:
 * - the browser process exits (crash, kill, OOM): logged with its exit code or signal;
 * - the page's renderer crashes (`Target.targetCrashed` / `Inspector.targetCrashed`);
 * - the page stops answering its heartbeat (a `Runtime.evaluate` through the DevTools pipe that
 *   does not come back in time: a hung script, a frozen renderer).
 * Nothing of the passenger's session lives in the page: after a relaunch the page connects to
 * the runtime again and gets the current screen, a half-written report included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Logger } from '../runtime/logger.js';
import { CdpPipe, type CdpEvent } from './cdp-pipe.js';
import type { SystemUser } from './browser-user.js';

export interface DisplayGeometry {
  readonly width: number;
  readonly height: number;
}

export interface BrowserSupervisorOptions {
  /** The page to open, asked again at each launch (a launch URL carries a one-time code). */
  readonly url: () => string | Promise<string>;
  /** Flags of the kiosk window (without the pipe, geometry or profile, which this adds). */
  readonly chromiumArgs: (url: string, profileDir: string) => string[];
  readonly chromiumPath?: string;
  /** null: run as this process's user. */
  readonly user: SystemUser | null;
  /** Window geometry for a bare X server; null when a compositor makes the window full screen. */
  readonly geometry: DisplayGeometry | null;
  readonly logger: Logger;
  /** The environment the browser sees (DISPLAY / WAYLAND_DISPLAY / XAUTHORITY are taken from it). */
  readonly env?: NodeJS.ProcessEnv;
  /** Folder for the throw-away profiles; default the system temp folder. */
  readonly profileParent?: string;
  readonly heartbeatIntervalMs?: number;
  readonly heartbeatTimeoutMs?: number;
  readonly restartMinMs?: number;
  readonly restartMaxMs?: number;
}

export type BrowserEvent =
  | { readonly type: 'launched'; readonly pid: number; readonly launch: number }
  | { readonly type: 'page-ready'; readonly launch: number }
  | { readonly type: 'exited'; readonly code: number | null; readonly signal: string | null }
  | { readonly type: 'renderer-crashed' }
  | { readonly type: 'unresponsive'; readonly afterMs: number };

const DEFAULT_HEARTBEAT_MS = 5_000;
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000;
/** A browser that lived this long resets the restart back-off. */
const STABLE_MS = 60_000;
const STOP_GRACE_MS = 3_000;

export class BrowserSupervisor {
  readonly #o: BrowserSupervisorOptions;
  readonly #listeners = new Set<(e: BrowserEvent) => void>();
  #child: ChildProcess | null = null;
  #cdp: CdpPipe | null = null;
  #sessionId: string | null = null;
  #profile: string | null = null;
  #launches = 0;
  #running = false;
  #heartbeat: NodeJS.Timeout | null = null;
  #restartTimer: NodeJS.Timeout | null = null;
  #restartDelay: number;
  #launchedAt = 0;
  #exited: Promise<void> = Promise.resolve();
  /** This browser is being ended to start the next one. */
  #recycling = false;

  constructor(options: BrowserSupervisorOptions) {
    this.#o = options;
    this.#restartDelay = options.restartMinMs ?? 1_000;
  }

  /** How many times the browser was started. */
  get launches(): number {
    return this.#launches;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  on(listener: (e: BrowserEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#launch();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    this.#stopHeartbeat();
    const child = this.#child;
    if (child) {
      this.#signal(child, 'SIGTERM');
      const timer = setTimeout(() => this.#signal(child, 'SIGKILL'), STOP_GRACE_MS);
      await this.#exited;
      clearTimeout(timer);
    }
    this.#removeProfile();
  }

  /**
   * A DevTools command to the kiosk page (tests use it to crash or hang the renderer, and to
   * read what the page shows).
   */
  sendToPage(method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    if (!this.#cdp || !this.#sessionId) return Promise.reject(new Error('the kiosk page is not attached'));
    return this.#cdp.send(method, params, this.#sessionId, timeoutMs);
  }

  #emit(e: BrowserEvent): void {
    for (const l of this.#listeners) l(e);
  }

  #signal(child: ChildProcess, signal: NodeJS.Signals): void {
    // The browser leads its own process group (detached): its zygote and renderers go with it.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  }

  #makeProfile(): string {
    const dir = mkdtempSync(join(this.#o.profileParent ?? tmpdir(), 'kiosk-chromium-'));
    const env = this.#o.env ?? process.env;
    const user = this.#o.user;
    // Chromium 156 still offers to translate the kiosk page (a bubble over the header) despite
    // --disable-features=Translate; the profile's own preference turns that off.
    mkdirSync(join(dir, 'profile', 'Default'), { recursive: true });
    writeFileSync(join(dir, 'profile', 'Default', 'Preferences'), JSON.stringify({ translate: { enabled: false } }));
    if (user) {
      for (const p of [dir, join(dir, 'profile'), join(dir, 'profile', 'Default'), join(dir, 'profile', 'Default', 'Preferences')]) chownSync(p, user.uid, user.gid);
      // The X cookie of whoever started the runtime, readable by the browser's user only.
      const cookie = env['XAUTHORITY'] ?? join(homedir(), '.Xauthority');
      if (existsSync(cookie)) {
        copyFileSync(cookie, join(dir, 'Xauthority'));
        chownSync(join(dir, 'Xauthority'), user.uid, user.gid);
      }
    }
    return dir;
  }

  #removeProfile(): void {
    if (this.#profile) rmSync(this.#profile, { recursive: true, force: true });
    this.#profile = null;
  }

  #browserEnv(profile: string): NodeJS.ProcessEnv {
    const env = this.#o.env ?? process.env;
    const keep = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR', 'XAUTHORITY', 'FONTCONFIG_PATH'];
    const out: NodeJS.ProcessEnv = {};
    for (const k of keep) if (env[k] !== undefined) out[k] = env[k];
    out['HOME'] = profile;
    if (this.#o.user) {
      delete out['XDG_RUNTIME_DIR'];
      if (existsSync(join(profile, 'Xauthority'))) out['XAUTHORITY'] = join(profile, 'Xauthority');
      else delete out['XAUTHORITY'];
    }
    return out;
  }

  #launch(): void {
    void Promise.resolve()
      .then(() => this.#o.url())
      .then(
        (url) => {
          if (this.#running && !this.#child) this.#spawn(url);
        },
        (e: unknown) => {
          this.#o.logger.error('browser launch URL not available; retrying', { error: e instanceof Error ? e.message : String(e) });
          this.#restartTimer = setTimeout(() => {
            this.#restartTimer = null;
            if (this.#running) this.#launch();
          }, this.#o.restartMaxMs ?? 30_000);
        },
      );
  }

  #spawn(url: string): void {
    this.#removeProfile();
    const profile = this.#makeProfile();
    this.#profile = profile;
    const chromium = this.#o.chromiumPath ?? '/usr/bin/chromium';
    const args = [...this.#o.chromiumArgs(url, join(profile, 'profile')), '--remote-debugging-pipe'];
    if (this.#o.geometry) args.push('--window-position=0,0', windowSizeFlag(this.#o.geometry));
    const env = this.#o.env ?? process.env;
    // Under a Wayland compositor (cage) with no X server, Chromium draws through Wayland.
    if (env['WAYLAND_DISPLAY'] && !env['DISPLAY']) args.push('--ozone-platform=wayland');
    const user = this.#o.user;
    const [command, argv] = user
      ? ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', chromium, ...args]]
      : [chromium, args];
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], env: this.#browserEnv(profile), detached: true });
    this.#child = child;
    this.#recycling = false;
    this.#launches += 1;
    this.#launchedAt = Date.now();
    const launch = this.#launches;
    const log = this.#o.logger;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => log.info('browser output', { line }));
    }
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#onExit(child, code, signal);
        resolve();
      });
      child.once('error', (e) => log.error('browser could not start', { error: e.message, path: chromium }));
    });
    const cdp = new CdpPipe(child.stdio[3] as Writable, child.stdio[4] as Readable);
    this.#cdp = cdp;
    this.#sessionId = null;
    cdp.onEvent((e) => this.#onCdpEvent(e));
    log.info('browser started', { pid: child.pid, launch, user: user?.name ?? 'self', geometry: this.#o.geometry ? `${this.#o.geometry.width}x${this.#o.geometry.height}` : 'compositor' });
    if (child.pid !== undefined) this.#emit({ type: 'launched', pid: child.pid, launch });
    void this.#attach(cdp, launch);
  }

  async #attach(cdp: CdpPipe, launch: number): Promise<void> {
    try {
      await cdp.send('Target.setDiscoverTargets', { discover: true });
      const deadline = Date.now() + 30_000;
      let targetId: string | null = null;
      while (!targetId && Date.now() < deadline && !cdp.closed) {
        const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos?: { targetId: string; type: string; url: string }[] };
        targetId = targetInfos?.find((t) => t.type === 'page')?.targetId ?? null;
        if (!targetId) await new Promise((r) => setTimeout(r, 200));
      }
      if (!targetId) throw new Error('no page target');
      const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      if (cdp !== this.#cdp) return;
      this.#sessionId = sessionId;
      await cdp.send('Inspector.enable', {}, sessionId);
      this.#startHeartbeat(cdp, sessionId);
      this.#emit({ type: 'page-ready', launch });
    } catch (e) {
      if (cdp === this.#cdp && this.#running) {
        this.#o.logger.warn('browser page did not attach; relaunching', { error: e instanceof Error ? e.message : String(e) });
        this.#recycle();
      }
    }
  }

  #onCdpEvent(e: CdpEvent): void {
    if (e.method === 'Target.targetCrashed' || e.method === 'Inspector.targetCrashed') {
      if (this.#recycling) return;
      this.#o.logger.error('browser renderer crashed; relaunching', { event: e.method, status: e.params['status'] ?? null });
      this.#emit({ type: 'renderer-crashed' });
      this.#recycle();
    }
  }

  #startHeartbeat(cdp: CdpPipe, sessionId: string): void {
    this.#stopHeartbeat();
    const interval = this.#o.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS;
    const timeout = this.#o.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    let inFlight = false;
    this.#heartbeat = setInterval(() => {
      if (inFlight) return;
      inFlight = true;
      cdp.send('Runtime.evaluate', { expression: 'document.readyState', returnByValue: true }, sessionId, timeout).then(
        () => {
          inFlight = false;
        },
        (e: unknown) => {
          inFlight = false;
          if (cdp !== this.#cdp || !this.#running || cdp.closed) return;
          this.#o.logger.error('browser page stopped answering its heartbeat; relaunching', { afterMs: timeout, error: e instanceof Error ? e.message : String(e) });
          this.#emit({ type: 'unresponsive', afterMs: timeout });
          this.#recycle();
        },
      );
    }, interval);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  /** Ends this browser; its exit starts the next one. */
  #recycle(): void {
    this.#recycling = true;
    this.#stopHeartbeat();
    const child = this.#child;
    if (child) this.#signal(child, 'SIGKILL');
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    this.#child = null;
    this.#cdp?.close();
    this.#cdp = null;
    this.#sessionId = null;
    this.#stopHeartbeat();
    // What is left of the group (a renderer that outlived its browser) goes too.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    this.#emit({ type: 'exited', code, signal });
    if (!this.#running) return;
    const lived = Date.now() - this.#launchedAt;
    if (lived > STABLE_MS) this.#restartDelay = this.#o.restartMinMs ?? 1_000;
    const delay = this.#restartDelay;
    this.#restartDelay = Math.min(this.#restartDelay * 2, this.#o.restartMaxMs ?? 30_000);
    this.#o.logger.error('browser exited; restarting', { code, signal, livedMs: lived, restartInMs: delay });
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (this.#running) this.#launch();
    }, delay);
  }
}

/**
 * On an X server with no window manager, `--kiosk` alone gives a window of Chromium's default
 * size, and a window asked for at exactly the screen's size comes out one pixel smaller each
 * way (1079×1919 on 1080×1920; seen with Chromium 156). One extra row keeps the full width and
 * puts that row below the screen's edge.
 */
export function windowSizeFlag(g: DisplayGeometry): string {
  return `--window-size=${g.width},${g.height + 1}`;
}

/** The X display's size (`xdpyinfo`), or null when it cannot be read (no X, Wayland). */
export async function xDisplayGeometry(env: NodeJS.ProcessEnv = process.env): Promise<DisplayGeometry | null> {
  if (!env['DISPLAY']) return null;
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('xdpyinfo', ['-display', env['DISPLAY'] ?? ''], { env, timeout: 5_000 }, (error, stdout) => {
      const m = /dimensions:\s+(\d+)x(\d+) pixels/.exec(stdout ?? '');
      resolve(error || !m ? null : { width: Number(m[1]), height: Number(m[2]) });
    });
  });
}
