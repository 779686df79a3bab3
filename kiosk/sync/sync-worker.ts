import type { SyncItem } from '../../shared/sync.js';
import type { KioskStore, ClockSample } from '../store/kiosk-store.js';
import type { OutboxEntry } from '../store/outbox-types.js';
import { backoffDelay, type BackoffPolicy } from '../../shared/backoff.js';
import { DEFAULT_BACKOFF } from './backoff.js';
import type { SyncClient, Exchange } from './sync-client.js';
import type { SyncFault } from './sync-fault.js';

/** What the worker tells technicians (and the runtime's health page). */
export interface SyncHealth {
  /** `online`: the last cycle succeeded; `offline`: central unreachable or failing; `config-fault`: central refuses this kiosk (token, id). */
  readonly state: 'starting' | 'online' | 'offline' | 'config-fault' | 'stopped';
  readonly lastFault: { readonly code: string; readonly message: string } | null;
  readonly consecutiveFailures: number;
  /** Kiosk time of the next attempt while backing off. */
  readonly nextAttemptAt: string | null;
  readonly batchSize: number;
}

export interface SyncWorkerOptions {
  readonly store: KioskStore;
  readonly client: SyncClient;
  /** Items per batch, at most central's limit (500). Default 100. */
  readonly batchSize?: number;
  readonly changesPageSize?: number;
  readonly backoff?: BackoffPolicy;
  /** How often to ask for changes when nothing else happens. Default 60 s. */
  readonly pollIntervalMs?: number;
  /** While backing off from a network fault: how often to probe `/v1/health`. Default 5 s. */
  readonly probeIntervalMs?: number;
  /** [0, 1), for back-off jitter. */
  readonly random?: () => number;
  readonly now?: () => number;
}

type CycleOutcome = { readonly ok: true } | { readonly ok: false; readonly fault: SyncFault };

function toSyncItem(e: OutboxEntry): SyncItem {
  return { id: e.id, seq: e.seq, createdAt: e.createdAt, payload: e.payload };
}

/**
 * Sends the outbox up and pulls changes down. Wakes when the store commits new rows, on its
 * poll interval, and (while backing off from a network fault) when a health probe succeeds.
 * Ordering never depends on the kiosk clock: items go in seq order; central assigns serverSeq.
 */
export class SyncWorker {
  private readonly batchLimit: number;
  private batchSize: number;
  private readonly pageSize: number;
  private readonly backoff: BackoffPolicy;
  private readonly pollMs: number;
  private readonly probeMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private running: Promise<void> | null = null;
  private readonly stopper = new AbortController();
  private wakeUp: (() => void) | null = null;
  private dirty = true;
  private backingOff = false;
  private unsubscribe: (() => void) | null = null;
  private health: SyncHealth;
  private readonly listeners = new Set<(h: SyncHealth) => void>();
  private latestSample: ClockSample | null = null;
  private inCycle = false;
  private idleWaiters: (() => void)[] = [];
  private cyclesEnded = 0;
  private cycleWaiters: { readonly after: number; readonly done: () => void }[] = [];

  constructor(private readonly options: SyncWorkerOptions) {
    this.batchLimit = Math.min(500, Math.max(1, options.batchSize ?? 100));
    this.batchSize = this.batchLimit;
    this.pageSize = Math.max(1, options.changesPageSize ?? 200);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.pollMs = options.pollIntervalMs ?? 60_000;
    this.probeMs = options.probeIntervalMs ?? 5_000;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.health = { state: 'starting', lastFault: null, consecutiveFailures: 0, nextAttemptAt: null, batchSize: this.batchSize };
  }

  start(): void {
    if (this.running || this.stopper.signal.aborted) return;
    this.unsubscribe = this.options.store.onOutboxAppended(() => {
      this.dirty = true;
      if (!this.backingOff) this.wakeUp?.();
    });
    this.running = this.loop();
  }

  /** Stops after aborting any request in flight (its rows go back to pending). */
  async stop(): Promise<void> {
    this.stopper.abort();
    for (const w of [...this.cycleWaiters]) w.done();
    this.unsubscribe?.();
    this.wakeUp?.();
    await this.running;
    this.setHealth({ state: 'stopped', nextAttemptAt: null });
  }

  /** A technician's "sync now": ends any back-off wait. */
  syncNow(): void {
    this.dirty = true;
    this.wakeUp?.();
  }

