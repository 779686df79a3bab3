/**
 * Technicians travel in the kiosk's ordinary down-sync: a technician added at central (staff API)
 * reaches the kiosk store through the real SyncWorker, lets the technician card + PIN in offline
 * through `StoreTechnicianRegistry`, and a withdrawal refuses the card after the next sync.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { CardEngine, loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { MemoryLockoutStore } from '../../kiosk/maintenance/auth/lockout-store.js';
import { TechnicianAuthenticator } from '../../kiosk/maintenance/auth/technician-auth.js';
import type { ApduTransmit } from '../../kiosk/maintenance/auth/technician-card.js';
import { StoreTechnicianRegistry } from '../../kiosk/maintenance/technician-registry.js';
import { startCentral } from '../../central/server.js';
import { kioskIdentity, openKiosk, tempDir, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';

const KEY = '53544B544543482D544553542D4B45592D303030303030303030303030303031';
const STAFF = 'staff-token-sync-technicians-0123';
const dir = tempDir('sync-tech-');
const k1 = kioskIdentity(21);
let central: RunningCentral;
let kiosk: KioskUnderTest;
let image: CardImage;

function transmitTo(card: CardImage): ApduTransmit {
  const engine = new CardEngine(card);
  return (apdu) => Promise.resolve(Buffer.from(engine.transmit(apdu)));
}

const putTechnician = (active: boolean) =>
  fetch(`${central.url}/v1/staff/technicians/GZ-T-0042`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${STAFF}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: '李工', active, keyHex: KEY, pin: '482913' }),
  });

beforeAll(async () => {
  central = await startCentral({
    storage: { engine: 'sqlite', file: join(dir.path, 'central.db') },
    dataDir: join(dir.path, 'central-data'),
    staffToken: STAFF,
    kiosks: [{ id: k1.kioskId, token: k1.token, stationId: k1.stationId, ticketCode: k1.kioskCode }],
  });
  kiosk = await openKiosk(join(dir.path, 'kiosk.db'), k1, central.url);
  image = await loadCardImage('technician');
});
afterAll(async () => {
  await kiosk?.close();
  await central?.close();
  dir.remove();
});

describe('technician changes in the sync worker', () => {
  it('a technician added at central is stored by the down-sync and verified offline with card and PIN', async () => {
    const registry = new StoreTechnicianRegistry(kiosk.store.caches);
    const auth = () => new TechnicianAuthenticator({ registry, lockouts: new MemoryLockoutStore(), recordAudit: () => Promise.resolve(), now: () => new Date() });
    expect(await auth().presentCard(transmitTo(image))).toMatchObject({ ok: false, error: { code: 'unknown-technician' } });

    expect((await putTechnician(true)).status).toBe(200);
    kiosk.worker.start();
    await waitFor(kiosk.worker, async () => (await registry.lookup('GZ-T-0042')) !== null, 'the technician in the kiosk store');
    const stored = await registry.lookup('GZ-T-0042');
    expect(stored).toMatchObject({ technicianId: 'GZ-T-0042', name: '李工', active: true, keyHex: KEY });
    expect(stored?.pinHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(stored)).not.toContain('482913');

    // The rest of the feed still arrives with the same cursor: the kiosk's config came too.
    expect(await kiosk.store.caches.cursor()).toBeGreaterThan(0);

    const a = auth();
    const card = await a.presentCard(transmitTo(image), '04EC0042');
    if (!card.ok) throw new Error(card.error.message);
    expect(await a.enterPin(card.value.token, '000000')).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await a.enterPin(card.value.token, '482913')).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042' } });
  });

  it('withdrawing the technician at central refuses the card after the next sync', async () => {
    const registry = new StoreTechnicianRegistry(kiosk.store.caches);
    expect((await putTechnician(false)).status).toBe(200);
    kiosk.worker.syncNow();
    await waitFor(kiosk.worker, async () => (await registry.lookup('GZ-T-0042'))?.active === false, 'the withdrawal');
    const auth = new TechnicianAuthenticator({ registry, lockouts: new MemoryLockoutStore(), recordAudit: () => Promise.resolve(), now: () => new Date() });
    expect(await auth.presentCard(transmitTo(image))).toMatchObject({ ok: false, error: { code: 'inactive' } });
    expect(await kiosk.store.caches.technicianCount()).toBe(1);
  });

  it('a page with a malformed technician change is refused whole: nothing stored, the cursor stays', async () => {
    const before = await kiosk.store.caches.cursor();
    const { SyncClient } = await import('../../kiosk/sync/sync-client.js');
    const bad = new SyncClient({
      baseUrl: central.url,
      kioskId: k1.kioskId,
      token: k1.token,
      fetch: () =>
        Promise.resolve(
          new Response(JSON.stringify({ changes: [{ type: 'technician', cursor: before + 1, technician: { technicianId: 'X', keyHex: 'zz' } }], cursor: before + 1, more: false, serverTime: new Date().toISOString() })),
        ),
    });
    const r = await bad.getChanges(before, 10);
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-response' } });
    expect(await kiosk.store.caches.technician('X')).toBeNull();
    expect(await kiosk.store.caches.cursor()).toBe(before);
  });
});
