/**
 * The card reader's contract against the in-memory reader service, with the simulator's card
 * engine answering the APDUs; and what it refuses as a reader would (a second card on one reader,
 * a card on a reader that is not there).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryCardReaderService, type MemoryCard } from '../../driver/pcsc/memory-reader.js';
import { CardEngine, atrOf, loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { CardEventLog } from '../support/pcsc-card.js';
import { cardReaderContract, type CardReaderRig } from './card-reader.contract.js';

const READER = 'Memory Reader 00 00';

const memoryCard = (image: CardImage): MemoryCard => {
  const engine = new CardEngine(image);
  return { atr: atrOf(image), transmit: (command) => engine.transmit(command) };
};

describe('card reader contract: in-memory reader service', () => {
  let rig: CardReaderRig;
  beforeAll(async () => {
    const service = new MemoryCardReaderService({ readers: [READER] });
    const log = new CardEventLog();
    service.subscribe(log.push);
    await service.start();
    rig = {
      service,
      reader: READER,
      log,
      image: await loadCardImage('t-union-guangzhou-ok'),
      place: (image) => Promise.resolve(service.place(READER, memoryCard(image))),
      take: () => Promise.resolve(service.take(READER)),
    };
  });
  cardReaderContract(() => rig);
});

describe('in-memory reader service: refuses what a reader cannot do', () => {
  it('one card per reader; no card on a reader that is not there; a taken card is not taken twice', async () => {
    const service = new MemoryCardReaderService({ readers: [READER] });
    await service.start();
    const image = await loadCardImage('t-union-guangzhou-ok');
    service.place(READER, memoryCard(image));
    expect(() => service.place(READER, memoryCard(image))).toThrow(/one card per reader/);
    expect(() => service.place('Elsewhere 00 00', memoryCard(image))).toThrow(/no reader Elsewhere/);
    service.take(READER);
    expect(() => service.take(READER)).toThrow(/no card on/);
    await service.stop();
  });

  it('a card taken in the middle of a read ends it with card-removed, never a snapshot, then card-removed', async () => {
    const service = new MemoryCardReaderService({ readers: [READER] });
    const log = new CardEventLog();
    service.subscribe(log.push);
    await service.start();
    const image = await loadCardImage('t-union-guangzhou-ok');
    log.mark();
    service.place(READER, memoryCard(image));
    await log.next('card-summary');
    service.take(READER);
    const outcome = await log.outcome();
    expect(outcome).toMatchObject({ type: 'card-error', error: { code: 'card-removed' } });
    await log.next('card-removed');
    expect(log.since().map((e) => e.type)).toEqual(['card-present', 'card-summary', 'card-error', 'card-removed']);
    await service.stop();
  });

  it('an APDU sent before the card was taken and run after it fails; the card placed again does not answer it', async () => {
    const service = new MemoryCardReaderService({ readers: [READER] });
    await service.start();
    const image = await loadCardImage('t-union-guangzhou-ok');
    service.place(READER, memoryCard(image));
    const pending = service.transmit(READER, Uint8Array.from([0xff, 0xca, 0x00, 0x00, 0x00])).catch((e: { code?: string }) => e.code);
    service.take(READER);
    service.place(READER, memoryCard(image));
    expect(await pending).toBe('card-removed');
    await service.stop();
  });
});
