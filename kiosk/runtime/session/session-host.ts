import type { CardReaderEvent } from '../../../shared/card-reader.js';
import type { PassengerEvent, ScreenModel } from '../../../shared/ui-protocol.js';
import { cardEventFromReader, type KioskEvent } from '../../flows/events.js';
import type { KioskScreenMessage } from '../../../shared/ui-wire.js';
import type { Logger } from '../logger.js';
import type { SessionFile } from './session-file.js';
import type { UiSessionPort } from '../browser/ui-server.js';

/** What the host tells the session and who wants to know about maintenance. */
export interface SessionHostHooks {
  /** The service mode: sent to the session (`SERVICE.CHANGED`) at start and on every change; the session decides what passengers may do. */
  readonly service?: { readonly inService: boolean; onChange(listener: () => void): () => void };
  /** Called when the session enters (true) or leaves (false) maintenance mode. */
  readonly onMaintenance?: (active: boolean) => void;
}

/** What the runtime needs of the passenger flows: one running session actor. */
export interface SessionEngine {
  /** The screen as it stands now (the flows compute idle countdowns from their clock). */
  screen(): ScreenModel;
  /** Called after every transition. Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  send(event: KioskEvent): void;
  /** What to save so that a restart can resume (XState `getPersistedSnapshot()`); null: nothing worth keeping. */
  persisted(): unknown;
  stop(): void;
}

/** How often the screen is recomputed while nothing happens, for the visible countdowns. */
export const SCREEN_TICK_MS = 1000;

/**
 * Holds the session for the UI: numbers the screens, sends a new one only when it changed
 * (also on a once-a-second tick, for countdowns), stamps the screen a card caused with the
 * card event's time, and saves the session after every transition.
 */
export class SessionHost implements UiSessionPort {
  private seq = 0;
  private last: KioskScreenMessage;
  private lastJson: string;
  private pendingCause: number | null = null;
  private readonly listeners = new Set<(m: KioskScreenMessage) => void>();
  private unsubscribe: (() => void) | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private unsubscribeService: (() => void) | null = null;
  private maintenance = false;

  constructor(
    private readonly engine: SessionEngine,
    private readonly file: SessionFile | null,
    private readonly logger: Logger,
    private readonly hooks: SessionHostHooks = {},
  ) {
    if (hooks.service) engine.send({ type: 'SERVICE.CHANGED', inService: hooks.service.inService });
    const model = this.gated(engine.screen());
    this.last = { type: 'screen', seq: this.seq, model, causeAt: null };
    this.lastJson = JSON.stringify(model);
  }

  start(): void {
    this.unsubscribe = this.engine.subscribe(() => this.changed(true));
    this.ticker = setInterval(() => this.changed(false), SCREEN_TICK_MS);
    this.ticker.unref();
    const service = this.hooks.service;
    if (service) this.unsubscribeService = service.onChange(() => this.engine.send({ type: 'SERVICE.CHANGED', inService: service.inService }));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubscribeService?.();
    this.unsubscribeService = null;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  current(): KioskScreenMessage {
    return this.last;
  }

  onScreen(listener: (message: KioskScreenMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True while the session is in maintenance mode. */
  get inMaintenance(): boolean {
    return this.maintenance;
  }

  passengerEvent(event: PassengerEvent): void {
    this.engine.send({ type: 'TOUCH' });
    this.engine.send(event);
  }

  cardEvent(event: CardReaderEvent, at: number): void {
    const e = cardEventFromReader(event);
    if (!e) return;
    this.pendingCause = at;
    this.engine.send(e);
  }

  send(event: KioskEvent): void {
    this.engine.send(event);
  }

  /** Resolves when the latest session state is on disk. */
  async flush(): Promise<void> {
    await this.file?.flush();
  }

  private changed(transition: boolean): void {
    let model: ScreenModel;
    try {
      model = this.gated(this.engine.screen());
    } catch (e) {
      this.logger.error('screen model failed', { error: e instanceof Error ? e.stack : String(e) });
      return;
    }
    if (transition) this.save();
    const json = JSON.stringify(model);
    if (json === this.lastJson) return;
    this.lastJson = json;
    this.last = { type: 'screen', seq: ++this.seq, model, causeAt: this.pendingCause };
    this.pendingCause = null;
    for (const l of this.listeners) l(this.last);
  }

  /** Tracks maintenance mode (the out-of-service page is not a technician at work). */
  private gated(model: ScreenModel): ScreenModel {
    const maintenance = model.screen === 'maintenance' && model.page !== 'out-of-service';
    if (maintenance !== this.maintenance) {
      this.maintenance = maintenance;
      try {
        this.hooks.onMaintenance?.(maintenance);
      } catch (e) {
        this.logger.error('maintenance hook failed', { error: e instanceof Error ? e.message : String(e) });
      }
    }
    return model;
  }

  private save(): void {
    if (!this.file) return;
    try {
      const snapshot = this.engine.persisted();
      if (snapshot === null) {
        this.file.clear().catch((e: unknown) => this.logger.error('session file not cleared', { error: e instanceof Error ? e.message : String(e) }));
      } else {
        this.file.save({ snapshot, savedAt: Date.now() });
      }
    } catch (e) {
      this.logger.error('session not saved', { error: e instanceof Error ? e.message : String(e) });
    }
  }
}
