/**
 * The problem detector under a busy station, on a real SQLite file and on real PostgreSQL: many
 * batches asking for a decision on one scope at once are decided in rounds (one evaluation in
 * flight per instance, later askers joined into the next round), every asker is answered with
 * its scope's decision, and every ticket ends in the station's one problem exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProblemDetector } from '../../central/problems/detector.js';
import { DEFAULT_PROBLEM_RULES } from '../../central/problems/rules.js';
import type { ProblemDecision, StoredProblem } from '../../central/problems/store.js';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import { uuidv7 } from '../../shared/ids.js';
import type { SyncItem } from '../../shared/sync.js';
import { ENGINES, KIOSKS, STAFF_TOKEN, call, ticket, uniqueStorage } from '../support/central.js';

/** Kiosk times: a base two days back, so every report is within central's clock rules. */
const BASE = Math.floor((Date.now() - 48 * 3_600_000) / 1000) * 1000;

describe.each(ENGINES)('problem decisions in rounds on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'central-problem-rounds-'));
  const storage = uniqueStorage(engine, dir);
  let central: RunningCentral;
  const seqs = new Map<string, number>();
  const gateTicket = (kiosk: { readonly id: string; readonly stationId: string }, second: number): SyncItem => {
    const seq = (seqs.get(kiosk.id) ?? 0) + 1;
    seqs.set(kiosk.id, seq);
    const t = ticket(kiosk.id, { category: 'gate', stationId: kiosk.stationId, createdAt: new Date(BASE + second * 1000).toISOString() });
    return { id: uuidv7(), seq, createdAt: t.createdAt, payload: { kind: 'ticket', ticket: t } };
  };
  const stationProblems = async (): Promise<StoredProblem[]> =>
    ((await call(central.url, 'GET', '/v1/staff/problems?state=all', { token: STAFF_TOKEN })).body as { problems: StoredProblem[] }).problems.filter(
      (p) => p.kind === 'station-category' && p.stationId === KIOSKS.a.stationId,
    );

  beforeAll(async () => {
    // Central's own sweep stays out of the way (once an hour): the decisions below are the test's.
    central = await startCentral({ storage, kiosks: Object.values(KIOSKS), staffToken: STAFF_TOKEN, dataDir: dir, problemSweepMs: 3_600_000 });
  });
  afterAll(async () => {
    await central?.close();
    if (storage.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('fifty batches of one station asking at once: two evaluations, never two at a time, one problem holding all fifty tickets', async () => {
    const items = Array.from({ length: 50 }, (_, i) => gateTicket(i % 2 === 0 ? KIOSKS.a : KIOSKS.b, i));
    const batches = items.map((item) => ({ kioskId: item.payload.kind === 'ticket' ? item.payload.ticket.kioskId : '', stored: [{ item, payload: item.payload }] }));
    for (const b of batches) {
      const outcome = await central.storage.ingestBatch(b.kioskId, b.stored, new Date().toISOString());
      expect(outcome.acks.map((a) => a.status)).toEqual(['stored']);
    }

    const store = central.storage.problems;
    let inFlight = 0;
    let most = 0;
    const evaluate = store.evaluate.bind(store);
    const spy = vi.spyOn(store, 'evaluate').mockImplementation(async (...args) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      try {
        return await evaluate(...args);
      } finally {
        inFlight -= 1;
      }
    });
    try {
      const detector = new ProblemDetector({ store, rules: DEFAULT_PROBLEM_RULES, now: () => new Date() });
      const answers: ProblemDecision[][] = await Promise.all(batches.map((b) => detector.afterIngest(b.kioskId, b.stored)));

      // The first asker's round opens the problem with every ticket already stored; the 49 others
      // wait for the next round together, which finds nothing left to join.
      expect(spy).toHaveBeenCalledTimes(2);
      expect(most).toBe(1);
      expect(answers[0]).toHaveLength(1);
      expect(answers[0]![0]!.opened).toBe(true);
      expect(answers[0]![0]!.joinedTickets).toBe(50);
      expect(answers.slice(1).every((a) => a.length === 0)).toBe(true);
    } finally {
      spy.mockRestore();
    }

    const [problem, ...more] = await stationProblems();
    expect(more).toEqual([]);
    expect(problem!.occurrences).toBe(50);
    expect([...problem!.ticketIds].sort()).toEqual(items.map((i) => (i.payload.kind === 'ticket' ? i.payload.ticket.id : '')).sort());
  });

  it('forty more batches sent to the sync route at once are all answered and, once decided, each ticket joins the open problem once', async () => {
    const items = Array.from({ length: 40 }, (_, i) => gateTicket(i % 2 === 0 ? KIOSKS.a : KIOSKS.b, 60 + i));
    // Each kiosk's batches in its own order (a kiosk sends one batch after another), both kiosks at once.
    const byKiosk = [KIOSKS.a, KIOSKS.b].map((kiosk) => ({ kiosk, items: items.filter((i) => i.payload.kind === 'ticket' && i.payload.ticket.kioskId === kiosk.id) }));
    const statuses = await Promise.all(
      byKiosk.flatMap(({ kiosk, items: own }) => own.map((item) => call(central.url, 'POST', `/v1/kiosks/${kiosk.id}/batches`, { token: kiosk.token, body: { items: [item] } }).then((r) => r.status))),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Every batch was answered once stored; its problem decision follows.
    await central.problemsSettled();

    const [problem, ...more] = await stationProblems();
    expect(more).toEqual([]);
    expect(problem!.occurrences).toBe(90);
    expect(new Set(problem!.ticketIds).size).toBe(90);
  });
});
