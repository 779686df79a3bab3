/**
 * An in-memory card reader service: the card-reader contract (`shared/card-reader.ts`) without
 * pcscd, for unit tests and benchmarks that place cards from software. It reads cards with the
 * same driver code as the PC/SC service and is as strict as a reader: one card per reader (a
 * second card is refused until the first is taken), every APDU after the card left fails with
 * `card-removed` (a card placed again is a new card: it does not revive an old transmit),
 * an unknown or removed reader and a stopped service fail with `reader-gone`, and events come
 * out in contract order per reader (`card-removed` after the read that the removal cut short).
 */
import type { CardFamily } from '../../shared/card.js';
import type { CardReaderEvent, CardReaderHealth, CardReaderService } from '../../shared/card-reader.js';
import { CardIoError } from '../card/errors.js';
import { CardChannel, DEFAULT_COMMAND_TIMEOUT_MS, type ApduTransport } from '../card/transport.js';
import { toHex } from '../../shared/bytes.js';
import { FamilyMemory, readCardToEvents } from './card-read-events.js';

/** A card in memory: its ATR and how it answers one command APDU (data + SW1 SW2). */
export interface MemoryCard {
  readonly atr: Uint8Array;
  transmit(command: Uint8Array): Uint8Array;
}

export interface MemoryCardReaderOptions {
  /** Readers present from the start. */
  readonly readers?: readonly string[];
  readonly now?: () => Date;
  readonly commandTimeoutMs?: number;
  readonly log?: (level: 'info' | 'error', line: string) => void;
  /** The station's own card family: the hint for a reader's first card (see `HostOptions.homeFamily`). */
  readonly homeFamily?: CardFamily | null;
}

interface Placed {
  readonly card: MemoryCard;
  present: boolean;
}

interface Slot {
  readonly name: string;
  placed: Placed | null;
  work: Promise<void>;
}

export class MemoryCardReaderService implements CardReaderService {
  readonly #opts: MemoryCardReaderOptions;
  readonly #listeners = new Set<(event: CardReaderEvent) => void>();
  readonly #slots = new Map<string, Slot>();
  readonly #families = new FamilyMemory();
  #running = false;
  #noReaderSince: string;

  constructor(options: MemoryCardReaderOptions = {}) {
    this.#opts = options;
    this.#noReaderSince = this.#now().toISOString();
    for (const name of options.readers ?? []) this.#slots.set(name, { name, placed: null, work: Promise.resolve() });
  }

  start(): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#running = true;
    for (const slot of this.#slots.values()) this.#enqueue(slot, () => this.#emit({ type: 'reader-added', reader: slot.name }));
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    for (const slot of this.#slots.values()) if (slot.placed) slot.placed.present = false;
    await Promise.allSettled([...this.#slots.values()].map((s) => s.work));
  }

  subscribe(listener: (event: CardReaderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  readers(): readonly string[] {
    return this.#running ? [...this.#slots.keys()] : [];
  }

  health(): CardReaderHealth {
    if (this.#running && this.#slots.size > 0) return { state: 'ok', readers: this.readers() };
    return { state: 'no-reader', since: this.#noReaderSince };
  }

  transmit(reader: string, apdu: Uint8Array): Promise<Uint8Array> {
    const slot = this.#slots.get(reader);
    if (!this.#running || !slot) return Promise.reject(new CardIoError('reader-gone', `no reader ${reader}`));
    const placed = slot.placed;
    if (!placed?.present) return Promise.reject(new CardIoError('card-removed', `no card on ${reader}`));
    const command = Uint8Array.from(apdu);
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#enqueue(slot, async () => {
        try {
          const channel = new CardChannel(this.#transport(placed, reader), { commandTimeoutMs: this.#opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS });
          const r = await channel.send(command);
          resolve(Uint8Array.from([...r.data, r.sw >> 8, r.sw & 0xff]));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  /** A reader is plugged in. */
  addReader(name: string): void {
    if (this.#slots.has(name)) throw new Error(`reader ${name} is there already`);
    const slot: Slot = { name, placed: null, work: Promise.resolve() };
    this.#slots.set(name, slot);
    if (this.#running) this.#enqueue(slot, () => this.#emit({ type: 'reader-added', reader: name }));
  }

  /** A reader is unplugged: its card leaves with it. */
  removeReader(name: string, reason = 'unplugged'): void {
    const slot = this.#slots.get(name);
    if (!slot) throw new Error(`no reader ${name}`);
    this.#slots.delete(name);
    if (this.#slots.size === 0) this.#noReaderSince = this.#now().toISOString();
    const placed = slot.placed;
    slot.placed = null;
    if (placed) placed.present = false;
    if (!this.#running) return;
    this.#enqueue(slot, () => {
      if (placed) this.#emit({ type: 'card-removed', reader: name });
      this.#emit({ type: 'reader-removed', reader: name, reason });
    });
  }

  /** A card is placed on `reader`: `card-present`, then the read's events. */
  place(reader: string, card: MemoryCard): void {
    const slot = this.#slots.get(reader);
    if (!this.#running || !slot) throw new Error(`no reader ${reader} to place a card on`);
    if (slot.placed) throw new Error(`a card is on ${reader} already: take it first (one card per reader)`);
    const placed: Placed = { card, present: true };
    slot.placed = placed;
    this.#enqueue(slot, async () => {
      if (!placed.present) return;
      this.#emit({ type: 'card-present', reader, atr: toHex(card.atr) });
      await readCardToEvents(this.#transport(placed, reader), reader, {
        now: () => this.#now(),
        commandTimeoutMs: this.#opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
        emit: (e) => this.#emit(e),
        log: (level, line) => this.#opts.log?.(level, line),
        families: this.#families,
        homeFamily: this.#opts.homeFamily ?? null,
      });
    });
  }

  /** The card on `reader` leaves the field: any APDU from now on fails with `card-removed`. */
  take(reader: string): void {
    const slot = this.#slots.get(reader);
    const placed = slot?.placed;
    if (!slot || !placed) throw new Error(`no card on ${reader} to take`);
    placed.present = false;
    slot.placed = null;
    this.#enqueue(slot, () => this.#emit({ type: 'card-removed', reader }));
  }

  #transport(placed: Placed, reader: string): ApduTransport {
    return {
      transmit: (command) => {
        if (!placed.present) return Promise.reject(new CardIoError('card-removed', `the card left ${reader}`));
        return new Promise((resolve, reject) =>
          setImmediate(() => {
            if (!placed.present) return reject(new CardIoError('card-removed', `the card left ${reader}`));
            try {
              resolve(Uint8Array.from(placed.card.transmit(Uint8Array.from(command))));
            } catch (e) {
              reject(new CardIoError('unreadable-card', e instanceof Error ? e.message : String(e), undefined, { cause: e }));
            }
          }),
        );
      },
    };
  }

  #enqueue(slot: Slot, step: () => void | Promise<void>): void {
    slot.work = slot.work.then(step).catch((e: unknown) => this.#opts.log?.('error', `reader ${slot.name}: ${e instanceof Error ? e.message : String(e)}`));
  }

  #emit(event: CardReaderEvent): void {
    this.#families.observe(event);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (e) {
        this.#opts.log?.('error', `card-reader listener threw on ${event.type}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  #now(): Date {
    return this.#opts.now?.() ?? new Date();
  }
}
