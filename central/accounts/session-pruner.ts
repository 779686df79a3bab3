/**
 * Removes sessions nobody can use any more (expired, revoked, or idle past the limit), every
 * `everyMs` on each central instance. Any instance may prune any row: a deleted session is one
 * the guard would refuse anyway, so instances pruning at once only delete the same rows.
 */
import type { AccountStore } from './store.js';

export const DEFAULT_SESSION_PRUNE_MS = 10 * 60_000;

export interface SessionPrunerOptions {
  readonly accounts: AccountStore;
  readonly now: () => Date;
  /** A session idle this long is over (the guard's `idleMinutes`). */
  readonly idleMinutes: number;
  readonly everyMs?: number;
  readonly onPruned?: (count: number) => void;
  readonly onError?: (e: unknown) => void;
}

export class SessionPruner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly o: SessionPrunerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.o.everyMs ?? DEFAULT_SESSION_PRUNE_MS);
    this.timer.unref();
  }

  /** Prunes once now; returns how many sessions went. */
  async pruneOnce(): Promise<number> {
    const t = this.o.now().getTime();
    const n = await this.o.accounts.pruneSessions(new Date(t).toISOString(), new Date(t - this.o.idleMinutes * 60_000).toISOString());
    if (n > 0) this.o.onPruned?.(n);
    return n;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.pruneOnce().then(
      () => undefined,
      (e: unknown) => this.o.onError?.(e),
    );
    await this.running;
    this.running = null;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
