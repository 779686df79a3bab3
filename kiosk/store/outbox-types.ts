import type { OutboxStatusView } from '../../shared/maintenance-protocol.js';
import type { OutboxKind, OutboxPayload } from '../../shared/sync.js';

/**
 * Life of an outbox row: `pending → in-flight → acked`, or `rejected` when central refused the
 * item (kept with the reason). A technician may `retry` a rejected row (→ pending) or `discard`
 * it (→ discarded: kept and marked, never deleted). A crash while `in-flight` puts the row back
 * to `pending` when the store opens again, so it is sent again (central ingests idempotently).
 */
export const OUTBOX_STATES = ['pending', 'in-flight', 'acked', 'rejected', 'discarded'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export interface OutboxEntry {
  /** UUIDv7 made by the kiosk. */
  readonly id: string;
  /** Per-kiosk sequence number, gapless from 1. */
  readonly seq: number;
  readonly kind: OutboxKind;
  readonly payload: OutboxPayload;
  readonly state: OutboxState;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly rejectCode: string | null;
  readonly rejectReason: string | null;
  /** Kiosk clock, ISO 8601. */
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly ackedAt: string | null;
  /** Central's order of arrival, once acknowledged. */
  readonly serverSeq: number | null;
  readonly serverReceivedAt: string | null;
  /** Technician who retried or discarded a rejected row. */
  readonly resolvedBy: string | null;
  readonly resolvedAt: string | null;
  readonly resolutionNote: string | null;
}

/** What a technician sees about the queue: the maintenance screen's counts, and the clock offset. */
export interface OutboxStats extends Omit<OutboxStatusView, 'rejectedItems'> {
  /** Central clock minus kiosk clock, ms, from the latest exchange; null before the first. */
  readonly clockOffsetMs: number | null;
}

/** A technician's action on a row that cannot be done (wrong state, unknown row). */
export interface OutboxActionError {
  readonly code: 'outbox-row-not-found' | 'outbox-row-not-rejected';
  readonly message: string;
}
