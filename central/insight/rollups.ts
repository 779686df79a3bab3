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
 *   of day, station and lane.
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
/** Epoch ms where a Beijing day starts. */
export const dayStartMs = (day: number): number => day * DAY_MS - SHANGHAI_OFFSET_MS;

export type RollupKind = 'tickets' | 'ratings' | 'calls';

/** One station's Beijing day of one kind of fact. */
export interface RollupSlice {
  readonly kind: RollupKind;
  readonly day: number;
  /** `''`: the facts without a station. */
  readonly stationId: string;
}

const clamp = (d: Dialect, v: string): string => (d === 'sqlite' ? `MAX(${v}, 0)` : `GREATEST(${v}, 0)`);

/** Each rollup table: its rows as `INSERT … SELECT` from the facts under a condition. */
function fill(d: Dialect, kind: RollupKind, cond: string): string[] {
  const w = cond === '' ? '' : `WHERE ${cond}`;
  switch (kind) {
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
};
const TIME: Readonly<Record<RollupKind, string>> = { tickets: 'created_ms', ratings: 'created_ms', calls: 'offered_ms' };

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
${rebuildRollupsSql(dialect).join(';\n')};
`;
}

/** Every rollup counted again from all the facts (the migration's back-fill; the benchmark after loading facts by SQL). */
export function rebuildRollupsSql(dialect: Dialect): string[] {
  const kinds: RollupKind[] = ['tickets', 'ratings', 'calls'];
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
    for (const t of TABLES[s.kind]) await q.run(`DELETE FROM ${t} WHERE day = $1 AND station_id = $2`, [s.day, s.stationId]);
    const time = TIME[s.kind];
    const params: SqlParam[] = [dayStartMs(s.day), dayStartMs(s.day + 1)];
    const station = s.stationId === '' ? 'station_id IS NULL' : 'station_id = $3';
    if (s.stationId !== '') params.push(s.stationId);
    for (const sql of fill(dialect, s.kind, `${time} >= $1 AND ${time} < $2 AND ${station}`)) await q.run(sql, params);
  }
}

/** The slice a fact falls in. */
export const sliceOf = (kind: RollupKind, ms: number, stationId: string | null): RollupSlice => ({ kind, day: beijingDay(ms), stationId: stationId ?? '' });

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
  await lockSlices(q, dialect, [...tickets.map((t) => sliceOf('tickets', t.createdMs, t.stationId)), ...ratings.map((r) => sliceOf('ratings', r.createdMs, r.stationId))]);
  await addCounts(q, 'insight_ticket_days', ['day', 'station_id', 'category'], 'tickets', tickets.map((t) => [beijingDay(t.createdMs), t.stationId, t.category]));
  await addCounts(q, 'insight_rating_days', ['day', 'station_id', 'service', 'score'], 'ratings', ratings.map((r) => [beijingDay(r.createdMs), r.stationId ?? '', r.service, r.score]));
  await addCounts(
    q,
    'insight_reason_days',
    ['day', 'station_id', 'reason', 'score'],
    'ratings',
    ratings.flatMap((r) => (r.reason === null ? [] : [[beijingDay(r.createdMs), r.stationId ?? '', r.reason, r.score]])),
  );
}
