/**
 * The supervisors' insight views at central, on both engines (a real SQLite file, a real
 * PostgreSQL schema): tickets, ratings, device faults and heartbeats go in through the kiosk API
 * and the staff workflow as they would in service, then every figure of each view is checked
 * against a plain computation over the same generated data in this file. Roles: supervisors and
 * administrators see it, others get 403, nobody 401. Hostile filters get a clear 400.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { DEFAULT_TICKET_TARGET_HOURS } from '../../central/staff/ticket-work.js';
import type { CallsInsight, DevicesInsight, ResponseInsight, SatisfactionInsight, TicketsInsight } from '../../shared/insight.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { uuidv7 } from '../../shared/ids.js';
import { TICKET_CATEGORIES, type Rating, type TicketCategory } from '../../shared/ticket.js';
import { ENGINES, KIOSKS, call, item, rating, ticket, ticketItem, uniqueStorage } from '../support/central.js';

const ADMIN = 'insight-admin-token-0123456789abcdef';
const SUPERVISOR = 'insight-supervisor-token-0123456789ab';
const STATION_STAFF = 'insight-station-staff-token-01234567';
const AGENT = 'insight-agent-token-0123456789abcdefgh';
const H = 3_600_000;
const DAY = 24 * H;

/** A small deterministic generator, so that a failure can be repeated. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank percentile of sorted values. */
const rank = (sorted: readonly number[], p: number): number | null => (sorted.length === 0 ? null : sorted[Math.ceil(p * sorted.length) - 1]!);
const r1 = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
/** The whole minute a duration falls in (percentiles are found on a minute histogram). */
const wholeMinutes = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 60_000));
const r2 = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);
const count = <T>(xs: readonly T[], key: (x: T) => string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
};
const channelOf = (c: TicketCategory): string => (c === 'callback' ? 'callback' : c === 'device-fault' ? 'device-fault' : 'report');

interface Made {
  readonly id: string;
  readonly kiosk: keyof typeof KIOSKS;
  readonly category: TicketCategory;
  readonly createdMs: number;
  firstMs: number | null;
  closedMs: number | null;
}

