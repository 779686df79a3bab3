import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CardEngine, loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { FileLockoutStore, MemoryLockoutStore, type LockoutStore } from '../../kiosk/maintenance/auth/lockout-store.js';
import { hashPin, verifyPin } from '../../kiosk/maintenance/auth/pin-hash.js';
import { TechnicianAuthenticator, type TechnicianRecord, type TechnicianRegistry } from '../../kiosk/maintenance/auth/technician-auth.js';
import type { ApduTransmit } from '../../kiosk/maintenance/auth/technician-card.js';
import type { AuditEntry } from '../../shared/sync.js';
import { tempDir, type TempDir } from '../support/pty.js';

const CHEAP = { N: 1024, r: 8, p: 1 };
const KEY = '53544B544543482D544553542D4B45592D303030303030303030303030303031';

function transmitTo(image: CardImage): { transmit: ApduTransmit; log: string[] } {
  const engine = new CardEngine(image);
  const log: string[] = [];
  return {
    log,
    transmit: (apdu) => {
      log.push(apdu.toString('hex'));
      return Promise.resolve(Buffer.from(engine.transmit(apdu)));
    },
  };
}

function cloneWithKey(image: CardImage, keyHex: string): CardImage {
  return { ...image, applications: image.applications.map((a) => (a.technician ? { ...a, technician: { ...a.technician, secretKeyHex: keyHex } } : a)) };
}

