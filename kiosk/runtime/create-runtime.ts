import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CardSnapshot } from '../../shared/card.js';
import type { CardReaderService } from '../../shared/card-reader.js';
import type { ReceiptPrinter } from '../../shared/devices.js';
import { EscPosPrinter } from '../../driver/printer/escpos-printer.js';
import { ticketReceipt } from '../../driver/printer/ticket-receipt.js';
import { PcscCardReaderService } from '../../driver/pcsc/reader-service.js';
import { diagnose, shanghaiDate } from '../card/diagnose.js';
import type { KioskConfig } from '../config/index.js';
import { toScreenModel } from '../flows/screen-model.js';
import type { SessionOptions } from '../flows/session.js';
import { categoryLabel } from '../i18n/labels.js';
import { KioskStore } from '../store/index.js';
import { SyncClient, SyncWorker } from '../sync/index.js';
import { TicketService } from '../tickets/index.js';
import { DraftLedger } from './draft-ledger.js';
import { createFlowEngine } from './flow-engine.js';
import { createFlowPorts, noPrinter, printerPort } from './flow-ports.js';
import { KioskRuntime } from './kiosk-runtime.js';
import { createJsonLogger, type Logger } from './logger.js';
import { SessionFile } from './session-file.js';

/** The built UI, `dist/ui` at the project root. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../dist/ui', import.meta.url));

export interface CreateRuntimeOptions {
  readonly logger?: Logger;
  readonly staticDir?: string;
  /** A reader service to use instead of the PC/SC one (a benchmark feeding card events itself). */
  readonly cardReader?: CardReaderService;
  /** Whether to start the sync worker (default: yes). */
  readonly sync?: boolean;
  /** Extra session options (G's call flow, D's maintenance flow). */
  readonly session?: Partial<Pick<SessionOptions, 'videoEscalation' | 'maintenance'>>;
  readonly now?: () => number;
}

/**
 * The composition root: builds every part of the kiosk from its config (store, ticket service,
 * sync worker, card reader, printer, flows) and hands them to `KioskRuntime`. Nothing is
 * started here; call `start()` on the result.
 */
export async function createKioskRuntime(config: KioskConfig, options: CreateRuntimeOptions = {}): Promise<KioskRuntime> {
  const logger = options.logger ?? createJsonLogger('kiosk');
  const now = options.now ?? Date.now;
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });

  const store = await KioskStore.open({ path: join(dataDir, 'kiosk.sqlite'), now });
  try {
    const tickets = new TicketService(store, { kioskId: config.kioskId, kioskCode: config.kioskCode, stationId: config.stationId });
    const ledger = await DraftLedger.open(join(dataDir, 'ticket-drafts.json'));
    const sessionFile = new SessionFile(join(dataDir, 'session.json'));
    const saved = await sessionFile.load();
    if (!saved.ok) logger.warn('saved session unreadable; starting fresh', { reason: saved.reason });

    const printer: ReceiptPrinter | null = config.printerPath
      ? new EscPosPrinter({ criteria: { path: config.printerPath }, log: (line) => logger.info(line, { device: 'printer' }) })
      : null;
    const station = config.stationName;

    const ports = createFlowPorts({
      tickets,
      ledger,
      statusBaseUrl: config.central.url,
      printReceipt: printer
        ? printerPort(printer, (input) =>
            ticketReceipt({
              ticketId: input.ticketId,
              statusUrl: input.statusUrl,
              station,
              category: { zh: categoryLabel('zh', input.category), en: categoryLabel('en', input.category) },
              createdAt: input.createdAt,
            }),
          )
        : noPrinter(),
      diagnose: async (snapshot: CardSnapshot) => {
        const blocked = await tickets.blocked(snapshot.cardNumber);
        return diagnose(snapshot, {
          today: shanghaiDate(new Date(now())),
          stationCityCode: config.cityCode,
          lowBalanceThreshold: config.lowBalanceThreshold,
          blocklist: { get: (n) => (blocked && n === blocked.cardNumber ? blocked.reason : undefined) },
        });
      },
    });

    const engine = createFlowEngine({
      session: {
        clock: { now },
        ports,
        idleTimeoutMs: config.idleTimeoutSeconds * 1000,
        idleWarningMs: config.idleWarningSeconds * 1000,
        ...options.session,
      },
      toScreen: (snapshot) => toScreenModel(snapshot, now()),
      restored: saved.ok && saved.value ? saved.value.snapshot : null,
      logger,
    });

    const cardReader =
      options.cardReader ??
      new PcscCardReaderService({ readerName: config.readerName, log: (level, message) => logger[level](message, { component: 'card-reader' }) });

    const sync =
      options.sync === false
        ? null
        : new SyncWorker({ store, client: new SyncClient({ baseUrl: config.central.url, kioskId: config.kioskId, token: config.central.token }) });

    return new KioskRuntime({
      config,
      logger,
      cardReader,
      store,
      tickets,
      sync,
      printer,
      engine,
      sessionFile,
      staticDir: options.staticDir ?? DEFAULT_UI_DIR,
      now,
    });
  } catch (e) {
    await store.close();
    throw e;
  }
}
