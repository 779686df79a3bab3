/**
 * The insight views' per-day rollups (central/insight/rollups.ts) on both engines (a real SQLite
 * file, a real PostgreSQL schema): after tickets and ratings come in through the kiosk API, after
 * the same batch is sent again, after staff change and close tickets, after calls are offered,
 * answered and abandoned, and after the migration back-fills them over data stored before, every
 * rollup row equals a plain count in this file over the fact tables, and the totals equal what
 * was sent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallSessionRecorder } from '../../central/insight/call-sessions.js';
import { parseInsightQuery } from '../../central/insight/filter.js';
import { insightAnswer } from '../../central/insight/queries.js';
import { durationBucket } from '../../central/insight/rollups.js';
import { DEFAULT_TICKET_TARGET_HOURS } from '../../central/staff/ticket-work.js';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { dropPostgresSchema, openPostgresDatabase } from '../../central/storage/postgres-database.js';
import type { Row, SqlDatabase } from '../../central/storage/sql-database.js';
import { openSqliteDatabase } from '../../central/storage/sqlite-database.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { uuidv7 } from '../../shared/ids.js';
import { INSIGHT_VIEWS, type ResponseInsight } from '../../shared/insight.js';
import { TICKET_CATEGORIES, type Rating, type TicketCategory } from '../../shared/ticket.js';
import { ENGINES, KIOSKS, PG_URL, call, item, rating, ticket, ticketItem, uniqueStorage } from '../support/central.js';
import { earlierPostgresCentral, earlierSqliteCentral } from '../support/earlier-central.js';

const ADMIN = 'rollup-admin-token-0123456789abcdef';
const H = 3_600_000;
const DAY = 24 * H;
const BEIJING = 8 * H;

const num = (v: unknown): number => Number(v);
const txt = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));
const dayOf = (ms: number): number => Math.floor((ms + BEIJING) / DAY);

/** Adds `add` to the counters under `key`. */
function tally(into: Map<string, number[]>, key: string, add: readonly number[]): void {
  const c = into.get(key) ?? add.map(() => 0);
  into.set(
    key,
    c.map((v, i) => v + add[i]!),
  );
}

/** The rollup rows as they must be, counted here from the fact tables. */
async function expectedFromFacts(db: SqlDatabase): Promise<Record<string, Map<string, number[]>>> {
  const tickets = await db.read((q) => q.all('SELECT station_id, category, created_ms, first_response_ms, closed_ms FROM tickets'));
  const ratings = await db.read((q) => q.all('SELECT station_id, service, score, reason, created_ms FROM ratings'));
  const calls = await db.read((q) => q.all('SELECT station_id, lane, offered_ms, answered_ms, outcome FROM call_sessions'));
  const out = {
    tickets: new Map<string, number[]>(),
    ratings: new Map<string, number[]>(),
    reasons: new Map<string, number[]>(),
    calls: new Map<string, number[]>(),
    durationMinutes: new Map<string, number[]>(),
    durationBuckets: new Map<string, number[]>(),
    waits: new Map<string, number[]>(),
    callbacks: new Map<string, number[]>(),
  };
  for (const t of tickets) {
    const created = num(t['created_ms']);
    const first = t['first_response_ms'] == null ? null : num(t['first_response_ms']);
    const closed = t['closed_ms'] == null ? null : num(t['closed_ms']);
    if (t['category'] === 'callback') tally(out.callbacks, `${dayOf(created)}|${Math.floor((created + BEIJING) / H) % 24}|${txt(t['station_id'])}`, [1]);
    for (const [kind, at] of [
      ['first', first],
      ['close', closed],
    ] as const) {
      if (at === null) continue;
      const v = Math.max(0, at - created);
      const minute = Math.floor(v / 60_000);
      tally(out.durationMinutes, `${kind}|${txt(t['category'])}|${minute}|${dayOf(created)}`, [1, v % 60_000 === 0 ? 1 : 0]);
      tally(out.durationBuckets, `${dayOf(created)}|${kind}|${txt(t['category'])}|${durationBucket(minute)}`, [1]);
    }
    tally(out.tickets, `${dayOf(created)}|${txt(t['station_id'])}|${txt(t['category'])}`, [
      1,
      first === null ? 0 : 1,
      first === null ? 0 : Math.max(0, first - created),
      closed === null ? 0 : 1,
      closed === null ? 0 : Math.max(0, closed - created),
    ]);
  }
  for (const r of ratings) {
    const day = dayOf(num(r['created_ms']));
    tally(out.ratings, `${day}|${txt(r['station_id'])}|${txt(r['service'])}|${num(r['score'])}`, [1]);
    if (r['reason'] != null) tally(out.reasons, `${day}|${txt(r['station_id'])}|${txt(r['reason'])}|${num(r['score'])}`, [1]);
  }
  for (const c of calls) {
    const ms = num(c['offered_ms']);
    const o = txt(c['outcome']);
    tally(out.calls, `${dayOf(ms)}|${Math.floor((ms + BEIJING) / H) % 24}|${txt(c['station_id'])}|${txt(c['lane'])}`, [1, o === 'answered' ? 1 : 0, o === 'abandoned' ? 1 : 0, o === 'unanswered' ? 1 : 0]);
    if (o === 'answered' && c['answered_ms'] != null) {
      const v = Math.max(0, num(c['answered_ms']) - ms);
      const key = `${dayOf(ms)}|${Math.floor((ms + BEIJING) / H) % 24}|${txt(c['station_id'])}|${txt(c['lane'])}|${Math.floor(v / 1000)}`;
      const w = out.waits.get(key) ?? [0, 0, 0];
      out.waits.set(key, [w[0]! + 1, w[1]! + v, Math.max(w[2]!, v)]);
    }
  }
  return out;
}

