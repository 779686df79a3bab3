/**
 * Central's `/v1` API against both storage engines (a fresh SQLite file, a fresh PostgreSQL
 * schema), over real HTTP. Every answer is checked against the OpenAPI document central serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesResponse, IngestResponse } from '../../shared/sync.js';
import type { StoredTicket, TicketHistoryEntry } from '../../central/storage/types.js';
import { MAX_BATCH_ITEMS } from '../../central/api/schemas.js';
import { uuidv7 } from '../../shared/ids.js';
import { ENGINES, KIOSKS, OpenApiContract, STAFF_TOKEN, call, item, rating, startTestCentral, ticket, ticketItem } from '../support/central.js';
import type { CallResult, CentralFixture } from '../support/central.js';

const A = KIOSKS.a;
const B = KIOSKS.b;
const C = KIOSKS.c;
const anyString: unknown = expect.any(String);
const anyNumber: unknown = expect.any(Number);
const BATCHES = '/v1/kiosks/{kioskId}/batches';
const CHANGES = '/v1/kiosks/{kioskId}/changes';

describe.each(ENGINES)('central /v1 on %s', (engine) => {
  let fx: CentralFixture;
  let base: string;
  let contract: OpenApiContract;
  let nextSeq = 1;
  const seq = (): number => nextSeq++;

  const ingest = async (kiosk: { id: string; token: string }, items: unknown[], path = BATCHES): Promise<CallResult> => {
    const res = await call(base, 'POST', `/v1/kiosks/${kiosk.id}/batches`, { token: kiosk.token, body: { items } });
    contract.check('POST', path, res);
    return res;
  };
  const changes = async (kiosk: { id: string; token: string }, cursor = 0, limit = 500): Promise<ChangesResponse> => {
    const res = await call(base, 'GET', `/v1/kiosks/${kiosk.id}/changes?cursor=${cursor}&limit=${limit}`, { token: kiosk.token });
    contract.check('GET', CHANGES, res);
    expect(res.status).toBe(200);
    return res.body as ChangesResponse;
  };
  const staff = async (method: string, path: string, template: string, body?: unknown): Promise<CallResult> => {
    const res = await call(base, method, path, { token: STAFF_TOKEN, ...(body === undefined ? {} : { body }) });
    contract.check(method, template, res);
    return res;
  };
  const stored = (kioskId?: string): Promise<number> => fx.central.storage.countItems(kioskId);

  beforeAll(async () => {
    fx = await startTestCentral(engine);
    base = fx.central.url;
    contract = await OpenApiContract.fetch(base);
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it('answers health without a token, with its clock and engine', async () => {
    const res = await call(base, 'GET', '/v1/health');
    contract.check('GET', '/v1/health', res);
    expect(res.body).toMatchObject({ status: 'ok', engine });
  });

  it('serves an OpenAPI 3.1 document that lists every kiosk and staff operation', async () => {
    const res = await call(base, 'GET', '/v1/openapi.json');
    const doc = res.body as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([BATCHES, CHANGES, '/v1/health', '/v1/staff/tickets', '/v1/staff/tickets/{ticketId}/status']));
  });

  it('stores a batch once: the same batch again is acknowledged as duplicate with the same serverSeq and receivedAt', async () => {
    const items = [ticketItem(seq(), ticket(A.id)), item(seq(), { kind: 'rating', rating: rating(A.id) }), item(seq(), { kind: 'device-event', event: { device: 'printer', event: 'paper-low', severity: 'warning', detail: null } })];
    const before = await stored();
    const first = (await ingest(A, items)).body as IngestResponse;
    expect(first.rejects).toEqual([]);
    expect(first.acks.map((a) => a.status)).toEqual(['stored', 'stored', 'stored']);
    expect(await stored()).toBe(before + 3);

    const second = (await ingest(A, items)).body as IngestResponse;
    expect(second.acks.map((a) => a.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(second.acks.map((a) => [a.id, a.seq, a.serverSeq, a.receivedAt])).toEqual(first.acks.map((a) => [a.id, a.seq, a.serverSeq, a.receivedAt]));
    expect(await stored()).toBe(before + 3);
    expect(new Set(first.acks.map((a) => a.serverSeq)).size).toBe(3);
  });

  it('stores the good items of a batch and rejects each bad one with a code and a reason', async () => {
    const good = ticketItem(seq(), ticket(A.id));
    const goodRating = item(seq(), { kind: 'rating', rating: rating(A.id, { score: 5 }) });
    const bad = [
      item(seq(), { kind: 'rating', rating: rating(A.id, { score: 6 as 5 }) }),
      ticketItem(seq(), ticket(A.id, { phone: '12345' })),
      ticketItem(seq(), ticket(A.id, { id: 'not-a-ticket-id' as never })),
      ticketItem(seq(), ticket(A.id, { description: 'x'.repeat(2001) })),
      ticketItem(seq(), ticket(A.id, { description: 'bell\u0007 and NUL\u0000' })),
      ticketItem(seq(), ticket(A.id, { category: 'complaint' as never })),
      ticketItem(seq(), ticket(B.id)),
      item(seq(), { kind: 'rating', rating: rating(B.id) }),
      { id: uuidv7(), seq: seq(), createdAt: '2026-03-14T09:30:00Z', payload: { kind: 'mystery' } },
      { id: uuidv7(), seq: -1, createdAt: '2026-03-14T09:30:00Z', payload: { kind: 'audit', entry: { actor: 'tech', action: 'open', detail: null } } },
      'not an object',
    ];
    const before = await stored(A.id);
    const res = (await ingest(A, [bad[0], good, ...bad.slice(1), goodRating])).body as IngestResponse;
    expect(res.acks.map((a) => a.id).sort()).toEqual([good.id, goodRating.id].sort());
    expect(res.rejects.map((r) => r.code)).toEqual([
      'invalid-item',
      'invalid-item',
      'invalid-item',
      'invalid-item',
      'invalid-item',
      'invalid-item',
      'kiosk-mismatch',
      'kiosk-mismatch',
      'unknown-kind',
      'invalid-item',
      'invalid-item',
    ]);
    expect(res.rejects[0]).toMatchObject({ id: (bad[0] as { id: string }).id, reason: expect.stringContaining('score') as unknown });
    expect(res.rejects[1]?.reason).toContain('phone');
    expect(res.rejects[3]?.reason).toContain('description');
    expect(await stored(A.id)).toBe(before + 2);
  });

  it('rejects a seq already stored under another id, and an id already stored under another seq', async () => {
    const first = ticketItem(seq(), ticket(A.id));
    await ingest(A, [first]);
    const sameSeq = ticketItem(first.seq, ticket(A.id));
    const sameId = { ...ticketItem(seq(), ticket(A.id)), id: first.id };
    const before = await stored();
    const res = (await ingest(A, [sameSeq, sameId])).body as IngestResponse;
    expect(res.acks).toEqual([]);
    expect(res.rejects.map((r) => [r.id, r.code])).toEqual([
      [sameSeq.id, 'seq-conflict'],
      [first.id, 'id-conflict'],
    ]);
    expect(await stored()).toBe(before);
  });

  it('rejects a ticket id already stored from another item, keeping the first', async () => {
    const t = ticket(A.id, { description: 'first copy' });
    await ingest(A, [ticketItem(seq(), t)]);
    const again = ticketItem(seq(), { ...t, description: 'second copy' });
    const res = (await ingest(A, [again])).body as IngestResponse;
    expect(res.rejects.map((r) => r.code)).toEqual(['ticket-conflict']);
    const detail = await staff('GET', `/v1/staff/tickets/${t.id}`, '/v1/staff/tickets/{ticketId}');
    expect((detail.body as { ticket: StoredTicket }).ticket.description).toBe('first copy');
  });

  describe('authentication', () => {
    const oneItem = () => [ticketItem(seq(), ticket(A.id))];

    it.each([
      ['no Authorization header', undefined, A.id, 401, 'missing-token'],
      ['an unknown token', 'kiosk-token-nobody-000000000000', A.id, 401, 'invalid-token'],
      ["another kiosk's token", B.token, A.id, 403, 'wrong-kiosk'],
      ['a valid token on an unknown kiosk id', A.token, 'XX9999', 403, 'wrong-kiosk'],
      ['the staff token', STAFF_TOKEN, A.id, 401, 'invalid-token'],
    ])('refuses a batch with %s, storing nothing', async (_name, token, kioskId, status, code) => {
      const before = await stored();
      const res = await call(base, 'POST', `/v1/kiosks/${kioskId}/batches`, { ...(token ? { token } : {}), body: { items: oneItem() } });
      contract.check('POST', BATCHES, res);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error: { code, message: anyString } });
      expect(await stored()).toBe(before);
    });

    it("refuses another kiosk's changes feed", async () => {
      const res = await call(base, 'GET', `/v1/kiosks/${A.id}/changes`, { token: C.token });
      contract.check('GET', CHANGES, res);
      expect(res.status).toBe(403);
    });

    it('refuses staff endpoints with a kiosk token or none', async () => {
      for (const token of [A.token, undefined]) {
        const res = await call(base, 'GET', '/v1/staff/tickets', token ? { token } : {});
        contract.check('GET', '/v1/staff/tickets', res);
        expect(res.status).toBe(401);
      }
    });
  });

  describe('bad input: a clear 4xx ApiError, nothing stored, the server keeps serving', () => {
    const cases: [string, () => Promise<CallResult>, number, string][] = [
      ['malformed JSON', () => call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, rawBody: '{"items": [' }), 400, 'malformed-json'],
      ['an empty body', () => call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, rawBody: '' }), 400, 'empty-body'],
      ['items that is not an array', () => call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: 'x' } }), 400, 'invalid-request'],
      ['an empty batch', () => call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [] } }), 400, 'invalid-request'],
      ['an extra top-level field', () => call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(9_000_001, ticket(A.id))], admin: true } }), 400, 'invalid-request'],
      [
        'too many items',
        () => call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, i) => item(9_000_100 + i, { kind: 'audit', entry: { actor: 'a', action: 'b', detail: null } })) } }),
        400,
        'invalid-request',
      ],
      [
        'a body over 1 MiB',
        () => call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(9_000_002, ticket(A.id, { description: 'x'.repeat(1024 * 1024 + 10) }))] } }),
        413,
        'body-too-large',
      ],
      ['a body that is not JSON', () => call(base, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, rawBody: 'items=1', contentType: 'text/plain' }), 415, 'unsupported-media-type'],
      ['a cursor that is not a number', () => call(base, 'GET', `/v1/kiosks/${A.id}/changes?cursor=abc`, { token: A.token }), 400, 'invalid-request'],
      ['a hostile kiosk id in the path', () => call(base, 'POST', `/v1/kiosks/${encodeURIComponent("A' OR '1'='1")}/batches`, { token: A.token, body: { items: [] } }), 403, 'wrong-kiosk'],
    ];

    it.each(cases)('%s', async (_name, send, status, code) => {
      const before = await stored();
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error: { code, message: anyString } });
      expect(res.text).not.toMatch(/\n\s+at /);
      expect(await stored()).toBe(before);
      expect((await call(base, 'GET', '/v1/health')).status).toBe(200);
    });

    it('answers an unknown route with a JSON 404', async () => {
      const res = await call(base, 'GET', '/v1/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'not-found' } });
    });
  });

  it('keeps hostile strings verbatim as data', async () => {
    const hostile = `Robert'); DROP TABLE tickets;-- <script>alert("x")</script> 100% _under_ \\ 乘客`;
    const t = ticket(A.id, { description: hostile });
    const res = (await ingest(A, [ticketItem(seq(), t)])).body as IngestResponse;
    expect(res.acks).toHaveLength(1);
    const detail = await staff('GET', `/v1/staff/tickets/${t.id}`, '/v1/staff/tickets/{ticketId}');
    expect((detail.body as { ticket: StoredTicket }).ticket.description).toBe(hostile);
    const found = await staff('GET', `/v1/staff/tickets?q=${encodeURIComponent('100% _under_')}`, '/v1/staff/tickets');
    expect((found.body as { tickets: StoredTicket[] }).tickets.map((x) => x.id)).toEqual([t.id]);
    const wildcard = await staff('GET', `/v1/staff/tickets?q=${encodeURIComponent('%')}&kioskId=${C.id}`, '/v1/staff/tickets');
    expect((wildcard.body as { total: number }).total).toBe(0);
  });

  it("sends a staff status change to the ticket's kiosk and its station, not to other stations", async () => {
    const t = ticket(A.id, { stationId: A.stationId });
    await ingest(A, [ticketItem(seq(), t)]);
    const cursorA = (await changes(A)).cursor;
    const cursorB = (await changes(B)).cursor;
    const cursorC = (await changes(C)).cursor;

    const res = await staff('POST', `/v1/staff/tickets/${t.id}/status`, '/v1/staff/tickets/{ticketId}/status', { status: 'in-progress', note: '已派维修人员 A technician is on the way', actor: '王工' });
    // The history names the signed-in person (the staff token's name), not a name typed into the request.
    expect(res.status).toBe(200);
    const { ticket: updated, history } = res.body as { ticket: StoredTicket; history: TicketHistoryEntry[] };
    expect(updated.status).toBe('in-progress');
    expect(history.map((h) => [h.status, h.actor])).toEqual([
      ['open', `kiosk:${A.id}`],
      // The history names the person whose token made the change (the account `staff`), not the body's `actor`.
      ['in-progress', 'staff'],
    ]);

    const expected = { type: 'ticket-status', update: { ticketId: t.id, status: 'in-progress', note: '已派维修人员 A technician is on the way', updatedAt: updated.updatedAt } };
    expect((await changes(A, cursorA)).changes).toEqual([{ ...expected, cursor: anyNumber }]);
    expect((await changes(B, cursorB)).changes).toEqual([{ ...expected, cursor: anyNumber }]);
    expect((await changes(C, cursorC)).changes).toEqual([]);
  });

  it('answers 404 for a status change of an unknown ticket, writing no change', async () => {
    const cursor = (await changes(A)).cursor;
    const res = await staff('POST', '/v1/staff/tickets/GZ0102-260314-9999-0/status', '/v1/staff/tickets/{ticketId}/status', { status: 'closed' });
    expect(res.status).toBe(404);
    expect((await changes(A, cursor)).changes).toEqual([]);
  });

  it('pages the changes feed by cursor with a growing cursor', async () => {
    const all = await changes(A, 0, 500);
    expect(all.more).toBe(false);
    const cursors = all.changes.map((c) => c.cursor);
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
    expect(new Set(cursors).size).toBe(cursors.length);
    const paged: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = await changes(A, cursor, 1);
      paged.push(...page.changes.map((c) => c.cursor));
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(paged).toEqual(cursors);
  });

  it('publishes FAQ, blocklist and configuration changes to kiosks', async () => {
    const cursor = (await changes(C)).cursor;
    const article = { category: 'card', title: { zh: '<b>退卡</b>', en: 'Refund' }, body: { zh: '到客服中心办理。', en: 'At the service centre.' } };
    expect((await staff('PUT', '/v1/staff/faq/refund-test', '/v1/staff/faq/{faqId}', article)).status).toBe(200);
    expect((await staff('PUT', '/v1/staff/blocklist/3104921000099999', '/v1/staff/blocklist/{cardNumber}', { reason: 'reported lost' })).status).toBe(200);
    expect((await staff('PUT', `/v1/staff/kiosks/${C.id}/config`, '/v1/staff/kiosks/{kioskId}/config', { config: { idleTimeoutSeconds: 90 } })).status).toBe(200);
    expect((await staff('PUT', '/v1/staff/config', '/v1/staff/config', { config: { idleTimeoutSeconds: 60, defaultLanguage: 'zh' } })).status).toBe(200);
    expect((await staff('DELETE', '/v1/staff/blocklist/3104921000099999', '/v1/staff/blocklist/{cardNumber}')).status).toBe(204);
    expect((await staff('DELETE', '/v1/staff/faq/refund-test', '/v1/staff/faq/{faqId}')).status).toBe(204);
    expect((await staff('DELETE', '/v1/staff/faq/refund-test', '/v1/staff/faq/{faqId}')).status).toBe(404);

    const feed = (await changes(C, cursor)).changes;
    expect(feed.map((c) => [c.type, 'deleted' in c ? c.deleted : null])).toEqual([
      ['faq', false],
      ['blocklist', false],
      ['config', null],
      ['config', null],
      ['blocklist', true],
      ['faq', true],
    ]);
    expect(feed[0]).toMatchObject({ article: { id: 'refund-test', title: { zh: '<b>退卡</b>' } } });
    expect(feed[2]).toMatchObject({ config: { idleTimeoutSeconds: 90 } });
    expect(feed[3]).toMatchObject({ config: { idleTimeoutSeconds: 90, defaultLanguage: 'zh' } });
    const feedA = (await changes(A, cursor)).changes.filter((c) => c.type === 'config');
    expect(feedA.at(-1)).toMatchObject({ config: { idleTimeoutSeconds: 60, defaultLanguage: 'zh' } });
  });

  it('refuses bad staff input with 400 and changes nothing', async () => {
    const cursor = (await changes(A)).cursor;
    const bad: [string, string, string, unknown][] = [
      ['PUT', '/v1/staff/faq/BAD%20ID', '/v1/staff/faq/{faqId}', { category: 'x', title: { zh: 'a', en: 'a' }, body: { zh: 'a', en: 'a' } }],
      ['PUT', '/v1/staff/faq/ok-id', '/v1/staff/faq/{faqId}', { category: 'x', title: { zh: 'a' }, body: { zh: 'a', en: 'a' } }],
      ['PUT', '/v1/staff/blocklist/12', '/v1/staff/blocklist/{cardNumber}', { reason: 'too short a number' }],
      ['PUT', '/v1/staff/blocklist/31049210', '/v1/staff/blocklist/{cardNumber}', { reason: 'line\nbreak' }],
      ['POST', '/v1/staff/tickets/GZ0102-260314-0001-0/status', '/v1/staff/tickets/{ticketId}/status', { status: 'done' }],
      ['PUT', '/v1/staff/config', '/v1/staff/config', { config: 'fast' }],
    ];
    for (const [method, path, template, body] of bad) {
      const res = await staff(method, path, template, body);
      expect(res.status, `${method} ${path}`).toBe(400);
    }
    expect((await changes(A, cursor)).changes).toEqual([]);
  });

  it('lists tickets with filters and pages, ratings and device events', async () => {
    const mine = [
      ticket(C.id, { stationId: C.stationId, category: 'ticket-machine', createdAt: '2026-05-01T10:00:00+08:00', description: '售票机吞币 machine kept my coins' }),
      ticket(C.id, { stationId: C.stationId, category: 'gate', createdAt: '2026-05-02T10:00:00+08:00' }),
      ticket(C.id, { stationId: C.stationId, category: 'gate', createdAt: '2026-05-03T10:00:00+08:00' }),
    ];
    const cSeq = 1_000;
    await ingest(C, mine.map((t, i) => ticketItem(cSeq + i, t)));
    await ingest(C, [item(cSeq + 10, { kind: 'rating', rating: rating(C.id, { score: 2, reason: '等太久 waited too long' }) })]);
    await ingest(C, [item(cSeq + 11, { kind: 'device-event', event: { device: 'reader', event: 'disconnected', severity: 'fault', detail: 'usb' } })]);

    const list = async (q: string) => {
      const res = await staff('GET', `/v1/staff/tickets?${q}`, '/v1/staff/tickets');
      expect(res.status).toBe(200);
      return res.body as { tickets: StoredTicket[]; total: number };
    };
    expect((await list(`stationId=${C.stationId}`)).tickets.map((t) => t.id)).toEqual([mine[2]!.id, mine[1]!.id, mine[0]!.id]);
    expect((await list(`kioskId=${C.id}&category=gate`)).total).toBe(2);
    expect((await list(`kioskId=${C.id}&q=${encodeURIComponent('吞币')}`)).tickets.map((t) => t.id)).toEqual([mine[0]!.id]);
    expect((await list(`kioskId=${C.id}&q=MACHINE`)).tickets.map((t) => t.id)).toEqual([mine[0]!.id]);
    expect((await list(`kioskId=${C.id}&from=2026-05-02T00:00:00%2B08:00&to=2026-05-02T23:59:59%2B08:00`)).tickets.map((t) => t.id)).toEqual([mine[1]!.id]);
    const page = await list(`kioskId=${C.id}&limit=2&offset=2`);
    expect(page.total).toBe(3);
    expect(page.tickets.map((t) => t.id)).toEqual([mine[0]!.id]);
    expect((await list(`kioskId=${C.id}&status=open`)).total).toBe(3);
    expect((await list(`kioskId=${C.id}&status=closed`)).total).toBe(0);
    expect((await staff('GET', '/v1/staff/tickets?status=bogus', '/v1/staff/tickets')).status).toBe(400);

    const ratings = await staff('GET', `/v1/staff/ratings?kioskId=${C.id}`, '/v1/staff/ratings');
    expect((ratings.body as { ratings: { score: number; reason: string }[] }).ratings).toEqual([expect.objectContaining({ score: 2, reason: '等太久 waited too long' })]);
    const events = await staff('GET', `/v1/staff/device-events?kioskId=${C.id}`, '/v1/staff/device-events');
    expect((events.body as { events: unknown[] }).events).toEqual([expect.objectContaining({ device: 'reader', event: 'disconnected', severity: 'fault', kioskId: C.id })]);
  });

  it('adds a kiosk through the staff API whose token then works, and lists kiosks without tokens', async () => {
    const res = await staff('POST', '/v1/staff/kiosks', '/v1/staff/kiosks', { id: 'BJ0001', token: 'kiosk-token-BJ0001-dddddddddd', stationId: 'BJ-XIDAN' });
    expect(res.status).toBe(200);
    const feed = await call(base, 'GET', '/v1/kiosks/BJ0001/changes', { token: 'kiosk-token-BJ0001-dddddddddd' });
    expect(feed.status).toBe(200);
    const list = await staff('GET', '/v1/staff/kiosks', '/v1/staff/kiosks');
    expect(list.text).not.toContain('token');
    expect((list.body as { kiosks: { id: string }[] }).kiosks.map((k) => k.id)).toEqual(expect.arrayContaining(['BJ0001', A.id, B.id, C.id]));
    const taken = await staff('POST', '/v1/staff/kiosks', '/v1/staff/kiosks', { id: 'BJ0002', token: A.token });
    expect(taken.status).toBe(400);
  });

  it('checked every answer against the OpenAPI document', () => {
    expect(contract.checked).toBeGreaterThan(40);
  });
});