describe.each(ENGINES)('supervisor insight (%s)', (engine) => {
  let dir = '';
  let storage: StorageConfig;
  let central: RunningCentral;
  // Central's clock: moved by the test, so that replies, closes and heartbeats happen when it says.
  const START = Date.parse('2026-11-20T00:00:00Z');
  let clock = START;
  const made: Made[] = [];
  const ratings: (Rating & { kiosk: keyof typeof KIOSKS })[] = [];
  const faults: { kiosk: keyof typeof KIOSKS; device: string; ms: number }[] = [];
  const seqs = { a: 0, b: 0, c: 0 };
  const get = async <T>(path: string, token = SUPERVISOR): Promise<T> => {
    const res = await call(central.url, 'GET', path, { token });
    expect(res.status, res.text).toBe(200);
    return res.body as T;
  };
  const send = async (k: keyof typeof KIOSKS, items: ReturnType<typeof item>[]): Promise<void> => {
    const res = await call(central.url, 'POST', `/v1/kiosks/${KIOSKS[k].id}/batches`, { token: KIOSKS[k].token, body: { items } });
    expect(res.status, res.text).toBe(200);
    expect((res.body as { rejects: unknown[] }).rejects).toEqual([]);
  };
  const nextSeq = (k: keyof typeof KIOSKS): number => (seqs[k] += 1);
  const beat = (k: keyof typeof KIOSKS) =>
    call(central.url, 'POST', `/v1/kiosks/${KIOSKS[k].id}/heartbeat`, {
      token: KIOSKS[k].token,
      body: { kioskVersion: '1.4.2', nodeVersion: 'v24.22.3', uptimeSeconds: 60, devices: [], outbox: { pending: 0, rejected: 0, oldestPendingAt: null }, disk: { freeBytes: 1e9, totalBytes: 4e9 }, clockOffsetMs: 0, sentAt: new Date(clock).toISOString() },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'insight-'));
    storage = uniqueStorage(engine, dir);
    central = await startCentral({
      storage,
      kiosks: Object.values(KIOSKS),
      accounts: [
        { username: 'zhang.admin', role: 'administrator', apiToken: ADMIN },
        { username: 'wang.supervisor', role: 'supervisor', apiToken: SUPERVISOR },
        { username: 'li.station', role: 'station-staff', stationId: KIOSKS.a.stationId, apiToken: STATION_STAFF },
        { username: 'chen.agent', role: 'agent', apiToken: AGENT },
      ],
      dataDir: dir,
      now: () => new Date(clock),
    });

    // The station table names each station's lines (the line filter reads it).
    for (const [station, lines] of [
      ['GZ-TIYUXILU', [{ zh: '1号线', en: 'Line 1' }, { zh: '3号线', en: 'Line 3' }]],
      ['SZ-FUTIAN', [{ zh: '深圳1号线', en: 'Shenzhen Line 1' }]],
    ] as const) {
      const put = await call(central.url, 'PUT', `/v1/admin/stations/${station}`, { token: ADMIN, body: { name: { zh: station, en: station }, lines } });
      expect(put.status, put.text).toBe(200);
    }
    const rnd = random(engine === 'sqlite' ? 7 : 11);
    const kiosks = ['a', 'b', 'c'] as const;
    // 60 tickets over 10 days before START, some right at Beijing midnight.
    for (let i = 0; i < 60; i++) {
      const k = kiosks[Math.floor(rnd() * 3)]!;
      const category = TICKET_CATEGORIES[Math.floor(rnd() * TICKET_CATEGORIES.length)]!;
      const createdMs = i % 10 === 0 ? START - (i / 10 + 1) * DAY - 8 * H + (i % 20 === 0 ? -1000 : 0) : START - Math.floor(rnd() * 10 * DAY);
      const t = ticket(KIOSKS[k].id, { category, stationId: KIOSKS[k].stationId, createdAt: new Date(createdMs).toISOString() });
      await send(k, [ticketItem(nextSeq(k), t)]);
      made.push({ id: t.id, kiosk: k, category, createdMs, firstMs: null, closedMs: null });
    }
    // Staff work through them over the next two days: some answered, some also resolved.
    for (const m of made) {
      const roll = rnd();
      if (roll < 0.25) continue;
      clock = START + Math.floor(rnd() * 2 * DAY);
      const first = await call(central.url, 'POST', `/v1/staff/tickets/${m.id}/status`, { token: ADMIN, body: { status: 'in-progress', note: null } });
      expect(first.status, first.text).toBe(200);
      m.firstMs = clock;
      if (roll < 0.7) {
        clock += Math.floor(rnd() * 10 * H);
        const done = await call(central.url, 'POST', `/v1/staff/tickets/${m.id}/status`, { token: ADMIN, body: { status: 'resolved', note: '已处理 Fixed' } });
        expect(done.status, done.text).toBe(200);
        m.closedMs = clock;
      }
    }
    // Ratings with reasons and services.
    const reasons = [null, '等待时间太长', 'Helpful agent', '=HYPERLINK("x")', null];
    const services = ['call', 'report', 'faq', 'balance', 'status'] as const;
    for (let i = 0; i < 50; i++) {
      const k = kiosks[Math.floor(rnd() * 3)]!;
      const r = rating(KIOSKS[k].id, {
        score: (1 + Math.floor(rnd() * 5)) as Rating['score'],
        reason: reasons[Math.floor(rnd() * reasons.length)]!,
        service: services[Math.floor(rnd() * services.length)]!,
        createdAt: new Date(START - Math.floor(rnd() * 10 * DAY)).toISOString(),
      });
      await send(k, [item(nextSeq(k), { kind: 'rating', rating: r })]);
      ratings.push({ ...r, kiosk: k });
    }
    // Device faults: printer of kiosk a three times (2 days apart: two repeats), card reader of b twice 9 days apart (no repeat), and a cleared event that is no fault.
    const fault = async (k: keyof typeof KIOSKS, device: string, ms: number, severity: 'fault' | 'cleared' = 'fault') => {
      const it = { id: uuidv7(), seq: nextSeq(k), createdAt: new Date(ms).toISOString(), payload: { kind: 'device-event' as const, event: { device, event: 'jam', severity, detail: null } } };
      await send(k, [it]);
      if (severity === 'fault') faults.push({ kiosk: k, device, ms });
    };
    await fault('a', 'printer', START - 6 * DAY);
    await fault('a', 'printer', START - 4 * DAY);
    await fault('a', 'printer', START - 2 * DAY);
    await fault('b', 'card-reader', START - 9.5 * DAY);
    await fault('b', 'card-reader', START - 0.5 * DAY);
    await fault('b', 'card-reader', START - 0.4 * DAY, 'cleared');
    // Heartbeats every 2 minutes from a and b; c beats, falls silent for 61 minutes, beats once more, and falls silent for good.
    clock = START + 3 * DAY;
    for (let minute = 0; minute <= 91; minute += 1) {
      for (const k of ['a', 'b'] as const) if (minute % 2 === 0) expect((await beat(k)).status).toBe(200);
      if (minute === 0 || minute === 61) expect((await beat('c')).status).toBe(200);
      if (minute < 91) clock += 60_000;
    }
  }, 120_000);

  afterAll(async () => {
    await central?.close();
    if (storage?.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const range = () => `from=${shanghaiDate(START - 12 * DAY)}&to=${shanghaiDate(START + 3 * DAY)}`;

  it('counts tickets by Beijing day, category, station and channel as the data says', async () => {
    const v = await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}`);
    expect(v.view).toBe('tickets');
    expect(v.total).toBe(made.length);
    const byDay = count(made, (m) => `${shanghaiDate(m.createdMs)}|${m.category}`);
    expect(new Map(v.byDay.map((r) => [`${r.day}|${r.category}`, r.count]))).toEqual(byDay);
    expect(new Map(v.byStation.map((r) => [`${r.stationId}|${r.category}`, r.count]))).toEqual(count(made, (m) => `${KIOSKS[m.kiosk].stationId}|${m.category}`));
    expect(new Map(v.byChannel.map((r) => [`${r.day}|${r.channel}`, r.count]))).toEqual(count(made, (m) => `${shanghaiDate(m.createdMs)}|${channelOf(m.category)}`));

    // One station, one kiosk, one category, one channel, one day.
    const st = await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}&station=SZ-FUTIAN`);
    expect(st.total).toBe(made.filter((m) => m.kiosk === 'c').length);
    const ki = await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}&kiosk=GZ0103`);
    expect(ki.total).toBe(made.filter((m) => m.kiosk === 'b').length);
    const line3 = await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}&line=${encodeURIComponent('3号线')}`);
    expect(line3.total).toBe(made.filter((m) => m.kiosk !== 'c').length);
    const lineSz = await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}&line=${encodeURIComponent('Shenzhen Line 1')}`);
    expect(lineSz.total).toBe(made.filter((m) => m.kiosk === 'c').length);
    expect((await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}&line=APM`)).total).toBe(0);
    const cat = await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}&category=gate`);
    expect(cat.total).toBe(made.filter((m) => m.category === 'gate').length);
    const ch = await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}&channel=report`);
    expect(ch.total).toBe(made.filter((m) => channelOf(m.category) === 'report').length);
    const day = shanghaiDate(START - 2 * DAY - 8 * H);
    const oneDay = await get<TicketsInsight>(`/v1/staff/insight/tickets?from=${day}&to=${day}`);
    expect(oneDay.total).toBe(made.filter((m) => shanghaiDate(m.createdMs) === day).length);
    expect(oneDay.total).toBeGreaterThan(0);
  });

  it('measures first response and close per category against the targets', async () => {
    const v = await get<ResponseInsight>(`/v1/staff/insight/response?${range()}`);
    const now = clock;
    for (const category of TICKET_CATEGORIES) {
      const mine = made.filter((m) => m.category === category);
      const row = v.rows.find((r) => r.category === category);
      if (mine.length === 0) {
        expect(row).toBeUndefined();
        continue;
      }
      const target = DEFAULT_TICKET_TARGET_HOURS[category] * H;
      const firsts = mine.filter((m) => m.firstMs !== null).map((m) => Math.max(0, m.firstMs! - m.createdMs)).sort((a, b) => a - b);
      const closes = mine.filter((m) => m.closedMs !== null).map((m) => Math.max(0, m.closedMs! - m.createdMs)).sort((a, b) => a - b);
      const met = mine.filter((m) => m.closedMs !== null && m.closedMs - m.createdMs <= target).length;
      const missed = mine.filter((m) => (m.closedMs !== null ? m.closedMs - m.createdMs > target : now - m.createdMs > target)).length;
      const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length / 60_000 : null);
      expect(row).toEqual({
        category,
        tickets: mine.length,
        firstResponse: { count: firsts.length, averageMinutes: r1(avg(firsts)), p50Minutes: wholeMinutes(rank(firsts, 0.5)), p90Minutes: wholeMinutes(rank(firsts, 0.9)) },
        close: { count: closes.length, averageMinutes: r1(avg(closes)), p50Minutes: wholeMinutes(rank(closes, 0.5)), p90Minutes: wholeMinutes(rank(closes, 0.9)) },
        targetHours: DEFAULT_TICKET_TARGET_HOURS[category],
        met,
        missed,
        metShare: met + missed === 0 ? null : Math.round((met / (met + missed)) * 10_000) / 10_000,
      });
    }
  });

  it('averages and distributes satisfaction by day, station, channel and reason', async () => {
    const v = await get<SatisfactionInsight>(`/v1/staff/insight/satisfaction?${range()}`);
    const avg = (xs: readonly Rating[]) => r2(xs.reduce((a, r) => a + r.score, 0) / xs.length);
    expect(v.total).toEqual({ count: ratings.length, average: avg(ratings) });
    expect(v.distribution).toEqual([1, 2, 3, 4, 5].map((score) => ({ score, count: ratings.filter((r) => r.score === score).length })));
    const days = [...new Set(ratings.map((r) => shanghaiDate(Date.parse(r.createdAt))))].sort();
    expect(v.byDay).toEqual(
      days.map((day) => {
        const mine = ratings.filter((r) => shanghaiDate(Date.parse(r.createdAt)) === day);
        return { day, count: mine.length, average: avg(mine), scores: [1, 2, 3, 4, 5].map((s) => mine.filter((r) => r.score === s).length) };
      }),
    );
    for (const st of v.byStation) {
      const mine = ratings.filter((r) => KIOSKS[r.kiosk].stationId === st.stationId);
      expect(st).toEqual({ stationId: st.stationId, count: mine.length, average: avg(mine) });
    }
    expect(v.byStation.reduce((a, s) => a + s.count, 0)).toBe(ratings.length);
    for (const ch of v.byChannel) expect(ch.count).toBe(ratings.filter((r) => r.service === ch.channel).length);
    const onLine = await get<SatisfactionInsight>(`/v1/staff/insight/satisfaction?${range()}&line=${encodeURIComponent('Line 3')}`);
    expect(onLine.total).toEqual({ count: ratings.filter((r) => r.kiosk !== 'c').length, average: avg(ratings.filter((r) => r.kiosk !== 'c')) });
    const given = ratings.filter((r) => r.reason !== null);
    expect(new Map(v.reasons.map((r) => [r.reason, r.count]))).toEqual(count(given, (r) => r.reason!));
    const csv = await call(central.url, 'GET', `/v1/staff/insight/satisfaction?${range()}&format=csv&part=reasons`, { token: SUPERVISOR });
    expect(csv.status).toBe(200);
    // A passenger's text that a spreadsheet would run as a formula is written as text.
    if (given.some((r) => r.reason!.startsWith('='))) expect(csv.text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.text.split('\r\n')[0]).toBe('reason,count,average');
  });

  it('counts device faults, repeats within 7 days, and kiosks out of contact', async () => {
    const v = await get<DevicesInsight>(`/v1/staff/insight/devices?from=${shanghaiDate(START - 7 * DAY)}&to=${shanghaiDate(START + 3 * DAY)}`);
    // In range: the three printer faults (two repeats) and the last card-reader fault (its earlier one is 9 days before: no repeat).
    expect(v.faults).toBe(faults.filter((f) => f.ms >= Date.parse(`${shanghaiDate(START - 7 * DAY)}T00:00:00+08:00`)).length);
    expect(v.faults).toBe(4);
    expect(v.repeats).toBe(2);
    expect(v.byKiosk).toEqual([
      { kioskId: 'GZ0102', stationId: 'GZ-TIYUXILU', faults: 3, repeats: 2 },
      { kioskId: 'GZ0103', stationId: 'GZ-TIYUXILU', faults: 1, repeats: 0 },
    ]);
    expect(v.byDevice[0]).toEqual({ kioskId: 'GZ0102', device: 'printer', faults: 3, repeats: 2, lastAt: new Date(START - 2 * DAY).toISOString() });
    // c: one outage of an hour between beats, and silent since its last beat (30 minutes ago).
    expect(v.offline).toEqual([{ kioskId: 'SZ0201', stationId: 'SZ-FUTIAN', outages: 2, offlineMinutes: 61 + 30, offlineNow: true, lastContactAt: new Date(clock - 30 * 60_000).toISOString() }]);
  });

  it('answers the calls view with every hour of the day', async () => {
    const v = await get<CallsInsight>(`/v1/staff/insight/calls?${range()}`);
    expect(v.byHour.map((h) => h.hour)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    // Callback requests are the tickets of category callback.
    expect(v.total.callbacks).toBe(made.filter((m) => m.category === 'callback').length);
    expect(v.ignored).toEqual([]);
  });

  it('lets supervisors and administrators in, refuses other roles with 403 and nobody with 401', async () => {
    expect((await call(central.url, 'GET', '/v1/staff/insight/tickets', { token: ADMIN })).status).toBe(200);
    const staff = await call(central.url, 'GET', '/v1/staff/insight/tickets', { token: STATION_STAFF });
    expect(staff.status).toBe(403);
    expect((staff.body as { error: { message: string } }).error.message).toMatch(/supervisors and administrators/);
    expect((await call(central.url, 'GET', '/v1/staff/insight/tickets', { token: AGENT })).status).toBe(403);
    expect((await call(central.url, 'GET', '/v1/staff/insight/tickets')).status).toBe(401);
    expect((await call(central.url, 'GET', '/v1/staff/insight/tickets', { token: 'no-such-token-0123456789' })).status).toBe(401);
  });

  it('refuses hostile filters with a clear 400 before any query', async () => {
    const cases: [string, number, RegExp][] = [
      ['tickets?stationId=GZ', 400, /unknown filter key "stationId"/],
      ['tickets?from=2026-02-30', 400, /"from" must be a date/],
      ['tickets?from=2026-11-10&to=2026-11-01', 400, /is after/],
      ['tickets?from=2000-01-01&to=2099-12-31', 400, /at most 400 days/],
      ['tickets?from=1900-01-01', 400, /"from" must be a date/],
      ['tickets?from=2026-11-01&from=2026-11-02', 400, /give "from" once/],
      [`tickets?kiosk=${encodeURIComponent("x'; DROP TABLE tickets; --")}`, 400, /"kiosk" is not a kiosk id/],
      [`tickets?station=${'A'.repeat(5000)}`, 400, /longer than 64/],
      ['tickets?category=lost-property', 400, /"category" must be one of/],
      ['tickets?channel=fax', 400, /"channel" must be one of/],
      [`tickets?line=${encodeURIComponent('1号线<script>')}`, 400, /"line" is not a line name/],
      ['tickets?format=xml', 400, /"format" must be one of/],
      ['tickets?part=byDay', 400, /"part" goes with format=csv/],
      ['tickets?format=csv&part=rows', 400, /"part" must be one of/],
      ['tickets?kiosk=', 400, /"kiosk" is empty/],
      ['everything', 404, /no insight view "everything"/],
    ];
    for (const [path, status, message] of cases) {
      const res = await call(central.url, 'GET', `/v1/staff/insight/${path}`, { token: SUPERVISOR });
      expect(res.status, path).toBe(status);
      expect((res.body as { error: { message: string } }).error.message, path).toMatch(message);
    }
    // Nothing was stored or changed: the figures are as before.
    expect((await get<TicketsInsight>(`/v1/staff/insight/tickets?${range()}`)).total).toBe(made.length);
  });

  it('downloads each part of each view as CSV', async () => {
    const res = await fetch(`${central.url}/v1/staff/insight/tickets?${range()}&format=csv&part=byStation`, { headers: { authorization: `Bearer ${SUPERVISOR}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="insight-tickets-byStation-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    // UTF-8 with a byte-order mark, so that a spreadsheet reads the Chinese text right.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('stationId,category,count');
    const sum = lines.slice(1).reduce((a, l) => a + Number(l.split(',')[2]), 0);
    expect(sum).toBe(made.length);
    const response = await call(central.url, 'GET', `/v1/staff/insight/response?${range()}&format=csv`, { token: SUPERVISOR });
    expect(response.text.split('\r\n')[0]).toBe(
      'category,tickets,firstResponse.count,firstResponse.averageMinutes,firstResponse.p50Minutes,firstResponse.p90Minutes,close.count,close.averageMinutes,close.p50Minutes,close.p90Minutes,targetHours,met,missed,metShare',
    );
  });
});
