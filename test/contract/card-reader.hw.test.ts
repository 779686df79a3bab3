/**
 * The card reader's contract against the production reader service (nfc-pcsc in its supervised
 * child process): on pcscd's vpcd virtual reader with a simulated card, and on a real PC/SC reader
 * when `KIOSK_TEST_READER` names it as `pcsc_scan` shows it, e.g.
 * `KIOSK_TEST_READER='ACS ACR122U PICC Interface 00 00'` (README, "Using real hardware").
 */
import { beforeAll, describe } from 'vitest';
import { SupervisedCardReaderService } from '../../driver/pcsc/supervised-service.js';
import { loadCardImage, type VirtualCard } from '../../hardware-sim/virtual-card/index.js';
import { CARD_SLOT, CardEventLog, startCardService, tapCard } from '../support/pcsc-card.js';
import { cardReaderContract, type CardReaderRig } from './card-reader.contract.js';

describe('card reader contract: PC/SC service on pcscd + vpcd, simulated card', () => {
  let rig: CardReaderRig;
  beforeAll(async () => {
    const { service, log } = await startCardService();
    let card: VirtualCard | null = null;
    rig = {
      service,
      reader: CARD_SLOT.reader,
      log,
      image: await loadCardImage('t-union-guangzhou-ok'),
      place: async (image) => {
        card = await tapCard(image);
      },
      take: async () => {
        await card?.remove();
        card = null;
      },
    };
  });
  cardReaderContract(() => rig);
});

const realReader = process.env.KIOSK_TEST_READER;

describe.skipIf(!realReader)(`card reader contract: real reader${realReader ? ` "${realReader}"` : ' (set KIOSK_TEST_READER to the reader name pcsc_scan shows to run)'}`, () => {
  let rig: CardReaderRig;
  beforeAll(async () => {
    const log = new CardEventLog();
    const service = new SupervisedCardReaderService({ readerName: realReader!, commandTimeoutMs: 5_000 });
    service.subscribe(log.push);
    await service.start();
    if (!service.readers().includes(realReader!)) await log.next('reader-added');
    rig = { service, reader: realReader!, log };
  });
  cardReaderContract(() => rig);
});
