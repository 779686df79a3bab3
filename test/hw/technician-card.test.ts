/**
 * The technician card through the real PC/SC stack: the simulator's VirtualCard → vpcd → pcscd →
 * libpcsclite (@pokusew/pcsclite) → the kiosk's technician authenticator. Reader slot 1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VPCD_SLOTS, VirtualCard, loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { MemoryLockoutStore } from '../../kiosk/maintenance/auth/lockout-store.js';
import { hashPin } from '../../kiosk/maintenance/auth/pin-hash.js';
import { TechnicianAuthenticator, type TechnicianRecord } from '../../kiosk/maintenance/auth/technician-auth.js';
import type { AuditEntry } from '../../shared/sync.js';
import { openRawReader, type RawPcscReader } from '../support/pcsc-raw-reader.js';

const SLOT = VPCD_SLOTS[1];
const KEY = '53544B544543482D544553542D4B45592D303030303030303030303030303031';
let closePcsc: () => void = () => undefined;
let slot: RawPcscReader;
let image: CardImage;
let record: TechnicianRecord;
const cards: VirtualCard[] = [];

async function tap(cardImage: CardImage): Promise<void> {
  const card = new VirtualCard(cardImage);
  cards.push(card);
  await card.insert({ port: SLOT.port });
  await slot.until(() => slot.present, 'card present');
  await slot.connect();
}

beforeAll(async () => {
  image = await loadCardImage('technician');
  record = { technicianId: 'GZ-T-0042', name: 'Li', keyHex: KEY, pinHash: await hashPin('482913', { N: 1024, r: 8, p: 1 }), active: true };
  const opened = await openRawReader(SLOT.reader);
  slot = opened.reader;
  closePcsc = opened.close;
});

afterEach(async () => {
  await slot.disconnect();
  for (const card of cards.splice(0)) await card.remove();
  await slot.until(() => slot.empty, 'reader empty after the test');
});

afterAll(() => {
  closePcsc();
});

describe('technician card over pcscd + vpcd', () => {
  it('authenticates the technician card and enters maintenance with the PIN', async () => {
    const audit: AuditEntry[] = [];
    const auth = new TechnicianAuthenticator({
      registry: { lookup: (id) => Promise.resolve(id === record.technicianId ? record : null) },
      lockouts: new MemoryLockoutStore(),
      recordAudit: (e) => Promise.resolve(audit.push(e)),
      now: () => new Date('2026-11-23T06:00:00Z'),
    });
    await tap(image);
    const uid = (await slot.transmit(Buffer.from('FFCA000000', 'hex'))).subarray(0, -2).toString('hex');
    const card = await auth.presentCard(slot.transmit, uid);
    expect(card).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042' } });
    if (!card.ok) return;
    expect(await auth.enterPin(card.value.token, '482913')).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042' } });
    expect(audit.map((a) => a.action)).toEqual(['maintenance.card-presented', 'maintenance.card-verified', 'maintenance.entry']);
  });

  it('refuses a clone with the same UID and id but another key', async () => {
    const clone: CardImage = {
      ...image,
      applications: image.applications.map((a) => (a.technician ? { ...a, technician: { ...a.technician, secretKeyHex: '11'.repeat(32) } } : a)),
    };
    const auth = new TechnicianAuthenticator({
      registry: { lookup: () => Promise.resolve(record) },
      lockouts: new MemoryLockoutStore(),
      recordAudit: () => Promise.resolve(),
      now: () => new Date('2026-11-23T06:00:00Z'),
    });
    await tap(clone);
    expect(await auth.presentCard(slot.transmit, '04EC0042')).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
  });
});
