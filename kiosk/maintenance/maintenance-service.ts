import type { CardReaderHealth } from '../../shared/card-reader.js';
import type { DeviceHealth } from '../../shared/devices.js';
import type {
  ConfigLineView,
  DeviceStatusLine,
  MaintenanceStatus,
  NetworkStatusView,
  SelfTestFacts,
  SelfTestName,
  SelfTestResult,
} from '../../shared/maintenance-protocol.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { OutboxActionError, OutboxEntry, OutboxStats } from '../store/outbox-types.js';
import type { RecentLog } from './log-buffer.js';
import type { ServiceModeStore } from './service-mode.js';

/** The technician whose session an action belongs to. */
export interface TechnicianActor {
  readonly sessionId: string;
  readonly technicianId: string;
}

/** What one self-test found; the service stamps and audits it. */
export interface SelfTestOutcome {
  readonly ok: boolean;
  readonly code: string;
  /** English, for the log and the audit. */
  readonly detail: string;
  readonly facts?: SelfTestFacts;
}

export type SelfTest = () => Promise<SelfTestOutcome>;

/** The sync worker as the service sees it (kiosk/sync `SyncHealth`). */
export interface SyncHealthView {
  readonly state: string;
  readonly lastFault: { readonly code: string; readonly message: string } | null;
  readonly consecutiveFailures: number;
}

export interface MaintenanceServiceDeps {
  /** Audits an action of the technician's session (the authenticator's `recordAction`). */
  readonly recordAction: (actor: TechnicianActor, action: string, detail: string | null) => Promise<unknown>;
  readonly devices: readonly { readonly name: string; health(): DeviceHealth }[];
  readonly cardReader: { health(): CardReaderHealth } | null;
  readonly outbox: {
    stats(): Promise<OutboxStats>;
    list(options: { states?: readonly OutboxEntry['state'][]; limit?: number }): Promise<OutboxEntry[]>;
    retry(seq: number, actor: string): Promise<Result<OutboxEntry, OutboxActionError>>;
    discard(seq: number, actor: string, note: string): Promise<Result<OutboxEntry, OutboxActionError>>;
  };
  readonly syncHealth: () => SyncHealthView | null;
  /** `GET /v1/health` of central; resolves false when unreachable. */
  readonly probeCentral: (() => Promise<boolean>) | null;
  readonly centralUrl: string | null;
  /** The configuration in force (local file merged with what central sent). */
  readonly config: () => Promise<Readonly<Record<string, unknown>>>;
  readonly log: RecentLog;
  readonly serviceMode: ServiceModeStore;
  readonly selfTests: Partial<Record<SelfTestName, SelfTest>>;
  readonly now: () => Date;
}

const SECRET_KEY = /token|secret|key|password|pin/i;
const REJECTED_SHOWN = 20;
const LOG_SHOWN = 100;

/** One line per reader present (card reader 1, 2… with its PC/SC name as the detail), or one line for why there is none. */
function readerLines(h: CardReaderHealth): DeviceStatusLine[] {
  switch (h.state) {
    case 'ok':
      return h.readers.map((name, i) => ({ device: 'card-reader', unit: i + 1, state: 'ok', code: null, detail: name, since: null }));
    case 'no-reader':
      return [{ device: 'card-reader', state: 'absent', code: 'no-reader', detail: null, since: h.since }];
    case 'pcscd-down':
      return [{ device: 'card-reader', state: 'fault', code: 'pcscd-down', detail: h.detail, since: h.since }];
  }
}

function configLines(config: Readonly<Record<string, unknown>>, prefix = ''): ConfigLineView[] {
  return Object.entries(config).flatMap(([k, v]): ConfigLineView[] => {
    const key = prefix + k;
    if (SECRET_KEY.test(k)) return [{ key, value: '••••' }];
    if (v && typeof v === 'object' && !Array.isArray(v)) return configLines(v as Record<string, unknown>, `${key}.`);
    return [{ key, value: JSON.stringify(v) ?? 'null' }];
  });
}

/**
 * What the maintenance screens show and the actions they offer, composed from injected ports:
 * device health, card reader, outbox, sync worker, central probe, configuration, the redacted
 * log and the service mode. Every action is audited under the technician's session.
 */
