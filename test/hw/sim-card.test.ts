/**
 * The virtual card through the real PC/SC stack: VirtualCard → vpcd → pcscd → libpcsclite
 * (@pokusew/pcsclite). Uses reader "Virtual PCD 00 01" (slot 1).
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VPCD_SLOTS, VirtualCard, VirtualCardError, loadCardImage, type CardFaults } from '../../hardware-sim/virtual-card/index.js';
import { openRawReader, type RawPcscReader } from '../support/pcsc-raw-reader.js';

const SLOT = VPCD_SLOTS[1];

let closePcsc: () => void = () => undefined;
let reader: RawPcscReader;
const cards: VirtualCard[] = [];

async function tap(name: string, faults?: CardFaults): Promise<VirtualCard> {
  const card = new VirtualCard(await loadCardImage(name), faults ? { faults } : {});
  cards.push(card);
  await card.insert({ port: SLOT.port });
  await reader.until(() => reader.present, 'card present');
  await reader.connect();
  return card;
}

beforeAll(async () => {
  const opened = await openRawReader(SLOT.reader);
  reader = opened.reader;
  closePcsc = opened.close;
});

afterEach(async () => {
  await reader.disconnect();
  for (const card of cards.splice(0)) await card.remove();
  await reader.until(() => reader.empty, 'reader empty after the test');
});

afterAll(() => {
  closePcsc();
});

describe('virtual card on pcscd', () => {
  it('appears with the configured ATR and answers the UID pseudo-APDU', async () => {
    const card = await tap('t-union-guangzhou-ok');
    expect(reader.currentAtr).toBe('3B80800101');
    expect(await reader.transmitHex('FFCA000000')).toBe('04A1B2C3D4E5F69000');
    expect(card.apduLog).toEqual([{ index: 1, command: 'FFCA000000', response: '04A1B2C3D4E5F69000', outcome: 'answer' }]);
  });

  it('answers SELECT and GET BALANCE through the real stack, then its removal reaches pcscd', async () => {
    const card = await tap('t-union-guangzhou-ok');
    const fci = await reader.transmitHex('00A4040008A00000063201010500');
    expect(fci.startsWith('6F')).toBe(true);
    expect(fci.endsWith('9000')).toBe(true);
    expect(await reader.transmitHex('805C000204')).toBe('000021CA9000');
    expect(await reader.transmitHex('805C010204')).toBe('6A86');
    await reader.disconnect();
    expect(await card.remove()).toBe('removed');
    await reader.until(() => reader.empty, 'card removal seen by pcscd');
    expect(card.inserted).toBe(false);
  });

  it('leaves the field at APDU N+1 with removeAfterApdus N (the UID pseudo-APDU is number 1)', async () => {
    const card = await tap('t-union-guangzhou-ok', { removeAfterApdus: 2 });
    const removed = card.waitForRemoval();
    expect(await reader.transmitHex('FFCA000000')).toMatch(/9000$/);
    expect(await reader.transmitHex('00A4040008A00000063201010500')).toMatch(/9000$/);
    const third = await reader.transmitHex('805C000204').then(
      (r) => ({ answered: r }),
      (e: Error) => ({ failed: e.message }),
    );
    expect(third).not.toEqual({ answered: '000021CA9000' });
    expect(await removed).toBe('fault');
    await reader.until(() => reader.empty, 'removal seen by pcscd');
    expect(card.apduLog.map((x) => x.outcome)).toEqual(['answer', 'answer', 'remove']);
  });

  it('gives a T=0 card’s 61 xx and 6C xx to the reader as they are', async () => {
    await tap('t-union-t0');
    expect(await reader.transmitHex('00A4040008A00000063201010500')).toMatch(/^61[0-9A-F]{2}$/);
    expect(await reader.transmitHex('00B0950000')).toBe('6C1E');
    expect((await reader.transmitHex('00B095001E')).length).toBe(64);
  });

  it('answers garbage and short answers where scripted', async () => {
    const card = await tap('t-union-guangzhou-ok', { garbage: [{ command: '00A404', answer: 'DEADBEEF' }], short: [{ command: '805C' }] });
    expect(await reader.transmitHex('00A4040008A00000063201010500')).toBe('DEADBEEF');
    expect(await reader.transmitHex('805C000204')).toBe('00');
    expect(card.apduLog.map((x) => x.outcome)).toEqual(['garbage', 'short']);
  });

  it('a mute card leaves the transmit hanging until it is removed', async () => {
    const card = await tap('t-union-guangzhou-ok', { mute: [{ fromApdu: 2 }] });
    expect(await reader.transmitHex('FFCA000000')).toMatch(/9000$/);
    let settled = false;
    const hanging = reader.transmitHex('00A4040008A00000063201010500').then(
      (r) => ((settled = true), { answered: r }),
      (e: Error) => ((settled = true), { failed: e.message }),
    );
    await new Promise<void>((resolve) => {
      card.onApdu = (x) => x.index === 2 && resolve();
      if (card.apduLog.length >= 2) resolve();
    });
    expect(settled).toBe(false);
    expect(card.apduLog[1]).toMatchObject({ index: 2, outcome: 'mute', response: '' });
    await card.remove();
    const outcome = await hanging;
    expect(outcome).not.toMatchObject({ answered: expect.stringMatching(/9000$/) as unknown });
    await reader.until(() => reader.empty, 'removal seen by pcscd');
  });

  it('a second card on the same slot replaces the first', async () => {
    const first = await tap('beijing');
    await reader.disconnect();
    const second = new VirtualCard(await loadCardImage('shenzhen-tong'));
    cards.push(second);
    const firstGone = first.waitForRemoval();
    await second.insert({ port: SLOT.port });
    expect(await firstGone).toBe('removed');
    await reader.until(() => reader.present, 'second card present');
    await reader.connect();
    expect(await reader.transmitHex('FFCA000000')).toBe('04A7B8C99000');
  });
});

describe('virtual card without vpcd', () => {
  it('says that vpcd cannot be reached', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const card = new VirtualCard(await loadCardImage('beijing'));
    const error = await card.insert({ port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VirtualCardError);
    expect((error as VirtualCardError).code).toBe('vpcd-unreachable');
    expect(card.inserted).toBe(false);
  });
});
