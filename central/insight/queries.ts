/**
 * The insight views' aggregates, computed by the database (SQLite or PostgreSQL, the same SQL):
 * counts, averages and nearest-rank percentiles grouped by Beijing day or hour, category,
 * station, channel, kiosk and device. Only the grouped rows come back, never the rows themselves.
 *
 * Times are epoch ms columns (migration 13): a Beijing day is `(ms + 8 h) / 1 day` and an hour
 * of day `((ms + 8 h) / 1 h) % 24` in integer arithmetic, which both engines do alike and fast.
 * Values reach the SQL only as parameters; the few literals (categories, target hours) come
 * from central's own tables of constants.
 */
import type {
  CallFigures,
  CallsInsight,
  DevicesInsight,
  DurationFigures,
  InsightAnswerBase,
  InsightAnswers,
  InsightChannel,
  InsightFilter,
  InsightView,
  RatingChannel,
  ResponseInsight,
  ResponseRow,
  SatisfactionInsight,
  ScoreFigures,
  TicketsInsight,
} from '../../shared/insight.js';
import { INSIGHT_TOP_ROWS, RATING_CHANNELS } from '../../shared/insight.js';
import { SHANGHAI_OFFSET_MS } from '../../shared/shanghai-date.js';
import { TICKET_CATEGORIES, type TicketCategory } from '../../shared/ticket.js';
import type { Row, SqlDatabase, SqlExecutor, SqlParam } from '../storage/sql-database.js';
import { OUTAGE_AFTER_MS } from '../storage/sql-storage.js';
import { DAY_MS, type InsightQuery } from './filter.js';
import { DURATION_KINDS, beijingDay, bucketMinutes, dayStartMs, durationBucket } from './rollups.js';

const HOUR_MS = 3_600_000;
const REPEAT_WITHIN_MS = 7 * DAY_MS;
/** No insight statement runs longer than this on PostgreSQL (the range is bounded too). */
export const INSIGHT_STATEMENT_TIMEOUT_MS = 20_000;

type Dialect = SqlDatabase['dialect'];
type Ignored = InsightAnswerBase<InsightView>['ignored'][number];

