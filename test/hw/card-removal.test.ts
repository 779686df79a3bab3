// A T-Union card leaving the field before each APDU of a read, through the real PC/SC stack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import { loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { startCardService, tapCard, type CardEventLog } from '../support/pcsc-card.js';

let service: SupervisedCardReaderService;
let log: CardEventLog;
let image: CardImage;
/** APDUs of a full read of this image (measured once, through the same stack). */
let fullRead = 0;

beforeAll(async () => {
  ({ service, log } = await startCardService());
  image = await loadCardImage('t-union-guangzhou-ok');
  log.mark();
  const card = await tapCard(image);
  const read = await log.next('card-read');
  fullRead = read.snapshot.apduCount;
  await card.remove();
  await log.next('card-removed');
});
afterAll(async () => {
  await service?.stop();
});

describe('removal at every APDU position of a T-Union read', () => {
  const FULL_READ = 22; // UID, SELECT, 2 balance slots, 0x17, 7+1 transaction records, 8+1 trip records (6A83)

  it('a full read of this image takes the APDUs the test walks', () => {
    expect(fullRead).toBe(FULL_READ);
  });

  it.each(Array.from({ length: FULL_READ }, (_, n) => n))('removed after %i APDUs: card-removed, never a snapshot', async (n) => {
    log.mark();
    const card = await tapCard(image, { removeAfterApdus: n });
    try {
      const outcome = await log.outcome();
      expect(outcome.type).toBe('card-error');
      if (outcome.type === 'card-error') expect(outcome.error.code).toBe('card-removed');
      await log.next('card-removed');
      const types = log.since().map((e) => e.type);
      expect(types).not.toContain('card-read');
      // the summary comes only once its 3 APDUs (SELECT, both balance slots) were answered, and always before the error
      expect(types).toEqual(n >= 3 ? ['card-present', 'card-summary', 'card-error', 'card-removed'] : ['card-present', 'card-error', 'card-removed']);
    } finally {
      await card.remove();
    }
  });
});