/** The rollup tables as stored. */
async function stored(db: SqlDatabase): Promise<Record<string, Map<string, number[]>>> {
  const read = async (sql: string, key: (r: Row) => string, values: readonly string[]): Promise<Map<string, number[]>> =>
    new Map((await db.read((q) => q.all(sql))).map((r) => [key(r), values.map((v) => num(r[v]))]));
  return {
    tickets: await read('SELECT * FROM insight_ticket_days', (r) => `${num(r['day'])}|${txt(r['station_id'])}|${txt(r['category'])}`, ['tickets', 'first_count', 'first_sum_ms', 'close_count', 'close_sum_ms']),
    ratings: await read('SELECT * FROM insight_rating_days', (r) => `${num(r['day'])}|${txt(r['station_id'])}|${txt(r['service'])}|${num(r['score'])}`, ['ratings']),
    reasons: await read('SELECT * FROM insight_reason_days', (r) => `${num(r['day'])}|${txt(r['station_id'])}|${txt(r['reason'])}|${num(r['score'])}`, ['ratings']),
    calls: await read('SELECT * FROM insight_call_days', (r) => `${num(r['day'])}|${num(r['hour'])}|${txt(r['station_id'])}|${txt(r['lane'])}`, ['offered', 'answered', 'abandoned', 'unanswered']),
    durationMinutes: await read('SELECT * FROM insight_duration_minutes', (r) => `${txt(r['kind'])}|${txt(r['category'])}|${num(r['minute'])}|${num(r['day'])}`, ['tickets', 'on_minute']),
    durationBuckets: await read('SELECT * FROM insight_duration_days', (r) => `${num(r['day'])}|${txt(r['kind'])}|${txt(r['category'])}|${num(r['bucket'])}`, ['tickets']),
    waits: await read(
      'SELECT * FROM insight_call_waits',
      (r) => `${num(r['day'])}|${num(r['hour'])}|${txt(r['station_id'])}|${txt(r['lane'])}|${num(r['second'])}`,
      ['answered', 'wait_sum_ms', 'wait_max_ms'],
    ),
    callbacks: await read('SELECT * FROM insight_callback_hours', (r) => `${num(r['day'])}|${num(r['hour'])}|${txt(r['station_id'])}`, ['tickets']),
  };
}

const totalOf = (m: Map<string, number[]>, i = 0): number => [...m.values()].reduce((a, v) => a + v[i]!, 0);

/** Filters the views are asked with: none, a station, a category, each channel, a line, a day range. */
const FILTERS: Record<string, string>[] = [
  {},
  { station: 'GZ-TIYUXILU' },
  { station: 'SZ-FUTIAN', category: 'gate' },
  { channel: 'callback' },
  { channel: 'report' },
  { channel: 'emergency' },
  { line: '1号线' },
  { from: '2026-11-17', to: '2026-11-18' },
];

/**
 * Every view under every filter, read from the rollups and counted from the facts: the same
 * answers. Returns how many answers had figures (not all empty), so that a test can tell it
 * compared something.
 */
