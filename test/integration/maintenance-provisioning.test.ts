/**
 * Technician enrolment end to end, both engines: central enrols a technician by their card's
 * public key (staff API), the change feed (`types=technician`) carries the public key into the
 * kiosk store (real SQLite file, applied as the sync worker does), which then lets the
 * simulated card in with its PIN checked by the card; a revocation refuses it. No secret ever
 * travels: central never sees a PIN or private key, and refuses a private key offered as the key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardEngine } from '../../hardware-sim/virtual-card/index.js';
import { TechnicianAuthenticator } from '../../kiosk/maintenance/auth/technician-auth.js';
import { StoreTechnicianRegistry } from '../../kiosk/maintenance/technician-registry.js';
import { KioskStore } from '../../kiosk/store/index.js';
import { SyncClient } from '../../kiosk/sync/sync-client.js';
import { ENGINES, KIOSKS, STAFF_TOKEN, startTestCentral, type CentralFixture } from '../support/central.js';
import { engineTransmit, freshTechnicianCard } from '../support/technician-cards.js';

describe.each(ENGINES)('technician enrolment (%s)', (engine) => {
  let fx: CentralFixture;
  let dir: string;
  let store: KioskStore;
  const card = freshTechnicianCard();
  const transmit = () => engineTransmit(card.image, new CardEngine(card.image)).transmit;

  const staff = (method: string, url: string, body?: unknown) =>
    fetch(`${fx.central.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${STAFF_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  /** One down-sync pass as the sync worker does it: every page into the store. */
  const pull = async (): Promise<number> => {
    const client = new SyncClient({ baseUrl: fx.central.url, kioskId: KIOSKS.a.id, token: KIOSKS.a.token });
    let applied = 0;
    for (;;) {
      const page = await client.getChanges(await store.caches.cursor(), 100);
      if (!page.ok) throw new Error(page.error.message);
      applied += page.value.body.changes.filter((c) => c.type === 'technician').length;
      await store.caches.apply(page.value.body);
      if (!page.value.body.more) return applied;
    }
  };
  const auth = () => new TechnicianAuthenticator({ registry: new StoreTechnicianRegistry(store.caches), recordAudit: () => Promise.resolve(), now: () => new Date() });

  beforeAll(async () => {
    fx = await startTestCentral(engine);
    dir = mkdtempSync(path.join(tmpdir(), 'maint-prov-'));
    store = await KioskStore.open({ path: path.join(dir, 'kiosk.db') });
  });

  afterAll(async () => {
    await store?.close();
    await fx?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a technician enrolled at central by public key reaches the kiosk, and the card + PIN (checked by the card) let them in offline', async () => {
    expect(await auth().presentCard(transmit())).toMatchObject({ ok: false, error: { code: 'unknown-technician' } });

    const put = await staff('PUT', '/v1/staff/technicians/GZ-T-0042', { name: '李工', publicKeyPem: card.publicKeyPem });
    expect(put.status).toBe(200);
    const info = (await put.json()) as { keyId: string };
    expect(info).toMatchObject({ technicianId: 'GZ-T-0042', name: '李工', revokedAt: null, keyId: expect.stringMatching(/^[0-9a-f]{64}$/) as string });

    const list = await (await staff('GET', '/v1/staff/technicians')).text();
    expect(list).toContain(info.keyId);

    expect(await pull()).toBe(1);
    const stored = await store.caches.technician('GZ-T-0042');
    expect(stored).toMatchObject({ technicianId: 'GZ-T-0042', revokedAt: null });
    expect(stored?.publicKeyPem).toContain('BEGIN PUBLIC KEY');

    const a = auth();
    const t = transmit();
    const tapped = await a.presentCard(t, card.image.uid);
    if (!tapped.ok) throw new Error(tapped.error.message);
    expect(await a.enterPin(tapped.value.token, '000000', t)).toMatchObject({ ok: false, error: { code: 'wrong-pin', attemptsLeft: 4 } });
    expect(await a.enterPin(tapped.value.token, '482913', t)).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042', name: '李工' } });
  });

  it('a kiosk that does not ask for technicians never receives one (older kiosks keep syncing)', async () => {
    const res = await fetch(`${fx.central.url}/v1/kiosks/${KIOSKS.a.id}/changes?cursor=0&limit=500`, { headers: { authorization: `Bearer ${KIOSKS.a.token}` } });
    const body = (await res.json()) as { changes: { type: string }[] };
    expect(res.status).toBe(200);
    expect(body.changes.length).toBeGreaterThan(0);
    expect(body.changes.filter((c) => c.type === 'technician')).toEqual([]);
  });

  it('revoking the technician at central refuses the card on the kiosk after the next pull', async () => {
    const res = await staff('POST', '/v1/staff/technicians/GZ-T-0042/revoke');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ technicianId: 'GZ-T-0042', revokedAt: expect.any(String) as string });
    expect(await pull()).toBe(1);
    expect(await auth().presentCard(transmit())).toMatchObject({ ok: false, error: { code: 'revoked' } });
    expect(await pull()).toBe(0);
    expect((await staff('POST', '/v1/staff/technicians/GZ-T-0404/revoke')).status).toBe(404);
  });

  it('enrolling a new card key lifts the revocation and the old card stays refused', async () => {
    const replacement = freshTechnicianCard();
    expect((await staff('PUT', '/v1/staff/technicians/GZ-T-0042', { name: '李工', publicKeyPem: replacement.publicKeyPem })).status).toBe(200);
    expect(await pull()).toBe(1);
    expect(await auth().presentCard(transmit())).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
    expect(await auth().presentCard(engineTransmit(replacement.image).transmit)).toMatchObject({ ok: true });
  });

  it('refuses bad enrolment input (a private key, an RSA key, another curve, garbage, bad names) with a clear message, and stores nothing', async () => {
    const privatePem = card.image.applications[0]!.technician!.privateKeyPem;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const before = await pull();
    for (const body of [
      { name: 'x', publicKeyPem: privatePem },
      { name: 'x', publicKeyPem: rsa },
      { name: 'x', publicKeyPem: p384 },
      { name: 'x', publicKeyPem: card.publicKeyPem.replace(/[A-Z]/g, 'A') },
      { name: 'x\u0000y', publicKeyPem: card.publicKeyPem },
      { name: 'x', keyHex: 'AB'.repeat(32), pin: '482913' },
    ]) {
      const res = await staff('PUT', '/v1/staff/technicians/GZ-T-0099', body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid-request', message: expect.any(String) as string } });
    }
    const refusedPrivate = await staff('PUT', '/v1/staff/technicians/GZ-T-0099', { name: 'x', publicKeyPem: privatePem });
    expect(((await refusedPrivate.json()) as { error: { message: string } }).error.message).toMatch(/private key|public key/i);
    expect((await staff('PUT', '/v1/staff/technicians/bad%20id', { name: 'x', publicKeyPem: card.publicKeyPem })).status).toBe(400);
    expect(before).toBe(0);
    expect(await pull()).toBe(0);
    expect(await store.caches.technician('GZ-T-0099')).toBeNull();
    expect(await (await staff('GET', '/v1/staff/technicians')).text()).not.toContain('GZ-T-0099');
  });
});
