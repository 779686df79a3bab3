/**
 * The sync API as a hostile (or stolen) kiosk uses it: squatting another kiosk's ticket ids,
 * a deeply nested item, an oversize item, timestamps far from now, control and bidi characters,
 * and probing which kiosk ids exist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCentralApp } from '../../central/app.js';
import { makeTicketId } from '../../shared/ticket.js';
import { KIOSKS, call, item, rating, startTestCentral, ticket, ticketItem, type CentralFixture } from '../support/central.js';

let fx: CentralFixture;
beforeAll(async () => {
  fx = await startTestCentral('sqlite');
});
afterAll(async () => {
  await fx.dispose();
});

const batch = (kiosk: { id: string; token: string }, items: unknown[]) =>
  call(fx.central.url, 'POST', `/v1/kiosks/${kiosk.id}/batches`, { token: kiosk.token, body: { items } });
type Answer = { acks: { id: string }[]; rejects: { id: string | null; code: string; reason: string }[] };
let seqB = 100;
let seqA = 100;

describe('ticket ids belong to the kiosk that made them', () => {
  it("kiosk B cannot store a ticket with kiosk A's code, nor at another station, and A's own ticket is then stored", async () => {
    const aId = makeTicketId('GZ0102', '2026-11-30', 7);
    const squat = ticket(KIOSKS.b.id, { id: aId });
    const r = await batch(KIOSKS.b, [ticketItem(++seqB, squat)]);
    expect(r.status).toBe(200);
    expect((r.body as Answer).rejects).toMatchObject([{ code: 'kiosk-mismatch' }]);
    expect((r.body as Answer).rejects[0]!.reason).toMatch(/GZ0103/);

    const elsewhere = ticket(KIOSKS.b.id, { stationId: 'SZ-FUTIAN' });
    const r2 = await batch(KIOSKS.b, [ticketItem(++seqB, elsewhere)]);
    expect((r2.body as Answer).rejects).toMatchObject([{ code: 'kiosk-mismatch' }]);
    expect(await fx.central.storage.getTicket(elsewhere.id)).toBeNull();

    const real = ticket(KIOSKS.a.id, { id: aId });
    const r3 = await batch(KIOSKS.a, [ticketItem(++seqA, real)]);
    expect((r3.body as Answer).acks).toHaveLength(1);
    expect((await fx.central.storage.getTicket(aId))?.ticket.kioskId).toBe(KIOSKS.a.id);
  });
});

describe('hostile items are refused one by one; the rest of the batch is stored', () => {
  it('an item nested 5000 deep gets a 4xx-style reject while the good item beside it is stored', async () => {
    // Written as text: JSON.stringify itself would overflow the stack on it.
    const deep = '{"a":'.repeat(5000) + '{}' + '}'.repeat(5000);
    const good = ticket(KIOSKS.a.id);
    const bad = item(++seqA, { kind: 'call-record', record: { nested: 0 } } as never);
    const rawBody = `{"items":[${JSON.stringify(bad).replace('"nested":0', `"nested":${deep}`)},${JSON.stringify(ticketItem(++seqA, good))}]}`;
    const r = await call(fx.central.url, 'POST', `/v1/kiosks/${KIOSKS.a.id}/batches`, { token: KIOSKS.a.token, rawBody });
    expect(r.status).toBe(200);
    expect((r.body as Answer).rejects).toMatchObject([{ id: bad.id, code: 'too-deep' }]);
    expect((r.body as Answer).acks).toHaveLength(1);
    expect(await fx.central.storage.getTicket(good.id)).not.toBeNull();
  });

  it('an oversize item is refused on its own', async () => {
    const big = item(++seqA, { kind: 'call-record', record: Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`k${i}`, 'x'.repeat(9000)])) } as never);
    const good = ticket(KIOSKS.a.id);
    const r = await batch(KIOSKS.a, [big, ticketItem(++seqA, good)]);
    expect(r.status).toBe(200);
    expect((r.body as Answer).rejects).toMatchObject([{ id: big.id, code: 'too-large' }]);
    expect((r.body as Answer).acks).toHaveLength(1);
  });

  it('timestamps far in the future or in year 0000 are refused as clock skew', async () => {
    const future = item(++seqA, { kind: 'rating', rating: rating(KIOSKS.a.id, { createdAt: '2099-01-01T00:00:00Z' }) });
    const zero = item(++seqA, { kind: 'rating', rating: rating(KIOSKS.a.id) });
    const zeroItem = { ...zero, createdAt: '0000-01-01T00:00:00Z' };
    const t = ticket(KIOSKS.a.id, { createdAt: '2031-05-01T00:00:00+08:00' });
    const r = await batch(KIOSKS.a, [future, zeroItem, ticketItem(++seqA, t)]);
    expect((r.body as Answer).rejects.map((x) => x.code)).toEqual(['clock-skew', 'clock-skew', 'clock-skew']);
    expect((r.body as Answer).acks).toEqual([]);
  });

  it('C1 and bidi control characters are refused by the sync API as by the UI protocol', async () => {
    for (const text of ['gate \u202Eevil', 'gate \u0085 next', 'x\u2066y']) {
      const t = ticket(KIOSKS.a.id, { description: text });
      const r = await batch(KIOSKS.a, [ticketItem(++seqA, t)]);
      expect((r.body as Answer).rejects).toMatchObject([{ code: 'invalid-item' }]);
      expect(await fx.central.storage.getTicket(t.id)).toBeNull();
    }
  });
});

describe('which kiosks exist is not told', () => {
  it('an unknown kiosk id and a wrong token for a real one get the same answer', async () => {
    const unknown = await call(fx.central.url, 'GET', '/v1/kiosks/NOPE99/changes', { token: 'x'.repeat(32) });
    const wrong = await call(fx.central.url, 'GET', `/v1/kiosks/${KIOSKS.a.id}/changes`, { token: 'x'.repeat(32) });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });
});

describe('a 5xx is logged with a request id the answer names', () => {
  it('a storage failure answers 500 with a request id, and the same id is in the log', async () => {
    const lines: string[] = [];
    const storage = fx.central.storage;
    const broken: typeof storage = Object.create(storage, { ingestBatch: { value: () => Promise.reject(new Error('disk on fire')) } }) as typeof storage;
    const app = await buildCentralApp({ storage: broken, staffToken: null, dataDir: fx.dir, errorLog: (l) => lines.push(l) });
    try {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/kiosks/${KIOSKS.a.id}/batches`,
        headers: { authorization: `Bearer ${KIOSKS.a.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ items: [ticketItem(++seqA, ticket(KIOSKS.a.id))] }),
      });
      expect(res.statusCode).toBe(500);
      const requestId = /request ([0-9a-f-]{36})/.exec(res.json<{ error: { message: string } }>().error.message)?.[1];
      expect(requestId).toBeDefined();
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ requestId, status: 500, error: 'disk on fire' });
    } finally {
      await app.close();
    }
  });
});
