/**
 * Events the flows receive besides the passenger's taps (`PassengerEvent`, shared/ui-protocol.ts):
 * card events forwarded by the runtime from the `CardReaderService`, scanner codes, and the
 * runtime's own signals.
 */
import type { CardReadError, CardSnapshot, CardSummary, DiagnosisCode } from '../../shared/card.js';
import type { CardReaderEvent } from '../../shared/card-reader.js';
import type { PassengerEvent, RatedService } from '../../shared/ui-protocol.js';
import type { TicketId } from '../../shared/ticket.js';
import type { AlarmStatusEvent } from './emergency.js';

export type CardEvent =
  | { readonly type: 'CARD.PRESENT' }
  | { readonly type: 'CARD.SUMMARY'; readonly summary: CardSummary }
  | { readonly type: 'CARD.READ'; readonly snapshot: CardSnapshot }
  | { readonly type: 'CARD.ERROR'; readonly error: CardReadError }
  | { readonly type: 'CARD.REMOVED' };

/** A code read by the QR / barcode scanner (a ticket's status URL or id). */
export type ScanEvent = { readonly type: 'SCAN.CODE'; readonly code: string };

export type RuntimeEvent =
  /** Send once right after starting an actor from a restored snapshot: re-arms the idle timers. */
  | { readonly type: 'SESSION.RESTORED' }
  /** Opens maintenance mode at its "tap your technician card" page. */
  | { readonly type: 'MAINTENANCE.ENTER' }
  /**
   * The card in the field answers the technician application (the runtime asked it after the
   * passenger read could not serve it): the session decides to open maintenance mode, where the
   * flow starts checking that card.
   */
  | { readonly type: 'CARD.TECHNICIAN' }
  /** The kiosk's service mode, sent at start and on every change (a technician sets it). */
  | { readonly type: 'SERVICE.CHANGED'; readonly inService: boolean }
  | { readonly type: 'MAINTENANCE.EXIT' }
  /** Any touch on the screen: restarts the idle countdown. */
  | { readonly type: 'TOUCH' }
  /** What became of an emergency alarm at central (kiosk/flows/emergency.ts). */
  | AlarmStatusEvent;

/** Sent by child flows to the session. */
export type ChildToSessionEvent =
  | { readonly type: 'REPORT.DRAFT'; readonly dirty: boolean }
  | { readonly type: 'CARD.DIAGNOSED'; readonly codes: readonly DiagnosisCode[] };

export type KioskEvent = PassengerEvent | CardEvent | ScanEvent | RuntimeEvent;
export type SessionEvent = KioskEvent | ChildToSessionEvent;

/** How a child flow ends: where the session goes next. */
export type FlowExit =
  | { readonly next: 'menu' }
  | { readonly next: 'attract' }
  | { readonly next: 'survey'; readonly service: RatedService; readonly ticketId: TicketId | null };

/** Maps a card-reader event to the flows' event (reader lifecycle events are the runtime's business). */
export function cardEventFromReader(event: CardReaderEvent): CardEvent | null {
  switch (event.type) {
    case 'card-present':
      return { type: 'CARD.PRESENT' };
    case 'card-summary':
      return { type: 'CARD.SUMMARY', summary: event.summary };
    case 'card-read':
      return { type: 'CARD.READ', snapshot: event.snapshot };
    case 'card-error':
      return { type: 'CARD.ERROR', error: event.error };
    case 'card-removed':
      return { type: 'CARD.REMOVED' };
    case 'reader-added':
    case 'reader-removed':
      return null;
  }
}
