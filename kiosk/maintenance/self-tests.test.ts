import { describe, expect, it } from 'vitest';
import type { CardReaderEvent } from '../../shared/card-reader.js';
import { snapshot, summary } from '../../test/unit/flows-fixtures.js';
import { cardReaderSelfTest } from './self-tests.js';

function events() {
  const listeners = new Set<(e: CardReaderEvent) => void>();
  return {
    subscribe: (l: (e: CardReaderEvent) => void) => (listeners.add(l), () => void listeners.delete(l)),
    emit: (e: CardReaderEvent) => [...listeners].forEach((l) => l(e)),
  };
}

describe('card reader self-test', () => {
  it('names the family from the summary when it has one', async () => {
    const bus = events();
    const outcome = cardReaderSelfTest(bus.subscribe, 5_000)();
    bus.emit({ type: 'card-present', reader: 'R', atr: '3B' });
    bus.emit({ type: 'card-summary', reader: 'R', summary });
    await expect(outcome).resolves.toEqual({ ok: true, code: 'read', detail: 'read a t-union card on R', facts: { family: 't-union', reader: 'R' } });
  });

  it('waits for the snapshot when the summary came before the family was told', async () => {
    const bus = events();
    const outcome = cardReaderSelfTest(bus.subscribe, 5_000)();
    bus.emit({ type: 'card-summary', reader: 'R', summary: { ...summary, family: null, cardNumber: null } });
    bus.emit({ type: 'card-read', reader: 'R', snapshot: { ...snapshot, family: 'beijing' } });
    await expect(outcome).resolves.toMatchObject({ ok: true, facts: { family: 'beijing', reader: 'R' } });
  });

  it('says no card was tapped when none came', async () => {
    const bus = events();
    await expect(cardReaderSelfTest(bus.subscribe, 20)()).resolves.toEqual({ ok: false, code: 'no-card', detail: 'no test card was tapped' });
  });
});
