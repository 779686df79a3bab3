import type { AlarmStatusEvent, RaiseAlarmInput } from '../../flows/emergency.js';
import type { KioskStore } from '../../store/kiosk-store.js';
import type { SyncHealth } from '../../sync/sync-worker.js';
import type { TicketService } from '../../tickets/index.js';
import type { Logger } from '../logger.js';

/** The part of the sync worker the alarm needs. */
export interface AlarmSync {
  syncNow(): void;
  status(): SyncHealth;
  onHealth(listener: (h: SyncHealth) => void): () => void;
}

export interface AlarmWatchDeps {
  readonly tickets: TicketService;
  readonly store: KioskStore;
  /** null: this kiosk has no central (the alarm is kept and the passenger told it cannot be sent). */
  readonly sync: AlarmSync | null;
  readonly logger: Logger;
  /** Where the alarm's news goes (the session). */
  readonly send: (event: AlarmStatusEvent) => void;
  /** While an alarm is open: how often to sync (send it again, ask for the acknowledgement). Default 2 s. */
  readonly pollMs?: number;
  /** How long an alarm is watched at most. Default 30 min. */
  readonly watchMs?: number;
  readonly now?: () => number;
  /** Where central's acknowledgements arrive (the change feed, `DownSyncCache.onAlarm`). */
  readonly acknowledgements?: (listener: (alarm: { readonly id: string; readonly by: 'staff' | 'agent' }) => void) => () => void;
}

interface Watched {
  readonly seq: number;
  readonly since: number;
  told: AlarmStatusEvent['status'] | null;
}

/**
 * The emergency alarm from the kiosk's side: stores it at the head of the outbox, makes the sync
 * worker send it at once, and while it is open syncs every `pollMs` (so an alarm raised offline
 * goes out within that time of central answering again, and the acknowledgement comes down the
 * change feed just as fast). Tells the session `received` once central has taken it,
 * `unreachable` while central cannot be reached, and `acknowledged` when central says a person has.
 */
export class AlarmWatch {
  private readonly open = new Map<string, Watched>();
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: (() => void) | null;
  private readonly pollMs: number;
  private readonly watchMs: number;
  private readonly now: () => number;

  constructor(private readonly deps: AlarmWatchDeps) {
    this.pollMs = deps.pollMs ?? 2_000;
    this.watchMs = deps.watchMs ?? 30 * 60_000;
    this.now = deps.now ?? Date.now;
    const offHealth = deps.sync?.onHealth(() => void this.check()) ?? null;
    const offAcks = deps.acknowledgements?.((a) => this.acknowledged(a.id, a.by)) ?? null;
    this.unsubscribe = () => {
      offHealth?.();
      offAcks?.();
    };
  }

  /** The flow's `raiseAlarm`: resolves once the alarm is stored (fsync'd), rejects when it could not be. */
  readonly raise = async (input: RaiseAlarmInput): Promise<void> => {
    const r = await this.deps.tickets.recordAlarm(input);
    if (!r.ok) {
      this.deps.logger.error('emergency alarm not stored', { code: r.error.code });
      throw new Error(`emergency alarm not stored: ${r.error.code}`);
    }
    this.deps.logger.warn('emergency alarm raised', { alarmId: input.alarmId, seq: r.value.seq });
    this.open.set(input.alarmId, { seq: r.value.seq, since: this.now(), told: null });
    this.deps.sync?.syncNow();
    this.arm();
    // Told right after the flow has taken the stored alarm.
    setImmediate(() => void this.check());
  };

  /** Central says a person acknowledged the alarm (from the change feed). */
  acknowledged(alarmId: string, by: 'staff' | 'agent'): void {
    if (!this.open.delete(alarmId)) return;
    this.deps.send({ type: 'ALARM.STATUS', alarmId, status: 'acknowledged', by });
    if (this.open.size === 0) this.disarm();
  }

  stop(): void {
    this.unsubscribe?.();
    this.disarm();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.deps.sync?.syncNow();
      void this.check();
    }, this.pollMs);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async check(): Promise<void> {
    const health = this.deps.sync?.status().state ?? 'offline';
    for (const [alarmId, w] of [...this.open]) {
      if (this.now() - w.since > this.watchMs) {
        this.open.delete(alarmId);
        continue;
      }
      const entry = await this.deps.store.outbox.get(w.seq).catch(() => null);
      const status: AlarmStatusEvent['status'] | null =
        entry?.state === 'acked' ? 'received' : health === 'offline' || health === 'config-fault' || entry?.state === 'rejected' ? 'unreachable' : null;
      if (status === null || status === w.told || (w.told === 'received' && status === 'unreachable')) continue;
      w.told = status;
      this.deps.send({ type: 'ALARM.STATUS', alarmId, status });
    }
    if (this.open.size === 0) this.disarm();
  }
}
