/**
 * The card-reader contract: what the kiosk sees of its PC/SC readers. The real binding is
 * `driver/pcsc` (nfc-pcsc over pcscd); in simulation the same binding talks to pcscd's vpcd
 * virtual reader. `driver/pcsc/memory-reader.ts` keeps the same contract in memory for unit
 * tests (cards placed from software, read by the same driver code). One set of cases checks all
 * of them: `test/contract/card-reader.contract.ts`.
 *
 * Event order for one tap: `card-present` → `card-summary` (fast path: family and balance, with the
 * number and validity unless the card keeps them in a file read after it: then `cardNumber` is
 * null) → `card-read` (the whole snapshot with logs) or `card-error`, then `card-removed` when the card leaves. A `card-error` may come instead of `card-summary`
 * (unsupported or unreadable card) or after it (card removed while the logs were read: the
 * summary stays true, the snapshot never arrives).
 */
import type { CardReadError, CardReadErrorCode, CardSnapshot, CardSummary } from './card.js';

/** Why a {@link CardReaderService.transmit} failed: the `code` of the Error it rejects with. */
export type CardTransmitErrorCode = Extract<CardReadErrorCode, 'card-removed' | 'reader-gone' | 'timeout' | 'unreadable-card'>;

export type CardReaderEvent =
  | { readonly type: 'reader-added'; readonly reader: string }
  | { readonly type: 'reader-removed'; readonly reader: string; readonly reason: string }
  | { readonly type: 'card-present'; readonly reader: string; readonly atr: string }
  | { readonly type: 'card-summary'; readonly reader: string; readonly summary: CardSummary }
  | { readonly type: 'card-read'; readonly reader: string; readonly snapshot: CardSnapshot }
  | { readonly type: 'card-error'; readonly reader: string; readonly error: CardReadError }
  | { readonly type: 'card-removed'; readonly reader: string };

export type CardReaderHealth =
  | { readonly state: 'ok'; readonly readers: readonly string[] }
  | { readonly state: 'no-reader'; readonly since: string }
  | { readonly state: 'pcscd-down'; readonly since: string; readonly detail: string };

export interface CardReaderService {
  /** Starts watching readers; resolves once the PC/SC stack answered (or is known to be down). */
  start(): Promise<void>;
  /** Stops, releases every reader; idempotent. */
  stop(): Promise<void>;
  /** Returns an unsubscribe function. Listeners must not throw; one that does is logged and kept. */
  subscribe(listener: (event: CardReaderEvent) => void): () => void;
  readers(): readonly string[];
  health(): CardReaderHealth;
  /**
   * One command APDU to the card now on `reader`, run after whatever the reader is doing with that
   * card (the passenger read); `61xx` and `6Cxx` are followed. Resolves with the answer: data then
   * SW1 SW2 (at least 2 bytes). Rejects with an Error whose `code` is a {@link CardTransmitErrorCode}:
   * `card-removed` when no card is on the reader or it left (a card that comes back is a new card:
   * it does not revive the old one), `reader-gone` for an unknown or vanished reader or a stopped
   * service, `timeout`, `unreadable-card`. Used for cards the passenger read does not serve (the
   * technician card).
   */
  transmit(reader: string, apdu: Uint8Array): Promise<Uint8Array>;
}
