import type { TechnicianFeed } from '../../maintenance/technician-feed.js';
import type { SyncWorker } from '../../sync/index.js';
import type { Logger } from '../logger.js';

/**
 * Pulls technician changes from central after each sync cycle (and once at start), one pull at
 * a time; a cycle that ends during a pull asks for one more.
 */
export class TechnicianFeedPump {
  private unsubscribe: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly feed: TechnicianFeed,
    private readonly sync: SyncWorker,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.sync.onHealth((h) => {
      if (h.state === 'online') this.pull();
    });
    this.pull();
  }

  /** Resolves when no pull is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.idle();
  }

  pull(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const r = await this.feed.pull();
        if (!r.ok) this.logger.info('technician feed not pulled', { code: r.error.code, message: r.error.message });
        else if (r.value.applied > 0) this.logger.info('technician changes applied', { applied: r.value.applied });
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }
}