/** Collects parameters: `bind(v)` returns its `$n`. */
class Params {
  readonly values: SqlParam[] = [];
  bind(v: SqlParam): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const nOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const round = (v: number | null, digits: number): number | null => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const dayOf = (dayNumber: unknown): string => new Date(n(dayNumber) * DAY_MS).toISOString().slice(0, 10);
const s = (v: unknown): string => String(v);

/** Beijing day number and hour of day of an epoch-ms column. */
const dayExpr = (col: string): string => `((${col} + ${SHANGHAI_OFFSET_MS}) / ${DAY_MS})`;
const hourExpr = (col: string): string => `(((${col} + ${SHANGHAI_OFFSET_MS}) / ${HOUR_MS}) % 24)`;
const least = (d: Dialect, a: string, b: string): string => (d === 'sqlite' ? `MIN(${a}, ${b})` : `LEAST(${a}, ${b})`);
const greatest = (d: Dialect, a: string, b: string): string => (d === 'sqlite' ? `MAX(${a}, ${b})` : `GREATEST(${a}, ${b})`);
const quoted = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/** A parsed query with the engine it runs on, and whether it reads the per-day rollups. */
interface Scoped extends InsightQuery {
  readonly dialect: Dialect;
  /** Read whole days from the rollup tables (central/insight/rollups.ts) rather than every fact of the range. */
  readonly rollups: boolean;
}

/** Where a row's station, kiosk and time are, for the common filter keys. */
interface Columns {
  readonly time: string;
  readonly station: string;
  readonly kiosk: string;
}

/**
 * `station IN (the stations a line calls at)`: the station table (central/admin/) keeps each
 * station's lines as a JSON list of names in zh and en; either name selects the line.
 */
function onLine(d: Dialect, station: string, param: string): string {
  const named =
    d === 'sqlite'
      ? `EXISTS (SELECT 1 FROM json_each(s.lines) j WHERE json_extract(j.value, '$.zh') = ${param} OR json_extract(j.value, '$.en') = ${param})`
      : `EXISTS (SELECT 1 FROM jsonb_array_elements(s.lines::jsonb) j WHERE j->>'zh' = ${param} OR j->>'en' = ${param})`;
  return `${station} IN (SELECT s.id FROM stations s WHERE ${named})`;
}

/** Range, station, kiosk and line conditions on any table with those columns. */
function scope(p: Params, q: Scoped, c: Columns, fromMs = q.fromMs): string[] {
  const f = q.filter;
  const out = [`${c.time} >= ${p.bind(fromMs)}`, `${c.time} < ${p.bind(q.toMs)}`];
  if (f.stationId !== null) out.push(`${c.station} = ${p.bind(f.stationId)}`);
  if (f.kioskId !== null) out.push(`${c.kiosk} = ${p.bind(f.kioskId)}`);
  if (f.line !== null) out.push(onLine(q.dialect, c.station, p.bind(f.line)));
  return out;
}

/** The channel of each ticket category (emergency alarms are no tickets). */
const CHANNEL_OF: Readonly<Record<TicketCategory, InsightChannel>> = Object.fromEntries(
  TICKET_CATEGORIES.map((c) => [c, c === 'callback' ? 'callback' : c === 'device-fault' ? 'device-fault' : 'report']),
) as Record<TicketCategory, InsightChannel>;

/** The same in SQL, for the channel filter. */
const CHANNEL_CASE = `CASE category WHEN 'callback' THEN 'callback' WHEN 'device-fault' THEN 'device-fault' ELSE 'report' END`;

function ticketScope(p: Params, q: Scoped, alias = ''): string[] {
  const a = alias === '' ? '' : `${alias}.`;
  const out = scope(p, q, { time: `${a}created_ms`, station: `${a}station_id`, kiosk: `${a}kiosk_id` });
  if (q.filter.category !== null) out.push(`${a}category = ${p.bind(q.filter.category)}`);
  if (q.filter.channel === 'emergency') out.push('1 = 0');
  else if (q.filter.channel !== null) out.push(`(${CHANNEL_CASE.replace(/category/g, `${a}category`)}) = ${p.bind(q.filter.channel)}`);
  return out;
}

/**
 * Range, station and line conditions on a rollup table (`day`, `station_id`; facts without a
 * station are kept under `''`, which no filter selects, as no filter selects a missing station).
 * A range is always whole Beijing days.
 */
function rollupScope(p: Params, q: Scoped): string[] {
  const f = q.filter;
  const out = [`day >= ${p.bind(beijingDay(q.fromMs))}`, `day < ${p.bind(beijingDay(q.toMs))}`];
  if (f.stationId !== null) out.push(`station_id = ${p.bind(f.stationId)}`);
  if (f.line !== null) out.push(onLine(q.dialect, 'station_id', p.bind(f.line)));
  return out;
}

/** The same with the ticket filters (category, channel) on `insight_ticket_days`. */
function ticketRollupScope(p: Params, q: Scoped): string[] {
  const out = rollupScope(p, q);
  if (q.filter.category !== null) out.push(`category = ${p.bind(q.filter.category)}`);
  if (q.filter.channel === 'emergency') out.push('1 = 0');
  else if (q.filter.channel !== null) out.push(`(${CHANNEL_CASE}) = ${p.bind(q.filter.channel)}`);
  return out;
}

const where = (conds: readonly string[]): string => (conds.length ? `WHERE ${conds.join(' AND ')}` : '');

interface Duration {
  readonly count: number;
  readonly averageMs: number | null;
  readonly p50Ms: number | null;
  readonly p90Ms: number | null;
  readonly maxMs: number | null;
}

/**
 * Count, average, nearest-rank p50/p90 and maximum of `valueExpr` per `groupExpr` over
 * `FROM … WHERE …` (the value clamped at 0). The percentiles are found on a histogram of whole
 * `bucketMs` (a minute, a second) built by the database, so that only the buckets are sorted,
 * never every row: a percentile is the start of the bucket its value falls in. Count, average
 * and maximum are exact.
 */
async function durations(
  x: SqlExecutor,
  from: string,
  groupExpr: string,
  valueExpr: string,
  conds: readonly string[],
  params: readonly SqlParam[],
  d: Dialect,
  bucketMs: number,
): Promise<Map<string, Duration>> {
  const rows = await x.all(
    `WITH h AS (SELECT g, v / ${bucketMs} AS b, COUNT(*) AS c, SUM(v) AS s, MAX(v) AS mx
                FROM (SELECT ${groupExpr} AS g, ${greatest(d, valueExpr, '0')} AS v FROM ${from} ${where([...conds, `${valueExpr} IS NOT NULL`])}) AS d
                GROUP BY g, v / ${bucketMs}),
          r AS (SELECT g, b, c, s, mx, SUM(c) OVER (PARTITION BY g ORDER BY b) AS cum, SUM(c) OVER (PARTITION BY g) AS total FROM h)
     SELECT g, MAX(total) AS count, SUM(s) * 1.0 / MAX(total) AS average,
            MIN(CASE WHEN cum * 2 >= total THEN b END) AS p50, MIN(CASE WHEN cum * 10 >= total * 9 THEN b END) AS p90, MAX(mx) AS maximum
     FROM r GROUP BY g`,
    params,
  );
  const at = (b: unknown): number | null => (b === null || b === undefined ? null : Number(b) * bucketMs);
  return new Map(rows.map((r) => [s(r['g']), { count: n(r['count']), averageMs: nOrNull(r['average']), p50Ms: at(r['p50']), p90Ms: at(r['p90']), maxMs: nOrNull(r['maximum']) }]));
}

const minutes = (d: Duration | undefined): DurationFigures => ({
  count: d?.count ?? 0,
  averageMinutes: round(d?.averageMs == null ? null : d.averageMs / 60_000, 1),
  p50Minutes: round(d?.p50Ms == null ? null : d.p50Ms / 60_000, 1),
  p90Minutes: round(d?.p90Ms == null ? null : d.p90Ms / 60_000, 1),
});

/** Runs one view's statements together; on PostgreSQL read-only, under a statement timeout, without JIT. */
async function reading<T>(db: SqlDatabase, fn: (x: SqlExecutor) => Promise<T>): Promise<T> {
  if (db.dialect === 'sqlite') return db.read(fn);
  return db.transaction(async (x) => {
    await x.run(`SET LOCAL statement_timeout = ${INSIGHT_STATEMENT_TIMEOUT_MS}`);
    // Plain scans and hash aggregates: compiling them (JIT) costs more than it saves, and the
    // groups of a year by day and category fit in memory.
    await x.run('SET LOCAL jit = off');
    await x.run(`SET LOCAL work_mem = '32MB'`);
    await x.run('SET TRANSACTION READ ONLY');
    return fn(x);
  });
}

export interface InsightSources {
  readonly db: SqlDatabase;
  /** Hours to resolve each category (staff-set over the defaults). */
  readonly targetHours: () => Promise<Readonly<Record<TicketCategory, number>>>;
  readonly now: () => Date;
}

function base<V extends InsightView>(view: V, filter: InsightFilter, ignored: readonly Ignored[], now: Date): InsightAnswerBase<V> {
  return { view, filter, ignored: ignored.filter((k) => filter[k] !== null), generatedAt: now.toISOString() };
}

// ---- tickets over time ------------------------------------------------------------------

async function tickets(src: InsightSources, q: Scoped): Promise<TicketsInsight> {
  return reading(src.db, async (x) => {
    const p = new Params();
    const w = where(q.rollups ? ticketRollupScope(p, q) : ticketScope(p, q));
    const byDayRows = q.rollups
      ? await x.all(`SELECT day, category, SUM(tickets) AS n FROM insight_ticket_days ${w} GROUP BY day, category`, p.values)
      : await x.all(`SELECT ${dayExpr('created_ms')} AS day, category, COUNT(*) AS n FROM tickets ${w} GROUP BY ${dayExpr('created_ms')}, category`, p.values);
    const byStationRows = await x.all(
      `WITH s AS (${q.rollups ? `SELECT station_id, category, SUM(tickets) AS n FROM insight_ticket_days ${w}` : `SELECT station_id, category, COUNT(*) AS n FROM tickets ${w}`} GROUP BY station_id, category),
            top AS (SELECT station_id, SUM(n) AS total FROM s GROUP BY station_id ORDER BY total DESC, station_id LIMIT ${INSIGHT_TOP_ROWS})
       SELECT s.station_id, s.category, s.n FROM s JOIN top ON top.station_id = s.station_id ORDER BY top.total DESC, s.station_id, s.category`,
      p.values,
    );
    const alarms: Row[] = [];
    if (q.filter.category === null && (q.filter.channel === null || q.filter.channel === 'emergency')) {
      const pa = new Params();
      const wa = where(scope(pa, q, { time: 'received_ms', station: 'station_id', kiosk: 'kiosk_id' }));
      alarms.push(...(await x.all(`SELECT ${dayExpr('received_ms')} AS day, 'emergency' AS channel, COUNT(*) AS n FROM alarms ${wa} GROUP BY ${dayExpr('received_ms')}`, pa.values)));
    }
    // Ordered here (at most days × categories rows): an ORDER BY leads the planner to walk an index instead of hashing.
    const byDay = byDayRows
      .map((r) => ({ day: dayOf(r['day']), category: s(r['category']) as TicketCategory, count: n(r['n']) }))
      .sort((a, b) => a.day.localeCompare(b.day) || a.category.localeCompare(b.category));
    // Channels are sets of categories: summed from the per-day counts (at most days × categories rows), plus the alarms.
    const channels = new Map<string, { day: string; channel: InsightChannel; count: number }>();
    for (const r of [...byDay.map((b) => ({ day: b.day, channel: CHANNEL_OF[b.category], count: b.count })), ...alarms.map((r) => ({ day: dayOf(r['day']), channel: 'emergency' as const, count: n(r['n']) }))]) {
      const key = `${r.day}|${r.channel}`;
      const c = channels.get(key);
      if (c) c.count += r.count;
      else channels.set(key, { ...r });
    }
    const byChannel = [...channels.values()].sort((a, b) => a.day.localeCompare(b.day) || a.channel.localeCompare(b.channel));
    return {
      ...base('tickets', q.filter, [], src.now()),
      total: byDay.reduce((sum, r) => sum + r.count, 0),
      byDay,
      byStation: byStationRows.map((r) => ({ stationId: s(r['station_id']), category: s(r['category']) as TicketCategory, count: n(r['n']) })),
      byChannel,
    };
  });
}

// ---- response and close against the targets ---------------------------------------------

/** One category's row of the response view, however its figures were counted; the share met follows from met and missed. */
function responseRow(category: TicketCategory, tickets: number, first: Duration | undefined, close: Duration | undefined, targets: Readonly<Record<TicketCategory, number>>, met: number, missed: number): ResponseRow {
  return { category, tickets, firstResponse: minutes(first), close: minutes(close), targetHours: targets[category], met, missed, metShare: met + missed === 0 ? null : round(met / (met + missed), 4) };
}

/** The response view's answer: its rows in the categories' order. */
function responseAnswer(src: InsightSources, q: Scoped, rows: ResponseRow[]): ResponseInsight {
  return { ...base('response', q.filter, [], src.now()), rows: rows.sort((a, b) => TICKET_CATEGORIES.indexOf(a.category) - TICKET_CATEGORIES.indexOf(b.category)) };
}

/** Nearest-rank p50 and p90 of a histogram (bucket → count) of `count` values: the start of the bucket, in ms. */
function nearestRanks(buckets: ReadonlyMap<number, number>, count: number, bucketMs: number): { p50Ms: number | null; p90Ms: number | null } {
  let cum = 0;
  let p50Ms: number | null = null;
  let p90Ms: number | null = null;
  for (const b of [...buckets.keys()].sort((a, c) => a - c)) {
    cum += buckets.get(b)!;
    if (p50Ms === null && cum * 2 >= count) p50Ms = b * bucketMs;
    if (p90Ms === null && cum * 10 >= count * 9) p90Ms = b * bucketMs;
  }
  return { p50Ms, p90Ms };
}

/**
 * The response view with a station or line filter (the duration rollups are over all stations):
 * tickets, and the count and average of both durations, from `insight_ticket_days`; the percentiles and met/missed (they depend on the targets staff may
 * change and on now) from two statements over the facts that only group (per category and minute
 * of first response, with met and missed; per category and minute of close), the ranks found here.
 */
async function responseFromRollups(src: InsightSources, q: Scoped): Promise<ResponseInsight> {
  const targets = await src.targetHours();
  const d = src.db.dialect;
  const targetMs = `(CASE category ${TICKET_CATEGORIES.map((c) => `WHEN ${quoted(c)} THEN ${Math.round(targets[c] * HOUR_MS)}`).join(' ')} END)`;
  const nowMs = src.now().getTime();
  return reading(src.db, async (x) => {
    const pr = new Params();
    const sums = await x.all(
      `SELECT category, SUM(tickets) AS tickets, SUM(first_count) AS first_count, SUM(first_sum_ms) AS first_sum, SUM(close_count) AS close_count, SUM(close_sum_ms) AS close_sum
       FROM insight_ticket_days ${where(ticketRollupScope(pr, q))} GROUP BY category`,
      pr.values,
    );
    const p = new Params();
    const conds = ticketScope(p, q);
    const now = p.bind(nowMs);
    const first = await x.all(
      `SELECT category, fb, COUNT(*) AS c, SUM(met) AS met, SUM(missed) AS missed
       FROM (SELECT category, CASE WHEN first_response_ms IS NULL THEN NULL ELSE ${greatest(d, 'first_response_ms - created_ms', '0')} / 60000 END AS fb,
               CASE WHEN closed_ms IS NOT NULL AND closed_ms - created_ms <= ${targetMs} THEN 1 ELSE 0 END AS met,
               CASE WHEN (closed_ms IS NOT NULL AND closed_ms - created_ms > ${targetMs}) OR (closed_ms IS NULL AND ${now} - created_ms > ${targetMs}) THEN 1 ELSE 0 END AS missed
             FROM tickets ${where(conds)}) AS t
       GROUP BY category, fb`,
      p.values,
    );
    const pc = new Params();
    const close = await x.all(
      `SELECT category, cb, COUNT(*) AS c FROM (SELECT category, ${greatest(d, 'closed_ms - created_ms', '0')} / 60000 AS cb FROM tickets ${where([...ticketScope(pc, q), 'closed_ms IS NOT NULL'])}) AS t GROUP BY category, cb`,
      pc.values,
    );
    const hist = (rows: readonly Row[], col: string): Map<string, Map<number, number>> => {
      const out = new Map<string, Map<number, number>>();
      for (const r of rows) {
        if (r[col] === null || r[col] === undefined) continue;
        const m = out.get(s(r['category'])) ?? new Map<number, number>();
        m.set(n(r[col]), (m.get(n(r[col])) ?? 0) + n(r['c']));
        out.set(s(r['category']), m);
      }
      return out;
    };
    const firstHist = hist(first, 'fb');
    const closeHist = hist(close, 'cb');
    const metMissed = new Map<string, { met: number; missed: number }>();
    for (const r of first) {
      const e = metMissed.get(s(r['category'])) ?? { met: 0, missed: 0 };
      e.met += n(r['met']);
      e.missed += n(r['missed']);
      metMissed.set(s(r['category']), e);
    }
    const figures = (count: number, sumMs: number, buckets: ReadonlyMap<number, number> | undefined): Duration | undefined =>
      count === 0 ? undefined : { count, averageMs: sumMs / count, ...nearestRanks(buckets ?? new Map(), count, 60_000), maxMs: null };
    const rows = sums
      .map((r) => {
        const category = s(r['category']) as TicketCategory;
        const { met, missed } = metMissed.get(category) ?? { met: 0, missed: 0 };
        return responseRow(category, n(r['tickets']), figures(n(r['first_count']), n(r['first_sum']), firstHist.get(category)), figures(n(r['close_count']), n(r['close_sum']), closeHist.get(category)), targets, met, missed);
      });
    return responseAnswer(src, q, rows);
  });
}

type DurationKind = keyof typeof DURATION_KINDS;

/**
 * The response view from the rollups alone but for the open tickets of the day each target ends
 * in: all stations (a station or line filter takes {@link responseFromRollups}), targets of whole
 * minutes (staff set whole hours). Both durations' minute histograms are found in two steps
 * (central/insight/rollups.ts): the buckets of `insight_duration_days` over the range, summed per
 * kind and category, tell which bucket each nearest rank and each target falls in; then only
 * those buckets' minutes are read from `insight_duration_minutes`. A closed ticket met its target
 * when it took fewer whole minutes than the target's, or exactly the target's on the minute.
 * Open tickets past their target are those made before now − target: every open ticket of the
 * days that ended by then (tickets less closes, from `insight_ticket_days`), and the ones of the
 * day it falls in counted from the facts (a day at most per category, through the index).
 */
async function responseFromDurationRollups(src: InsightSources, q: Scoped, targets: Readonly<Record<TicketCategory, number>>): Promise<ResponseInsight> {
  const nowMs = src.now().getTime();
  const targetMs = (c: TicketCategory): number => Math.round(targets[c] * HOUR_MS);
  const cutoff = (c: TicketCategory): number => nowMs - targetMs(c);
  return reading(src.db, async (x) => {
    const pr = new Params();
    const before = `(CASE category ${TICKET_CATEGORIES.map((c) => `WHEN ${quoted(c)} THEN ${beijingDay(cutoff(c))}`).join(' ')} END)`;
    const sums = await x.all(
      `SELECT category, SUM(tickets) AS tickets, SUM(first_count) AS first_count, SUM(first_sum_ms) AS first_sum, SUM(close_count) AS close_count, SUM(close_sum_ms) AS close_sum,
         SUM(CASE WHEN day < ${before} THEN tickets - close_count ELSE 0 END) AS open_late
       FROM insight_ticket_days ${where(ticketRollupScope(pr, q))} GROUP BY category`,
      pr.values,
    );
    const po = new Params();
    const openConds = ticketScope(po, q);
    const edges = TICKET_CATEGORIES.map((c) => `(category = ${quoted(c)} AND created_ms >= ${po.bind(dayStartMs(beijingDay(cutoff(c))))} AND created_ms < ${po.bind(cutoff(c))})`);
    const openEdge = await x.all(`SELECT category, COUNT(*) AS n FROM tickets ${where([...openConds, 'closed_ms IS NULL', `(${edges.join(' OR ')})`])} GROUP BY category`, po.values);

    const pb = new Params();
    const bucketRows = await x.all(`SELECT kind, category, bucket, SUM(tickets) AS n FROM insight_duration_days ${where(ticketRollupScope(pb, q))} GROUP BY kind, category, bucket`, pb.values);
    const buckets = new Map<string, Map<number, number>>();
    for (const r of bucketRows) {
      const k = `${s(r['kind'])}|${s(r['category'])}`;
      const m = buckets.get(k) ?? new Map<number, number>();
      m.set(n(r['bucket']), n(r['n']));
      buckets.set(k, m);
    }
    /** The bucket the value of cumulative rank `want(cum, total)` first holds in, and the count before it. */
    const bucketOf = (m: ReadonlyMap<number, number>, total: number, holds: (cum: number) => boolean): { bucket: number; before: number } | null => {
      let cum = 0;
      for (const b of [...m.keys()].sort((a, c) => a - c)) {
        if (holds(cum + m.get(b)!)) return { bucket: b, before: cum };
        cum += m.get(b)!;
      }
      return null;
    };
    interface Lookup {
      readonly kind: DurationKind;
      readonly category: TicketCategory;
      readonly bucket: number;
    }
    const lookups = new Map<string, Lookup>();
    const need = (l: Lookup): void => void lookups.set(`${l.kind}|${l.category}|${l.bucket}`, l);
    const plan = new Map<string, { total: number; p50: { bucket: number; before: number } | null; p90: { bucket: number; before: number } | null; met: { bucket: number; before: number } | null }>();
    for (const category of TICKET_CATEGORIES) {
      for (const kind of Object.keys(DURATION_KINDS) as DurationKind[]) {
        const m = buckets.get(`${kind}|${category}`);
        if (!m) continue;
        const total = [...m.values()].reduce((a, b) => a + b, 0);
        const p50 = bucketOf(m, total, (cum) => cum * 2 >= total);
        const p90 = bucketOf(m, total, (cum) => cum * 10 >= total * 9);
        const tb = durationBucket(targetMs(category) / 60_000);
        const met = kind === 'close' ? { bucket: tb, before: [...m.entries()].filter(([b]) => b < tb).reduce((a, [, c]) => a + c, 0) } : null;
        for (const l of [p50, p90, met]) if (l !== null) need({ kind, category, bucket: l.bucket });
        plan.set(`${kind}|${category}`, { total, p50, p90, met });
      }
    }
    const pm = new Params();
    const dayConds = ticketRollupScope(pm, q);
    const parts = [...lookups.values()].map((l) => {
      const { from, to } = bucketMinutes(l.bucket);
      return `SELECT kind, category, minute, SUM(tickets) AS n, SUM(on_minute) AS on_minute FROM insight_duration_minutes
              ${where([`kind = '${l.kind}'`, `category = ${quoted(l.category)}`, `minute >= ${from}`, ...(to === null ? [] : [`minute < ${to}`]), ...dayConds])}
              GROUP BY kind, category, minute`;
    });
    const minuteRows = parts.length === 0 ? [] : await x.all(parts.join(' UNION ALL '), pm.values);
    const minutesOf = new Map<string, { minute: number; n: number; onMinute: number }[]>();
    for (const r of minuteRows) {
      const k = `${s(r['kind'])}|${s(r['category'])}|${durationBucket(n(r['minute']))}`;
      const list = minutesOf.get(k) ?? [];
      list.push({ minute: n(r['minute']), n: n(r['n']), onMinute: n(r['on_minute']) });
      minutesOf.set(k, list);
    }
    for (const list of minutesOf.values()) list.sort((a, b) => a.minute - b.minute);
    const rankIn = (kind: DurationKind, category: TicketCategory, at: { bucket: number; before: number } | null, holds: (cum: number) => boolean): number | null => {
      if (at === null) return null;
      let cum = at.before;
      for (const m of minutesOf.get(`${kind}|${category}|${at.bucket}`) ?? []) {
        cum += m.n;
        if (holds(cum)) return m.minute * 60_000;
      }
      return null;
    };
    const percentiles = (kind: DurationKind, category: TicketCategory): { p50Ms: number | null; p90Ms: number | null } => {
      const pl = plan.get(`${kind}|${category}`);
      if (!pl) return { p50Ms: null, p90Ms: null };
      return { p50Ms: rankIn(kind, category, pl.p50, (cum) => cum * 2 >= pl.total), p90Ms: rankIn(kind, category, pl.p90, (cum) => cum * 10 >= pl.total * 9) };
    };
    const closedMet = (category: TicketCategory): number => {
      const met = plan.get(`close|${category}`)?.met;
      if (!met) return 0;
      const k = targetMs(category) / 60_000;
      const within = (minutesOf.get(`close|${category}|${met.bucket}`) ?? []).reduce((a, m) => a + (m.minute < k ? m.n : m.minute === k ? m.onMinute : 0), 0);
      return met.before + within;
    };
    const edge = new Map(openEdge.map((r) => [s(r['category']), n(r['n'])]));
    const figures = (count: number, sumMs: number, p: { p50Ms: number | null; p90Ms: number | null }): Duration | undefined => (count === 0 ? undefined : { count, averageMs: sumMs / count, ...p, maxMs: null });
    const rows = sums
      .map((r) => {
        const category = s(r['category']) as TicketCategory;
        const met = closedMet(category);
        const missed = n(r['close_count']) - met + n(r['open_late']) + (edge.get(category) ?? 0);
        return responseRow(category, n(r['tickets']), figures(n(r['first_count']), n(r['first_sum']), percentiles('first', category)), figures(n(r['close_count']), n(r['close_sum']), percentiles('close', category)), targets, met, missed);
      });
    return responseAnswer(src, q, rows);
  });
}

async function response(src: InsightSources, q: Scoped): Promise<ResponseInsight> {
  if (q.rollups && q.filter.stationId === null && q.filter.line === null) {
    const targets = await src.targetHours();
    if (TICKET_CATEGORIES.every((c) => Math.round(targets[c] * HOUR_MS) % 60_000 === 0)) return responseFromDurationRollups(src, q, targets);
  }
  if (q.rollups) return responseFromRollups(src, q);
  const targets = await src.targetHours();
  const d = src.db.dialect;
  // Literals from central's own table of categories and the integer hours staff set (1–2160).
  const targetMs = `(CASE category ${TICKET_CATEGORIES.map((c) => `WHEN ${quoted(c)} THEN ${Math.round(targets[c] * HOUR_MS)}`).join(' ')} END)`;
  const nowMs = src.now().getTime();
  return reading(src.db, async (x) => {
    const p = new Params();
    const conds = ticketScope(p, q);
    const now = p.bind(nowMs);
    const counts = await x.all(
      `SELECT category, COUNT(*) AS tickets,
         SUM(CASE WHEN closed_ms IS NOT NULL AND closed_ms - created_ms <= ${targetMs} THEN 1 ELSE 0 END) AS met,
         SUM(CASE WHEN (closed_ms IS NOT NULL AND closed_ms - created_ms > ${targetMs}) OR (closed_ms IS NULL AND ${now} - created_ms > ${targetMs}) THEN 1 ELSE 0 END) AS missed
       FROM tickets ${where(conds)} GROUP BY category`,
      p.values,
    );
    const pd = new Params();
    const dconds = ticketScope(pd, q);
    const first = await durations(x, 'tickets', 'category', '(first_response_ms - created_ms)', dconds, pd.values, d, 60_000);
    const close = await durations(x, 'tickets', 'category', '(closed_ms - created_ms)', dconds, pd.values, d, 60_000);
    const rows = counts
      .map((r) => {
        const category = s(r['category']) as TicketCategory;
        const met = n(r['met']);
        const missed = n(r['missed']);
        return responseRow(category, n(r['tickets']), first.get(category), close.get(category), targets, met, missed);
      });
    return responseAnswer(src, q, rows);
  });
}

// ---- satisfaction ------------------------------------------------------------------------

const score = (r: Row): ScoreFigures => ({ count: n(r['n']), average: round(nOrNull(r['average']), 2) });

/** Count and average from a rollup's summed `n` and `total` (the sum of the scores). */
const summed = (r: Row): ScoreFigures => ({ count: n(r['n']), average: n(r['n']) === 0 ? null : round(n(r['total']) / n(r['n']), 2) });

/** The satisfaction view from `insight_rating_days` and `insight_reason_days`. */
async function satisfactionFromRollups(src: InsightSources, q: Scoped): Promise<SatisfactionInsight> {
  return reading(src.db, async (x) => {
    const p = new Params();
    const conds = rollupScope(p, q);
    const w = where(conds);
    const sums = 'SUM(ratings) AS n, SUM(score * ratings) AS total';
    const perScore = [1, 2, 3, 4, 5].map((k) => `SUM(CASE WHEN score = ${k} THEN ratings ELSE 0 END) AS s${k}`).join(', ');
    const byDay = await x.all(`SELECT day, ${sums}, ${perScore} FROM insight_rating_days ${w} GROUP BY day`, p.values);
    const byStation = await x.all(
      `SELECT station_id, ${sums} FROM insight_rating_days ${where([...conds, `station_id <> ''`])} GROUP BY station_id ORDER BY n DESC, station_id LIMIT ${INSIGHT_TOP_ROWS}`,
      p.values,
    );
    const byChannel = await x.all(`SELECT service, ${sums} FROM insight_rating_days ${w} GROUP BY service`, p.values);
    const reasons = await x.all(`SELECT reason, ${sums} FROM insight_reason_days ${w} GROUP BY reason ORDER BY n DESC, reason LIMIT ${INSIGHT_TOP_ROWS}`, p.values);
    const days = byDay.map((r) => ({ day: dayOf(r['day']), ...summed(r), scores: [n(r['s1']), n(r['s2']), n(r['s3']), n(r['s4']), n(r['s5'])] as const })).sort((a, b) => a.day.localeCompare(b.day));
    const counts = [1, 2, 3, 4, 5].map((k) => days.reduce((a, d) => a + d.scores[k - 1]!, 0));
    const total = counts.reduce((a, b) => a + b, 0);
    const sum = counts.reduce((a, c, i) => a + (i + 1) * c, 0);
    return {
      ...base('satisfaction', q.filter, ['category', 'channel'], src.now()),
      total: { count: total, average: total === 0 ? null : round(sum / total, 2) },
      distribution: ([1, 2, 3, 4, 5] as const).map((k) => ({ score: k, count: counts[k - 1]! })),
      byDay: days,
      byStation: byStation.map((r) => ({ stationId: s(r['station_id']), ...summed(r) })),
      byChannel: byChannel.map((r) => ({ channel: s(r['service']) as RatingChannel, ...summed(r) })).sort((a, b) => RATING_CHANNELS.indexOf(a.channel) - RATING_CHANNELS.indexOf(b.channel)),
      reasons: reasons.map((r) => ({ reason: s(r['reason']), ...summed(r) })),
    };
  });
}

async function satisfaction(src: InsightSources, q: Scoped): Promise<SatisfactionInsight> {
  if (q.rollups) return satisfactionFromRollups(src, q);
  return reading(src.db, async (x) => {
    const p = new Params();
    const conds = scope(p, q, { time: 'created_ms', station: 'station_id', kiosk: 'kiosk_id' });
    const w = where(conds);
    const avg = 'AVG(score * 1.0)';
    const dist = await x.all(`SELECT score, COUNT(*) AS n FROM ratings ${w} GROUP BY score`, p.values);
    const perScore = [1, 2, 3, 4, 5].map((k) => `SUM(CASE WHEN score = ${k} THEN 1 ELSE 0 END) AS s${k}`).join(', ');
    const byDay = await x.all(`SELECT ${dayExpr('created_ms')} AS day, COUNT(*) AS n, ${avg} AS average, ${perScore} FROM ratings ${w} GROUP BY ${dayExpr('created_ms')}`, p.values);
    const byStation = await x.all(
      `SELECT station_id, COUNT(*) AS n, ${avg} AS average FROM ratings ${where([...conds, 'station_id IS NOT NULL'])}
       GROUP BY station_id ORDER BY n DESC, station_id LIMIT ${INSIGHT_TOP_ROWS}`,
      p.values,
    );
    const byChannel = await x.all(`SELECT service, COUNT(*) AS n, ${avg} AS average FROM ratings ${w} GROUP BY service`, p.values);
    const reasons = await x.all(
      `SELECT reason, COUNT(*) AS n, ${avg} AS average FROM ratings ${where([...conds, 'reason IS NOT NULL'])}
       GROUP BY reason ORDER BY n DESC, reason LIMIT ${INSIGHT_TOP_ROWS}`,
      p.values,
    );
    const counts = new Map(dist.map((r) => [n(r['score']), n(r['n'])]));
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const sum = [...counts.entries()].reduce((a, [k, v]) => a + k * v, 0);
    return {
      ...base('satisfaction', q.filter, ['category', 'channel'], src.now()),
      total: { count: total, average: total === 0 ? null : round(sum / total, 2) },
      distribution: ([1, 2, 3, 4, 5] as const).map((k) => ({ score: k, count: counts.get(k) ?? 0 })),
      byDay: byDay
        .map((r) => ({ day: dayOf(r['day']), ...score(r), scores: [n(r['s1']), n(r['s2']), n(r['s3']), n(r['s4']), n(r['s5'])] as const }))
        .sort((a, b) => a.day.localeCompare(b.day)),
      byStation: byStation.map((r) => ({ stationId: s(r['station_id']), ...score(r) })),
      byChannel: byChannel
        .map((r) => ({ channel: s(r['service']) as RatingChannel, ...score(r) }))
        .sort((a, b) => RATING_CHANNELS.indexOf(a.channel) - RATING_CHANNELS.indexOf(b.channel)),
      reasons: reasons.map((r) => ({ reason: s(r['reason']), ...score(r) })),
    };
  });
}

// ---- calls -------------------------------------------------------------------------------

const CALL_COUNTS = ['offered', 'answered', 'abandoned', 'unanswered'] as const;
/** Seconds of wait per bucket when the days' wait percentiles are found in two steps. */
const WAIT_STEP_S = 10;

type CallGroup = 'total' | 'hour' | 'day';

/**
 * The answered calls' waits and the callback tickets from the rollups (central/insight/rollups.ts):
 * the waits as a histogram of whole seconds per hour of day from `insight_call_waits`, summed here
 * into the hours and the total with the same nearest-rank percentiles as {@link durations} (the
 * start of the second the value falls in) and the exact maximum; the days' percentiles from the
 * same table in two steps (per day and ten seconds, then the seconds of the ten each rank falls
 * in); the callback tickets per (day,
 * hour) from `insight_callback_hours`, summed into the total, the hours and the days.
 */
async function callWaitsAndCallbacksFromRollups(
  x: SqlExecutor,
  q: Scoped,
): Promise<{ waits: Record<CallGroup, Map<string, Duration>>; callbacks: Record<CallGroup, Map<string, number>> }> {
  const p = new Params();
  const conds = rollupScope(p, q);
  if (q.filter.channel === 'emergency') conds.push(`lane = 'emergency'`);
  const rows = await x.all(`SELECT hour, second AS b, SUM(answered) AS c, SUM(wait_sum_ms) AS total, MAX(wait_max_ms) AS mx FROM insight_call_waits ${where(conds)} GROUP BY hour, second`, p.values);
  // The days' percentiles in two steps, as the response view's: per day and ten seconds, then only the ten seconds each rank falls in.
  const coarse = await x.all(
    `SELECT day, second / ${WAIT_STEP_S} AS cb, SUM(answered) AS c, SUM(wait_sum_ms) AS s, MAX(wait_max_ms) AS mx FROM insight_call_waits ${where(conds)} GROUP BY day, second / ${WAIT_STEP_S}`,
    p.values,
  );
  const days = new Map<string, { buckets: Map<number, number>; count: number; sum: number; max: number }>();
  for (const r of coarse) {
    const k = s(r['day']);
    const e = days.get(k) ?? { buckets: new Map<number, number>(), count: 0, sum: 0, max: 0 };
    e.buckets.set(n(r['cb']), n(r['c']));
    e.count += n(r['c']);
    e.sum += n(r['s']);
    e.max = Math.max(e.max, n(r['mx']));
    days.set(k, e);
  }
  const ranks = new Map<string, { p50: { cb: number; before: number }; p90: { cb: number; before: number } }>();
  for (const [k, e] of days) {
    let cum = 0;
    let p50: { cb: number; before: number } | null = null;
    let p90: { cb: number; before: number } | null = null;
    for (const cb of [...e.buckets.keys()].sort((a, b) => a - b)) {
      const next = cum + e.buckets.get(cb)!;
      if (p50 === null && next * 2 >= e.count) p50 = { cb, before: cum };
      if (p90 === null && next * 10 >= e.count * 9) p90 = { cb, before: cum };
      cum = next;
    }
    if (p50 !== null && p90 !== null) ranks.set(k, { p50, p90 });
  }
  const pairs = [...new Set([...ranks.entries()].flatMap(([k, r]) => [`(${Number(k)}, ${r.p50.cb * WAIT_STEP_S})`, `(${Number(k)}, ${r.p90.cb * WAIT_STEP_S})`]))];
  const fine =
    pairs.length === 0
      ? []
      : await x.all(
          `WITH v (d, lo) AS (VALUES ${pairs.join(', ')})
           SELECT day, second, SUM(answered) AS c FROM insight_call_waits JOIN v ON day = v.d AND second >= v.lo AND second < v.lo + ${WAIT_STEP_S} ${where(conds)}
           GROUP BY day, second`,
          p.values,
        );
  const seconds = new Map<string, { second: number; c: number }[]>();
  for (const r of fine) {
    const k = `${s(r['day'])}|${Math.floor(n(r['second']) / WAIT_STEP_S)}`;
    const list = seconds.get(k) ?? [];
    list.push({ second: n(r['second']), c: n(r['c']) });
    seconds.set(k, list);
  }
  for (const list of seconds.values()) list.sort((a, b) => a.second - b.second);
  const rankAt = (day: string, at: { cb: number; before: number }, holds: (cum: number) => boolean): number | null => {
    let cum = at.before;
    for (const w of seconds.get(`${day}|${at.cb}`) ?? []) {
      cum += w.c;
      if (holds(cum)) return w.second * 1000;
    }
    return null;
  };
  const perDay = new Map<string, Duration>();
  for (const [k, e] of days) {
    const r = ranks.get(k);
    perDay.set(k, {
      count: e.count,
      averageMs: e.count === 0 ? null : e.sum / e.count,
      p50Ms: r ? rankAt(k, r.p50, (cum) => cum * 2 >= e.count) : null,
      p90Ms: r ? rankAt(k, r.p90, (cum) => cum * 10 >= e.count * 9) : null,
      maxMs: e.max,
    });
  }
  const waits: Record<CallGroup, Map<string, Duration>> = { total: new Map(), hour: new Map(), day: perDay };
  const hist: Record<'total' | 'hour', Map<string, { buckets: Map<number, number>; count: number; sum: number; max: number }>> = { total: new Map(), hour: new Map() };
  for (const r of rows) {
    for (const [group, k] of [
      ['total', 'all'],
      ['hour', s(r['hour'])],
    ] as const) {
      const h = hist[group].get(k) ?? { buckets: new Map<number, number>(), count: 0, sum: 0, max: 0 };
      const b = n(r['b']);
      h.buckets.set(b, (h.buckets.get(b) ?? 0) + n(r['c']));
      h.count += n(r['c']);
      h.sum += n(r['total']);
      h.max = Math.max(h.max, n(r['mx']));
      hist[group].set(k, h);
    }
  }
  for (const group of ['total', 'hour'] as const) {
    for (const [k, h] of hist[group]) waits[group].set(k, { count: h.count, averageMs: h.sum / h.count, ...nearestRanks(h.buckets, h.count, 1000), maxMs: h.max });
  }
  const callbacks: Record<CallGroup, Map<string, number>> = { total: new Map(), hour: new Map(), day: new Map() };
  if (q.filter.channel !== 'emergency') {
    const pc = new Params();
    const cb = await x.all(`SELECT day, hour, SUM(tickets) AS n FROM insight_callback_hours ${where(rollupScope(pc, q))} GROUP BY day, hour`, pc.values);
    for (const r of cb) {
      for (const [group, k] of [
        ['total', 'all'],
        ['hour', s(r['hour'])],
        ['day', s(r['day'])],
      ] as const)
        callbacks[group].set(k, (callbacks[group].get(k) ?? 0) + n(r['n']));
    }
  }
  return { waits, callbacks };
}

/** Calls offered, answered, abandoned and unanswered per total (`'all'`), hour and day, from `insight_call_days`. */
async function callCountsFromRollups(x: SqlExecutor, q: Scoped): Promise<Record<'total' | 'hour' | 'day', Row[]>> {
  const p = new Params();
  const conds = rollupScope(p, q);
  if (q.filter.channel === 'emergency') conds.push(`lane = 'emergency'`);
  const rows = await x.all(`SELECT day, hour, ${CALL_COUNTS.map((c) => `SUM(${c}) AS ${c}`).join(', ')} FROM insight_call_days ${where(conds)} GROUP BY day, hour`, p.values);
  const into = (m: Map<string, Record<string, string | number>>, k: string, r: Row): void => {
    const e = m.get(k) ?? { g: k, offered: 0, answered: 0, abandoned: 0, unanswered: 0 };
    for (const c of CALL_COUNTS) e[c] = n(e[c]) + n(r[c]);
    m.set(k, e);
  };
  const total = new Map<string, Record<string, string | number>>();
  const hour = new Map<string, Record<string, string | number>>();
  const day = new Map<string, Record<string, string | number>>();
  for (const r of rows) {
    into(total, 'all', r);
    into(hour, s(r['hour']), r);
    into(day, s(r['day']), r);
  }
  return { total: [...total.values()], hour: [...hour.values()], day: [...day.values()] };
}

async function calls(src: InsightSources, q: Scoped): Promise<CallsInsight> {
  const d = src.db.dialect;
  return reading(src.db, async (x) => {
    const p = new Params();
    const conds = scope(p, q, { time: 'offered_ms', station: 'station_id', kiosk: 'kiosk_id' });
    if (q.filter.channel === 'emergency') conds.push(`lane = 'emergency'`);
    const counting = `COUNT(*) AS offered, SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END) AS answered,
      SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END) AS abandoned, SUM(CASE WHEN outcome = 'unanswered' THEN 1 ELSE 0 END) AS unanswered`;
    const groups = { total: "'all'", hour: hourExpr('offered_ms'), day: dayExpr('offered_ms') } as const;
    const pc = new Params();
    const cbConds = [...ticketScope(pc, { ...q, filter: { ...q.filter, category: 'callback', channel: null } })];
    const out: Record<keyof typeof groups, Map<string, CallFigures>> = { total: new Map(), hour: new Map(), day: new Map() };
    // From the rollup: one statement per (day, hour), summed here into the total, the hours and the days.
    const rolled: Record<keyof typeof groups, Row[]> | null = q.rollups ? await callCountsFromRollups(x, q) : null;
    // With the rollups, the waits and the callbacks too come from theirs, summed here.
    const perHour = q.rollups ? await callWaitsAndCallbacksFromRollups(x, q) : null;
    for (const [key, g] of Object.entries(groups) as [keyof typeof groups, string][]) {
      const counted = rolled ? rolled[key] : await x.all(`SELECT g, ${counting} FROM (SELECT ${g} AS g, outcome FROM call_sessions ${where(conds)}) AS c GROUP BY g`, p.values);
      const waits = perHour ? perHour.waits[key] : await durations(x, 'call_sessions', g, '(answered_ms - offered_ms)', [...conds, `outcome = 'answered'`], p.values, d, 1000);
      const cbGroup = g.replace(/offered_ms/g, 'created_ms');
      const callbacks = perHour
        ? perHour.callbacks[key]
        : new Map(
            q.filter.channel === 'emergency' ? [] : (await x.all(`SELECT g, COUNT(*) AS n FROM (SELECT ${cbGroup} AS g FROM tickets ${where(cbConds)}) AS t GROUP BY g`, pc.values)).map((r) => [s(r['g']), n(r['n'])]),
          );
      const keys = new Set([...counted.map((r) => s(r['g'])), ...callbacks.keys()]);
      const byKey = new Map(counted.map((r) => [s(r['g']), r]));
      for (const k of keys) {
        const r = byKey.get(k);
        const w = waits.get(k);
        const sec = (ms: number | null | undefined): number | null => round(ms == null ? null : ms / 1000, 1);
        out[key].set(k, {
          offered: n(r?.['offered']),
          answered: n(r?.['answered']),
          abandoned: n(r?.['abandoned']),
          unanswered: n(r?.['unanswered']),
          callbacks: callbacks.get(k) ?? 0,
          waitP50Seconds: sec(w?.p50Ms),
          waitP90Seconds: sec(w?.p90Ms),
          waitMaxSeconds: sec(w?.maxMs),
        });
      }
    }
    const empty: CallFigures = { offered: 0, answered: 0, abandoned: 0, unanswered: 0, callbacks: 0, waitP50Seconds: null, waitP90Seconds: null, waitMaxSeconds: null };
    return {
      ...base('calls', q.filter, ['category', ...(q.filter.channel === 'emergency' ? [] : (['channel'] as const))], src.now()),
      total: out.total.get('all') ?? empty,
      byHour: Array.from({ length: 24 }, (_, hour) => ({ hour, ...(out.hour.get(String(hour)) ?? empty) })),
      byDay: [...out.day.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([k, v]) => ({ day: dayOf(k), ...v })),
    };
  });
}

// ---- devices -----------------------------------------------------------------------------

async function devices(src: InsightSources, q: Scoped): Promise<DevicesInsight> {
  const d = src.db.dialect;
  const now = src.now();
  return reading(src.db, async (x) => {
    const p = new Params();
    // Faults from 7 days before the range on, so that the first faults in it can be repeats.
    const conds = scope(p, q, { time: 'created_ms', station: 'station_id', kiosk: 'kiosk_id' }, q.fromMs - REPEAT_WITHIN_MS);
    const from = p.bind(q.fromMs);
    const grouped = await x.all(
      `SELECT kiosk_id, device, MAX(station_id) AS station_id, COUNT(*) AS faults,
         SUM(CASE WHEN prev IS NOT NULL AND created_ms - prev <= ${REPEAT_WITHIN_MS} THEN 1 ELSE 0 END) AS repeats, MAX(created_ms) AS last_ms
       FROM (SELECT kiosk_id, device, station_id, created_ms, LAG(created_ms) OVER (PARTITION BY kiosk_id, device ORDER BY created_ms) AS prev
             FROM device_events ${where([`severity = 'fault'`, ...conds])}) AS f
       WHERE created_ms >= ${from}
       GROUP BY kiosk_id, device`,
      p.values,
    );
    const rows = grouped.map((r) => ({ kioskId: s(r['kiosk_id']), device: s(r['device']), stationId: r['station_id'] == null ? null : s(r['station_id']), faults: n(r['faults']), repeats: n(r['repeats']), lastMs: n(r['last_ms']) }));
    const kiosks = new Map<string, { kioskId: string; stationId: string | null; faults: number; repeats: number }>();
    for (const r of rows) {
      const k = kiosks.get(r.kioskId) ?? { kioskId: r.kioskId, stationId: r.stationId, faults: 0, repeats: 0 };
      k.faults += r.faults;
      k.repeats += r.repeats;
      kiosks.set(r.kioskId, k);
    }
    const byFaults = <T extends { faults: number; kioskId: string }>(a: T, b: T): number => b.faults - a.faults || a.kioskId.localeCompare(b.kioskId);

    // Outages in the range (clipped to it), and each kiosk's last contact for the one going on now.
    const kioskConds = (pp: Params, kiosk: string): string[] => {
      const c: string[] = [];
      if (q.filter.stationId !== null) c.push(`k.station_id = ${pp.bind(q.filter.stationId)}`);
      if (q.filter.kioskId !== null) c.push(`${kiosk} = ${pp.bind(q.filter.kioskId)}`);
      if (q.filter.line !== null) c.push(onLine(d, 'k.station_id', pp.bind(q.filter.line)));
      return c;
    };
    const po = new Params();
    const lo = po.bind(q.fromMs);
    const hi = po.bind(q.toMs);
    const outages = await x.all(
      `SELECT o.kiosk_id, COUNT(*) AS outages, SUM(${least(d, 'o.to_ms', hi)} - ${greatest(d, 'o.from_ms', lo)}) AS ms
       FROM kiosk_outages o LEFT JOIN kiosks k ON k.id = o.kiosk_id ${where([`o.to_ms > ${lo}`, `o.from_ms < ${hi}`, ...kioskConds(po, 'o.kiosk_id')])}
       GROUP BY o.kiosk_id`,
      po.values,
    );
    const pk = new Params();
    const contact = await x.all(`SELECT k.id, k.station_id, k.created_at, h.received_at FROM kiosks k LEFT JOIN kiosk_heartbeats h ON h.kiosk_id = k.id ${where(kioskConds(pk, 'k.id'))}`, pk.values);
    const out = new Map(outages.map((r) => [s(r['kiosk_id']), { outages: n(r['outages']), ms: n(r['ms']) }]));
    const nowMs = now.getTime();
    const offline = contact
      .map((r) => {
        const kioskId = s(r['id']);
        const last = r['received_at'] == null ? null : s(r['received_at']);
        const sinceMs = last === null ? Date.parse(s(r['created_at'])) : Date.parse(last);
        const offlineNow = nowMs - sinceMs > OUTAGE_AFTER_MS;
        const o = out.get(kioskId) ?? { outages: 0, ms: 0 };
        // The outage going on now, as far as it lies in the range.
        const openMs = offlineNow ? Math.max(0, Math.min(nowMs, q.toMs) - Math.max(sinceMs, q.fromMs)) : 0;
        return {
          kioskId,
          stationId: r['station_id'] == null ? null : s(r['station_id']),
          outages: o.outages + (openMs > 0 ? 1 : 0),
          offlineMinutes: round((o.ms + openMs) / 60_000, 1) ?? 0,
          offlineNow,
          lastContactAt: last,
        };
      })
      .filter((k) => k.outages > 0 || k.offlineNow)
      .sort((a, b) => b.offlineMinutes - a.offlineMinutes || a.kioskId.localeCompare(b.kioskId))
      .slice(0, INSIGHT_TOP_ROWS);
    return {
      ...base('devices', q.filter, ['category', 'channel'], now),
      faults: rows.reduce((a, r) => a + r.faults, 0),
      repeats: rows.reduce((a, r) => a + r.repeats, 0),
      byKiosk: [...kiosks.values()].sort(byFaults).slice(0, INSIGHT_TOP_ROWS),
      byDevice: rows
        .sort(byFaults)
        .slice(0, INSIGHT_TOP_ROWS)
        .map((r) => ({ kioskId: r.kioskId, device: r.device, faults: r.faults, repeats: r.repeats, lastAt: new Date(r.lastMs).toISOString() })),
      offline,
    };
  });
}

const VIEWS: { readonly [V in InsightView]: (src: InsightSources, q: Scoped) => Promise<InsightAnswers[V]> } = { tickets, response, satisfaction, calls, devices };

/**
 * Computes one view for a parsed query. Tickets, satisfaction, calls and response read the
 * per-day rollups (response's percentiles and met/missed only without a station or line filter)
 * unless the query names a kiosk (the rollups are per station) or `source` is
 * `'facts'` (the same figures counted from every fact of the range: the benchmark's comparison,
 * and the tests' check that both agree).
 */
export function insightAnswer<V extends InsightView>(src: InsightSources, q: InsightQuery & { readonly view: V }, source: 'rollups' | 'facts' = 'rollups'): Promise<InsightAnswers[V]> {
  return VIEWS[q.view](src, { ...q, dialect: src.db.dialect, rollups: source === 'rollups' && q.filter.kioskId === null });
}
