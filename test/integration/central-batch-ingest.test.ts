/**
 * Batch ingest on both engines: a batch is stored with one multi-row INSERT per table, and still
 * keeps every per-item promise — idempotent by item id, per-kiosk seq order, each rejected item
 * reported on its own, nothing stored for it. On PostgreSQL, two instances are checked as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server.js';
import type { RunningCentral } from '../../central/server.js';
import type { StoredTicket, TicketHistoryEntry } from '../../central/storage/types.js';
import type { IngestAck, IngestResponse, SyncItem } from '../../shared/sync.js';
import { ENGINES, KIOSKS, STAFF_TOKEN, call, item, rating, startTestCentral, ticket, ticketItem } from '../support/central.js';
import type { CentralFixture } from '../support/central.js';

const A = KIOSKS.a;

/** A shuffled copy, deterministic (a fixed LCG), so a failure repeats. */
function shuffled<T>(all: readonly T[], seed = 7): T[] {
  const out = [...all];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe.each(ENGINES)('batch ingest on %s', (engine) => {
  let fx: CentralFixture;
  let second: RunningCentral | null = null;
  let nextSeq = 1;
  const seqs = (n: number): number[] => Array.from({ length: n }, () => nextSeq++);
  const ingest = async (items: readonly unknown[], base = fx.central.url): Promise<IngestResponse> => {
    const res = await call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items } });
    expect(res.status).toBe(200);
    return res.body as IngestResponse;
  };
  const history = async (ticketId: string): Promise<TicketHistoryEntry[]> => {
    const res = await call(fx.central.url, 'GET', `/v1/staff/tickets/${ticketId}`, { token: STAFF_TOKEN });
    expect(res.status).toBe(200);
    return (res.body as { ticket: StoredTicket; history: TicketHistoryEntry[] }).history;
  };
  const mixed = (seqList: readonly number[]): SyncItem[] =>
    seqList.map((s) => (s % 3 === 0 ? item(s, { kind: 'rating', rating: rating(A.id) }) : ticketItem(s, ticket(A.id))));

  beforeAll(async () => {
    fx = await startTestCentral(engine, [A]);
    if (fx.storage.engine === 'postgres') second = await startCentral({ storage: fx.storage, kiosks: [A], staffToken: STAFF_TOKEN, dataDir: `${fx.dir}/second` });
  });
  afterAll(async () => {
    await second?.close();
    await fx?.dispose();
  });

  it('stores a full batch sent out of order with serverSeq following seq, and answers each item in the order sent', async () => {
    const batch = shuffled(mixed(seqs(500)));
    const before = await fx.central.storage.countItems(A.id);
    const res = await ingest(batch);
    expect(res.rejects).toEqual([]);
    expect(res.acks.map((a) => a.id)).toEqual(batch.map((i) => i.id));
    expect(res.acks.every((a) => a.status === 'stored')).toBe(true);
    const bySeq = [...res.acks].sort((x, y) => x.seq - y.seq);
    for (let i = 1; i < bySeq.length; i++) expect(bySeq[i]!.serverSeq).toBeGreaterThan(bySeq[i - 1]!.serverSeq);
    expect(await fx.central.storage.countItems(A.id)).toBe(before + 500);
    const someTicket = batch.find((i) => i.payload.kind === 'ticket')!;
    expect((await history((someTicket.payload as { ticket: { id: string } }).ticket.id)).map((h) => [h.status, h.actor])).toEqual([['open', `kiosk:${A.id}`]]);
  });

  it('answers every item of a batch that mixes new items, repeats and conflicts, and stores only the new ones', async () => {
    const [s1, s2, s3, s4, s5, s6, s7] = seqs(7) as [number, number, number, number, number, number, number];
    const old = ticketItem(s1, ticket(A.id, { description: 'first copy' }));
    const oldRating = item(s2, { kind: 'rating', rating: rating(A.id) });
    const first = await ingest([old, oldRating]);
    const firstAck = (id: string): IngestAck => first.acks.find((a) => a.id === id)!;

    const fresh = ticketItem(s3, ticket(A.id));
    const freshRating = item(s4, { kind: 'rating', rating: rating(A.id) });
    const sameSeq = ticketItem(s1, ticket(A.id));
    const sameId = { ...item(s5, { kind: 'rating', rating: rating(A.id) }), id: oldRating.id };
    const squat = ticketItem(s6, { ...(old.payload as { ticket: ReturnType<typeof ticket> }).ticket, description: 'second copy' });
    const twinTicket = ticket(A.id, { description: 'twin' });
    const twinA = ticketItem(s7, twinTicket);
    const twinB = ticketItem(nextSeq++, { ...twinTicket, description: 'twin again' });
    const before = await fx.central.storage.countItems(A.id);

    const sent = [oldRating, sameSeq, fresh, twinB, sameId, squat, old, twinA, freshRating, fresh];
    const res = await ingest(sent);
    expect(res.acks.map((a) => [a.id, a.status])).toEqual([
      [oldRating.id, 'duplicate'],
      [fresh.id, 'stored'],
      [old.id, 'duplicate'],
      [twinA.id, 'stored'],
      [freshRating.id, 'stored'],
      [fresh.id, 'duplicate'],
    ]);
    expect(res.acks[0]).toMatchObject({ serverSeq: firstAck(oldRating.id).serverSeq, receivedAt: firstAck(oldRating.id).receivedAt });
    expect(res.acks[2]).toMatchObject({ serverSeq: firstAck(old.id).serverSeq, receivedAt: firstAck(old.id).receivedAt });
    expect(res.acks[5]?.serverSeq).toBe(res.acks[1]?.serverSeq);
    expect(res.rejects.map((r) => [r.id, r.code])).toEqual([
      [sameSeq.id, 'seq-conflict'],
      [twinB.id, 'ticket-conflict'],
      [sameId.id, 'id-conflict'],
      [squat.id, 'ticket-conflict'],
    ]);
    expect(await fx.central.storage.countItems(A.id)).toBe(before + 3);

    const detail = await call(fx.central.url, 'GET', `/v1/staff/tickets/${twinTicket.id}`, { token: STAFF_TOKEN });
    expect((detail.body as { ticket: StoredTicket }).ticket.description).toBe('twin');
    expect(await history(twinTicket.id)).toHaveLength(1);
    const kept = await call(fx.central.url, 'GET', `/v1/staff/tickets/${(old.payload as { ticket: { id: string } }).ticket.id}`, { token: STAFF_TOKEN });
    expect((kept.body as { ticket: StoredTicket }).ticket.description).toBe('first copy');

    // The seq the rejected twin held is free again: a new item may take it.
    const reuse = item(twinB.seq, { kind: 'rating', rating: rating(A.id) });
    expect((await ingest([reuse])).acks.map((a) => a.status)).toEqual(['stored']);
  });

  it('stores a seq whose first claimant in the same batch lost its ticket to an earlier report', async () => {
    const [s1, s2] = seqs(2) as [number, number];
    const t = ticket(A.id, { description: 'the report' });
    await ingest([ticketItem(s1, t)]);
    const loser = ticketItem(s2, { ...t, description: 'same ticket again' });
    const taker = item(s2, { kind: 'rating', rating: rating(A.id) });
    const res = await ingest([loser, taker]);
    expect(res.rejects.map((r) => [r.id, r.code])).toEqual([[loser.id, 'ticket-conflict']]);
    expect(res.acks.map((a) => [a.id, a.status])).toEqual([[taker.id, 'stored']]);
  });

  it('applies two batches of one kiosk sent at once one after the other: their serverSeqs never interleave', async () => {
    for (let round = 0; round < 4; round++) {
      const x = mixed(seqs(200));
      const y = mixed(seqs(200));
      const targets = [fx.central.url, second?.url ?? fx.central.url];
      const [rx, ry] = await Promise.all([ingest(y, targets[0]), ingest(x, targets[1])]);
      expect([...rx.rejects, ...ry.rejects]).toEqual([]);
      const sx = ry.acks.map((a) => a.serverSeq);
      const sy = rx.acks.map((a) => a.serverSeq);
      const disjoint = Math.max(...sx) < Math.min(...sy) || Math.max(...sy) < Math.min(...sx);
      expect(disjoint).toBe(true);
      for (const acks of [rx.acks, ry.acks]) {
        for (let i = 1; i < acks.length; i++) expect(acks[i]!.serverSeq).toBeGreaterThan(acks[i - 1]!.serverSeq);
      }
    }
  });
});
