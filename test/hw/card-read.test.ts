// Every committed card image read through nfc-pcsc → pcscd → vpcd → the virtual card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashUid } from '../../driver/card/read-card.js';
import { listCardImages, loadCardImage } from '../../hardware-sim/virtual-card/index.js';
import type { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import { CARD_SLOT, startCardService, tapCard, type CardEventLog } from '../support/pcsc-card.js';

const images = (await listCardImages()).map((e) => e.name);
let service: SupervisedCardReaderService;
let log: CardEventLog;

beforeAll(async () => {
  ({ service, log } = await startCardService());
});
afterAll(async () => {
  await service?.stop();
});

describe('card images through the real PC/SC stack', () => {
  it('finds the vpcd reader and reports healthy', () => {
    expect(service.health()).toEqual({ state: 'ok', readers: [CARD_SLOT.reader] });
  });

  it.each(images)('%s', async (name) => {
    const image = await loadCardImage(name);
    const expected = image.expected;
    log.mark();
    const card = await tapCard(image);
    try {
      const outcome = await log.outcome();
      const present = await log.next('card-present');
      expect(present.reader).toBe(CARD_SLOT.reader);
      if (expected.readError !== undefined) {
        expect(outcome.type).toBe('card-error');
        if (outcome.type !== 'card-error') return;
        expect(outcome.error.code).toBe(expected.readError);
        if (expected.readError === 'unsupported-card') {
          expect(outcome.error.detail).toBe(`uid sha256 ${hashUid(Buffer.from(image.uid, 'hex'))}`);
          expect(JSON.stringify(log.since())).not.toContain(image.uid);
        }
        return;
      }
      expect(outcome.type, JSON.stringify(outcome)).toBe('card-read');
      if (outcome.type !== 'card-read') return;
      const s = outcome.snapshot;
      expect({
        family: s.family,
        cardNumber: s.cardNumber,
        cityCode: s.cityCode,
        validFrom: s.validFrom,
        validUntil: s.validUntil,
        balance: s.balance,
        balanceSlots: s.balanceSlots,
        holderType: s.holderType,
        transactions: s.transactions.length,
        trips: s.trips.length,
      }).toEqual({
        family: expected.family,
        cardNumber: expected.cardNumber,
        cityCode: expected.cityCode,
        validFrom: expected.validFrom,
        validUntil: expected.validUntil,
        balance: expected.balance,
        balanceSlots: expected.balanceSlots,
        holderType: expected.holderType,
        transactions: expected.transactions,
        trips: expected.trips,
      });
      // newest first, as the card numbers its purse transactions
      const counters = s.transactions.map((t) => t.counter);
      expect(counters).toEqual([...counters].sort((a, b) => b - a));
      expect(s.uidHash).toBe(hashUid(Buffer.from(image.uid, 'hex')));
      expect(s.apduCount).toBe(card.apduLog.length);
      // contract order: present → summary → read, and the summary agrees with the snapshot
      const types = log.since().map((e) => e.type);
      expect(types).toEqual(['card-present', 'card-summary', 'card-read']);
      const summary = await log.next('card-summary');
      // a summary sent before the family was told (Beijing's purse DF 1001 is named PBOC) says so with null
      expect(summary.summary).toMatchObject({ family: s.family === 'beijing' ? null : s.family, balance: s.balance });
      // a summary sent before the card's number was read says so with null; otherwise the same number
      expect([null, s.cardNumber]).toContain(summary.summary.cardNumber);
    } finally {
      await card.remove();
      await log.next('card-removed');
    }
  });

  it('the T-Union balance shows after 3 APDUs: SELECT with 9F0C, two balance slots; UID and 0x17 come after', async () => {
    log.mark();
    const card = await tapCard('t-union-guangzhou-ok');
    let apdusAtSummary = -1;
    const unsubscribe = service.subscribe((e) => {
      if (e.type === 'card-summary') apdusAtSummary = card.apduLog.length;
    });
    try {
      await log.next('card-read');
      // the reader host emits the summary after the third APDU; the card may have seen the next
      // one (the UID) by the time the event crosses the process boundary
      expect(apdusAtSummary).toBeGreaterThanOrEqual(3);
      expect(card.apduLog.slice(0, 5).map((x) => x.command.slice(0, 8))).toEqual(['00A40400', '805C0002', '805C0102', 'FFCA0000', '00B09700']);
    } finally {
      unsubscribe();
      await card.remove();
      await log.next('card-removed');
    }
  });
});
