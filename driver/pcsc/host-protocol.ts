/** Messages between `SupervisedCardReaderService` and its `reader-host.ts` child (Node IPC, JSON). */
import type { CardFamily } from '../../shared/card.js';
import type { CardReaderEvent, CardReaderHealth } from '../../shared/card-reader.js';
import type { FamilyMemorySnapshot } from './card-read-events.js';

/** Serialisable options of the in-process service. */
export interface HostOptions {
  readonly readerName?: string | null;
  readonly socketPath?: string;
  readonly commandTimeoutMs?: number;
  readonly pcscdPollMs?: number;
  /**
   * The card family of the station's own city, tried right after T-Union on a reader that has not
   * read a card yet (or whose host was restarted): most cards tapped at a station are its city's
   * own. A hint only (docs/card-reading.md "APDUs before the balance").
   */
  readonly homeFamily?: CardFamily | null;
  /** What the host before this one learned of card families (its ATRs and readers), kept across a restart. */
  readonly remembered?: FamilyMemorySnapshot;
}

export type HostMessage =
  | { readonly type: 'event'; readonly event: CardReaderEvent }
  | { readonly type: 'state'; readonly readers: readonly string[]; readonly health: CardReaderHealth }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
  | { readonly type: 'started' }
  | { readonly type: 'transmit-result'; readonly id: number; readonly ok: true; readonly response: string }
  | { readonly type: 'transmit-result'; readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

/** Parent → host. `apdu` in hex. */
export type HostCommand = { readonly type: 'stop' } | { readonly type: 'transmit'; readonly id: number; readonly reader: string; readonly apdu: string };
