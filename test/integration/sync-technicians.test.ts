/**
 * Technicians travel in the kiosk's ordinary down-sync: a technician added at central (staff API)
 * reaches the kiosk store through the real SyncWorker, lets the technician card + PIN in offline
 * through `StoreTechnicianRegistry`, and a revocation refuses the card after the next sync.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { CardEngine, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { TechnicianAuthenticator } from '../../kiosk/maintenance/auth/technician-auth.js';
import { StoreTechnicianRegistry } from '../../kiosk/maintenance/technician-registry.js';
import { startCentral } from '../../central/server.js';
import { kioskIdentity, openKiosk, tempDir, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';
import { engineTransmit, freshTechnicianCard } from '../support/technician-cards.js';

const STAFF = 'staff-token-sync-technicians-0123';
const dir = tempDir('sync-tech-');
const k1 = kioskIdentity(21);
let central: RunningCentral;
let kiosk: KioskUnderTest;
const card = freshTechnicianCard();
const image: CardImage = card.image;
const transmitTo = (c: CardImage) => engineTransmit(c, new CardEngine(c)).transmit;

const putTechnician = () =>
  fetch(`${central.url}/v1/staff/technicians/GZ-T-0042`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${STAFF}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: '李工', publicKeyPem: card.publicKeyPem }),
  });
const revokeTechnician = () => fetch(`${central.url}/v1/staff/technicians/GZ-T-0042/revoke`, { method: 'POST', headers: { authorization: `Bearer ${STAFF}` } });

beforeAll(async () => {
  central = await startCentral({
    storage: { engine: 'sqlite', file: join(dir.path, 'central.db') },
    dataDir: join(dir.path, 'central-data'),
    staffToken: STAFF,
    kiosks: [{ id: k1.kioskId, token: k1.token, stationId: k1.stationId, ticketCode: k1.kioskCode }],
  });
  kiosk = await openKiosk(join(dir.path, 'kiosk.db'), k1, central.url);
});
afterAll(async () => {
  await kiosk?.close();
  await central?.close();
  dir.remove();
});

describe('technician changes in the sync worker', () => {
  it('a technician enrolled at central by public key is stored by the down-sync and verified offline with card and PIN', async () => {
    const registry = new StoreTechnicianRegistry(kiosk.store.caches);
    const auth = () => new TechnicianAuthenticator({ registry, recordAudit: () => Promise.resolve(), now: () => new Date() });
    expect(await auth().presentCard(transmitTo(image))).toMatchObject({ ok: false, error: { code: 'unknown-technician' } });

    expect((await putTechnician()).status).toBe(200);
    kiosk.worker.start();
    await waitFor(kiosk.worker, async () => (await registry.lookup('GZ-T-0042')) !== null, 'the technician in the kiosk store');
    const stored = await kiosk.store.caches.technician('GZ-T-0042');
    expect(stored).toMatchObject({ technicianId: 'GZ-T-0042', name: '李工', revokedAt: null });
    expect(stored?.publicKeyPem.replace(/\s/g, '')).toBe(card.publicKeyPem.replace(/\s/g, ''));
    expect(JSON.stringify(stored)).not.toMatch(/482913|PRIVATE/);

    // The rest of the feed still arrives with the same cursor: the kiosk's config came too.
    expect(await kiosk.store.caches.cursor()).toBeGreaterThan(0);

    const a = auth();
    const t = transmitTo(image);
    const tapped = await a.presentCard(t, '04EC0042');
    if (!tapped.ok) throw new Error(tapped.error.message);
    expect(await a.enterPin(tapped.value.token, '000000', t)).toMatchObject({ ok: false, error: { code: 'wrong-pin', attemptsLeft: 4 } });
    expect(await a.enterPin(tapped.value.token, '482913', t)).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042' } });
  });

  it('revoking the technician at central refuses the card after the next sync', async () => {
    const registry = new StoreTechnicianRegistry(kiosk.store.caches);
    expect((await revokeTechnician()).status).toBe(200);
    kiosk.worker.syncNow();
    await waitFor(kiosk.worker, async () => (await registry.lookup('GZ-T-0042'))?.revoked === true, 'the revocation');
    const auth = new TechnicianAuthenticator({ registry, recordAudit: () => Promise.resolve(), now: () => new Date() });
    expect(await auth.presentCard(transmitTo(image))).toMatchObject({ ok: false, error: { code: 'revoked' } });
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
          new Response(JSON.stringify({ changes: [{ type: 'technician', cursor: before + 1, technician: { technicianId: 'X', name: 'X', keyHex: 'AB'.repeat(32), pinHash: 'scrypt$1$1$1$a$b', updatedAt: new Date().toISOString() } }], cursor: before + 1, more: false, serverTime: new Date().toISOString() })),
        ),
    });
    const r = await bad.getChanges(before, 10);
    expect(r).toMatchObject({ ok: false, error: { code: 'bad-response' } });
    expect(await kiosk.store.caches.technician('X')).toBeNull();
    expect(await kiosk.store.caches.cursor()).toBe(before);
  });
});
