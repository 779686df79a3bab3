import type { CardReaderService } from '../../shared/card-reader.js';
import type { ReceiptPrinter } from '../../shared/devices.js';
import type { KioskConfig } from '../config/index.js';
import type { KioskStore } from '../store/index.js';
import type { SyncWorker } from '../sync/index.js';
import type { TicketService } from '../tickets/index.js';
import { CardReaderBridge } from './card-reader-bridge.js';
import type { Logger } from './logger.js';
import type { SessionEngine } from './session-host.js';
import { SessionHost } from './session-host.js';
import type { SessionFile } from './session-file.js';
import { UiServer } from './ui-server.js';

/** Everything the runtime is made of, built by `createKioskRuntime` (or by a test). */
export interface KioskRuntimeParts {
  readonly config: KioskConfig;
  readonly logger: Logger;
  readonly cardReader: CardReaderService;
  readonly store: KioskStore;
  readonly tickets: TicketService;
  /** null: no central configured (offline kiosk); tickets wait in the outbox. */
  readonly sync: SyncWorker | null;
  readonly printer: ReceiptPrinter | null;
  readonly engine: SessionEngine;
  readonly sessionFile: SessionFile | null;
  /** Folder of the built UI. */
  readonly staticDir: string;
  /** Wall clock for stamping card events (epoch ms). */
  readonly now?: () => number;
}

/**
 * The kiosk runtime: one process that owns the hardware, the flows, the store and the UI
 * server. Each part gets its collaborators here and nowhere else; `stop()` takes everything
 * down in the reverse order and never throws.
 */
export class KioskRuntime {
  readonly host: SessionHost;
  readonly ui: UiServer;
  private readonly bridge: CardReaderBridge;
  private started = false;
  private stopping: Promise<void> | null = null;

  constructor(readonly parts: KioskRuntimeParts) {
    this.host = new SessionHost(parts.engine, parts.sessionFile, parts.logger);
    this.bridge = new CardReaderBridge(parts.cardReader, parts.config.readerName, ({ event, at }) => this.host.cardEvent(event, at), parts.logger, parts.now);
    this.ui = new UiServer(this.host, {
      port: parts.config.ui.port,
      staticDir: parts.staticDir,
      info: { stationName: parts.config.stationName, kioskId: parts.config.kioskId },
      logger: parts.logger,
    });
  }

  /** The kiosk page's URL (loopback). */
  get url(): string {
    return this.ui.url;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { logger } = this.parts;
    this.host.start();
    await this.ui.start();
    this.bridge.start();
    await this.parts.cardReader.start();
    logger.info('card reader', { health: this.parts.cardReader.health() });
    if (this.parts.printer) await this.parts.printer.start();
    this.parts.sync?.start();
    logger.info('kiosk runtime started', { url: this.url, kioskId: this.parts.config.kioskId });
  }

  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    const { logger } = this.parts;
    const step = async (name: string, fn: () => Promise<void> | void) => {
      try {
        await fn();
      } catch (e) {
        logger.error(`stopping ${name} failed`, { error: e instanceof Error ? e.message : String(e) });
      }
    };
    await step('card bridge', () => this.bridge.stop());
    await step('card reader', () => this.parts.cardReader.stop());
    await step('ui server', () => this.ui.stop());
    await step('session', async () => {
      this.host.stop();
      await this.host.flush();
      this.parts.engine.stop();
    });
    await step('sync', () => this.parts.sync?.stop());
    await step('printer', () => this.parts.printer?.stop());
    await step('store', () => this.parts.store.close());
    logger.info('kiosk runtime stopped');
  }
}
