/**
 * Per-day rollups of the insight facts, kept in the database beside them (migration 15), so that
 * a view over a long range reads days × stations × categories (or scores, lanes, hours) rather
 * than every ticket, rating and call of the range:
 *
 * - `insight_ticket_days`: per Beijing day, station and category, tickets made, and of them how
 *   many have a first staff response and a close, with the sums of those durations (ms, clamped
 *   at 0 as the views clamp them);
 * - `insight_rating_days`: ratings per Beijing day, station, service and score;
 * - `insight_reason_days`: ratings that gave a reason, per Beijing day, station, reason and score;
 * - `insight_call_days`: calls offered, answered, abandoned and unanswered per Beijing day, hour
 *   of day, station and lane;
 * - `insight_duration_minutes` and `insight_duration_days` (migration 16): the tickets' times to
 *   first response and to close (`kind` `first`, `close`; clamped at 0 as the views clamp them)
 *   per Beijing day of creation and category, over all stations: per whole minute, with how many
 *   of them lie exactly on the minute (so that "closed within a target of whole minutes" can be
 *   told from the minute), and per bucket of minutes ({@link DURATION_BUCKET_MINUTES}). A view
 *   sums the buckets to find the one bucket each nearest rank (or a target) falls in, then reads
 *   only that bucket's minutes: two reads that stay small however the durations spread;
 * - `insight_call_waits` (migration 17): answered calls per Beijing day, hour of day, station,
 *   lane and whole second of wait (clamped at 0), with the waits' sum and maximum in ms;
 * - `insight_callback_hours` (migration 17): callback tickets per Beijing day, hour of day and
 *   station (a ticket's time and category never change, so only ingest adds to it).
 *
 * A row without a station (a rating or call from a kiosk central has no station for) is kept
 * under station `''`.
 *
 * How they are kept, always in the transaction that writes the facts:
 * - central's ingest adds the tickets and ratings its INSERTs returned (new rows only, so a batch
 *   delivered again adds nothing) to their rows' counters ({@link countNewFacts}): the cost
 *   follows the batch, not how full the day already is;
 * - a ticket's status change (first response, close, reopen) and each step of a call count
 *   their (day, station) slice again from the facts ({@link refreshRollups}): delete the slice's
 *   rows, insert them from the facts, so a change is counted exactly as the facts now say.
 * On PostgreSQL both take a transaction-scoped advisory lock per slice first, in a fixed order,
 * so that two writers of one station's day (two kiosks of a station, a status change) write one
 * after the other and the later one counts the earlier one's facts; SQLite has one writer at a time.
 */
import { SHANGHAI_OFFSET_MS } from '../../shared/shanghai-date.js';
import type { SqlExecutor, SqlParam } from '../storage/sql-database.js';

type Dialect = 'sqlite' | 'postgres';

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The Beijing day number (days since 1970-01-01, Beijing) of an epoch-ms value or column. */
export const beijingDay = (ms: number): number => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);
export const dayExpr = (col: string): string => `((${col} + ${SHANGHAI_OFFSET_MS}) / ${DAY_MS})`;
export const hourExpr = (col: string): string => `(((${col} + ${SHANGHAI_OFFSET_MS}) / ${HOUR_MS}) % 24)`;
/** The Beijing hour of day (0–23) of an epoch-ms value. */
export const beijingHour = (ms: number): number => Math.floor((ms + SHANGHAI_OFFSET_MS) / HOUR_MS) % 24;
/** Epoch ms where a Beijing day starts. */
export const dayStartMs = (day: number): number => day * DAY_MS - SHANGHAI_OFFSET_MS;

export type RollupKind = 'tickets' | 'ratings' | 'calls' | 'durations' | 'waits' | 'callbacks';

/**
 * Where the buckets of `insight_duration_days` start, in minutes (the last one is open-ended):
 * each about an eighth of its start wide (widths of 1, 2, 3, 5, 10, 15 … minutes, hours, days),
 * up to 400 days. Changing them needs a migration that counts the table again.
 */
export const DURATION_BUCKET_MINUTES: readonly number[] = (() => {
  const widths = [1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 10080, 20160, 43200];
  const out = [0];
  for (let m = 0; m < 400 * 1440; ) {
    m += widths.filter((w) => w <= Math.max(1, m / 8)).at(-1)!;
    out.push(m);
  }
  return out;
})();