describe('technician authentication (simulated card engine in-process)', () => {
  let image: CardImage;
  let record: TechnicianRecord;
  let audit: AuditEntry[];
  let nowMs: number;
  let registry: TechnicianRegistry;

  const make = (lockouts: LockoutStore = new MemoryLockoutStore()): TechnicianAuthenticator =>
    new TechnicianAuthenticator({ registry, lockouts, recordAudit: (e) => Promise.resolve(audit.push(e)), now: () => new Date(nowMs) }, { maxPinAttempts: 5, lockoutMs: 15 * 60_000 });

  beforeAll(async () => {
    image = await loadCardImage('technician');
    record = { technicianId: 'GZ-T-0042', name: '李工', keyHex: KEY, pinHash: await hashPin('482913', CHEAP), active: true };
  });

  beforeEach(() => {
    audit = [];
    nowMs = Date.parse('2026-11-23T06:00:00Z');
    registry = { lookup: (id) => Promise.resolve(id === record.technicianId ? record : null) };
  });

  it('sends SELECT AID, GET DATA, INTERNAL AUTHENTICATE with a fresh 16-byte challenge', async () => {
    const card = transmitTo(image);
    const result = await make().presentCard(card.transmit, '04EC0042');
    expect(result).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042', name: '李工' } });
    expect(card.log[0]).toBe('00a4040008f0534b544543480100');
    expect(card.log[1]).toBe('80ca010100');
    expect(card.log[2]).toMatch(/^0088000010[0-9a-f]{32}00$/);
    const again = transmitTo(image);
    await make().presentCard(again.transmit);
    expect(again.log[2]).not.toBe(card.log[2]);
  });

  it('lets the technician in with card and right PIN, and audits entry, action and exit', async () => {
    const auth = make();
    const card = await auth.presentCard(transmitTo(image).transmit, '04EC0042');
    if (!card.ok) throw new Error(card.error.message);
    const session = await auth.enterPin(card.value.token, '482913');
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

  it('refuses a card with the same UID and id but without the key (a clone)', async () => {
    const clone = cloneWithKey(image, '00'.repeat(32));
    const result = await make().presentCard(transmitTo(clone).transmit, '04EC0042');
    expect(result).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
    expect(audit.at(-1)).toMatchObject({ actor: 'GZ-T-0042', action: 'maintenance.refused' });
    expect(audit.at(-1)?.detail).toMatch(/^card-auth-failed: .*uid#[0-9a-f]{12}/);
  });

  it('refuses when the registry holds a different key (wrong key provisioned)', async () => {
    record = { ...record, keyHex: 'AB'.repeat(32) };
    expect(await make().presentCard(transmitTo(image).transmit)).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
    record = { ...record, keyHex: KEY };
  });

  it('refuses unknown and withdrawn technicians, and cards without the application', async () => {
    registry = { lookup: () => Promise.resolve(null) };
    expect(await make().presentCard(transmitTo(image).transmit)).toMatchObject({ ok: false, error: { code: 'unknown-technician' } });
    registry = { lookup: () => Promise.resolve({ ...record, active: false }) };
    expect(await make().presentCard(transmitTo(image).transmit)).toMatchObject({ ok: false, error: { code: 'inactive' } });
    const transit = await loadCardImage('t-union-guangzhou-ok');
    expect(await make().presentCard(transmitTo(transit).transmit)).toMatchObject({ ok: false, error: { code: 'not-technician-card' } });
  });

  it('turns a card that vanishes mid-exchange or answers garbage into card-error', async () => {
    const vanish: ApduTransmit = () => Promise.reject(new Error('card removed (0x80100069)'));
    expect(await make().presentCard(vanish)).toMatchObject({ ok: false, error: { code: 'card-error' } });
    const garbage: ApduTransmit = () => Promise.resolve(Buffer.from([0x90]));
    expect(await make().presentCard(garbage)).toMatchObject({ ok: false, error: { code: 'card-error' } });
  });

  it('counts wrong PINs, locks after five, and the lockout expires', async () => {
    const auth = make();
    const card = await auth.presentCard(transmitTo(image).transmit);
    if (!card.ok) throw new Error(card.error.message);
    for (let left = 4; left >= 1; left--) {
      expect(await auth.enterPin(card.value.token, '000000')).toMatchObject({ ok: false, error: { code: 'wrong-pin', attemptsLeft: left } });
    }
    const locked = await auth.enterPin(card.value.token, '000000');
    expect(locked).toMatchObject({ ok: false, error: { code: 'locked-out', lockedUntil: '2026-11-23T06:15:00.000Z' } });
    expect(audit.filter((a) => a.action === 'maintenance.lockout')).toHaveLength(1);

    nowMs += 14 * 60_000;
    expect(await auth.presentCard(transmitTo(image).transmit)).toMatchObject({ ok: false, error: { code: 'locked-out' } });
    nowMs += 61_000;
    const again = await auth.presentCard(transmitTo(image).transmit);
    if (!again.ok) throw new Error(again.error.message);
    expect(await auth.enterPin(again.value.token, '482913')).toMatchObject({ ok: true });
    expect(audit.map((a) => a.action)).toContain('maintenance.lockout-expired');
  });

  it('refuses a PIN entered after the window or without a card', async () => {
    const auth = make();
    expect(await auth.enterPin('no-such-token', '482913')).toMatchObject({ ok: false, error: { code: 'no-card-session' } });
    const card = await auth.presentCard(transmitTo(image).transmit);
    if (!card.ok) throw new Error(card.error.message);
    nowMs += 3 * 60_000;
    expect(await auth.enterPin(card.value.token, '482913')).toMatchObject({ ok: false, error: { code: 'no-card-session' } });
  });

  describe('lockout persisted in a file', () => {
    let dir: TempDir;
    beforeAll(async () => {
      dir = await tempDir('tech-lockout');
    });
    afterAll(async () => {
      await dir.remove();
    });

    it('survives a restart of the authenticator', async () => {
      const file = path.join(dir.path, 'lockouts.json');
      const first = make(new FileLockoutStore(file));
      const card = await first.presentCard(transmitTo(image).transmit);
      if (!card.ok) throw new Error(card.error.message);
      for (let i = 0; i < 5; i++) await first.enterPin(card.value.token, '111111');
      const restarted = make(new FileLockoutStore(file));
      expect(await restarted.presentCard(transmitTo(image).transmit)).toMatchObject({ ok: false, error: { code: 'locked-out' } });
    });
  });
});

describe('PIN hashes', () => {
  it('verify the right PIN only, and reject malformed hashes', async () => {
    const stored = await hashPin('2468', CHEAP);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPin('2468', stored)).toBe(true);
    expect(await verifyPin('2469', stored)).toBe(false);
    expect(await verifyPin('2468', 'plain:2468')).toBe(false);
    expect(await verifyPin('2468', stored.replace('$1024$', '$1000$'))).toBe(false);
  });
});
