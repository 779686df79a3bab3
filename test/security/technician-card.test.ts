/**
 * Technician cards, attacked as someone who stole a kiosk or listened to a card would: the
 * kiosk's data after a sync holds no private key, PIN or PIN hash (nothing that lets it pass
 * as a technician or learn a PIN), and its files are owner-only; an older kiosk store that held
 * card keys and PIN hashes loses them on upgrade; a captured card exchange does not pass a new
 * challenge; a revoked technician is refused; wrong PINs block the card itself; PIN tries on one
 * card never run in parallel.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { migrationsFor, TECHNICIAN_SECRETS_DROPPED_AT } from '../../central/storage/migrations.js';
import { openCentralStorage } from '../../central/storage/open.js';
import { SqliteConnection } from '../../shared/sqlite-connection.js';
import { DEMO_TECHNICIAN } from '../../central/seed/demo-technician.js';
import { CardEngine, loadCardImage } from '../../hardware-sim/virtual-card/index.js';
import { TechnicianAuthenticator, type TechnicianRegistry } from '../../kiosk/maintenance/auth/technician-auth.js';
import type { ApduTransmit } from '../../kiosk/maintenance/auth/technician-card.js';
import { StoreTechnicianRegistry } from '../../kiosk/maintenance/technician-registry.js';
import { removeTechnicianSecretFiles } from '../../kiosk/runtime/effects/maintenance-wiring.js';
import { KioskStore } from '../../kiosk/store/index.js';
import { migrate, MIGRATIONS } from '../../kiosk/store/migrations.js';
import { ownerOnlyDir } from '../../kiosk/store/owner-only.js';
import { sqlite3Driver } from '../../kiosk/store/sqlite3-driver.js';
import { SyncClient } from '../../kiosk/sync/sync-client.js';
import { engineTransmit, freshTechnicianCard } from '../support/technician-cards.js';

const STAFF = 'staff-token-technician-security-01';
const KIOSK = { id: 'SEC-K1', token: 'kiosk-token-technician-security-01' };
const PIN = '482913';

const dir = mkdtempSync(path.join(tmpdir(), 'sec-tech-'));
const kioskDir = path.join(dir, 'kiosk');
const card = freshTechnicianCard({ pin: PIN });
const privatePem = card.image.applications[0]!.technician!.privateKeyPem;
let central: RunningCentral;
let store: KioskStore;

const staff = (method: string, url: string, body?: unknown) =>
  fetch(`${central.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${STAFF}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function pull(): Promise<void> {
  const client = new SyncClient({ baseUrl: central.url, kioskId: KIOSK.id, token: KIOSK.token });
  for (;;) {
    const page = await client.getChanges(await store.caches.cursor(), 100);
    if (!page.ok) throw new Error(page.error.message);
    await store.caches.apply(page.value.body);
    if (!page.value.body.more) return;
  }
}

const authOn = (registry: TechnicianRegistry) => new TechnicianAuthenticator({ registry, recordAudit: () => Promise.resolve(), now: () => new Date() });

/** Every byte string a stolen kiosk could use to pass as the technician or to learn the PIN. */
function secretsOf(pem: string, pin: string): Buffer[] {
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  const d = Buffer.from(jwk.d!, 'base64url');
  const pkcs8 = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return [
    d,
    Buffer.from(d.toString('hex')),
    Buffer.from(d.toString('hex').toUpperCase()),
    Buffer.from(d.toString('base64')),
    Buffer.from(jwk.d!),
    pkcs8,
    Buffer.from(pkcs8.toString('base64').slice(0, 40)),
    Buffer.from('PRIVATE KEY'),
    Buffer.from('scrypt$'),
    Buffer.from(pin),
  ];
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

beforeAll(async () => {
  central = await startCentral({
    storage: { engine: 'sqlite', file: path.join(dir, 'central', 'central.sqlite') },
    dataDir: path.join(dir, 'central'),
    staffToken: STAFF,
    kiosks: [{ id: KIOSK.id, token: KIOSK.token }],
  });
  await ownerOnlyDir(kioskDir); // as the runtime makes its data folder
  store = await KioskStore.open({ path: path.join(kioskDir, 'kiosk.db') });
  expect((await staff('PUT', '/v1/staff/technicians/GZ-T-0042', { name: '李工', publicKeyPem: card.publicKeyPem })).status).toBe(200);
  await pull();
});

afterAll(async () => {
  await store?.close();
  await central?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a stolen kiosk holds nothing that authenticates', () => {
  it('after the sync the kiosk store holds the public key only: no private key, PIN or PIN hash in any kiosk file, and the files are owner-only', async () => {
    expect(await store.caches.technician('GZ-T-0042')).toMatchObject({ technicianId: 'GZ-T-0042', revokedAt: null });
    const files = await filesUnder(kioskDir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = await readFile(f);
      for (const secret of secretsOf(privatePem, PIN)) expect(bytes.includes(secret), `${path.basename(f)} holds a secret`).toBe(false);
      expect((await stat(f)).mode & 0o077, `${path.basename(f)} is readable by others`).toBe(0);
    }
    // What it holds is useless for signing: the public key does not sign.
    const stored = await store.caches.technician('GZ-T-0042');
    expect(() => createPrivateKey(stored!.publicKeyPem)).toThrow();
  });

  it("central's files hold no private key or PIN either, and are owner-only", async () => {
    for (const f of await filesUnder(path.join(dir, 'central'))) {
      const bytes = await readFile(f);
      for (const secret of secretsOf(privatePem, PIN)) expect(bytes.includes(secret), `${path.basename(f)} holds a secret`).toBe(false);
      expect((await stat(f)).mode & 0o077, `${path.basename(f)} is readable by others`).toBe(0);
    }
    expect((await stat(path.join(dir, 'central'))).mode & 0o077).toBe(0);
  });

  it('a kiosk store of the earlier version, holding card keys and PIN hashes, loses them on upgrade (not left in free pages or the WAL)', async () => {
    const file = path.join(dir, 'old-kiosk.db');
    const old = await sqlite3Driver.open(file);
    await migrate(
      old,
      MIGRATIONS.filter((m) => m.version <= 3),
    );
    const oldKey = 'C0FFEE5EC12E7' + 'AB'.repeat(25) + '1';
    const oldHash = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
    for (let i = 0; i < 50; i++) {
      await old.run('INSERT INTO technicians (id, name, active, key_hex, pin_hash, updated_at, cursor) VALUES (?, ?, 1, ?, ?, ?, ?)', [`T-${i}`, 'old', oldKey, oldHash, '2026-11-01T00:00:00Z', i + 1]);
    }
    await old.close();
    expect((await readFile(file)).includes(Buffer.from(oldKey))).toBe(true);

    const upgraded = await KioskStore.open({ path: file });
    await upgraded.close();
    for (const f of [file, `${file}-wal`]) {
      const bytes = await readFile(f).catch(() => Buffer.alloc(0));
      expect(bytes.includes(Buffer.from(oldKey)), path.basename(f)).toBe(false);
      expect(bytes.includes(Buffer.from('scrypt$')), path.basename(f)).toBe(false);
    }
  });

  it("central's SQLite file of the earlier version, holding card keys and PIN hashes in its table and change feed, loses them on upgrade", async () => {
    const file = path.join(dir, 'old-central.sqlite');
    const old = await SqliteConnection.open(file);
    await old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of migrationsFor('sqlite').filter((x) => x.version < TECHNICIAN_SECRETS_DROPPED_AT)) {
      await old.exec(m.sql);
      await old.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, '2026-11-01T00:00:00Z']);
    }
    const oldKey = 'C0FFEE5EC12E7' + 'CD'.repeat(25) + '2';
    const oldHash = 'scrypt$16384$8$1$b2xkc2FsdG9sZHNhbHQ=$b2xkaGFzaG9sZGhhc2hvbGRoYXNob2xkaGFzaG9sZA==';
    for (let i = 0; i < 50; i++) {
      await old.run('INSERT INTO technicians (id, name, active, key_hex, pin_hash, updated_at) VALUES (?, ?, 1, ?, ?, ?)', [`T-${i}`, 'old', oldKey, oldHash, '2026-11-01T00:00:00Z']);
      const body = JSON.stringify({ type: 'technician', technician: { technicianId: `T-${i}`, name: 'old', active: true, keyHex: oldKey, pinHash: oldHash, updatedAt: '2026-11-01T00:00:00Z' } });
      await old.run("INSERT INTO changes (type, kiosk_id, station_id, body, at) VALUES ('technician', NULL, NULL, ?, ?)", [body, '2026-11-01T00:00:00Z']);
    }
    await old.close();
    expect((await readFile(file)).includes(Buffer.from(oldKey))).toBe(true);

    const upgraded = await openCentralStorage({ engine: 'sqlite', file });
    expect(await upgraded.listTechnicians()).toEqual([]);
    await upgraded.close();
    for (const f of [file, `${file}-wal`]) {
      const bytes = await readFile(f).catch(() => Buffer.alloc(0));
      expect(bytes.includes(Buffer.from(oldKey)), path.basename(f)).toBe(false);
      expect(bytes.includes(Buffer.from('scrypt$')), path.basename(f)).toBe(false);
    }
  });

  it('the files of the earlier technician scheme (card keys and PIN hashes, kiosk lockouts) are deleted at start', async () => {
    const data = path.join(dir, 'old-data');
    await mkdir(data, { recursive: true });
    for (const f of ['technicians.sqlite', 'technicians.sqlite-wal', 'technician-lockouts.json']) await writeFile(path.join(data, f), 'key_hex 53544B54 pin_hash scrypt$');
    await writeFile(path.join(data, 'kiosk.db'), 'other');
    await removeTechnicianSecretFiles(data);
    expect((await readdir(data)).sort()).toEqual(['kiosk.db']);
  });
});

