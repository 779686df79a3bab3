import type { CardReaderEvent, CardReaderService } from '../../../shared/card-reader.js';
import type { Logger } from '../logger.js';

/** A card-reader event as the runtime hands it on: stamped with the wall-clock time it arrived. */
export interface StampedCardEvent {
  readonly event: CardReaderEvent;
  /** Epoch ms when the runtime received it; carried to the UI to measure tap-to-paint. */
  readonly at: number;
}

/**
 * Feeds the card-reader service's events to the session, from the one configured reader (or
 * from every reader when none is named). Reader arrivals and departures are logged for the
 * technician whatever the filter.
 */
export class CardReaderBridge {
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly service: CardReaderService,
    private readonly readerName: string | null,
    private readonly sink: (e: StampedCardEvent) => void,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.unsubscribe = this.service.subscribe((event) => {
      if (event.type === 'reader-added' || event.type === 'reader-removed') {
        this.logger.info(event.type, { reader: event.reader, ...(event.type === 'reader-removed' ? { reason: event.reason } : {}) });
      }
      if (this.readerName !== null && event.reader !== this.readerName) return;
      this.sink({ event, at: this.now() });
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
