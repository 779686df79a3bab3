/**
 * The effects of the maintenance flow. The runtime implements them with the technician
 * authenticator (kiosk/maintenance/auth) and the `MaintenanceService` (kiosk/maintenance);
 * `maintenancePortsFrom` in kiosk/maintenance/flow-ports.ts does that wiring. Each effect is a
 * named actor of the machine, so a test may also `.provide()` its own.
 *
 * Every port may reject: the flow then shows a typed failure (`card-error`, `status-unavailable`,
 * `action-failed`), never the error text.
 */
import type { Result } from '../../shared/result.js';
import type { MaintenanceStatus, SelfTestName, SelfTestResult } from '../../shared/maintenance-protocol.js';

/** The part of a technician session the flow keeps (no key, no PIN). */
export interface MaintenanceSessionRef {
  readonly sessionId: string;
  readonly technicianId: string;
  readonly name: string;
}

export interface MaintenanceAuthFailure {
  /** A `TechnicianAuthFailureCode`. */
  readonly code: string;
  /** Wrong PINs the card still allows before it blocks itself. */
  readonly attemptsLeft?: number;
}

export type MaintenanceExitReason = 'logout' | 'idle-timeout' | 'card-removed' | 'door-closed';

export interface MaintenancePorts {
  /** Runs the technician card's challenge–response on the card now on the reader. */
  verifyCard(): Promise<Result<{ readonly token: string; readonly technicianId: string; readonly name: string }, MaintenanceAuthFailure>>;
  checkPin(input: { readonly token: string; readonly pin: string }): Promise<Result<MaintenanceSessionRef, MaintenanceAuthFailure>>;
  collectStatus(input: { readonly session: MaintenanceSessionRef }): Promise<MaintenanceStatus>;
  /** Runs one self-test and audits it. Resolves with the outcome (a failed test is a result, not a rejection). */
  runSelfTest(input: { readonly session: MaintenanceSessionRef; readonly test: SelfTestName }): Promise<SelfTestResult>;
  /** Retries or discards a rejected outbox row, audited by the technician. */
  outboxAction(input: {
    readonly session: MaintenanceSessionRef;
    readonly action: 'retry' | 'discard';
    readonly seq: number;
  }): Promise<Result<void, { readonly code: string }>>;
  /** Takes the kiosk out of service or back into it (persisted, audited). */
  setInService(input: { readonly session: MaintenanceSessionRef; readonly inService: boolean }): Promise<Result<void, { readonly code: string }>>;
  /** Ends the technician session (audited). */
  exit(input: { readonly session: MaintenanceSessionRef; readonly reason: MaintenanceExitReason }): Promise<void>;
}
