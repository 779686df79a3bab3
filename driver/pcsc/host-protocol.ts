/** Messages between `SupervisedCardReaderService` and its `reader-host.ts` child (Node IPC, JSON). */
import type { CardReaderEvent, CardReaderHealth } from '../../shared/card-reader.js';

/** Serialisable options of the in-process service. */
export interface HostOptions {
  readonly readerName?: string | null;
  readonly socketPath?: string;
  readonly commandTimeoutMs?: number;
  readonly pcscdPollMs?: number;
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