/** The bucket (index into {@link DURATION_BUCKET_MINUTES}) a whole minute falls in. */
export function durationBucket(minute: number): number {
  let lo = 0;
  let hi = DURATION_BUCKET_MINUTES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (DURATION_BUCKET_MINUTES[mid]! <= minute) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The minutes `[from, to)` of a bucket (`to` null for the last, open-ended one). */
export const bucketMinutes = (bucket: number): { from: number; to: number | null } => ({ from: DURATION_BUCKET_MINUTES[bucket]!, to: DURATION_BUCKET_MINUTES[bucket + 1] ?? null });

/** {@link durationBucket} in SQL. */
const bucketExpr = (minute: string): string =>
  `CASE ${DURATION_BUCKET_MINUTES.slice(1)
    .map((m, i) => `WHEN ${minute} < ${m} THEN ${i}`)
    .join(' ')} ELSE ${DURATION_BUCKET_MINUTES.length - 1} END`;

/** The duration kinds kept, and the column each measures to (from `created_ms`). */
export const DURATION_KINDS = { first: 'first_response_ms', close: 'closed_ms' } as const;

/** One station's Beijing day of one kind of fact. */
export interface RollupSlice {
  readonly kind: RollupKind;
  readonly day: number;
  /** `''`: the facts without a station. */
  readonly stationId: string;
}

const clamp = (d: Dialect, v: string): string => (d === 'sqlite' ? `MAX(${v}, 0)` : `GREATEST(${v}, 0)`);

/** Each rollup table: its rows as `INSERT … SELECT` from the facts under a condition (for `durations` also the days' condition on the minutes table). */
function fill(d: Dialect, kind: RollupKind, cond: string, dayCond = ''): string[] {
  const w = cond === '' ? '' : `WHERE ${cond}`;
  switch (kind) {
    case 'waits':
      return [
        `INSERT INTO insight_call_waits (day, hour, station_id, lane, second, answered, wait_sum_ms, wait_max_ms)
         SELECT day, hour, station_id, lane, v / 1000, COUNT(*), SUM(v), MAX(v)
         FROM (SELECT ${dayExpr('offered_ms')} AS day, ${hourExpr('offered_ms')} AS hour, COALESCE(station_id, '') AS station_id, lane, ${clamp(d, 'answered_ms - offered_ms')} AS v
               FROM call_sessions ${cond === '' ? 'WHERE' : `${w} AND`} outcome = 'answered' AND answered_ms IS NOT NULL) AS c
         GROUP BY day, hour, station_id, lane, v / 1000`,
      ];
    case 'callbacks':
      return [
        `INSERT INTO insight_callback_hours (day, hour, station_id, tickets)
         SELECT ${dayExpr('created_ms')}, ${hourExpr('created_ms')}, station_id, COUNT(*)
         FROM tickets ${cond === '' ? 'WHERE' : `${w} AND`} category = 'callback' GROUP BY ${dayExpr('created_ms')}, ${hourExpr('created_ms')}, station_id`,
      ];
    case 'durations':
      return [
        ...Object.entries(DURATION_KINDS).map(
          ([k, col]) =>
            `INSERT INTO insight_duration_minutes (kind, category, minute, day, tickets, on_minute)
             SELECT '${k}', category, v / 60000, day, COUNT(*), SUM(CASE WHEN v % 60000 = 0 THEN 1 ELSE 0 END)
             FROM (SELECT category, ${dayExpr('created_ms')} AS day, ${clamp(d, `${col} - created_ms`)} AS v FROM tickets ${cond === '' ? `WHERE ${col} IS NOT NULL` : `${w} AND ${col} IS NOT NULL`}) AS t
             GROUP BY category, v / 60000, day`,
        ),
        `INSERT INTO insight_duration_days (day, kind, category, bucket, tickets)
         SELECT day, kind, category, ${bucketExpr('minute')}, SUM(tickets) FROM insight_duration_minutes ${dayCond === '' ? '' : `WHERE ${dayCond}`}
         GROUP BY day, kind, category, ${bucketExpr('minute')}`,
      ];
    case 'tickets':
      return [
        `INSERT INTO insight_ticket_days (day, station_id, category, tickets, first_count, first_sum_ms, close_count, close_sum_ms)
         SELECT ${dayExpr('created_ms')}, station_id, category, COUNT(*),
                COUNT(first_response_ms), COALESCE(SUM(${clamp(d, 'first_response_ms - created_ms')}), 0),
                COUNT(closed_ms), COALESCE(SUM(${clamp(d, 'closed_ms - created_ms')}), 0)
         FROM tickets ${w} GROUP BY ${dayExpr('created_ms')}, station_id, category`,
      ];
    case 'ratings':
      return [
        `INSERT INTO insight_rating_days (day, station_id, service, score, ratings)
         SELECT ${dayExpr('created_ms')}, COALESCE(station_id, ''), service, score, COUNT(*)
         FROM ratings ${w} GROUP BY ${dayExpr('created_ms')}, COALESCE(station_id, ''), service, score`,
        `INSERT INTO insight_reason_days (day, station_id, reason, score, ratings)
         SELECT ${dayExpr('created_ms')}, COALESCE(station_id, ''), reason, score, COUNT(*)
         FROM ratings ${cond === '' ? 'WHERE reason IS NOT NULL' : `${w} AND reason IS NOT NULL`} GROUP BY ${dayExpr('created_ms')}, COALESCE(station_id, ''), reason, score`,
      ];
    case 'calls':
      return [
        `INSERT INTO insight_call_days (day, hour, station_id, lane, offered, answered, abandoned, unanswered)
         SELECT ${dayExpr('offered_ms')}, ${hourExpr('offered_ms')}, COALESCE(station_id, ''), lane, COUNT(*),
                SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'abandoned' THEN 1 ELSE 0 END),
                SUM(CASE WHEN outcome = 'unanswered' THEN 1 ELSE 0 END)
         FROM call_sessions ${w} GROUP BY ${dayExpr('offered_ms')}, ${hourExpr('offered_ms')}, COALESCE(station_id, ''), lane`,
      ];
  }
}

const TABLES: Readonly<Record<RollupKind, readonly string[]>> = {
  tickets: ['insight_ticket_days'],
  ratings: ['insight_rating_days', 'insight_reason_days'],
  calls: ['insight_call_days'],
  durations: ['insight_duration_minutes', 'insight_duration_days'],
  waits: ['insight_call_waits'],
  callbacks: ['insight_callback_hours'],
};
const TIME: Readonly<Record<RollupKind, string>> = { tickets: 'created_ms', ratings: 'created_ms', calls: 'offered_ms', durations: 'created_ms', waits: 'offered_ms', callbacks: 'created_ms' };

/** The rollup tables and their back-fill from every fact stored (migration 15). */
export function rollupMigration(dialect: Dialect): string {
  const int = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return `
CREATE TABLE insight_ticket_days (
  day INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  category TEXT NOT NULL,
  tickets ${int} NOT NULL,
  first_count ${int} NOT NULL,
  first_sum_ms ${int} NOT NULL,
  close_count ${int} NOT NULL,
  close_sum_ms ${int} NOT NULL,
  PRIMARY KEY (day, station_id, category)
);
CREATE INDEX insight_ticket_days_by_station ON insight_ticket_days (station_id, day);
CREATE TABLE insight_rating_days (
  day INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  service TEXT NOT NULL,
  score INTEGER NOT NULL,
  ratings ${int} NOT NULL,
  PRIMARY KEY (day, station_id, service, score)
);
CREATE INDEX insight_rating_days_by_station ON insight_rating_days (station_id, day);
CREATE TABLE insight_reason_days (
  day INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  score INTEGER NOT NULL,
  ratings ${int} NOT NULL,
  PRIMARY KEY (day, station_id, reason, score)
);
CREATE INDEX insight_reason_days_by_station ON insight_reason_days (station_id, day);
CREATE TABLE insight_call_days (
  day INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  lane TEXT NOT NULL,
  offered ${int} NOT NULL,
  answered ${int} NOT NULL,
  abandoned ${int} NOT NULL,
  unanswered ${int} NOT NULL,
  PRIMARY KEY (day, hour, station_id, lane)
);
CREATE INDEX insight_call_days_by_station ON insight_call_days (station_id, day);
${rebuildRollupsSql(dialect, ['tickets', 'ratings', 'calls']).join(';\n')};
`;
}

/** The duration rollup tables and their back-fill from every ticket stored (migration 16). */
export function durationRollupMigration(dialect: Dialect): string {
  const int = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return `
CREATE TABLE insight_duration_minutes (
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  minute ${int} NOT NULL,
  day INTEGER NOT NULL,
  tickets ${int} NOT NULL,
  on_minute ${int} NOT NULL
);
-- One row per (kind, category, minute, day), always written a whole day at a time (never upserted):
-- the index holds every column, so that a view reads a bucket's minutes from the index alone.
CREATE INDEX insight_duration_minutes_by_minute ON insight_duration_minutes (kind, category, minute, day, tickets, on_minute);
CREATE INDEX insight_duration_minutes_by_day ON insight_duration_minutes (day);
CREATE TABLE insight_duration_days (
  day INTEGER NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  tickets ${int} NOT NULL,
  PRIMARY KEY (day, kind, category, bucket)
);
${fill(dialect, 'durations', '').join(';\n')};
`;
}

/** The calls' wait and callback rollup tables and their back-fill from every call and ticket stored (migration 17). */
export function callRollupMigration(dialect: Dialect): string {
  const int = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return `
CREATE TABLE insight_call_waits (
  day INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  lane TEXT NOT NULL,
  second ${int} NOT NULL,
  answered ${int} NOT NULL,
  wait_sum_ms ${int} NOT NULL,
  wait_max_ms ${int} NOT NULL,
  PRIMARY KEY (day, hour, station_id, lane, second)
);
CREATE INDEX insight_call_waits_by_station ON insight_call_waits (station_id, day);
-- Every column, by day and second: the seconds a day's wait percentile falls in, read from the index alone.
CREATE INDEX insight_call_waits_by_second ON insight_call_waits (day, second, station_id, lane, answered, wait_sum_ms, wait_max_ms);
CREATE TABLE insight_callback_hours (
  day INTEGER NOT NULL,
  hour INTEGER NOT NULL,
  station_id TEXT NOT NULL,
  tickets ${int} NOT NULL,
  PRIMARY KEY (day, hour, station_id)
);
CREATE INDEX insight_callback_hours_by_station ON insight_callback_hours (station_id, day);
${[...fill(dialect, 'waits', ''), ...fill(dialect, 'callbacks', '')].join(';\n')};
`;
}

/** Every rollup counted again from all the facts (the migrations' back-fill; the benchmark after loading facts by SQL). */
export function rebuildRollupsSql(dialect: Dialect, kinds: readonly RollupKind[] = ['tickets', 'ratings', 'calls', 'durations', 'waits', 'callbacks']): string[] {
  return [...kinds.flatMap((k) => TABLES[k].map((t) => `DELETE FROM ${t}`)), ...kinds.flatMap((k) => fill(dialect, k, ''))];
}

const sliceKey = (s: RollupSlice): string => `${s.kind}|${s.day}|${s.stationId}`;
const byKey = (a: RollupSlice, b: RollupSlice): number => (sliceKey(a) < sliceKey(b) ? -1 : sliceKey(a) > sliceKey(b) ? 1 : 0);

/** The slices, each once, in key order; on PostgreSQL each one's lock taken in that order (no two writers wait on each other in a circle). */
async function lockSlices(q: SqlExecutor, dialect: Dialect, slices: readonly RollupSlice[]): Promise<RollupSlice[]> {
  const unique = [...new Map(slices.map((s) => [sliceKey(s), s])).values()].sort(byKey);
  if (dialect === 'postgres') for (const s of unique) await q.run('SELECT pg_advisory_xact_lock(hashtext($1))', [`insight-rollup|${sliceKey(s)}`]);
  return unique;
}

/**
 * Counts the given slices again from the facts, inside the caller's transaction (after it wrote
 * the facts). Slices given twice are refreshed once.
 */
export async function refreshRollups(q: SqlExecutor, dialect: Dialect, slices: readonly RollupSlice[]): Promise<void> {
  for (const s of await lockSlices(q, dialect, slices)) {
    if (s.kind === 'durations') {
      // Over all stations: the day's tickets, a few thousand at most, through the index on created_ms.
      for (const t of TABLES.durations) await q.run(`DELETE FROM ${t} WHERE day = $1`, [s.day]);
      const [minutes, days] = [fill(dialect, 'durations', 'created_ms >= $1 AND created_ms < $2'), fill(dialect, 'durations', '', 'day = $1').at(-1)!];
      for (const sql of minutes.slice(0, -1)) await q.run(sql, [dayStartMs(s.day), dayStartMs(s.day + 1)]);
      await q.run(days, [s.day]);
      continue;
    }
    for (const t of TABLES[s.kind]) await q.run(`DELETE FROM ${t} WHERE day = $1 AND station_id = $2`, [s.day, s.stationId]);
    const time = TIME[s.kind];
    const params: SqlParam[] = [dayStartMs(s.day), dayStartMs(s.day + 1)];
    const station = s.stationId === '' ? 'station_id IS NULL' : 'station_id = $3';
    if (s.stationId !== '') params.push(s.stationId);
    for (const sql of fill(dialect, s.kind, `${time} >= $1 AND ${time} < $2 AND ${station}`)) await q.run(sql, params);
  }
}

/** The slice a fact falls in (`durations`: the whole day, every station). */
export const sliceOf = (kind: RollupKind, ms: number, stationId: string | null): RollupSlice => ({ kind, day: beijingDay(ms), stationId: kind === 'durations' ? '' : (stationId ?? '') });

/** A ticket just stored (new tickets have no response and no close yet). */
export interface NewTicket {
  readonly createdMs: number;
  readonly stationId: string;
  readonly category: string;
}
/** A rating just stored. */
export interface NewRating {
  readonly createdMs: number;
  readonly stationId: string | null;
  readonly service: string;
  readonly score: number;
  readonly reason: string | null;
}

/** Adds 1 per fact to its row's counter, rows summed first; one upsert per row. */
async function addCounts(q: SqlExecutor, table: string, keys: readonly string[], counter: string, rows: readonly SqlParam[][]): Promise<void> {
  const sums = new Map<string, { key: SqlParam[]; n: number }>();
  for (const r of rows) {
    const k = JSON.stringify(r);
    const e = sums.get(k);
    if (e) e.n += 1;
    else sums.set(k, { key: r, n: 1 });
  }
  const zero = table === 'insight_ticket_days' ? ', first_count, first_sum_ms, close_count, close_sum_ms' : '';
  const zeros = table === 'insight_ticket_days' ? ', 0, 0, 0, 0' : '';
  for (const { key, n } of sums.values()) {
    await q.run(
      `INSERT INTO ${table} (${keys.join(', ')}, ${counter}${zero}) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')}, $${keys.length + 1}${zeros})
       ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${counter} = ${table}.${counter} + excluded.${counter}`,
      [...key, n],
    );
  }
}

/**
 * Counts facts the caller's transaction has just inserted (only those its INSERT returned, so a
 * batch delivered again adds nothing) into their rollup rows: O(facts), whatever a day holds.
 */
export async function countNewFacts(q: SqlExecutor, dialect: Dialect, tickets: readonly NewTicket[], ratings: readonly NewRating[]): Promise<void> {
  if (tickets.length === 0 && ratings.length === 0) return;
  const callbacks = tickets.filter((t) => t.category === 'callback');
  await lockSlices(q, dialect, [
    ...tickets.map((t) => sliceOf('tickets', t.createdMs, t.stationId)),
    ...callbacks.map((t) => sliceOf('callbacks', t.createdMs, t.stationId)),
    ...ratings.map((r) => sliceOf('ratings', r.createdMs, r.stationId)),
  ]);
  await addCounts(q, 'insight_ticket_days', ['day', 'station_id', 'category'], 'tickets', tickets.map((t) => [beijingDay(t.createdMs), t.stationId, t.category]));
  await addCounts(q, 'insight_callback_hours', ['day', 'hour', 'station_id'], 'tickets', callbacks.map((t) => [beijingDay(t.createdMs), beijingHour(t.createdMs), t.stationId]));
  await addCounts(q, 'insight_rating_days', ['day', 'station_id', 'service', 'score'], 'ratings', ratings.map((r) => [beijingDay(r.createdMs), r.stationId ?? '', r.service, r.score]));
  await addCounts(
    q,
    'insight_reason_days',
    ['day', 'station_id', 'reason', 'score'],
    'ratings',
    ratings.flatMap((r) => (r.reason === null ? [] : [[beijingDay(r.createdMs), r.stationId ?? '', r.reason, r.score]])),
  );
}
