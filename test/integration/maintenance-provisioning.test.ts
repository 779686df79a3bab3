/**
 * Technician provisioning end to end: a technician added at central (staff API, both engines)
 * travels through the change feed (`types=technician`) into the kiosk's registry (real SQLite
 * file), which then lets the simulated technician card and the PIN in; the PIN never leaves central, the
 * key and hash never reach the staff list, and a kiosk that does not ask gets no technician change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardEngine, loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { MemoryLockoutStore } from '../../kiosk/maintenance/auth/lockout-store.js';
import { TechnicianAuthenticator } from '../../kiosk/maintenance/auth/technician-auth.js';
import type { ApduTransmit } from '../../kiosk/maintenance/auth/technician-card.js';
import { TechnicianFeed } from '../../kiosk/maintenance/technician-feed.js';
import { SqliteTechnicianRegistry } from '../../kiosk/maintenance/technician-registry.js';
import { sqlite3Driver } from '../../kiosk/store/sqlite3-driver.js';
import { ENGINES, KIOSKS, STAFF_TOKEN, startTestCentral, type CentralFixture } from '../support/central.js';

const KEY = '53544B544543482D544553542D4B45592D303030303030303030303030303031';

function transmitTo(image: CardImage): ApduTransmit {
  const engine = new CardEngine(image);
  return (apdu) => Promise.resolve(Buffer.from(engine.transmit(apdu)));
}

describe.each(ENGINES)('technician provisioning (%s)', (engine) => {
  let fx: CentralFixture;
  let dir: string;
  let registry: SqliteTechnicianRegistry;
  let image: CardImage;

  const staff = (method: string, url: string, body?: unknown) =>
    fetch(`${fx.central.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${STAFF_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const feed = () => new TechnicianFeed({ centralUrl: fx.central.url, kioskId: KIOSKS.a.id, token: KIOSKS.a.token, registry });
  const auth = () => new TechnicianAuthenticator({ registry, lockouts: new MemoryLockoutStore(), recordAudit: () => Promise.resolve(), now: () => new Date() });

  beforeAll(async () => {
    fx = await startTestCentral(engine);
    dir = mkdtempSync(path.join(tmpdir(), 'maint-prov-'));
    registry = await SqliteTechnicianRegistry.open(sqlite3Driver, path.join(dir, 'technicians.db'));
    image = await loadCardImage('technician');
  });

  afterAll(async () => {
    await registry?.close();
    await fx?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a technician added at central reaches the kiosk and the card + PIN are verified offline', async () => {
    expect(await auth().presentCard(transmitTo(image))).toMatchObject({ ok: false, error: { code: 'unknown-technician' } });

    const put = await staff('PUT', '/v1/staff/technicians/GZ-T-0042', { name: '李工', active: true, keyHex: KEY, pin: '482913' });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ technicianId: 'GZ-T-0042', name: '李工', active: true });

    const list = await (await staff('GET', '/v1/staff/technicians')).text();
    expect(list).toContain('GZ-T-0042');
    expect(list).not.toMatch(/scrypt|53544B54|482913/i);

    expect(await feed().pull()).toEqual({ ok: true, value: { applied: 1 } });
    const stored = await registry.lookup('GZ-T-0042');
    expect(stored).toMatchObject({ technicianId: 'GZ-T-0042', active: true, keyHex: KEY });
    expect(stored?.pinHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(JSON.stringify(stored)).not.toContain('482913');

    const a = auth();
    const card = await a.presentCard(transmitTo(image), '04EC0042');
    if (!card.ok) throw new Error(card.error.message);
    expect(await a.enterPin(card.value.token, '000000')).toMatchObject({ ok: false, error: { code: 'wrong-pin' } });
    expect(await a.enterPin(card.value.token, '482913')).toMatchObject({ ok: true, value: { technicianId: 'GZ-T-0042', name: '李工' } });
  });

  it('a kiosk that does not ask for technicians never receives one (older kiosks keep syncing)', async () => {
    const res = await fetch(`${fx.central.url}/v1/kiosks/${KIOSKS.a.id}/changes?cursor=0&limit=500`, { headers: { authorization: `Bearer ${KIOSKS.a.token}` } });
    const body = (await res.json()) as { changes: { type: string }[] };
    expect(res.status).toBe(200);
    expect(body.changes.length).toBeGreaterThan(0);
    expect(body.changes.filter((c) => c.type === 'technician')).toEqual([]);
  });

  it('withdrawing the technician at central refuses the card on the kiosk after the next pull', async () => {
    expect((await staff('PUT', '/v1/staff/technicians/GZ-T-0042', { name: '李工', active: false, keyHex: KEY, pin: '482913' })).status).toBe(200);
    expect(await feed().pull()).toEqual({ ok: true, value: { applied: 1 } });
    expect(await auth().presentCard(transmitTo(image))).toMatchObject({ ok: false, error: { code: 'inactive' } });
    expect(await feed().pull()).toEqual({ ok: true, value: { applied: 0 } });
  });

  it('refuses bad technician input with a typed error and stores nothing', async () => {
    for (const body of [
      { name: 'x', active: true, keyHex: 'ABC', pin: '482913' },
      { name: 'x', active: true, keyHex: KEY, pin: '12' },
      { name: 'x', active: true, keyHex: KEY, pin: '111111' },
      { name: 'x\u0000y', active: true, keyHex: KEY, pin: '482913' },
    ]) {
      const res = await staff('PUT', '/v1/staff/technicians/GZ-T-0099', body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: expect.any(String) as string } });
    }
    expect((await staff('PUT', '/v1/staff/technicians/bad%20id', { name: 'x', active: true, keyHex: KEY, pin: '482913' })).status).toBe(400);
    expect(await feed().pull()).toEqual({ ok: true, value: { applied: 0 } });
    expect(await registry.lookup('GZ-T-0099')).toBeNull();
  });

  it('a malformed feed answer changes nothing in the registry', async () => {
    const before = await registry.cursor();
    const broken = new TechnicianFeed({
      centralUrl: fx.central.url,
      kioskId: KIOSKS.a.id,
      token: KIOSKS.a.token,
      registry,
      fetch: () => Promise.resolve(new Response(JSON.stringify({ changes: [{ type: 'technician', cursor: 99, technician: { technicianId: 'X', keyHex: 'zz' } }], cursor: 99, more: false }))),
    });
    expect(await broken.pull()).toMatchObject({ ok: false, error: { code: 'bad-answer' } });
    expect(await registry.cursor()).toBe(before);
    expect(await registry.lookup('X')).toBeNull();
  });
});
