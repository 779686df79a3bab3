import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { drained, kioskIdentity, openKiosk, startSqliteCentral, tempDir, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';
import { centralDuplicates, centralRatings, centralTicketIds, crashRound, seededRandom, tally, type KillPhase } from '../support/kiosk-writer-crash.js';

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

describe(`SIGKILL while creating tickets and ratings (seed ${seed})`, () => {
  it(`loses no acknowledged ticket or rating over ${ROUNDS} kills after the writer was ready, and central gets each exactly once`, { timeout: 900_000 }, async () => {
    const random = seededRandom(seed);
    const identity = kioskIdentity(11);
    const db = join(dir.path, 'kiosk.db');
    const acknowledged: string[] = [];
    const ratings: string[] = [];
    const landed: KillPhase[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Four rounds in five aim inside a write transaction; the rest between two writes, with a pause to land in.
      const aim: KillPhase = random() < 0.8 ? 'write' : 'between';
      const round = await crashRound({ db, centralUrl: null, kioskN: 11, mode: 'create', aim, entries: 1 + Math.floor(random() * 40), pauseMs: aim === 'between' ? 5 : 0 });
      landed.push(round.landed);
      acknowledged.push(...round.acknowledged);
      ratings.push(...round.ratings);
    }
    const where = tally(landed);
    console.log(`crash-create (seed ${seed}): ${ROUNDS} kills after ready: ${where.write} inside a write transaction, ${where.sync} inside a sync round trip (no central here), ${where.between} between; ${acknowledged.length} tickets and ${ratings.length} ratings acknowledged`);
    expect(landed).toHaveLength(ROUNDS);
    expect(where.write).toBeGreaterThan(ROUNDS / 2);
    expect(where.between).toBeGreaterThan(0);
    expect(where.sync).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(ROUNDS);
    expect(ratings.length).toBeGreaterThan(0);

    central = await startSqliteCentral(dir.path, [identity]);
    kiosk = await openKiosk(db, identity, central.url, { batchSize: 200 });
    expect(await kiosk.store.integrityCheck()).toBe('ok');
    const rows = await kiosk.store.db.get<{ n: number; max: number }>('SELECT COUNT(*) AS n, MAX(seq) AS max FROM outbox');
    expect(rows?.n).toBe(rows?.max);
    kiosk.worker.start();
    const k = kiosk;
    await waitFor(k.worker, () => drained(k.store), 'the outbox to drain', 120_000);

    const atCentral = new Set(await centralTicketIds(central, identity.kioskId));
    expect(acknowledged.filter((id) => !atCentral.has(id))).toEqual([]);
    const ratingsAtCentral = new Set((await centralRatings(central, identity.kioskId)).map((r) => r.id));
    expect(ratings.filter((id) => !ratingsAtCentral.has(id))).toEqual([]);
    expect(await centralDuplicates(central, identity.kioskId)).toEqual({ ticketsUnderTwoIds: [], ratingsTwice: [], historyRepeated: [] });
    expect(await central.storage.countItems(identity.kioskId)).toBe(rows?.n);
    expect(await k.store.outbox.list({ states: ['pending', 'in-flight', 'rejected'] })).toEqual([]);
    expect(await k.store.integrityCheck()).toBe('ok');
  });
});
