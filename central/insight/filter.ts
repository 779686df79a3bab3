/**
 * The insight views' query: parsed and checked before any SQL runs. Every key must be known and
 * given once, every value must have its shape (dates that exist, ids of the kiosk and station
 * shapes, categories and channels from their lists), and the range is at most
 * {@link INSIGHT_MAX_DAYS} days. What is refused is refused with a 400 naming the key.
 */
import { INSIGHT_CHANNELS, INSIGHT_CSV_PARTS, INSIGHT_DEFAULT_DAYS, INSIGHT_MAX_DAYS, INSIGHT_QUERY_KEYS, INSIGHT_VIEWS, type InsightChannel, type InsightFilter, type InsightView } from '../../shared/insight.js';
import { beijingMidnight, shanghaiDate } from '../../shared/shanghai-date.js';
import { TICKET_CATEGORIES, type TicketCategory } from '../../shared/ticket.js';

export const DAY_MS = 86_400_000;

/** A refused query: the status and the message for the person (the route answers it as an ApiError). */
export class InsightQueryError extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InsightQueryError';
  }
}

/** A parsed query: the filter, the range as epoch ms (`fromMs` inclusive, `toMs` exclusive), and the answer's format. */
export interface InsightQuery {
  readonly view: InsightView;
  readonly filter: InsightFilter;
  readonly fromMs: number;
  readonly toMs: number;
  readonly format: 'json' | 'csv';
  /** The CSV part; null for JSON. */
  readonly part: string | null;
}

/** Kiosk ids as central registers them (central/api/schemas.ts). */
const KIOSK_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Station ids as kiosks are configured with them (`GZ-TIYUXILU`, `GZ-L1-TYXL`). */
const STATION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** A metro line's name in zh or en as the station table has it (`1号线`, `Line 1`, `APM`). */
const LINE = /^[\p{L}\p{N}][\p{L}\p{N} _.()-]{0,31}$/u;

const bad = (code: string, message: string): InsightQueryError => new InsightQueryError(400, code, message);


function one(query: Readonly<Record<string, unknown>>, key: string, maxLength = 64): string | null {
  const v = query[key];
  if (v === undefined) return null;
  if (typeof v !== 'string') throw bad('repeated-filter', `give "${key}" once`);
  if (v.length === 0) throw bad('empty-filter', `"${key}" is empty; leave it out to mean every value`);
  if (v.length > maxLength) throw bad('invalid-filter', `"${key}" is longer than ${maxLength} characters`);
  return v;
}

function shaped(query: Readonly<Record<string, unknown>>, key: string, pattern: RegExp, what: string): string | null {
  const v = one(query, key);
  if (v !== null && !pattern.test(v)) throw bad('invalid-filter', `"${key}" is not ${what}`);
  return v;
}

function listed<T extends string>(query: Readonly<Record<string, unknown>>, key: string, values: readonly T[]): T | null {
  const v = one(query, key);
  if (v !== null && !(values as readonly string[]).includes(v)) throw bad('invalid-filter', `"${key}" must be one of: ${values.join(', ')}`);
  return v as T | null;
}

/**
 * Parses the view name and the query string (Fastify's parsed query: a string per key, an array
 * when repeated). `now` decides the default range (the last {@link INSIGHT_DEFAULT_DAYS} days).
 */
export function parseInsightQuery(viewName: string, query: Readonly<Record<string, unknown>>, now: Date): InsightQuery {
  if (!(INSIGHT_VIEWS as readonly string[]).includes(viewName)) throw new InsightQueryError(404, 'unknown-view', `there is no insight view "${viewName.slice(0, 40)}"; the views are ${INSIGHT_VIEWS.join(', ')}`);
  const view = viewName as InsightView;
  const unknown = Object.keys(query).filter((k) => !(INSIGHT_QUERY_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw bad('unknown-filter', `unknown filter ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.slice(0, 5).map((k) => `"${k.slice(0, 40)}"`).join(', ')}; the keys are ${INSIGHT_QUERY_KEYS.join(', ')}`);
  }

  const fromText = one(query, 'from');
  const toText = one(query, 'to');
  const today = shanghaiDate(now);
  const dateOf = (key: string, text: string): number => {
    const ms = beijingMidnight(text);
    if (ms === null) throw bad('invalid-date', `"${key}" must be a date YYYY-MM-DD between 2000 and 2099 that exists (Beijing time), not "${text.slice(0, 20)}"`);
    return ms;
  };
  let fromMs: number;
  let lastMs: number;
  if (fromText === null && toText === null) {
    lastMs = beijingMidnight(today)!;
    fromMs = lastMs - (INSIGHT_DEFAULT_DAYS - 1) * DAY_MS;
  } else if (toText === null) {
    fromMs = dateOf('from', fromText!);
    lastMs = Math.max(fromMs, beijingMidnight(today)!);
  } else {
    lastMs = dateOf('to', toText);
    fromMs = fromText === null ? lastMs - (INSIGHT_DEFAULT_DAYS - 1) * DAY_MS : dateOf('from', fromText);
  }
  if (fromMs > lastMs) throw bad('invalid-range', `"from" (${shanghaiDate(fromMs)}) is after "to" (${shanghaiDate(lastMs)})`);
  const days = Math.round((lastMs - fromMs) / DAY_MS) + 1;
  if (days > INSIGHT_MAX_DAYS) throw bad('range-too-long', `the range covers ${days} days; at most ${INSIGHT_MAX_DAYS} days at a time`);

  const filter: InsightFilter = {
    from: shanghaiDate(fromMs),
    to: shanghaiDate(lastMs),
    line: shaped(query, 'line', LINE, 'a line name (letters, digits, spaces, - _ . ( ), up to 32)'),
    stationId: shaped(query, 'station', STATION_ID, 'a station id (letters, digits, - _ . :, up to 64)'),
    kioskId: shaped(query, 'kiosk', KIOSK_ID, 'a kiosk id (letters, digits, - _ ., up to 64)'),
    category: listed<TicketCategory>(query, 'category', TICKET_CATEGORIES),
    channel: listed<InsightChannel>(query, 'channel', INSIGHT_CHANNELS),
  };
  const format = listed(query, 'format', ['json', 'csv'] as const) ?? 'json';
  const parts: readonly string[] = INSIGHT_CSV_PARTS[view];
  const partText = listed(query, 'part', parts);
  if (partText !== null && format !== 'csv') throw bad('invalid-filter', '"part" goes with format=csv');
  return { view, filter, fromMs, toMs: lastMs + DAY_MS, format, part: format === 'csv' ? (partText ?? parts[0]!) : null };
}