async function rollupsAgreeWithFacts(
  db: SqlDatabase,
  nowMs: number,
  targets: Readonly<Record<TicketCategory, number>> = DEFAULT_TICKET_TARGET_HOURS,
  views: readonly (typeof INSIGHT_VIEWS)[number][] = INSIGHT_VIEWS,
): Promise<number> {
  const src = { db, targetHours: () => Promise.resolve(targets), now: () => new Date(nowMs) };
  let withFigures = 0;
  for (const view of views) {
    for (const f of FILTERS) {
      const q = parseInsightQuery(view, { from: '2026-11-10', to: '2026-11-21', ...f }, new Date(nowMs));
      const fromRollups = await insightAnswer(src, q);
      const fromFacts = await insightAnswer(src, q, 'facts');
      expect(fromRollups, `${view} ${JSON.stringify(f)}`).toEqual(fromFacts);
      if (/"(count|total|offered)":[1-9]/.test(JSON.stringify(fromRollups))) withFigures += 1;
    }
  }
  return withFigures;
}

describe.each(ENGINES)('insight rollups kept with the facts (%s)', (engine) => {
  let dir = '';
  let storage: StorageConfig;
  let central: RunningCentral;
  const START = Date.parse('2026-11-20T00:00:00Z');
  let clock = START;
  const seqs = { a: 0, b: 0, c: 0 };
  const nextSeq = (k: keyof typeof KIOSKS): number => (seqs[k] += 1);
  const ticketIds: string[] = [];
  let ratingsSent = 0;
  let reasonsSent = 0;
  const send = async (k: keyof typeof KIOSKS, items: ReturnType<typeof item>[]): Promise<{ acks: { status: string }[] }> => {
    const res = await call(central.url, 'POST', `/v1/kiosks/${KIOSKS[k].id}/batches`, { token: KIOSKS[k].token, body: { items } });
    expect(res.status, res.text).toBe(200);
    expect((res.body as { rejects: unknown[] }).rejects).toEqual([]);
    return res.body as { acks: { status: string }[] };
  };
  const db = (): SqlDatabase => central.storage.database;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'insight-rollups-'));
    storage = uniqueStorage(engine, dir);
    central = await startCentral({ storage, kiosks: Object.values(KIOSKS), accounts: [{ username: 'zhang.admin', role: 'administrator', apiToken: ADMIN }], dataDir: dir, now: () => new Date(clock) });
  });
  afterAll(async () => {
    await central?.close();
    if (storage?.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('equal the facts after ingest, and a retried batch counts nothing twice', async () => {
    const kiosks = ['a', 'b', 'c'] as const;
    const batches: { k: (typeof kiosks)[number]; items: ReturnType<typeof item>[] }[] = [];
    for (let b = 0; b < 6; b++) {
      const k = kiosks[b % 3]!;
      const items: ReturnType<typeof item>[] = [];
      for (let i = 0; i < 8; i++) {
        // Some right around Beijing midnight, over four days.
        const createdMs = START - (b % 4) * DAY - 8 * H + (i % 3 === 0 ? -1000 : i * 7 * 60_000);
        const t = ticket(KIOSKS[k].id, { category: TICKET_CATEGORIES[(b + i) % TICKET_CATEGORIES.length]!, stationId: KIOSKS[k].stationId, createdAt: new Date(createdMs).toISOString() });
        ticketIds.push(t.id);
        items.push(ticketItem(nextSeq(k), t));
        const reason = i % 2 === 0 ? '等待时间太长' : null;
        items.push(item(nextSeq(k), { kind: 'rating', rating: rating(KIOSKS[k].id, { score: ((i % 5) + 1) as Rating['score'], reason, service: i % 2 ? 'call' : 'faq', createdAt: new Date(createdMs + 60_000).toISOString() }) }));
        ratingsSent += 1;
        if (reason !== null) reasonsSent += 1;
      }
      await send(k, items);
      batches.push({ k, items });
    }
    const after = await stored(db());
    expect(after).toEqual(await expectedFromFacts(db()));
    expect(totalOf(after['tickets']!)).toBe(ticketIds.length);
    expect(totalOf(after['ratings']!)).toBe(ratingsSent);
    expect(totalOf(after['reasons']!)).toBe(reasonsSent);
    expect(new Set([...after['tickets']!.keys()].map((key) => key.split('|')[0])).size).toBeGreaterThanOrEqual(4);

    // The same batches again (a kiosk that did not hear the answer): duplicates, counted once.
    for (const b of batches) {
      const again = await send(b.k, b.items);
      expect(again.acks.every((a) => a.status === 'duplicate')).toBe(true);
    }
    expect(await stored(db())).toEqual(after);
    expect(await rollupsAgreeWithFacts(db(), clock)).toBeGreaterThanOrEqual(12);
  });

  it('equal the facts after staff answer, close and reopen tickets', async () => {
    const before = await stored(db());
    expect(totalOf(before['tickets']!, 1)).toBe(0);
    const status = async (id: string, s: string) => {
      const res = await call(central.url, 'POST', `/v1/staff/tickets/${id}/status`, { token: ADMIN, body: { status: s, note: s === 'resolved' ? '已处理 Fixed' : null } });
      expect(res.status, res.text).toBe(200);
    };
    for (const [i, id] of ticketIds.slice(0, 12).entries()) {
      clock = START + i * 37 * 60_000;
      await status(id, 'in-progress');
      if (i % 2 === 0) {
        clock += 3 * H;
        await status(id, 'resolved');
      }
    }
    // One resolved and reopened: no longer closed.
    clock += H;
    await status(ticketIds[0]!, 'open');
    const after = await stored(db());
    expect(after).toEqual(await expectedFromFacts(db()));
    expect(totalOf(after['tickets']!, 1)).toBe(12);
    expect(totalOf(after['tickets']!, 3)).toBe(5);
    expect(totalOf(after['tickets']!)).toBe(ticketIds.length);
    expect(await rollupsAgreeWithFacts(db(), clock)).toBeGreaterThanOrEqual(12);
  });

  it('answer the response view as the facts do: closed on the target minute or just after, reopened, still open, other targets, other moments', async () => {
    const created = new Map((await db().read((q) => q.all('SELECT id, created_ms FROM tickets'))).map((r) => [txt(r['id']), num(r['created_ms'])]));
    const status = async (id: string, s: string, atMs: number) => {
      clock = atMs;
      const res = await call(central.url, 'POST', `/v1/staff/tickets/${id}/status`, { token: ADMIN, body: { status: s, note: null } });
      expect(res.status, res.text).toBe(200);
    };
    // Durations from seconds to weeks (many buckets), some exactly on a default target (4 h, 8 h, 24 h) and some 1 ms or 1 s past it.
    const closeAfter = [4 * H, 4 * H + 1, 8 * H, 8 * H + 1000, 24 * H, 90_000, 17 * 60_000, 2 * DAY + 5 * 60_000 + 7, 9 * DAY, 59_999, 60_000, 3 * H + 59 * 60_000 + 59_999];
    const rest = ticketIds.slice(12);
    for (const [i, id] of rest.entries()) {
      const c = created.get(id)!;
      if (i % 4 === 3) continue; // never answered: open
      await status(id, 'in-progress', c + ((i * 7919) % 50) * 60_000 + (i % 3) * 1000);
      if (i % 4 === 2) continue; // answered, still open
      await status(id, 'resolved', c + closeAfter[i % closeAfter.length]!);
    }
    // Reopened (open again, its close cleared), one of them closed again later; one closed before it was made (a kiosk clock ahead): clamped at 0.
    await status(rest[0]!, 'open', created.get(rest[0]!)! + 5 * H);
    await status(rest[1]!, 'open', created.get(rest[1]!)! + 10 * H);
    await status(rest[1]!, 'closed', created.get(rest[1]!)! + 30 * H);
    const early = ticketIds[1]!;
    await status(early, 'resolved', created.get(early)! - 5000);
    expect(await stored(db())).toEqual(await expectedFromFacts(db()));

    const hours = (h: number) => Object.fromEntries(TICKET_CATEGORIES.map((c) => [c, h])) as Record<TicketCategory, number>;
    const lastMade = Math.max(...created.values());
    const moments = [clock, lastMade - 2 * H, lastMade + 3 * H + 30 * 60_000, START + 20 * DAY];
    const targetSets = [DEFAULT_TICKET_TARGET_HOURS, hours(1), hours(24), { ...DEFAULT_TICKET_TARGET_HOURS, gate: 8, 'card-problem': 4, callback: 24 }];
    let met = 0;
    let missed = 0;
    for (const nowMs of moments) {
      for (const targets of targetSets) {
        expect(await rollupsAgreeWithFacts(db(), nowMs, targets, ['response'])).toBeGreaterThanOrEqual(4);
        const q = parseInsightQuery('response', { from: '2026-11-10', to: '2026-11-21' }, new Date(nowMs));
        const a = (await insightAnswer({ db: db(), targetHours: () => Promise.resolve(targets), now: () => new Date(nowMs) }, q)) as ResponseInsight;
        met += a.rows.reduce((x, r) => x + r.met, 0);
        missed += a.rows.reduce((x, r) => x + r.missed, 0);
      }
    }
    // Both outcomes occur, so the comparison above has something to compare.
    expect(met).toBeGreaterThan(0);
    expect(missed).toBeGreaterThan(0);
    expect(await rollupsAgreeWithFacts(db(), clock)).toBeGreaterThanOrEqual(12);
  });

  it('equal the facts after calls are offered, answered, abandoned and left unanswered, events seen twice included', async () => {
    const recorder = new CallSessionRecorder(db(), (e) => {
      throw e;
    });
    const events = [
      { callId: 'call-1', actor: `kiosk:${KIOSKS.a.id}`, action: 'request', detail: 'information', atMs: START + 10 * 60_000 },
      { callId: 'call-1', actor: 'agent:chen', action: 'answer', detail: null, atMs: START + 11 * 60_000 },
      { callId: 'call-1', actor: 'agent:chen', action: 'end:agent', detail: null, atMs: START + 20 * 60_000 },
      { callId: 'call-2', actor: `kiosk:${KIOSKS.c.id}`, action: 'request', detail: 'emergency', atMs: START + 5 * H },
      { callId: 'call-2', actor: `kiosk:${KIOSKS.c.id}`, action: 'left:cancelled', detail: null, atMs: START + 5 * H + 30_000 },
      { callId: 'call-3', actor: `kiosk:${KIOSKS.b.id}`, action: 'fallback:no-agent', detail: 'information', atMs: START - 9 * H },
      // Waits in one second and the next, over several hours, days and stations; one answered before its offer was recorded (clamped at 0).
      ...[500, 12_000, 12_999, 13_000, 95_400, -300, 4_000].flatMap((wait, i) => [
        { callId: `wait-${i}`, actor: `kiosk:${[KIOSKS.a, KIOSKS.b, KIOSKS.c][i % 3]!.id}`, action: 'request', detail: i === 4 ? 'emergency' : 'information', atMs: START - (i % 3) * DAY + (i % 4) * H + i * 60_000 },
        { callId: `wait-${i}`, actor: 'agent:chen', action: 'answer', detail: null, atMs: START - (i % 3) * DAY + (i % 4) * H + i * 60_000 + wait },
      ]),
    ];
    for (const e of [...events, ...events]) recorder.record(e);
    await recorder.flush();
    const after = await stored(db());
    expect(after).toEqual(await expectedFromFacts(db()));
    expect([0, 1, 2, 3].map((i) => totalOf(after['calls']!, i))).toEqual([10, 8, 1, 1]);
    expect(totalOf(after['waits']!)).toBe(8);
    expect(await rollupsAgreeWithFacts(db(), clock)).toBeGreaterThanOrEqual(12);
  });
});

// ---- the back-fill over data stored before ----------------------------------------------

const BEFORE = 14;
const DATA = `
INSERT INTO kiosks (id, station_id, token_hash, config, created_at) VALUES ('GZ0102', 'GZ-TIYUXILU', 'h', '{}', '2026-11-01T00:00:00.000Z');
INSERT INTO items (id, kiosk_id, seq, kind, created_at, received_at, payload) VALUES
  ('i1', 'GZ0102', 1, 'ticket', '2026-11-10T09:00:00+08:00', '2026-11-10T01:00:05.000Z', '{}'),
  ('i2', 'GZ0102', 2, 'ticket', '2026-11-10T23:59:00+08:00', '2026-11-10T16:00:05.000Z', '{}'),
  ('i3', 'GZ0102', 3, 'rating', '2026-11-10T09:05:00+08:00', '2026-11-10T01:05:05.000Z', '{}'),
  ('i4', 'GZ0102', 4, 'rating', '2026-11-11T00:05:00+08:00', '2026-11-10T16:05:05.000Z', '{}');
INSERT INTO tickets (id, item_id, server_seq, kiosk_id, station_id, category, description, phone, created_utc, received_at, status, status_note, updated_at, body, created_ms, first_response_ms, closed_ms) VALUES
  ('T1', 'i1', 1, 'GZ0102', 'GZ-TIYUXILU', 'gate', 'x', NULL, '2026-11-10T01:00:00.000Z', '2026-11-10T01:00:05.000Z', 'resolved', NULL, '2026-11-10T05:00:00.000Z', '{}', ${Date.parse('2026-11-10T01:00:00Z')}, ${Date.parse('2026-11-10T01:30:00Z')}, ${Date.parse('2026-11-10T05:00:00Z')}),
  ('T2', 'i2', 2, 'GZ0102', 'GZ-TIYUXILU', 'gate', 'x', NULL, '2026-11-10T15:59:00.000Z', '2026-11-10T16:00:05.000Z', 'open', NULL, '2026-11-10T16:00:05.000Z', '{}', ${Date.parse('2026-11-10T15:59:00Z')}, NULL, NULL);
INSERT INTO ratings (item_id, kiosk_id, station_id, score, reason, service, ticket_id, created_ms) VALUES
  ('i3', 'GZ0102', 'GZ-TIYUXILU', 2, '等待时间太长', 'call', NULL, ${Date.parse('2026-11-10T01:05:00Z')}),
  ('i4', 'GZ0102', NULL, 5, NULL, 'faq', NULL, ${Date.parse('2026-11-10T16:05:00Z')});
INSERT INTO call_sessions (call_id, kiosk_id, station_id, lane, offered_ms, answered_ms, ended_ms, outcome) VALUES
  ('c1', 'GZ0102', 'GZ-TIYUXILU', 'information', ${Date.parse('2026-11-10T02:00:00Z')}, ${Date.parse('2026-11-10T02:00:40Z')}, ${Date.parse('2026-11-10T02:09:00Z')}, 'answered'),
  ('c2', 'GZ0102', 'GZ-TIYUXILU', 'emergency', ${Date.parse('2026-11-10T02:30:00Z')}, NULL, ${Date.parse('2026-11-10T02:31:00Z')}, 'abandoned');
`;

const migrationDir = mkdtempSync(join(tmpdir(), 'insight-rollup-migration-'));
const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropPostgresSchema(PG_URL, s);
  rmSync(migrationDir, { recursive: true, force: true });
});

