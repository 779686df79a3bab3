import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { drained, kioskIdentity, openKiosk, startSqliteCentral, tempDir, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';
import { centralTicketIds } from '../support/kiosk-writer-crash.js';
import { FaultProxy } from '../support/fault-proxy.js';

const dir = tempDir('sync-faults-');
const identities = [21, 22, 23, 24, 25, 26].map((n) => kioskIdentity(n));
let central: RunningCentral;
let proxy: FaultProxy;
let kiosk: KioskUnderTest | null = null;

beforeAll(async () => {
  central = await startSqliteCentral(dir.path, identities);
  proxy = await FaultProxy.start(central.url);
});
afterEach(async () => {
  await kiosk?.close();
  kiosk = null;
  await proxy.set({ kind: 'pass' });
});
afterAll(async () => {
  await proxy?.close();
  await central?.close();
  dir.remove();
});

async function kioskWithTickets(index: number, count: number, timeoutMs = 3_000): Promise<{ k: KioskUnderTest; ids: string[] }> {
  const identity = identities[index];
  if (!identity) throw new Error('no identity');
  const k = await openKiosk(join(dir.path, `kiosk-${index}.db`), identity, proxy.url, { batchSize: 10, timeoutMs });
  kiosk = k;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await k.tickets.createTicket({ category: 'ticket-machine', description: `machine ${i} swallowed coins`, language: 'en' });
    if (!r.ok) throw new Error(r.error.code);
    ids.push(r.value.id);
  }
  return { k, ids };
}

async function expectExactlyOnce(k: KioskUnderTest, kioskId: string, ids: readonly string[]): Promise<void> {
  await waitFor(k.worker, () => drained(k.store), 'the outbox to drain');
  const atCentral = await centralTicketIds(central, kioskId);
  expect([...atCentral].sort()).toEqual([...ids].sort());
  const rows = await k.store.outbox.list({ limit: 10_000 });
  expect(await central.storage.countItems(kioskId)).toBe(rows.length);
  expect(rows.every((r) => r.state === 'acked')).toBe(true);
}

const faultCode = (k: KioskUnderTest, code: string) => () => Promise.resolve(k.worker.status().lastFault?.code === code);

describe('sync through network faults (loopback proxy in front of the real central)', () => {
  it('central down: tickets are filed offline, the worker backs off, and all arrive once central is back', async () => {
    await proxy.set({ kind: 'refuse' });
    const { k, ids } = await kioskWithTickets(0, 25);
    k.worker.start();
    await waitFor(k.worker, faultCode(k, 'network'), 'a network fault');
    expect(k.worker.status()).toMatchObject({ state: 'offline' });
    expect((await k.store.outbox.stats()).depth).toBe(25);
    const offline = await k.tickets.createTicket({ category: 'gate', description: 'filed while offline', language: 'en' });
    if (!offline.ok) throw new Error(offline.error.code);
    await proxy.set({ kind: 'pass' });
    await expectExactlyOnce(k, identities[0]?.kioskId ?? '', [...ids, offline.value.id]);
    // The outbox drains before the cycle's down-sync ends; health turns online when the cycle does.
    await waitFor(k.worker, () => Promise.resolve(k.worker.status().state === 'online'), 'the worker online again');
  });

  it('central slow beyond the timeout: requests time out, then succeed when it speeds up', async () => {
    await proxy.set({ kind: 'delay', ms: 600 });
    const { k, ids } = await kioskWithTickets(1, 20, 400);
    k.worker.start();
    await waitFor(k.worker, faultCode(k, 'timeout'), 'a timeout');
    expect(proxy.stats.delayedChunks).toBeGreaterThan(0);
    await proxy.set({ kind: 'delay', ms: 5 });
    await expectExactlyOnce(k, identities[1]?.kioskId ?? '', ids);
  });

  it('central answering 500: retried with back-off, nothing rejected', async () => {
    await proxy.set({ kind: 'http-500' });
    const { k, ids } = await kioskWithTickets(2, 15);
    k.worker.start();
    await waitFor(k.worker, () => Promise.resolve(k.worker.status().consecutiveFailures >= 3), 'three failures in a row');
    expect(k.worker.status().lastFault?.code).toBe('server-error');
    expect(proxy.stats.answered500).toBeGreaterThanOrEqual(3);
    expect(await central.storage.countItems(identities[2]?.kioskId)).toBe(0);
    await proxy.set({ kind: 'pass' });
    await expectExactlyOnce(k, identities[2]?.kioskId ?? '', ids);
    expect((await k.store.outbox.stats()).rejected).toBe(0);
  });

  it('connections cut mid-response after central stored the batch: resent, acknowledged as duplicates, stored once', async () => {
    await proxy.set({ kind: 'cut', afterBytes: 40 });
    const { k, ids } = await kioskWithTickets(3, 30);
    k.worker.start();
    const kioskId = identities[3]?.kioskId ?? '';
    await waitFor(k.worker, async () => proxy.stats.cuts >= 2 && (await central.storage.countItems(kioskId)) > 0, 'cut responses of stored batches');
    expect((await k.store.outbox.stats()).depth).toBeGreaterThan(0);
    await proxy.set({ kind: 'pass' });
    await expectExactlyOnce(k, kioskId, ids);
    const resent = await k.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE attempts > 1');
    expect(resent?.n).toBeGreaterThan(0);
  });

  it('every request delivered twice (a replaying proxy): central stores each item once', async () => {
    await proxy.set({ kind: 'replay' });
    const { k, ids } = await kioskWithTickets(4, 40);
    k.worker.start();
    await expectExactlyOnce(k, identities[4]?.kioskId ?? '', ids);
    expect(proxy.stats.replayedBytes).toBeGreaterThan(0);
  });

  it('a wrong token is a configuration fault: rows stay pending, central stores nothing', async () => {
    const identity = identities[5];
    if (!identity) throw new Error('no identity');
    const k = await openKiosk(join(dir.path, 'wrong-token.db'), { ...identity, token: 'not-the-token-of-this-kiosk' }, proxy.url, {});
    kiosk = k;
    await k.tickets.createTicket({ category: 'gate', description: 'x', language: 'en' });
    k.worker.start();
    await waitFor(k.worker, () => Promise.resolve(k.worker.status().consecutiveFailures >= 2), 'two refusals');
    expect(k.worker.status()).toMatchObject({ state: 'config-fault', lastFault: { code: 'unauthorized' } });
    expect(await k.store.outbox.stats()).toMatchObject({ depth: 1, rejected: 0 });
    expect(await central.storage.countItems(identity.kioskId)).toBe(0);
  });
});