  /**
   * Asks for a cycle now and resolves once a cycle that began after this call has ended (up and
   * down: a staff reply made a moment ago is in the cache), or after `timeoutMs`, whichever comes
   * first. Resolves at once while the worker is not running or backs off from a fault: what the
   * cache holds is all there is. For a passenger looking up a ticket; it never rejects.
   */
  freshen(timeoutMs: number): Promise<void> {
    if (this.running === null || this.stopper.signal.aborted || this.backingOff) return Promise.resolve();
    // A cycle already running may have pulled its changes before the reply: wait for the next.
    const after = this.cyclesEnded + (this.inCycle ? 2 : 1);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.cycleWaiters = this.cycleWaiters.filter((w) => w.done !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.cycleWaiters.push({ after, done });
      this.syncNow();
    });
  }

  /** Resolves when no sync cycle is running (the worker is waiting, or stopped). */
  whenIdle(): Promise<void> {
    if (!this.inCycle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  status(): SyncHealth {
    return this.health;
  }

  /** Called on every change of health and after every cycle. Returns the unsubscribe function. */
  onHealth(listener: (h: SyncHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setHealth(patch: Partial<SyncHealth>): void {
    this.health = { ...this.health, ...patch, batchSize: this.batchSize };
    for (const l of [...this.listeners]) l(this.health);
  }

  private async loop(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      this.dirty = false;
      this.inCycle = true;
      const outcome = await this.cycle(signal).catch((error: unknown): CycleOutcome => ({
        ok: false,
        fault: { kind: 'retryable', code: 'bad-response', message: `sync cycle failed: ${error instanceof Error ? error.message : String(error)}` },
      }));
      this.inCycle = false;
      this.cyclesEnded++;
      for (const w of this.idleWaiters.splice(0)) w();
      for (const w of this.cycleWaiters.filter((x) => x.after <= this.cyclesEnded)) w.done();
      if (signal.aborted) break;
      if (outcome.ok) {
        this.setHealth({ state: 'online', lastFault: null, consecutiveFailures: 0, nextAttemptAt: null });
        if (!this.dirty) await this.wait(this.pollMs, false);
        continue;
      }
      const failures = this.health.consecutiveFailures + 1;
      const fault = outcome.fault;
      const delay = Math.min(this.backoff.capMs, fault.kind === 'retryable' && fault.retryAfterMs !== undefined ? fault.retryAfterMs : backoffDelay(failures, this.backoff, this.random));
      this.setHealth({
        state: fault.kind === 'config' ? 'config-fault' : 'offline',
        lastFault: { code: fault.code, message: fault.message },
        consecutiveFailures: failures,
        nextAttemptAt: new Date(this.now() + delay).toISOString(),
      });
      this.backingOff = true;
      await this.wait(delay, fault.kind === 'retryable');
      this.backingOff = false;
    }
  }

  /** Waits `ms`, or less: woken by new rows (when not backing off), `syncNow`, `stop`, or a successful probe. */
  private async wait(ms: number, probe: boolean): Promise<void> {
    const signal = this.stopper.signal;
    if (signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const done = (): void => {
        for (const t of timers) clearTimeout(t);
        this.wakeUp = null;
        resolve();
      };
      this.wakeUp = done;
      timers.push(setTimeout(done, ms));
      if (probe && ms > this.probeMs) {
        const tick = (): void => {
          void this.options.client.health(signal).then((r) => {
            if (this.wakeUp !== done) return;
            if (r.ok) done();
            else timers.push(setTimeout(tick, this.probeMs));
          });
        };
        timers.push(setTimeout(tick, this.probeMs));
      }
    });
  }

  private async cycle(signal: AbortSignal): Promise<CycleOutcome> {
    this.latestSample = null;
    try {
      const up = await this.upSync(signal);
      if (!up.ok) return up;
      return await this.downSync(signal);
    } finally {
      if (this.latestSample) await this.options.store.recordClockSample(this.latestSample).catch(() => undefined);
    }
  }

  private sample(x: Exchange<unknown>, serverTime: string): void {
    const server = Date.parse(serverTime);
    const mid = (x.sentAtMs + x.receivedAtMs) / 2;
    this.latestSample = { measuredAt: new Date(x.receivedAtMs).toISOString(), serverTime, offsetMs: server - mid, roundTripMs: x.receivedAtMs - x.sentAtMs };
  }

  private async upSync(signal: AbortSignal): Promise<CycleOutcome> {
    const outbox = this.options.store.outbox;
    while (!signal.aborted) {
      const batch = await outbox.claimBatch(this.batchSize);
      if (batch.length === 0) return { ok: true };
      const res = await this.options.client.postBatch(batch.map(toSyncItem), signal);
      if (!res.ok) {
        await outbox.release(batch, `${res.error.code}: ${res.error.message}`);
        if (res.error.kind === 'too-large' && this.batchSize > 1) {
          this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
          continue;
        }
        return { ok: false, fault: res.error };
      }
      this.sample(res.value, res.value.body.serverTime);
      await outbox.settle(batch, res.value.body.acks, res.value.body.rejects);
      if (this.batchSize < this.batchLimit) this.batchSize = Math.min(this.batchLimit, this.batchSize * 2);
    }
    return { ok: false, fault: { kind: 'stopped', code: 'stopped', message: 'stopped' } };
  }

  private async downSync(signal: AbortSignal): Promise<CycleOutcome> {
    const caches = this.options.store.caches;
    for (;;) {
      const res = await this.options.client.getChanges(await caches.cursor(), this.pageSize, signal);
      if (!res.ok) return { ok: false, fault: res.error };
      this.sample(res.value, res.value.body.serverTime);
      await caches.apply(res.value.body);
      if (!res.value.body.more || res.value.body.changes.length === 0) return { ok: true };
    }
  }
}
