/**
 * The card reader's contract (`shared/card-reader.ts`): one set of cases run against the
 * in-memory reader service (`card-reader.memory.test.ts`, unit group), the production service on
 * pcscd with the vpcd virtual reader and a simulated card, and a real PC/SC reader named by
 * `KIOSK_TEST_READER` (`card-reader.hw.test.ts`, hw group). Cases that place or take a card need a
 * rig that can; on a real reader they are skipped with that reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CardReaderEvent, CardReaderService } from '../../shared/card-reader.js';
import type { CardImage } from '../../hardware-sim/virtual-card/index.js';
import { toHex } from '../../shared/bytes.js';
import { CardEventLog } from '../support/pcsc-card.js';

export interface CardReaderRig {
  /** Started, and already seeing {@link reader}. */
  readonly service: CardReaderService;
  readonly reader: string;
  /** Every event the service emitted since it started. */
  readonly log: CardEventLog;
  /** Places a card built from the image on the reader; absent where a hand must do it. */
  readonly place?: (image: CardImage) => Promise<void>;
  /** Takes the placed card away. */
  readonly take?: () => Promise<void>;
  /** The T-Union card image the placing cases use. */
  readonly image?: CardImage;
}

const GET_UID = Uint8Array.from([0xff, 0xca, 0x00, 0x00, 0x00]);
const SELECT_ABSENT_AID = Uint8Array.from([0x00, 0xa4, 0x04, 0x00, 0x05, 0xf0, 0x00, 0x00, 0x00, 0x99, 0x00]);

const codeOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e as { code?: unknown }).code,
  );

export function cardReaderContract(rig: () => CardReaderRig): void {
  const needsHand = (): string | null => (rig().place && rig().take && rig().image ? null : 'needs a card placed and taken by hand');

  afterAll(async () => {
    await rig().service.stop();
  });

  describe('a reader with no card', () => {
    it('is listed, and health is ok naming it', () => {
      const { service, reader } = rig();
      expect(service.readers()).toContain(reader);
      const health = service.health();
      expect(health.state).toBe('ok');
      if (health.state === 'ok') expect(health.readers).toContain(reader);
    });

    it('refuses an APDU with card-removed; one to an unknown reader with reader-gone', async () => {
      const { service, reader } = rig();
      expect(await codeOf(service.transmit(reader, GET_UID))).toBe('card-removed');
      expect(await codeOf(service.transmit('No Such Reader 99 99', GET_UID))).toBe('reader-gone');
    });
  });

  describe('a card on the reader', () => {
    it('is reported present with its ATR, then summarised and read whole, in that order', async (ctx) => {
      const reason = needsHand();
      if (reason) return ctx.skip(reason);
      const { log, reader, image } = rig();
      log.mark();
      await rig().place!(image!);
      const read = await log.next('card-read');
      const mine = log.since().filter((e: CardReaderEvent) => 'reader' in e && e.reader === reader);
      expect(mine.map((e) => e.type)).toEqual(['card-present', 'card-summary', 'card-read']);
      const present = mine[0] as Extract<CardReaderEvent, { type: 'card-present' }>;
      expect(present.atr).toMatch(/^3B[0-9A-F]+$/);
      expect(read.snapshot.family).toBe(image!.expected?.family);
      expect(read.snapshot.cardNumber).toBe(image!.expected?.cardNumber);
    });

    it('answers APDUs sent with transmit: the UID with 9000, an absent application with 6A82', async (ctx) => {
      const reason = needsHand();
      if (reason) return ctx.skip(reason);
      const { service, reader } = rig();
      const uid = await service.transmit(reader, GET_UID);
      expect(uid.length).toBeGreaterThanOrEqual(6);
      expect(toHex(uid.subarray(-2))).toBe('9000');
      expect(toHex(await service.transmit(reader, SELECT_ABSENT_AID))).toBe('6A82');
    });

    it('once taken: card-removed, and every APDU after it fails with card-removed', async (ctx) => {
      const reason = needsHand();
      if (reason) return ctx.skip(reason);
      const { service, reader, log } = rig();
      log.mark();
      await rig().take!();
      await log.next('card-removed');
      expect(await codeOf(service.transmit(reader, GET_UID))).toBe('card-removed');
    });
  });

  describe('a stopped service', () => {
    it('refuses APDUs with reader-gone', async () => {
      const { service, reader } = rig();
      await service.stop();
      expect(await codeOf(service.transmit(reader, GET_UID))).toBe('reader-gone');
    });
  });
}
