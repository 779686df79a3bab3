/**
 * Helpers for hardware tests of the card driver: the real reader service on vpcd slot 0
 * ("Virtual PCD 00 00") and the simulator's virtual cards. Waits are event-driven with generous deadlines.
 */
import { SupervisedCardReaderService, type SupervisedReaderServiceOptions } from '../../driver/pcsc/supervised-service.js';
import { VirtualCard, VPCD_SLOTS, loadCardImage, type CardFaults, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import type { CardReaderEvent } from '../../shared/card-reader.js';

export const CARD_SLOT = VPCD_SLOTS[0];
export const WAIT_MS = 20_000;

/** Every event the service emitted, with waits for the next matching one. */
export class CardEventLog {
  readonly events: CardReaderEvent[] = [];
  #waiters: { match: (e: CardReaderEvent) => boolean; resolve: (e: CardReaderEvent) => void }[] = [];
  #cursor = 0;

  readonly push = (event: CardReaderEvent): void => {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.match(event)) return true;
      w.resolve(event);
      return false;
    });
  };

  /** Events after the last `mark()`. */
  since(): CardReaderEvent[] {
    return this.events.slice(this.#cursor);
  }

  mark(): void {
    this.#cursor = this.events.length;
  }

  /** The first event after the mark that matches, waiting for it if needed. */
  next<T extends CardReaderEvent['type']>(type: T, what = type, timeoutMs = WAIT_MS): Promise<Extract<CardReaderEvent, { type: T }>> {
    const match = (e: CardReaderEvent): boolean => e.type === type;
    const seen = this.since().find(match);
    if (seen) return Promise.resolve(seen as Extract<CardReaderEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} event within ${timeoutMs} ms; saw ${this.since().map((e) => e.type).join(', ')}`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<CardReaderEvent, { type: T }>);
        },
      });
    });
  }

  /** `card-read` or `card-error`, whichever ends the current tap. */
  async outcome(timeoutMs = WAIT_MS): Promise<Extract<CardReaderEvent, { type: 'card-read' | 'card-error' }>> {
    return Promise.race([this.next('card-read', 'card-read', timeoutMs), this.next('card-error', 'card-error', timeoutMs)]);
  }
}

export async function startCardService(options: SupervisedReaderServiceOptions = {}): Promise<{ service: SupervisedCardReaderService; log: CardEventLog }> {
  const log = new CardEventLog();
  const service = new SupervisedCardReaderService({ readerName: CARD_SLOT.reader, commandTimeoutMs: 5_000, ...options });
  service.subscribe(log.push);
  await service.start();
  if (!service.readers().includes(CARD_SLOT.reader)) await log.next('reader-added');
  return { service, log };
}

/** Puts a card image on a vpcd slot, slot 0 unless told (resolves when pcscd saw it). */
export async function tapCard(image: CardImage | string, faults?: CardFaults, slot: { readonly port: number } = CARD_SLOT): Promise<VirtualCard> {
  const loaded = typeof image === 'string' ? await loadCardImage(image) : image;
  const card = new VirtualCard(loaded, faults ? { faults } : {});
  await card.insert({ port: slot.port });
  return card;
}

/**
 * How many APDUs a card saw up to the read's fast path, that is up to its last GET BALANCE
 * (`805C`; T-Union asks slot 1 right after slot 0): the commands before the balance could show.
 */
export function apdusBeforeBalance(commands: readonly string[]): number {
  const first = commands.findIndex((c) => c.startsWith('805C'));
  return (commands[first + 1]?.startsWith('805C') ? first + 1 : first) + 1;
}

/** What one tap through a reader service came to: its outcome, the ATR pcscd gave, and what the card saw. */
export interface TapRead {
  readonly outcome: Extract<CardReaderEvent, { type: 'card-read' | 'card-error' }>;
  /** The family read, '' when the tap ended in an error. */
  readonly family: string;
  readonly atr: string;
  /** The commands the card saw, hex, in order. */
  readonly commands: readonly string[];
  /** APDUs before the balance could show (`apdusBeforeBalance`). */
  readonly before: number;
}

/** Taps `image` on slot 0, waits for the tap's outcome, then takes the card off and waits for its removal. */
export async function tapAndRead(log: CardEventLog, image: CardImage | string): Promise<TapRead> {
  log.mark();
  const virtual = await tapCard(image);
  try {
    const present = await log.next('card-present');
    const outcome = await log.outcome();
    const commands = virtual.apduLog.map((x) => x.command);
    return { outcome, family: outcome.type === 'card-read' ? outcome.snapshot.family : '', atr: present.atr, commands, before: apdusBeforeBalance(commands) };
  } finally {
    await virtual.remove();
    await log.next('card-removed');
  }
}
