// Published real cards (test/fixtures/cards) through nfc-pcsc → pcscd → vpcd → the virtual card:
// the snapshot must hold what the source says the card holds (or, where the fixture records a
// disagreement the decoder wins, the decoder's value it names).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import { apdusBeforeBalance, startCardService, tapCard, type CardEventLog } from '../support/pcsc-card.js';
import { expectedFromSource, loadPublishedCards, publishedCardImage, sourceOf } from '../support/published-cards.js';

const cards = (await loadPublishedCards()).filter((c) => !c.balanceOnly);
let service: SupervisedCardReaderService;
let log: CardEventLog;

beforeAll(async () => {
  ({ service, log } = await startCardService());
});
afterAll(async () => {
  await service?.stop();
});

describe('published real cards through the real PC/SC stack', () => {
  it.each(cards.map((c) => [c.name, sourceOf(c)]))('%s (%s)', async (name) => {
    const card = cards.find((c) => c.name === name)!;
    log.mark();
    const virtual = await tapCard(publishedCardImage(card));
    try {
      const outcome = await log.outcome();
      expect(outcome.type, JSON.stringify(outcome)).toBe('card-read');
      if (outcome.type !== 'card-read') return;
      const s = outcome.snapshot as unknown as Record<string, unknown>;
      const expected = expectedFromSource(card);
      expect(Object.fromEntries(Object.keys(expected).map((k) => [k, s[k]]))).toEqual(expected);
      const summary = await log.next('card-summary');
      expect(summary.summary.balance).toBe(card.disagreement?.field === 'balance' ? Number(card.disagreement.decoder) : card.sourceSays.balance);
      if (card.sourceSays.transactions) expect(outcome.snapshot.transactions).toHaveLength(card.sourceSays.transactions.length);
      // the card saw exactly the APDUs the driver counted
      expect(virtual.apduLog.length).toBe(outcome.snapshot.apduCount);
    } finally {
      await virtual.remove();
      await log.next('card-removed');
    }
  });

  // The reader service keeps the family last read on the reader: the same card tapped again is
  // read with its family right after T-Union. What the card saw decides the count.
  it.each(cards.map((c) => [c.name, c.family]))('%s tapped again (%s): the balance after at most 3 APDUs the card saw', async (name, family) => {
    const card = cards.find((c) => c.name === name)!;
    for (const tap of ['first', 'again'] as const) {
      log.mark();
      const virtual = await tapCard(publishedCardImage(card));
      try {
        const outcome = await log.outcome();
        expect(outcome.type, JSON.stringify(outcome)).toBe('card-read');
        if (outcome.type !== 'card-read' || tap === 'first') continue;
        const summary = await log.next('card-summary');
        const commands = virtual.apduLog.map((x) => x.command);
        // the summary follows the fast path's last GET BALANCE (T-Union: slot 1 right after slot 0)
        const beforeBalance = apdusBeforeBalance(commands);
        expect(beforeBalance, commands.slice(0, beforeBalance).join(' ')).toBeLessThanOrEqual(3);
        // Beijing's purse (DF 1001, named PBOC) gives its balance before MF file 0x04 tells the family
        expect(summary.summary).toMatchObject({ family: family === 'beijing' ? null : family, balance: outcome.snapshot.balance, balanceSlots: outcome.snapshot.balanceSlots });
        // what the summary carries agrees with the snapshot; what it left out the snapshot has
        if (summary.summary.cardNumber !== null) expect(summary.summary.cardNumber).toBe(outcome.snapshot.cardNumber);
        expect(outcome.snapshot.cardNumber.length).toBeGreaterThan(0);
      } finally {
        await virtual.remove();
        await log.next('card-removed');
      }
    }
  });
});
