import type { CentralStorage, StoredAlarm } from '../storage/types.js';

export interface AlarmEscalatorOptions {
  readonly storage: CentralStorage;
  readonly escalateAfterSeconds: number;
  readonly now: () => Date;
  /** How often to look for alarms to escalate. Default: a quarter of the escalation time, 1–10 s. */
  readonly sweepMs?: number;
  readonly onEscalated?: (alarms: readonly StoredAlarm[]) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * Escalates alarms nobody acknowledged in time. Every central instance runs one; the decision is
 * the storage's conditional UPDATE (`state = 'open'` → `escalated`), so each alarm is escalated
 * once whichever instance gets there first, and an instance that dies loses nothing (the next
 * sweep of any other does it).
 */
export class AlarmEscalator {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: AlarmEscalatorOptions) {}

  start(): void {
    if (this.timer) return;
    const ms = this.options.sweepMs ?? Math.min(10_000, Math.max(1_000, (this.options.escalateAfterSeconds * 1000) / 4));
    this.timer = setInterval(() => void this.sweep(), ms);
    this.timer.unref();
  }

  /** One look, now (also what the timer does). Resolves with the alarms this call escalated. */
  async sweep(): Promise<readonly StoredAlarm[]> {
    if (this.running) await this.running;
    const now = this.options.now();
    let escalated: readonly StoredAlarm[] = [];
    this.running = this.options.storage
      .escalateDueAlarms(now.getTime() - this.options.escalateAfterSeconds * 1000, now.toISOString())
      .then((alarms) => {
        escalated = alarms;
        if (alarms.length > 0) this.options.onEscalated?.(alarms);
      })
      .catch((e: unknown) => this.options.onError?.(e))
      .finally(() => (this.running = null));
    await this.running;
    return escalated;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