export class MaintenanceService {
  constructor(private readonly deps: MaintenanceServiceDeps) {}

  async collect(): Promise<MaintenanceStatus> {
    const d = this.deps;
    const [stats, rejected, mode, config, reachable] = await Promise.all([
      d.outbox.stats(),
      d.outbox.list({ states: ['rejected'], limit: 500 }),
      d.serviceMode.get(),
      d.config(),
      d.probeCentral ? d.probeCentral().catch(() => false) : Promise.resolve(null),
    ]);
    const sync = d.syncHealth();
    const network: NetworkStatusView = {
      sync: sync?.state ?? 'unknown',
      lastFault: sync?.lastFault ? `${sync.lastFault.code}: ${sync.lastFault.message}` : null,
      consecutiveFailures: sync?.consecutiveFailures ?? 0,
      centralReachable: reachable,
      centralUrl: d.centralUrl,
      clockOffsetMs: stats.clockOffsetMs,
    };
    return {
      collectedAt: d.now().toISOString(),
      inService: mode.inService,
      devices: [
        ...(d.cardReader ? readerLines(d.cardReader.health()) : []),
        ...d.devices.map((device) => {
          const h = device.health();
          return { device: device.name, state: h.state, code: h.code, detail: h.detail, since: h.since };
        }),
      ],
      outbox: {
        depth: stats.depth,
        inFlight: stats.inFlight,
        oldestPendingAt: stats.oldestPendingAt,
        acked: stats.acked,
        rejected: stats.rejected,
        discarded: stats.discarded,
        lastSuccessfulSyncAt: stats.lastSuccessfulSyncAt,
        lastDownSyncAt: stats.lastDownSyncAt,
        rejectedItems: rejected
          .sort((a, b) => b.seq - a.seq)
          .slice(0, REJECTED_SHOWN)
          .map((e) => ({ seq: e.seq, kind: e.kind, code: e.rejectCode, reason: e.rejectReason, createdAt: e.createdAt })),
      },
      network,
      log: d.log.recent(LOG_SHOWN),
      config: configLines(config),
    };
  }

  async runSelfTest(actor: TechnicianActor, test: SelfTestName): Promise<SelfTestResult> {
    const run = this.deps.selfTests[test];
    let outcome: SelfTestOutcome;
    try {
      outcome = run ? await run() : { ok: false, code: 'not-installed', detail: 'no such device on this kiosk' };
    } catch (e) {
      this.deps.log.add('error', `self-test ${test} failed`, { error: e instanceof Error ? e.message : String(e) });
      outcome = { ok: false, code: 'test-error', detail: 'the test could not run; see the log' };
    }
    await this.deps.recordAction(actor, `self-test.${test}`, `${outcome.ok ? 'ok' : 'failed'}: ${outcome.code}`);
    return { test, ...outcome, at: this.deps.now().toISOString() };
  }

  async outboxAction(actor: TechnicianActor, action: 'retry' | 'discard', seq: number): Promise<Result<void, { readonly code: string }>> {
    const r =
      action === 'retry'
        ? await this.deps.outbox.retry(seq, actor.technicianId)
        : await this.deps.outbox.discard(seq, actor.technicianId, `discarded in maintenance session ${actor.sessionId}`);
    await this.deps.recordAction(actor, `outbox-${action}`, `seq ${seq}: ${r.ok ? 'done' : r.error.code}`);
    return r.ok ? ok(undefined) : err({ code: r.error.code });
  }

  async setInService(actor: TechnicianActor, inService: boolean): Promise<Result<void, { readonly code: string }>> {
    try {
      await this.deps.serviceMode.set({ inService, changedAt: this.deps.now().toISOString(), changedBy: actor.technicianId });
    } catch (e) {
      this.deps.log.add('error', 'service mode not saved', { error: e instanceof Error ? e.message : String(e) });
      return err({ code: 'service-mode-not-saved' });
    }
    await this.deps.recordAction(actor, inService ? 'back-in-service' : 'out-of-service', null);
    return ok(undefined);
  }
}
