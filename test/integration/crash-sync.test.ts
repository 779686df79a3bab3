import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { drained, kioskIdentity, openKiosk, startSqliteCentral, tempDir, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';
import { centralTicketIds, crashRound, seededRandom } from '../support/kiosk-writer-crash.js';

const CREATE_AND_SYNC_ROUNDS = 70;
const SYNC_ONLY_ROUNDS = 40;
const seed = Number(process.env['KIOSK_CRASH_SEED'] ?? Date.now() % 1_000_000);
const dir = tempDir('crash-sync-');
const identity = kioskIdentity(12);
let central: RunningCentral;
let kiosk: KioskUnderTest | null = null;

beforeAll(async () => {
  central = await startSqliteCentral(dir.path, [identity]);
});
afterAll(async () => {
  await kiosk?.close().catch(() => undefined);
  await central?.close();
  dir.remove();
});

describe(`SIGKILL while syncing (seed ${seed})`, () => {
  it(`after ${CREATE_AND_SYNC_ROUNDS + SYNC_ONLY_ROUNDS} kills mid-batch, every acknowledged ticket is at central exactly once`, { timeout: 480_000 }, async () => {
    const random = seededRandom(seed);
    const db = join(dir.path, 'kiosk.db');
    const acknowledged: string[] = [];
    let killed = 0;
    for (let i = 0; i < CREATE_AND_SYNC_ROUNDS + SYNC_ONLY_ROUNDS; i++) {
      const mode = i < CREATE_AND_SYNC_ROUNDS ? 'both' : 'sync';
      const round = await crashRound({ db, centralUrl: central.url, kioskN: 12, mode, killAfterMs: 50 + Math.floor(random() * 350), fromSpawn: random() < 0.1, pauseMs: 2 });
      if (round.signal !== 'SIGKILL') throw new Error(`round ${i} ended by itself (seed ${seed}): ${round.stderr}`);
      killed++;
      acknowledged.push(...round.acknowledged);
    }
    expect(killed).toBe(CREATE_AND_SYNC_ROUNDS + SYNC_ONLY_ROUNDS);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    // The kills landed while syncing: central had part of the queue, not all of it.
    const partial = await central.storage.countItems(identity.kioskId);
    expect(partial).toBeGreaterThan(0);

    kiosk = await openKiosk(db, identity, central.url, { batchSize: 200 });
    expect(await kiosk.store.integrityCheck()).toBe('ok');
    const retried = await kiosk.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE attempts > 1');
    const total = await kiosk.store.db.get<{ n: number; max: number }>('SELECT COUNT(*) AS n, MAX(seq) AS max FROM outbox');
    expect(total?.n).toBe(total?.max);
    kiosk.worker.start();
    const k = kiosk;
    await waitFor(k.worker, () => drained(k.store), 'the outbox to drain', 120_000);

    const atCentral = await centralTicketIds(central, identity.kioskId);
    expect(new Set(atCentral).size).toBe(atCentral.length);
    const have = new Set(atCentral);
    expect(acknowledged.filter((id) => !have.has(id))).toEqual([]);
    expect(await central.storage.countItems(identity.kioskId)).toBe(total?.n);
    expect(await k.store.outbox.list({ states: ['pending', 'in-flight', 'rejected'] })).toEqual([]);
    expect(await k.store.integrityCheck()).toBe('ok');
    // Some rows were sent more than once (killed in flight), and central still holds each once.
    expect(retried?.n).toBeGreaterThan(0);
  });
});
