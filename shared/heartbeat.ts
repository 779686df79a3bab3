import type { KioskConfigState } from './kiosk-config.js';

/**
 * What a kiosk tells central every few seconds about itself, for the fleet view: which build
 * runs, for how long, its devices, the outbox backlog, disk space and clock offset. Sent by the
 * kiosk (`kiosk/appliance/heartbeat.ts`), stored by central as the kiosk's latest heartbeat.
 */
export interface KioskHeartbeat {
  /** The kiosk's version (package version, and the release when installed from one). */
  readonly kioskVersion: string;
  readonly nodeVersion: string;
  /** Seconds since the runtime started. */
  readonly uptimeSeconds: number;
  /** Each device's state as the fault monitor sees it (`ok`, `fault`, `absent`…). */
  readonly devices: readonly { readonly device: string; readonly state: string }[];
  readonly outbox: { readonly pending: number; readonly rejected: number; readonly oldestPendingAt: string | null };
  /** Space on the filesystem of the kiosk's data folder. */
  readonly disk: { readonly freeBytes: number; readonly totalBytes: number };
  /** Central's clock minus the kiosk's, ms, as measured at the last sync; null before one. */
  readonly clockOffsetMs: number | null;
  /** The kiosk's clock when it sent this. */
  readonly sentAt: string;
  /** The remote configuration in use, and the last one refused since (with the reasons); absent from older kiosks. */
  readonly config?: KioskConfigState;
}

/** A heartbeat as central keeps it. */
export interface StoredHeartbeat {
  readonly kioskId: string;
  readonly receivedAt: string;
  readonly heartbeat: KioskHeartbeat;
}
