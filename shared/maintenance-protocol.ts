/**
 * What the maintenance screens show and what a technician's taps send back. The runtime builds
 * a {@link MaintenanceView} from the maintenance flow's context (kiosk/flows/maintenance.ts); the
 * UI renders it (kiosk/ui/maintenance/). Nothing here carries a passenger's personal data: log
 * lines are redacted before they reach a view, outbox rows are shown by kind and seq only.
 */
import type { CardFamily } from './card.js';
import type { HelpButton } from './devices.js';

export const MAINTENANCE_PAGES = ['devices', 'outbox', 'network', 'log', 'config'] as const;
export type MaintenancePage = (typeof MAINTENANCE_PAGES)[number];

export const SELF_TESTS = ['card-reader', 'printer', 'scanner', 'help-buttons'] as const;
/** The device self-tests a technician can run from the devices page. */
export type SelfTestName = (typeof SELF_TESTS)[number];

export type DeviceState = 'ok' | 'degraded' | 'fault' | 'absent' | 'unknown';

export interface DeviceStatusLine {
  /** `card-reader`, `printer`, `cabinet`, `qr-scanner`, `help-buttons`. */
  readonly device: string;
  /** Which one of several of a kind, from 1 (card reader 1, card reader 2); absent for a device the kiosk has once. Its raw name is then `detail`. */
  readonly unit?: number;
  readonly state: DeviceState;
  readonly code: string | null;
  readonly detail: string | null;
  /** ISO 8601, since when the device is in this state; null when unknown. */
  readonly since: string | null;
}

/** What a self-test found beside its outcome code, for the screen to say in the technician's language. */
export interface SelfTestFacts {
  /** The card family read (never its number). */
  readonly family?: CardFamily;
  /** The PC/SC name of the reader the card was on, as the devices page lists it. */
  readonly reader?: string;
  /** How many characters a test code held, and its symbology when the scanner tells it. */
  readonly characters?: number;
  readonly symbology?: string | null;
  /** The help buttons pressed during the test, and those it waited for. */
  readonly pressed?: readonly HelpButton[];
  readonly expected?: readonly HelpButton[];
}

export interface SelfTestResult {
  readonly test: SelfTestName;
  readonly ok: boolean;
  /** Machine-readable outcome, e.g. `printed`, `paper-out`, `no-card`, `timeout`: the screen says it in words. */
  readonly code: string;
  /** One English line for the log and the audit, e.g. "read a t-union card on …"; the screen shows it only beside an outcome it has no words for. */
  readonly detail: string;
  readonly facts?: SelfTestFacts;
  /** ISO 8601. */
  readonly at: string;
}

/** A rejected outbox row as a technician sees it: no payload. */
export interface RejectedItemLine {
  readonly seq: number;
  readonly kind: string;
  readonly code: string | null;
  readonly reason: string | null;
  readonly createdAt: string;
}

export interface OutboxStatusView {
  /** Rows still to deliver: pending + in-flight. */
  readonly depth: number;
  readonly inFlight: number;
  /** Kiosk time of the oldest row still to deliver. */
  readonly oldestPendingAt: string | null;
  readonly acked: number;
  readonly rejected: number;
  readonly discarded: number;
  /** Kiosk time of the last batch central acknowledged. */
  readonly lastSuccessfulSyncAt: string | null;
  /** Kiosk time of the last successful down-sync. */
  readonly lastDownSyncAt: string | null;
  /** The most recent rejected rows, newest first. */
  readonly rejectedItems: readonly RejectedItemLine[];
}

export interface NetworkStatusView {
  /** The sync worker's state: `starting`, `online`, `offline`, `config-fault`, `stopped`, or `unknown`. */
  readonly sync: string;
  readonly lastFault: string | null;
  readonly consecutiveFailures: number;
  /** Result of a `/v1/health` probe made while collecting; null when not probed. */
  readonly centralReachable: boolean | null;
  readonly centralUrl: string | null;
  /** Central clock minus kiosk clock, ms; null before the first exchange. */
  readonly clockOffsetMs: number | null;
}

export interface LogLineView {
  readonly at: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** Already redacted: no card numbers, phone numbers or UIDs. */
  readonly text: string;
}

export interface ConfigLineView {
  readonly key: string;
  /** JSON of the value; secrets (tokens, keys) shown as `••••`. */
  readonly value: string;
}

/** Everything the maintenance pages show, collected by `MaintenanceService.collect()`. */
export interface MaintenanceStatus {
  readonly collectedAt: string;
  readonly inService: boolean;
  readonly devices: readonly DeviceStatusLine[];
  readonly outbox: OutboxStatusView;
  readonly network: NetworkStatusView;
  readonly log: readonly LogLineView[];
  readonly config: readonly ConfigLineView[];
}

/** Why the technician was not let in, for the screen. */
export interface MaintenanceRefusal {
  /** A `TechnicianAuthFailureCode` (kiosk/maintenance/auth): `card-blocked` (too many wrong PINs, counted by the card), `revoked`, `card-auth-failed`…, or `timeout`. */
  readonly code: string;
}

/** The maintenance screen, by phase. */
export type MaintenanceView =
  | { readonly phase: 'tap-card' }
  | { readonly phase: 'verifying' }
  | {
      readonly phase: 'pin';
      readonly technicianName: string;
      /** How many digits are typed (the digits themselves never leave the runtime). */
      readonly digits: number;
      readonly checking: boolean;
      readonly error: { readonly code: 'wrong-pin' | 'invalid-pin'; readonly attemptsLeft: number | null } | null;
    }
  | { readonly phase: 'refused'; readonly refusal: MaintenanceRefusal }
  | {
      readonly phase: 'session';
      readonly technicianName: string;
      readonly page: MaintenancePage;
      /** null while the first collection runs. */
      readonly status: MaintenanceStatus | null;
      /** What is running now, e.g. `test:printer`, `retry:12`, `service`, `refresh`; null when idle. */
      readonly busy: string | null;
      readonly tests: readonly SelfTestResult[];
      /** Outcome of the last outbox or service action, for a short notice. */
      readonly notice: { readonly ok: boolean; readonly code: string } | null;
    }
  | { readonly phase: 'leaving' }
  /** What passengers see while the kiosk is out of service. */
  | { readonly phase: 'out-of-service' };
