/**
 * The systemd notify protocol (sd_notify(3)) for a `Type=notify` service with `WatchdogSec=`:
 * `READY=1` once the runtime serves, `WATCHDOG=1` at half the watchdog interval from the event
 * loop (a hung loop sends nothing and systemd restarts the service), `STOPPING=1`, `STATUS=…`.
 *
 * The protocol is newline-separated `KEY=value` lines in datagrams on the unix socket named by
 * `$NOTIFY_SOCKET` (a path, or `@name` for an abstract socket). Node has no unix datagram
 * sockets, and the kiosk takes no native addon for this: one long-lived `socat` child (already a
 * dependency of the kiosk, see scripts/setup.sh) turns each line the runtime writes to its stdin
 * into a datagram. Messages then come from the socat process, so the unit says
 * `NotifyAccess=all`; socat lives as long as the runtime, so systemd always finds its cgroup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../runtime/logger.js';

export interface SystemdNotifierOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly pid?: number;
}

/** `$WATCHDOG_USEC` for this process, in ms; null when systemd watches nothing here. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env['WATCHDOG_USEC']);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  const forPid = env['WATCHDOG_PID'];
  if (forPid && Number(forPid) !== pid) return null;
  return usec / 1000;
}

export function socatAddress(notifySocket: string): string {
  return notifySocket.startsWith('@') ? `ABSTRACT-SENDTO:${notifySocket.slice(1)}` : `UNIX-SENDTO:${notifySocket}`;
}

export class SystemdNotifier {
  readonly #o: SystemdNotifierOptions;
  #child: ChildProcess | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Pings sent (for tests and the health view). */
  pings = 0;

  constructor(options: SystemdNotifierOptions) {
    this.#o = options;
    const socket = (options.env ?? process.env)['NOTIFY_SOCKET'];
    if (!socket) return;
    const child = spawn('socat', ['-u', 'STDIN', socatAddress(socket)], { stdio: ['pipe', 'ignore', 'pipe'] });
    child.on('error', (e) => options.logger.error('systemd notify: socat could not start; systemd will not hear from the runtime', { error: e.message }));
    child.stderr?.on('data', (c: Buffer) => options.logger.warn('systemd notify: socat', { line: c.toString('utf8').trim() }));
    child.stdin?.on('error', () => undefined);
    child.unref();
    this.#child = child;
  }

  /** True when a service manager listens. */
  get active(): boolean {
    return this.#child !== null;
  }

  /** Sends `KEY=value` lines. */
  notify(state: Readonly<Record<string, string>>): void {
    const lines = Object.entries(state).map(([k, v]) => `${k}=${v.replace(/\n/g, ' ')}\n`);
    this.#child?.stdin?.write(lines.join(''));
  }

  /** `READY=1`, then `WATCHDOG=1` from the event loop at half the interval systemd asked for. */
  ready(status = 'serving'): void {
    this.notify({ READY: '1', STATUS: status });
    const interval = watchdogIntervalMs(this.#o.env ?? process.env, this.#o.pid ?? process.pid);
    if (interval === null || !this.active) return;
    this.#timer = setInterval(() => {
      this.pings += 1;
      this.notify({ WATCHDOG: '1' });
    }, Math.max(100, interval / 2));
    this.#timer.unref();
  }

  status(text: string): void {
    this.notify({ STATUS: text });
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const child = this.#child;
    if (!child) return;
    this.notify({ STOPPING: '1' });
    this.#child = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin?.end();
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 2000).unref();
    });
  }
}
