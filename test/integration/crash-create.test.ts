import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { drained, kioskIdentity, openKiosk, startSqliteCentral, tempDir, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';
import { centralTicketIds, crashRound, seededRandom } from '../support/kiosk-writer-crash.js';

const ROUNDS = 100;
const seed = Number(process.env['KIOSK_CRASH_SEED'] ?? Date.now() % 1_000_000);
const dir = tempDir('crash-create-');
let central: RunningCentral | null = null;
let kiosk: KioskUnderTest | null = null;

afterAll(async () => {
  await kiosk?.close().catch(() => undefined);
  await central?.close();
  dir.remove();
});

describe(`SIGKILL while opening and creating tickets (seed ${seed})`, () => {
  it(`loses no acknowledged ticket over ${ROUNDS} kills, and central gets each exactly once`, { timeout: 480_000 }, async () => {
    const random = seededRandom(seed);
    const identity = kioskIdentity(11);
    const db = join(dir.path, 'kiosk.db');
    const acknowledged: string[] = [];
    let killed = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const round = await crashRound({ db, centralUrl: null, kioskN: 11, mode: 'create', killAfterMs: 50 + Math.floor(random() * 350), fromSpawn: random() < 0.2 });
      if (round.signal !== 'SIGKILL') throw new Error(`round ${i} ended by itself (seed ${seed}): ${round.stderr}`);
      killed++;
      acknowledged.push(...round.acknowledged);
    }
    expect(killed).toBe(ROUNDS);
    expect(acknowledged.length).toBeGreaterThan(ROUNDS);
    expect(new Set(acknowledged).size).toBe(acknowledged.length);

    central = await startSqliteCentral(dir.path, [identity]);
    kiosk = await openKiosk(db, identity, central.url, { batchSize: 200 });
    expect(await kiosk.store.integrityCheck()).toBe('ok');
    const rows = await kiosk.store.db.get<{ n: number; max: number }>('SELECT COUNT(*) AS n, MAX(seq) AS max FROM outbox');
    expect(rows?.n).toBe(rows?.max);
    kiosk.worker.start();
    const k = kiosk;
    await waitFor(k.worker, () => drained(k.store), 'the outbox to drain', 120_000);

    const atCentral = await centralTicketIds(central, identity.kioskId);
    expect(new Set(atCentral).size).toBe(atCentral.length);
    const missing = acknowledged.filter((id) => !new Set(atCentral).has(id));
    expect(missing).toEqual([]);
    expect(await central.storage.countItems(identity.kioskId)).toBe(rows?.n);
    expect(await k.store.outbox.list({ states: ['pending', 'in-flight', 'rejected'] })).toEqual([]);
    expect(await k.store.integrityCheck()).toBe('ok');
  });
});
