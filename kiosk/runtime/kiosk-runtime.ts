import type { CardReaderService } from '../../shared/card-reader.js';
import type { ReceiptPrinter } from '../../shared/devices.js';
import type { KioskConfig } from '../config/index.js';
import type { KioskStore } from '../store/index.js';
import type { SyncWorker } from '../sync/index.js';
import type { TicketService } from '../tickets/index.js';
import { CardReaderBridge } from './hardware/card-reader-bridge.js';
import type { Logger } from './logger.js';
import type { DeviceInput, KioskDevices } from './hardware/devices.js';
import type { SessionEngine, SessionHostHooks } from './session/session-host.js';
import { SessionHost } from './session/session-host.js';
import { TechnicianGate, type CardApduChannel } from './hardware/technician-gate.js';
import type { SessionFile } from './session/session-file.js';
import { UiServer } from './browser/ui-server.js';

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
  /** Printer, cabinet, HID devices and the fault monitor (the printer above is one of them). */
  readonly devices?: KioskDevices | null;
  /** APDUs to the card in the field, for the technician card; null: no maintenance by card. */
  readonly cardChannel?: CardApduChannel | null;
  /** Out-of-service rule and maintenance notifications for the session host. */
  readonly hooks?: SessionHostHooks;
  /** Extra origins the kiosk page may connect to (central's `ws://` origin for call media). */
  readonly connectSrc?: readonly string[];
  /** The UI socket's per-boot key (`ui-key.ts`); a fresh one for this runtime when absent. */
  readonly uiKey?: string;
  /** Other parts started last and stopped first (maintenance registry, technician feed…). */
  readonly services?: readonly { readonly name: string; start?(): Promise<void> | void; stop(): Promise<void> | void }[];
}

/** What a help button asks for. */
const HELP_EVENTS = { information: { type: 'MENU.CALL' }, emergency: { type: 'CALL.EMERGENCY' } } as const;

/**
 * The kiosk runtime: one process that owns the hardware, the flows, the store and the UI
 * server. Each part gets its collaborators here and nowhere else; `stop()` takes everything
 * down in the reverse order and never throws.
 */
export class KioskRuntime {
  readonly host: SessionHost;
  readonly ui: UiServer;
  readonly technicianGate: TechnicianGate;
  private readonly bridge: CardReaderBridge;
  private unsubscribeDevices: (() => void) | null = null;
  private started = false;
  private stopping: Promise<void> | null = null;

  constructor(readonly parts: KioskRuntimeParts) {
    this.host = new SessionHost(parts.engine, parts.sessionFile, parts.logger, parts.hooks ?? {});
    this.technicianGate = new TechnicianGate(
      parts.cardChannel ?? null,
      (e) => this.host.send(e),
      ({ event, at }) => this.host.cardEvent(event, at),
      parts.logger,
    );
    this.bridge = new CardReaderBridge(parts.cardReader, parts.config.readerName, (e) => this.technicianGate.handle(e), parts.logger, parts.now);
    this.ui = new UiServer(this.host, {
      port: parts.config.ui.port,
      staticDir: parts.staticDir,
      info: { stationName: parts.config.stationName, kioskId: parts.config.kioskId },
      logger: parts.logger,
      connectSrc: parts.connectSrc ?? [],
      ...(parts.uiKey !== undefined ? { key: parts.uiKey } : {}),
    });
  }

  /** The kiosk page's URL (loopback). Opened as is, the page gets no screen: it has no key. */
  get url(): string {
    return this.ui.url;
  }

  /** The URL to open the kiosk browser on, with a one-time launch code for the UI key (see `UiServer.launchUrl`). */
  launchUrl(): string {
    return this.ui.launchUrl();
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
    if (this.parts.devices) {
      this.unsubscribeDevices = this.parts.devices.onInput((input) => this.deviceInput(input));
      await this.parts.devices.start();
    } else if (this.parts.printer) await this.parts.printer.start();
    this.parts.sync?.start();
    for (const s of this.parts.services ?? []) await s.start?.();
    logger.info('kiosk runtime started', { url: this.url, kioskId: this.parts.config.kioskId });
  }

  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  /** Device inputs as session events; the session decides what they do (kiosk/flows/session.ts). */
  private deviceInput(input: DeviceInput): void {
    this.host.send(input.type === 'scan' ? { type: 'SCAN.CODE', code: input.code } : HELP_EVENTS[input.button]);
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
    for (const s of [...(this.parts.services ?? [])].reverse()) await step(s.name, () => s.stop());
    await step('card bridge', () => this.bridge.stop());
    await step('card reader', () => this.parts.cardReader.stop());
    await step('ui server', () => this.ui.stop());
    await step('session', async () => {
      this.host.stop();
      await this.host.flush();
      this.parts.engine.stop();
    });
    await step('sync', () => this.parts.sync?.stop());
    this.unsubscribeDevices?.();
    if (this.parts.devices) await step('devices', () => this.parts.devices?.stop());
    else await step('printer', () => this.parts.printer?.stop());
    await step('store', () => this.parts.store.close());
    logger.info('kiosk runtime stopped');
  }
}
