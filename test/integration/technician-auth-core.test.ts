import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CardEngine, loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { TechnicianAuthenticator, type TechnicianRecord, type TechnicianRegistry } from '../../kiosk/maintenance/auth/technician-auth.js';
import type { ApduTransmit } from '../../kiosk/maintenance/auth/technician-card.js';
import type { AuditEntry } from '../../shared/sync.js';
import { engineTransmit, freshTechnicianCard } from '../support/technician-cards.js';

describe('technician authentication (simulated card engine in-process)', () => {
  let image: CardImage;
  let record: TechnicianRecord;
  let audit: AuditEntry[];
  let nowMs: number;
  let registry: TechnicianRegistry;

  const make = (): TechnicianAuthenticator =>
    new TechnicianAuthenticator({ registry, recordAudit: (e) => Promise.resolve(audit.push(e)), now: () => new Date(nowMs) });

  beforeEach(() => {
    const card = freshTechnicianCard();
    image = card.image;
    record = card.record();
    audit = [];
    nowMs = Date.parse('2026-11-23T06:00:00Z');
    registry = { lookup: (id) => Promise.resolve(id === record.technicianId ? record : null) };
  });

  it('reads SELECT, GET DATA id and key id, PIN state; then VERIFY and INTERNAL AUTHENTICATE with a fresh 32-byte challenge', async () => {
    const auth = make();
    const card = engineTransmit(image);
    const result = await auth.presentCard(card.transmit, '04EC0042');
    expect(result).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042', name: '李工', pinTriesLeft: 5 } });
    expect(card.log).toEqual(['00a4040008f0534b544543480100', '80ca010100', '80ca010200', '00200080']);
    expect(card.answers[3]).toBe('63c5');
    if (!result.ok) return;
    const session = await auth.enterPin(result.value.token, '482913', card.transmit);
    expect(session).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042' } });
    expect(card.log[8]).toBe('0020008008343832393133ffff');
    expect(card.log[9]).toMatch(/^0088000020[0-9a-f]{64}00$/);

    const again = engineTransmit(image);
    const second = await auth.presentCard(again.transmit);
    if (!second.ok) throw new Error(second.error.message);
    await auth.enterPin(second.value.token, '482913', again.transmit);
    expect(again.log[9]).toMatch(/^0088000020[0-9a-f]{64}00$/);
    expect(again.log[9]).not.toBe(card.log[9]);
  });

  it('lets the technician in with card and right PIN, and audits entry, action and exit', async () => {
    const auth = make();
    const t = engineTransmit(image).transmit;
    const card = await auth.presentCard(t, '04EC0042');
    if (!card.ok) throw new Error(card.error.message);
    const session = await auth.enterPin(card.value.token, '482913', t);
    expect(session).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042', startedAt: '2026-11-23T06:00:00.000Z' } });
    if (!session.ok) return;
    expect(await auth.recordAction(session.value, 'test-print', 'receipt 1')).toEqual({ ok: true, value: undefined });
    await auth.exit(session.value, 'logout');
    expect(await auth.recordAction(session.value, 'test-print')).toMatchObject({ ok: false, error: { code: 'no-card-session' } });
    expect(audit.map((a) => a.action)).toEqual(['maintenance.card-presented', 'maintenance.card-verified', 'maintenance.entry', 'maintenance.action.test-print', 'maintenance.exit']);
    expect(audit.every((a) => a.actor === 'GZ-T-0042')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('482913');
    expect(JSON.stringify(audit)).not.toContain('04EC0042');
  });

  it('refuses a card with the same UID, id and PIN but another key (a copy without the private key), before the PIN is asked', async () => {
    const copy = freshTechnicianCard();
    const result = await make().presentCard(engineTransmit({ ...copy.image, uid: image.uid }).transmit, '04EC0042');
    expect(result).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
    expect(audit.at(-1)).toMatchObject({ actor: 'GZ-T-0042', action: 'maintenance.refused' });
    expect(audit.at(-1)?.detail).toMatch(/^card-auth-failed: .*uid#[0-9a-f]{12}/);
  });

  it('refuses a card that claims the enrolled key id but signs with another key', async () => {
    // The card answers the enrolled key's id to GET DATA, but its private key is another one.
    const liar = freshTechnicianCard();
    const liarEngine = new CardEngine(liar.image);
    const enrolled = new CardEngine(image);
    enrolled.transmit(Buffer.from('00a4040008f0534b544543480100', 'hex'));
    const enrolledKeyId = Buffer.from(enrolled.transmit(Buffer.from('80ca010200', 'hex'))).subarray(0, 32);
    const transmit: ApduTransmit = (apdu) => {
      const hex = apdu.toString('hex');
      if (hex === '80ca010200') return Promise.resolve(Buffer.concat([enrolledKeyId, Buffer.from('9000', 'hex')]));
      return Promise.resolve(Buffer.from(liarEngine.transmit(apdu)));
    };
    const auth = make();
    const card = await auth.presentCard(transmit);
    if (!card.ok) throw new Error(card.error.message);
    expect(await auth.enterPin(card.value.token, '482913', transmit)).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
  });

  it('refuses unknown and revoked technicians, and cards without the application', async () => {
    registry = { lookup: () => Promise.resolve(null) };
    expect(await make().presentCard(engineTransmit(image).transmit)).toMatchObject({ ok: false, error: { code: 'unknown-technician' } });
    registry = { lookup: () => Promise.resolve({ ...record, revoked: true }) };
    expect(await make().presentCard(engineTransmit(image).transmit)).toMatchObject({ ok: false, error: { code: 'revoked' } });
    const transit = await loadCardImage('t-union-guangzhou-ok');
    expect(await make().presentCard(engineTransmit(transit).transmit)).toMatchObject({ ok: false, error: { code: 'not-technician-card' } });
  });

  it('refuses a technician revoked between the tap and the PIN', async () => {
    const auth = make();
    const t = engineTransmit(image).transmit;
    const card = await auth.presentCard(t);
    if (!card.ok) throw new Error(card.error.message);
    record = { ...record, revoked: true };
    expect(await auth.enterPin(card.value.token, '482913', t)).toMatchObject({ ok: false, error: { code: 'revoked' } });
  });

  it('refuses an enrolled key that is not the card key (wrong key enrolled)', async () => {
    record = { ...record, publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    expect(await make().presentCard(engineTransmit(image).transmit)).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
  });

  it('turns a card that vanishes mid-exchange or answers garbage into card-error', async () => {
    const vanish: ApduTransmit = () => Promise.reject(new Error('card removed (0x80100069)'));
    expect(await make().presentCard(vanish)).toMatchObject({ ok: false, error: { code: 'card-error' } });
    const garbage: ApduTransmit = () => Promise.resolve(Buffer.from([0x90]));
    expect(await make().presentCard(garbage)).toMatchObject({ ok: false, error: { code: 'card-error' } });
  });

  it('the card counts wrong PINs and blocks itself after five; a blocked card is refused at the tap, by any kiosk', async () => {
    const auth = make();
    const engine = new CardEngine(image);
    const t = engineTransmit(image, engine).transmit;
    const card = await auth.presentCard(t);
    if (!card.ok) throw new Error(card.error.message);
    for (let left = 4; left >= 1; left--) {
      expect(await auth.enterPin(card.value.token, '000000', t)).toMatchObject({ ok: false, error: { code: 'wrong-pin', attemptsLeft: left } });
    }
    expect(await auth.enterPin(card.value.token, '000000', t)).toMatchObject({ ok: false, error: { code: 'card-blocked' } });
    expect(audit.filter((a) => a.action === 'maintenance.card-blocked')).toHaveLength(1);
    // Another kiosk (a new authenticator), the card tapped again (a new power-on): still blocked, the right PIN changes nothing.
    const other = make();
    expect(await other.presentCard(engineTransmit(image).transmit)).toMatchObject({ ok: false, error: { code: 'card-blocked' } });
    expect(Buffer.from(new CardEngine(image).transmit(Buffer.from('00a4040008f0534b544543480100', 'hex'))).subarray(-2).toString('hex')).toBe('9000');
  });

  it('a right PIN resets the card count; a malformed PIN is refused without reaching the card', async () => {
    const auth = make();
    const card0 = engineTransmit(image);
    const card = await auth.presentCard(card0.transmit);
    if (!card.ok) throw new Error(card.error.message);
    expect(await auth.enterPin(card.value.token, '111111', card0.transmit)).toMatchObject({ ok: false, error: { code: 'wrong-pin', attemptsLeft: 4 } });
    const sent = card0.log.length;
    expect(await auth.enterPin(card.value.token, '12', card0.transmit)).toMatchObject({ ok: false, error: { code: 'invalid-pin' } });
    expect(card0.log.length).toBe(sent);
    expect(await auth.enterPin(card.value.token, '482913', card0.transmit)).toMatchObject({ ok: true });
    const next = await make().presentCard(engineTransmit(image).transmit);
    expect(next).toMatchObject({ ok: true, value: { pinTriesLeft: 5 } });
  });

  it('refuses a PIN entered after the window, without a card, or with another card on the reader', async () => {
    const auth = make();
    const t = engineTransmit(image).transmit;
    expect(await auth.enterPin('no-such-token', '482913', t)).toMatchObject({ ok: false, error: { code: 'no-card-session' } });
    const card = await auth.presentCard(t);
    if (!card.ok) throw new Error(card.error.message);
    const swapped = freshTechnicianCard();
    expect(await auth.enterPin(card.value.token, '482913', engineTransmit(swapped.image).transmit)).toMatchObject({ ok: false, error: { code: 'no-card-session' } });
    const late = await auth.presentCard(t);
    if (!late.ok) throw new Error(late.error.message);
    nowMs += 3 * 60_000;
    expect(await auth.enterPin(late.value.token, '482913', t)).toMatchObject({ ok: false, error: { code: 'no-card-session' } });
  });
});