describe.each(ENGINES)('insight rollups back-filled by the migration (%s)', (engine) => {
  it('counts what was stored before into the rollups', async () => {
    let db: SqlDatabase;
    if (engine === 'sqlite') {
      const file = join(migrationDir, `central-${uuidv7()}.sqlite`);
      await earlierSqliteCentral(file, BEFORE, DATA);
      db = await openSqliteDatabase(file);
    } else {
      const schema = `insight_rollups_${process.pid}_${Date.now().toString(36)}`;
      schemas.push(schema);
      await earlierPostgresCentral(schema, BEFORE, DATA);
      db = await openPostgresDatabase(PG_URL, schema);
    }
    try {
      const s = await stored(db);
      expect(s).toEqual(await expectedFromFacts(db));
      expect(await rollupsAgreeWithFacts(db, Date.parse('2026-11-21T04:00:00Z'))).toBeGreaterThanOrEqual(6);
      // Written out: T1 and T2 on one Beijing day (T2 at 23:59), the rating at 00:05 on the next, the one without a station under ''.
      const d10 = dayOf(Date.parse('2026-11-10T01:00:00Z'));
      expect(s['tickets']!.size).toBe(1);
      expect(s['tickets']!.get(`${d10}|GZ-TIYUXILU|gate`)).toEqual([2, 1, 30 * 60_000, 1, 4 * H]);
      expect(s['ratings']).toEqual(
        new Map([
          [`${d10}|GZ-TIYUXILU|call|2`, [1]],
          [`${d10 + 1}||faq|5`, [1]],
        ]),
      );
      expect(s['reasons']).toEqual(new Map([[`${d10}|GZ-TIYUXILU|等待时间太长|2`, [1]]]));
      expect(s['calls']).toEqual(
        new Map([
          [`${d10}|10|GZ-TIYUXILU|information`, [1, 1, 0, 0]],
          [`${d10}|10|GZ-TIYUXILU|emergency`, [1, 0, 1, 0]],
        ]),
      );
    } finally {
      await db.close();
    }
  });
});
