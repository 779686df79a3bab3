// Power cuts, not just kills: the writer runs with an LD_PRELOAD shim that journals every write
// to its database files, and after each SIGKILL the writes made after each file's last fsync are
// thrown away (all of them, or a random tail: test/support/power-loss.ts). With the store's
// `synchronous=FULL` no acknowledged ticket may be lost; the same cut with `synchronous=NORMAL`
// must lose some, which shows the cut really drops what was not synced.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KioskStore } from '../../kiosk/store/kiosk-store.js';
import { tempDir } from '../support/kiosk-writer-harness.js';
import { crashRound, seededRandom, tally, type KillPhase } from '../support/kiosk-writer-crash.js';
import { buildPowerLossShim, powerCut, powerLossEnv } from '../support/power-loss.js';

const FULL_ROUNDS = 30;
const NORMAL_ROUNDS = 8;
const seed = Number(process.env['KIOSK_CRASH_SEED'] ?? Date.now() % 1_000_000);
const dir = tempDir('power-loss-');
let shim = '';

beforeAll(() => {
  shim = buildPowerLossShim(dir.path);
});
afterAll(() => dir.remove());

interface Outcome {
  readonly acknowledged: { id: string; description: string }[];
  readonly landed: KillPhase[];
  readonly unsynced: number;
  readonly undone: number;
  readonly lost: { id: string; description: string }[];
  readonly integrity: string;
}

async function cutPowerRepeatedly(name: string, rounds: number, synchronous: 'FULL' | 'NORMAL', random: () => number, partial: boolean): Promise<Outcome> {
  const dataDir = join(dir.path, name);
  const db = join(dataDir, 'kiosk.db');
  const journal = join(dir.path, `${name}.journal`);
  mkdirSync(dataDir);
  const acknowledged: { id: string; description: string }[] = [];
  const landed: KillPhase[] = [];
  let unsynced = 0;
  let undone = 0;
  for (let i = 0; i < rounds; i++) {
    const aim: KillPhase = random() < 0.8 ? 'write' : 'between';
    const round = await crashRound({
      db,
      centralUrl: null,
      kioskN: 21,
      mode: 'create',
      aim,
      entries: 2 + Math.floor(random() * 30),
      pauseMs: aim === 'between' ? 5 : 0,
      synchronous,
      env: powerLossEnv(shim, dataDir, journal),
    });
    landed.push(round.landed);
    acknowledged.push(...round.acknowledgedTickets);
    // Every other round, part of the unsynced writes reached the disk before the power went.
    const cut = powerCut(journal, dataDir, partial && i % 2 === 1 ? (n) => Math.floor(random() * n) : () => 0);
    unsynced += cut.unsynced;
    undone += cut.undone;
  }
  const store = await KioskStore.open({ path: db });
  try {
    const integrity = await store.integrityCheck();
    const rows = await store.db.all<{ id: string; description: string }>('SELECT id, description FROM tickets');
    const have = new Set(rows.map((r) => `${r.id} ${r.description}`));
    const lost = acknowledged.filter((t) => !have.has(`${t.id} ${t.description}`));
    return { acknowledged, landed, unsynced, undone, lost, integrity };
  } finally {
    await store.close();
  }
}

describe(`power cut after SIGKILL: writes after the last fsync are lost (seed ${seed})`, () => {
  it(`with synchronous=FULL, no acknowledged ticket is lost over ${FULL_ROUNDS} power cuts`, { timeout: 300_000 }, async () => {
    const full = await cutPowerRepeatedly('full', FULL_ROUNDS, 'FULL', seededRandom(seed), true);
    const where = tally(full.landed);
    console.log(
      `power-loss FULL (seed ${seed}): ${FULL_ROUNDS} cuts (${where.write} inside a write transaction, ${where.between} between), ${full.acknowledged.length} tickets acknowledged, ${full.unsynced} unsynced writes of which ${full.undone} dropped, ${full.lost.length} acknowledged tickets lost`,
    );
    expect(where.write).toBeGreaterThan(FULL_ROUNDS / 2);
    expect(full.acknowledged.length).toBeGreaterThan(FULL_ROUNDS);
    // With FULL, SQLite writes a transaction's WAL frames at COMMIT and fsyncs them before COMMIT
    // returns, so a cut seldom finds unsynced bytes (some runs find none); that the shim does drop
    // unsynced writes is shown by the NORMAL control below, through the same cuts.
    expect(full.undone).toBeLessThanOrEqual(full.unsynced);
    expect(full.integrity).toBe('ok');
    expect(full.lost).toEqual([]);
  });

  it(`with synchronous=NORMAL, the same cuts lose acknowledged tickets (the cut is real)`, { timeout: 300_000 }, async () => {
    const normal = await cutPowerRepeatedly('normal', NORMAL_ROUNDS, 'NORMAL', seededRandom(seed + 1), false);
    console.log(`power-loss NORMAL (seed ${seed}): ${NORMAL_ROUNDS} cuts, ${normal.acknowledged.length} tickets acknowledged, ${normal.undone} unsynced writes dropped, ${normal.lost.length} acknowledged tickets lost`);
    expect(normal.undone).toBeGreaterThan(0);
    expect(normal.lost.length).toBeGreaterThan(0);
    expect(normal.integrity).toBe('ok');
  });
});
