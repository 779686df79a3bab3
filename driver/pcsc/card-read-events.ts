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
   * The family last read on each reader, kept by the service: tried right after T-Union on the
   * next tap (an ordering optimisation, docs/card-reading.md).
   */
  readonly lastFamily?: Map<string, CardFamily>;
  /** The hint where a reader has no last family yet: the station's own city's family. */
  readonly homeFamily?: CardFamily | null;
}

/** Reads the card behind `transport`: `card-summary` as soon as it is known, then `card-read` or `card-error`. */
export async function readCardToEvents(transport: ApduTransport, reader: string, o: CardReadEventsOptions): Promise<void> {
  try {
    const result = await readCard(transport, {
      now: o.now,
      commandTimeoutMs: o.commandTimeoutMs,
      familyHint: o.lastFamily?.get(reader) ?? o.homeFamily ?? null,
      onSummary: (summary) => {
        if (summary.family !== null) o.lastFamily?.set(reader, summary.family);
        o.emit({ type: 'card-summary', reader, summary });
      },
    });
    if (result.ok) {
      o.lastFamily?.set(reader, result.value.family);
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
