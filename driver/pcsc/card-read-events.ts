/** One tap's read turned into the contract's events; the same for every card reader service. */
import type { CardFamily } from '../../shared/card.js';
import type { CardReaderEvent } from '../../shared/card-reader.js';
import { readCard } from '../card/read-card.js';
import type { ApduTransport } from '../card/transport.js';

export interface CardReadEventsOptions {
  readonly now: () => Date;
  readonly commandTimeoutMs: number;
  readonly emit: (event: CardReaderEvent) => void;
  readonly log: (level: 'info' | 'error', line: string) => void;
  /**
   * What the service remembers of earlier taps, for the detection order's hint. The service shows
   * it every event it emits (`observe`), this tap's `card-present` first.
   */
  readonly families?: FamilyMemory;
  /** The hint where nothing was remembered: the station's own city's family. */
  readonly homeFamily?: CardFamily | null;
}

/** What a `FamilyMemory` holds: each reader's last family, and each ATR's (oldest first). */
export interface FamilyMemorySnapshot {
  readonly byReader: readonly (readonly [string, CardFamily])[];
  readonly byAtr: readonly (readonly [string, CardFamily])[];
}

/** How many ATRs a service remembers the family of; the oldest is forgotten first. */
export const REMEMBERED_ATRS = 64;

/**
 * The family each reader last read, and the family last read of a card with each ATR: tried right
 * after T-Union on the next tap (an ordering optimisation, docs/card-reading.md "APDUs before the
 * balance"). A card's ATR carries its chip's historical bytes, which cards of one issuer share, so
 * a visitor's card of a third family reads warm once a card like it was read here, even after
 * cards of other families. Learned only from cards read here; a wrong hint costs one refused
 * SELECT and never a wrong family.
 */
export class FamilyMemory {
  readonly #byReader: Map<string, CardFamily>;
  readonly #byAtr: Map<string, CardFamily>;
  /** The ATR of the card now on each reader, from its `card-present`. */
  readonly #atrOnReader = new Map<string, string>();

  /** `from`: what an earlier service remembered (a restarted reader host keeps what it learned). */
  constructor(
    private readonly atrLimit = REMEMBERED_ATRS,
    from?: FamilyMemorySnapshot,
  ) {
    this.#byReader = new Map(from?.byReader ?? []);
    this.#byAtr = new Map((from?.byAtr ?? []).slice(-atrLimit));
  }

  /** Everything remembered, ATRs oldest first; serialisable. */
  snapshot(): FamilyMemorySnapshot {
    return { byReader: [...this.#byReader], byAtr: [...this.#byAtr] };
  }

  /** The hint for a card with `atr` on `reader`: its ATR's family, else the reader's last family. */
  hint(reader: string, atr: string): CardFamily | null {
    return (atr !== '' ? this.#byAtr.get(atr) : undefined) ?? this.#byReader.get(reader) ?? null;
  }

  /** The hint for the card now on `reader` (the ATR of its `card-present`). */
  hintFor(reader: string): CardFamily | null {
    return this.hint(reader, this.#atrOnReader.get(reader) ?? '');
  }

  /**
   * Learns from a reader service's event: the ATR of a `card-present`, then the family of a
   * `card-summary` that names it (Beijing's names none) and of the `card-read`.
   */
  observe(event: CardReaderEvent): void {
    if (event.type === 'card-present') this.#atrOnReader.set(event.reader, event.atr);
    else if (event.type === 'card-summary' && event.summary.family !== null) this.learn(event.reader, this.#atrOnReader.get(event.reader) ?? '', event.summary.family);
    else if (event.type === 'card-read') this.learn(event.reader, this.#atrOnReader.get(event.reader) ?? '', event.snapshot.family);
  }

  learn(reader: string, atr: string, family: CardFamily): void {
    this.#byReader.set(reader, family);
    if (atr === '') return;
    this.#byAtr.delete(atr);
    this.#byAtr.set(atr, family);
    if (this.#byAtr.size > this.atrLimit) this.#byAtr.delete(this.#byAtr.keys().next().value!);
  }
}

/** Reads the card behind `transport`: `card-summary` as soon as it is known, then `card-read` or `card-error`. */
export async function readCardToEvents(transport: ApduTransport, reader: string, o: CardReadEventsOptions): Promise<void> {
  try {
    const result = await readCard(transport, {
      now: o.now,
      commandTimeoutMs: o.commandTimeoutMs,
      familyHint: o.families?.hintFor(reader) ?? o.homeFamily ?? null,
      onSummary: (summary) => o.emit({ type: 'card-summary', reader, summary }),
    });
    if (result.ok) {
      o.log('info', `reader ${reader}: read ${result.value.family} card in ${result.value.apduCount} APDUs`);
      o.emit({ type: 'card-read', reader, snapshot: result.value });
    } else {
      o.log('info', `reader ${reader}: ${result.error.code} (${result.error.message})`);
      o.emit({ type: 'card-error', reader, error: result.error });
    }
  } catch (e) {
    o.log('error', `reader ${reader}: read failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    o.emit({ type: 'card-error', reader, error: { code: 'unreadable-card', message: 'internal error while reading the card' } });
  }
}
