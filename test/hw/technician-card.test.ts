/**
 * The technician card through the real PC/SC stack: the simulator's VirtualCard → vpcd → pcscd →
 * libpcsclite (@pokusew/pcsclite) → the kiosk's technician authenticator. Reader slot 1. The card
 * checks the PIN and signs the kiosk's challenge with its ECDSA P-256 key; its PIN counter lives
 * in the card, across taps.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VPCD_SLOTS, VirtualCard, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { TechnicianAuthenticator, type TechnicianRecord } from '../../kiosk/maintenance/auth/technician-auth.js';
import type { AuditEntry } from '../../shared/sync.js';
import { openRawReader, type RawPcscReader } from '../support/pcsc-raw-reader.js';
import { freshTechnicianCard } from '../support/technician-cards.js';

const SLOT = VPCD_SLOTS[1];
let closePcsc: () => void = () => undefined;
let slot: RawPcscReader;
const cards: VirtualCard[] = [];

async function tap(cardImage: CardImage): Promise<void> {
  const card = new VirtualCard(cardImage);
  cards.push(card);
  await card.insert({ port: SLOT.port });
  await slot.until(() => slot.present, 'card present');
  await slot.connect();
}

async function lift(): Promise<void> {
  await slot.disconnect();
  for (const card of cards.splice(0)) await card.remove();
  await slot.until(() => slot.empty, 'reader empty');
}

const authFor = (record: TechnicianRecord, audit: AuditEntry[] = []) =>
  new TechnicianAuthenticator({
    registry: { lookup: (id) => Promise.resolve(id === record.technicianId ? record : null) },
    recordAudit: (e) => Promise.resolve(audit.push(e)),
    now: () => new Date('2026-11-23T06:00:00Z'),
  });

beforeAll(async () => {
  const opened = await openRawReader(SLOT.reader);
  slot = opened.reader;
  closePcsc = opened.close;
});

afterEach(async () => {
  await lift();
});

afterAll(() => {
  closePcsc();
});

describe('technician card over pcscd + vpcd', () => {
  it('the card signs the challenge after its PIN and the kiosk enters maintenance with the public key only', async () => {
    const card = freshTechnicianCard();
    const audit: AuditEntry[] = [];
    const auth = authFor(card.record(), audit);
    await tap(card.image);
    const uid = (await slot.transmit(Buffer.from('FFCA000000', 'hex'))).subarray(0, -2).toString('hex');
    const tapped = await auth.presentCard(slot.transmit, uid);
    expect(tapped).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042', pinTriesLeft: 5 } });
    if (!tapped.ok) return;
    expect(await auth.enterPin(tapped.value.token, '482913', slot.transmit)).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042' } });
    expect(audit.map((a) => a.action)).toEqual(['maintenance.card-presented', 'maintenance.card-verified', 'maintenance.entry']);
  });

  it('refuses a copy with the same UID, id and PIN but another key', async () => {
    const card = freshTechnicianCard();
    const copy: CardImage = { ...freshTechnicianCard().image, uid: card.image.uid };
    await tap(copy);
    expect(await authFor(card.record()).presentCard(slot.transmit, card.image.uid)).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
  });

  it('wrong PINs count down on the card across taps, and the blocked card is refused', async () => {
    const card = freshTechnicianCard({ pinTries: 3 });
    const auth = authFor(card.record());
    await tap(card.image);
    const first = await auth.presentCard(slot.transmit);
    if (!first.ok) throw new Error(first.error.message);
    expect(await auth.enterPin(first.value.token, '111111', slot.transmit)).toMatchObject({ ok: false, error: { code: 'wrong-pin', attemptsLeft: 2 } });
    await lift();

    await tap(card.image);
    const second = await auth.presentCard(slot.transmit);
    expect(second).toMatchObject({ ok: true, value: { pinTriesLeft: 2 } });
    if (!second.ok) return;
    expect(await auth.enterPin(second.value.token, '222222', slot.transmit)).toMatchObject({ ok: false, error: { code: 'wrong-pin', attemptsLeft: 1 } });
    expect(await auth.enterPin(second.value.token, '333333', slot.transmit)).toMatchObject({ ok: false, error: { code: 'card-blocked' } });
    await lift();

    await tap(card.image);
    expect(await auth.presentCard(slot.transmit)).toMatchObject({ ok: false, error: { code: 'card-blocked' } });
  });
});
