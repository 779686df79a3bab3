import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CardReaderService } from '../../../shared/card-reader.js';
import type { HidDevices } from '../../../driver/hid/hid-devices.js';
import type { ReceiptPrinter } from '../../../shared/devices.js';
import type { KioskConfig } from '../../config/index.js';
import type { MaintenancePorts } from '../../flows/maintenance-ports.js';
import { TechnicianAuthenticator } from '../../maintenance/auth/technician-auth.js';
import { maintenancePorts, recordActionWith, type CardInField } from '../../maintenance/flow-ports.js';
import type { RecentLog } from '../../maintenance/log-buffer.js';
import { MaintenanceService, type SelfTest } from '../../maintenance/maintenance-service.js';
import { cardReaderSelfTest, helpButtonsSelfTest, printerSelfTest, scannerSelfTest } from '../../maintenance/self-tests.js';
import type { ServiceModeStore } from '../../maintenance/service-mode.js';
import { StoreTechnicianRegistry } from '../../maintenance/technician-registry.js';
import type { KioskStore } from '../../store/index.js';
import type { SyncClient, SyncWorker } from '../../sync/index.js';
import type { TicketService } from '../../tickets/index.js';
import type { KioskDevices } from '../hardware/devices.js';

export interface MaintenanceWiringDeps {
  readonly config: KioskConfig;
  readonly dataDir: string;
  readonly store: KioskStore;
  readonly tickets: TicketService;
  readonly cardReader: CardReaderService;
  readonly devices: () => KioskDevices;
  readonly printer: ReceiptPrinter | null;
  readonly hid: HidDevices | null;
  readonly sync: SyncWorker | null;
  readonly syncClient: SyncClient | null;
  readonly recentLog: RecentLog;
  readonly serviceMode: ServiceModeStore;
  readonly cardInField: () => CardInField | null;
  readonly now: () => number;
}

/** Maintenance mode's effects, built from the runtime's parts (docs/maintenance.md, "Wiring"). */
export interface MaintenanceWiring {
  /** The maintenance flow's effects (`KioskEffects.maintenance`). */
  readonly ports: MaintenancePorts;
  readonly registry: StoreTechnicianRegistry;
  readonly service: MaintenanceService;
  close(): Promise<void>;
}

export async function wireMaintenance(deps: MaintenanceWiringDeps): Promise<MaintenanceWiring> {
  const { config, tickets } = deps;
  const now = () => new Date(deps.now());
  await removeTechnicianSecretFiles(deps.dataDir);
  const registry = new StoreTechnicianRegistry(deps.store.caches);
  const auth = new TechnicianAuthenticator({
    registry,
    recordAudit: (e) => tickets.recordAudit(e),
    now,
  });
  const selfTests: Partial<Record<'printer' | 'card-reader' | 'scanner' | 'help-buttons', SelfTest>> = {
    'card-reader': cardReaderSelfTest((l) => deps.cardReader.subscribe(l)),
  };
  if (deps.printer) selfTests.printer = printerSelfTest(deps.printer, config.kioskId, now);
  const hid = deps.hid;
  if (hid) {
    selfTests.scanner = scannerSelfTest((l) => hid.subscribe(l));
    selfTests['help-buttons'] = helpButtonsSelfTest((l) => hid.subscribe(l), ['information', 'emergency']);
  }
  const client = deps.syncClient;
  const service = new MaintenanceService({
    recordAction: recordActionWith(auth),
    devices: [
      { name: 'printer', present: deps.printer !== null },
      { name: 'cabinet', present: config.cabinetPath !== null },
      { name: 'qr-scanner', present: hid !== null },
      { name: 'help-buttons', present: hid !== null },
    ]
      .filter((d) => d.present)
      .map((d) => ({ name: d.name, health: () => deps.devices().health()[d.name] ?? { state: 'absent' as const, code: 'not-configured', detail: null, since: now().toISOString() } })),
    cardReader: deps.cardReader,
    outbox: deps.store.outbox,
    syncHealth: () => deps.sync?.status() ?? null,
    probeCentral: client ? () => client.health(AbortSignal.timeout(5_000)).then((r) => r.ok) : null,
    centralUrl: config.central.url,
    config: async () => ({ ...config, ...(await deps.store.caches.config()) }),
    log: deps.recentLog,
    serviceMode: deps.serviceMode,
    selfTests,
    now,
  });
  const ports = maintenancePorts({ auth, service, cardInField: deps.cardInField });
  return { ports, registry, service, close: () => Promise.resolve() };
}

/**
 * Files of the earlier technician scheme: a registry holding every technician's card key and PIN
 * hash, and a kiosk-side lockout count (the card counts wrong PINs now). Deleted at start.
 */
const TECHNICIAN_SECRET_FILES = ['technicians.sqlite', 'technicians.sqlite-wal', 'technicians.sqlite-shm', 'technician-lockouts.json'];

export async function removeTechnicianSecretFiles(dataDir: string): Promise<void> {
  for (const f of TECHNICIAN_SECRET_FILES) await rm(join(dataDir, f), { force: true });
}
