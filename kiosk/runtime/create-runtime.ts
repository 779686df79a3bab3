import { join, resolve } from 'node:path';
import type { CardReaderService } from '../../shared/card-reader.js';
import type { ReceiptPrinter } from '../../shared/devices.js';
import { EscPosPrinter } from '../../driver/printer/escpos-printer.js';
import { systemSerialBinding } from '../../driver/serial/binding.js';
import { ticketReceipt } from '../../driver/printer/ticket-receipt.js';
import { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import { UI_DIR } from '../appliance/app-layout.js';
import { StorageGuard } from '../appliance/storage-guard.js';
import type { DeviceHealth } from '../../shared/devices.js';
import type { KioskConfig } from '../config/index.js';
import { FaultMonitor } from '../fault-monitor/fault-monitor.js';
import { homeFamilyOf } from '../diagnosis/acceptance.js';
import { faultPortsFromTicketService } from '../fault-monitor/ticket-service-port.js';
import { RecentLog } from '../maintenance/log-buffer.js';
import { FileServiceModeStore } from '../maintenance/service-mode.js';
import { toScreenModel } from '../flows/screen-model.js';
import { createKioskSessionMachine } from '../flows/kiosk-flows.js';
import { categoryLabel } from '../i18n/labels.js';
import { KioskStore } from '../store/index.js';
import { SyncClient, SyncWorker } from '../sync/index.js';
import { TicketService } from '../tickets/index.js';
import { AlarmWatch } from './effects/alarm-wiring.js';
import { callEffects } from './effects/call-wiring.js';
import type { AlarmStatusEvent } from '../flows/emergency.js';
import { cabinetFor, hidDevicesFor, hidTransportFor, KioskDevices } from './hardware/devices.js';
import { createFlowEngine } from './session/flow-engine.js';
import { createFlowPorts, noPrinter, printerPort } from './effects/flow-ports.js';
import { KioskRuntime } from './kiosk-runtime.js';
import { createJsonLogger, type Logger } from './logger.js';
import { wireMaintenance, type MaintenanceWiring } from './effects/maintenance-wiring.js';
import { ServiceGate } from './session/service-gate.js';
import { SessionFile, type SavedSession } from './session/session-file.js';
import { PERSISTED_SESSION_FORMAT, restoreSession } from '../flows/persistence.js';
import type { CardApduChannel } from './hardware/technician-gate.js';
import { bootUiKey } from './browser/ui-key.js';
import { ownerOnlyDir } from '../store/owner-only.js';
import { checkRemoteSettings } from '../../shared/kiosk-config.js';
import { fileSettings, LiveSettings } from '../config/remote-settings.js';
import type { SessionEngine } from './session/session-host.js';

/** The built UI, `dist/ui` at the project root. */
export const DEFAULT_UI_DIR = UI_DIR;

/**
 * How long a ticket lookup waits for a sync cycle with central (one round trip up, one down on a
 * working network) before it reads the local cache as it is; offline it does not wait.
 */
const TICKET_LOOKUP_SYNC_WAIT_MS = 2_500;

export interface CreateRuntimeOptions {
  readonly logger?: Logger;
  readonly staticDir?: string;
  /** A reader service to use instead of the PC/SC one (a benchmark feeding card events itself). */
  readonly cardReader?: CardReaderService;
  /** APDUs to the card in the field (technician card); defaults to the PC/SC service's own when it has one. */
  readonly cardChannel?: CardApduChannel | null;
  /** Whether to run the fault monitor (default: yes). */
  readonly faultMonitor?: boolean;
  /** Settings of the call flow (tests shorten the media deadline). */
  readonly call?: { readonly mediaTimeoutMs?: number; readonly connectTimeoutMs?: number };
  /** While an emergency alarm is open: how often to sync (default 2 s). */
  readonly alarmPollMs?: number;
  /** Whether to start the sync worker (default: yes). */
  readonly sync?: boolean;
  readonly now?: () => number;
  /** Started with `--demo`: a configuration from central may point the ticket page at a loopback address. */
  readonly demo?: boolean;
}

/**
 * The composition root: builds every part of the kiosk from its config (store, ticket service,
 * sync worker, card reader, printer, flows) and hands them to `KioskRuntime`. Nothing is
 * started here; call `start()` on the result.
 */
export async function createKioskRuntime(config: KioskConfig, options: CreateRuntimeOptions = {}): Promise<KioskRuntime> {
  const recentLog = new RecentLog();
  const logger = recentLog.tee(options.logger ?? createJsonLogger('kiosk'));
  const now = options.now ?? Date.now;
  const dataDir = resolve(config.dataDir);
  await ownerOnlyDir(dataDir);
  const uiKey = await bootUiKey(dataDir);

  const store = await KioskStore.open({ path: join(dataDir, 'kiosk.sqlite'), now });
  let maintenance: MaintenanceWiring | null = null;
  const hidTransport = await hidTransportFor(config.hid, logger);
  try {
    // Free space on the data folder: a full disk refuses new tickets and raises a `storage` device fault.
    let onStorage: (health: DeviceHealth) => void = () => undefined;
    const storage = new StorageGuard({ dir: dataDir, onChange: (h) => onStorage(h) });
    const tickets = new TicketService(store, { kioskId: config.kioskId, kioskCode: config.kioskCode, stationId: config.stationId, stationName: config.stationName, location: config.location }, { storage });
    const sessionFile = new SessionFile(join(dataDir, 'session.json'));
    const saved = await sessionFile.load();
    if (!saved.ok) logger.warn('saved session unreadable; starting fresh', { reason: saved.reason });
    const serviceGate = new ServiceGate(new FileServiceModeStore(join(dataDir, 'service-mode.json')));
    await serviceGate.load();

    // Remote configuration: the last good one from central over the file's values; newer ones wait for the start screen.
    const base = fileSettings(config);
    const rules = { allowLoopbackPublicUrl: options.demo === true };
    store.caches.useConfigBase(base, rules);
    const cached = checkRemoteSettings(await store.caches.config(), base, rules);
    if (!cached.ok) logger.warn('stored configuration from central does not fit this config file; using the file', { problems: cached.problems });
    let engineRef: SessionEngine | null = null;
    const live = new LiveSettings(config, cached.ok ? cached.settings : {}, cached.ok ? (await store.caches.configState()).version : null, (version, settings) => {
      logger.info('configuration from central in use', { version });
      // The start screen was drawn in the previous default language: show it in the new one.
      const screen = engineRef?.screen();
      if (screen?.screen === 'attract' && screen.chrome.language !== settings.defaultLanguage) engineRef?.send({ type: 'LANG.SET', language: settings.defaultLanguage });
    });
    const unsubscribeConfig = store.caches.onConfig((o) => {
      if (o.kind === 'taken') live.offer(o.version, o.settings);
      else logger.warn('configuration from central refused; the last good one stays', { version: o.version, problems: o.problems });
    });

    // The serial devices' binding is chosen here, once: the operating system's ports.
    const serialBinding = systemSerialBinding();

    const printer: ReceiptPrinter | null = config.printerPath
      ? new EscPosPrinter({ criteria: { path: config.printerPath }, binding: serialBinding, log: (line) => logger.info(line, { device: 'printer' }) })
      : null;
    const cabinet = cabinetFor(config.cabinetPath, serialBinding, logger);
    const hid = hidDevicesFor(hidTransport, logger);
    const station = config.stationName;

    const syncClient = options.sync === false ? null : new SyncClient({ baseUrl: config.central.url, kioskId: config.kioskId, token: config.central.token });
    const sync = syncClient ? new SyncWorker({ store, client: syncClient }) : null;

    const ports = createFlowPorts({
      tickets,
      // A passenger asking for a ticket's status sees a staff reply made a moment ago.
      ...(sync ? { freshen: () => sync.freshen(TICKET_LOOKUP_SYNC_WAIT_MS) } : {}),
      // Read when a ticket is made: a publicBaseUrl from central applies from the next session on.
      get statusBaseUrl() {
        return live.current.ticketPageBase;
      },
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
    });

    const supervised =
      options.cardReader === undefined
        ? new SupervisedCardReaderService({ readerName: config.readerName, homeFamily: homeFamilyOf(config.cityCode), log: (level, message) => logger[level](message, { component: 'card-reader' }) })
        : null;
    const cardReader: CardReaderService = options.cardReader ?? supervised!;
    const cardChannel: CardApduChannel | null = options.cardChannel !== undefined ? options.cardChannel : cardReader;

    const monitor =
      options.faultMonitor === false
        ? null
        : new FaultMonitor(faultPortsFromTicketService(tickets, () => new Date(now()), (line) => logger.info(line, { component: 'fault-monitor' })));
    onStorage = (h) => monitor?.observeDevice('storage', h);
    const devices = new KioskDevices({
      printer,
      cabinet,
      hid,
      hidTransport,
      cardReader,
      monitor,
      backlog: async () => {
        const stats = await store.outbox.stats();
        return { oldestPendingAt: stats.oldestPendingAt, clockOffsetMs: stats.clockOffsetMs };
      },
      logger,
    });

    let runtime: KioskRuntime | null = null;
    maintenance = await wireMaintenance({
      config,
      dataDir,
      store,
      tickets,
      cardReader,
      devices: () => devices,
      printer,
      hid,
      sync,
      syncClient,
      recentLog,
      serviceMode: serviceGate,
      cardInField: () => runtime?.technicianGate.cardInField() ?? null,
      now,
    });

    let sendToSession: (event: AlarmStatusEvent) => void = () => undefined;
    const alarms = new AlarmWatch({
      tickets,
      store,
      sync,
      logger,
      send: (e) => sendToSession(e),
      acknowledgements: (l) => store.caches.onAlarm(l),
      ...(options.alarmPollMs !== undefined ? { pollMs: options.alarmPollMs } : {}),
    });
    const call = callEffects({
      config,
      tickets,
      raiseAlarm: alarms.raise,
      health: () => devices.health(),
      logger,
      ...(options.call?.connectTimeoutMs !== undefined ? { settings: { connectTimeoutMs: options.call.connectTimeoutMs } } : {}),
    });
    const mediaTimeoutMs = options.call?.mediaTimeoutMs;

    const engine = createFlowEngine({
      machine: createKioskSessionMachine(
        {
          clock: { now },
          // Read when used, so that a configuration from central applies from the next countdown / session on.
          get idleTimeoutMs() {
            return live.current.idleTimeoutSeconds * 1000;
          },
          get idleWarningMs() {
            return live.current.idleWarningSeconds * 1000;
          },
          get defaultLanguage() {
            return live.current.defaultLanguage;
          },
          get languages() {
            return live.current.languages;
          },
          stationStaff: () => live.current.stationStaff,
          diagnosis: {
            stationCityCode: config.cityCode,
            get lowBalanceThreshold() {
              return live.current.lowBalanceThreshold;
            },
            get acceptedCards() {
              return live.current.acceptedCards;
            },
          },
          ...(mediaTimeoutMs !== undefined ? { call: { mediaTimeoutMs } } : {}),
        },
        { passenger: ports, call, maintenance: maintenance.ports },
      ),
      toScreen: (snapshot) => toScreenModel(snapshot, now(), { languages: live.current.languages }),
      restored: restoredSnapshot(saved.ok ? saved.value : null, now(), live.current, logger),
      logger,
    });
    engineRef = engine;
    sendToSession = (e) => engine.send(e);
    live.attach({ isIdle: () => engine.screen().screen === 'attract', subscribe: (l) => engine.subscribe(l) });

    const wiring = maintenance;
    runtime = new KioskRuntime({
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
      devices,
      cardChannel,
      hooks: { service: serviceGate, onMaintenance: (active) => devices.setMaintenance(active) },
      connectSrc: [wsOrigin(config.central.url)],
      uiKey,
      services: [
        { name: 'storage guard', start: () => storage.start(), stop: () => storage.stop() },
        { name: 'maintenance', stop: () => wiring.close() },
        { name: 'emergency alarms', stop: () => alarms.stop() },
        {
          name: 'remote settings',
          stop: () => {
            unsubscribeConfig();
            live.detach();
          },
        },
      ],
    });
    return runtime;
  } catch (e) {
    await maintenance?.close().catch(() => undefined);
    await (hidTransport as { close?: () => Promise<void> } | null)?.close?.().catch(() => undefined);
    await store.close();
    throw e;
  }
}

/** `ws://host:port` (or `wss://`) of an http(s) URL: what the page's CSP must allow for call media. */
export function wsOrigin(httpUrl: string): string {
  const u = new URL(httpUrl);
  return `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`;
}

/**
 * The flows' restart rule (`restoreSession`): only a report in progress is resumed (behind the
 * idle warning, or its submission finished); anything else starts fresh at the attract screen.
 */
function restoredSnapshot(saved: SavedSession | null, at: number, config: Pick<KioskConfig, 'idleTimeoutSeconds' | 'idleWarningSeconds'>, logger: Logger): unknown {
  const outcome = restoreSession(saved ? { format: PERSISTED_SESSION_FORMAT, savedAt: saved.savedAt, snapshot: saved.snapshot } : null, at, {
    idleTimeoutMs: config.idleTimeoutSeconds * 1000,
    idleWarningMs: config.idleWarningSeconds * 1000,
  });
  if (outcome.kind === 'fresh') {
    if (outcome.reason !== 'nothing-saved') logger.info('saved session not resumed', { reason: outcome.reason });
    return null;
  }
  logger.info('saved session resumed', { state: outcome.state });
  return outcome.snapshot;
}