describe('cards that are not the technician get nothing', () => {
  it('a captured exchange replayed by a fake card does not pass the next, fresh challenge', async () => {
    const registry = new StoreTechnicianRegistry(store.caches);
    // The attacker records a real technician's whole exchange (e.g. with a relay on the reader).
    const recorded = engineTransmit(card.image, new CardEngine(card.image));
    const auth = authOn(registry);
    const tapped = await auth.presentCard(recorded.transmit);
    if (!tapped.ok) throw new Error(tapped.error.message);
    expect(await auth.enterPin(tapped.value.token, PIN, recorded.transmit)).toMatchObject({ ok: true });
    const transcript = recorded.log.map((command, i) => ({ command, answer: recorded.answers[i]! }));
    const signature = transcript.find((t) => t.command.startsWith('0088'))!;

    // The fake card answers every command with what the real card answered to it (the
    // signature for any challenge), and accepts any PIN.
    const replay: ApduTransmit = (apdu) => {
      const hex = apdu.toString('hex');
      if (hex.startsWith('0088')) return Promise.resolve(Buffer.from(signature.answer, 'hex'));
      if (hex.startsWith('0020008008')) return Promise.resolve(Buffer.from('9000', 'hex'));
      const same = transcript.find((t) => t.command === hex);
      return Promise.resolve(Buffer.from(same?.answer ?? '6d00', 'hex'));
    };
    const victim = authOn(registry);
    const fake = await victim.presentCard(replay);
    if (!fake.ok) throw new Error(fake.error.message);
    expect(await victim.enterPin(fake.value.token, '000000', replay)).toMatchObject({ ok: false, error: { code: 'card-auth-failed' } });
  });

  it('a card whose technician central revoked is refused after the next sync, though its key and PIN are right', async () => {
    const other = freshTechnicianCard({ technicianId: 'GZ-T-0043', pin: PIN });
    expect((await staff('PUT', '/v1/staff/technicians/GZ-T-0043', { name: '王工', publicKeyPem: other.publicKeyPem })).status).toBe(200);
    await pull();
    const registry = new StoreTechnicianRegistry(store.caches);
    expect(await authOn(registry).presentCard(engineTransmit(other.image).transmit)).toMatchObject({ ok: true });
    expect((await staff('POST', '/v1/staff/technicians/GZ-T-0043/revoke')).status).toBe(200);
    await pull();
    expect(await authOn(registry).presentCard(engineTransmit(other.image).transmit)).toMatchObject({ ok: false, error: { code: 'revoked' } });
  });

  it('guessing PINs blocks the card itself after five: every kiosk then refuses it, even with the right PIN', async () => {
    const victim = freshTechnicianCard({ technicianId: 'GZ-T-0044', pin: '97531' });
    expect((await staff('PUT', '/v1/staff/technicians/GZ-T-0044', { name: '赵工', publicKeyPem: victim.publicKeyPem })).status).toBe(200);
    await pull();
    const registry = new StoreTechnicianRegistry(store.caches);
    const guesses = ['0000', '1234', '1111', '123456', '654321'];
    for (const [i, guess] of guesses.entries()) {
      const auth = authOn(registry); // a new kiosk (or a restarted one) each time
      const t = engineTransmit(victim.image).transmit; // a new tap each time
      const tapped = await auth.presentCard(t);
      if (!tapped.ok) throw new Error(tapped.error.message);
      const left = guesses.length - 1 - i;
      expect(await auth.enterPin(tapped.value.token, guess, t)).toMatchObject(left > 0 ? { ok: false, error: { code: 'wrong-pin', attemptsLeft: left } } : { ok: false, error: { code: 'card-blocked' } });
    }
    const t = engineTransmit(victim.image).transmit;
    expect(await authOn(registry).presentCard(t)).toMatchObject({ ok: false, error: { code: 'card-blocked' } });
  });

  it('PIN tries sent at once for one card run one after the other: each sees the count the last one left, no APDUs interleave', async () => {
    const target = freshTechnicianCard({ technicianId: 'GZ-T-0045', pin: '86420' });
    const registry: TechnicianRegistry = { lookup: (id) => Promise.resolve(id === 'GZ-T-0045' ? target.record() : null) };
    const channel = engineTransmit(target.image);
    const auth = authOn(registry);
    const tapped = await auth.presentCard(channel.transmit);
    if (!tapped.ok) throw new Error(tapped.error.message);
    const before = channel.log.length;
    const results = await Promise.all(['1111', '2222', '3333'].map((pin) => auth.enterPin(tapped.value.token, pin, channel.transmit)));
    expect(results.map((r) => (r.ok ? null : r.error.attemptsLeft))).toEqual([4, 3, 2]);
    // Each try: SELECT, GET DATA id, GET DATA key id, PIN state, VERIFY; in that order, three times.
    const commands = channel.log.slice(before).map((c) => c.slice(0, 8));
    expect(commands).toEqual(Array.from({ length: 3 }, () => ['00a40400', '80ca0101', '80ca0102', '00200080', '00200080']).flat());
    expect(channel.log.slice(before).filter((c) => c.startsWith('0020008008'))).toHaveLength(3);
  });
});

describe('the demo technician', () => {
  it('central --demo enrols exactly the public key of the committed technician card image', async () => {
    const image = await loadCardImage('technician');
    const pem = image.applications[0]!.technician!.privateKeyPem;
    const derived = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
    expect(derived).toBe(DEMO_TECHNICIAN.publicKeyPem);
    expect(DEMO_TECHNICIAN.publicKeyPem).not.toContain('PRIVATE');
  });
});
