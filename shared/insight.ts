/**
 * Service insight for supervisors: what passengers report, how fast it is fixed, how satisfied
 * they are, how calls go and which kiosks fail. Central answers each view at
 * `GET /v1/staff/insight/<view>?from=…&to=…` (JSON, or one part of it as CSV with
 * `format=csv&part=<part>`); supervisors and administrators only.
 *
 * Every aggregate is computed by central's database. Days and hours are Beijing time (UTC+8, no
 * daylight saving time). Answers only grow: new fields may be added, none is renamed or removed.
 */
import type { TicketCategory } from './ticket.js';

export const INSIGHT_VIEWS = ['tickets', 'response', 'satisfaction', 'calls', 'devices'] as const;
export type InsightView = (typeof INSIGHT_VIEWS)[number];

/**
 * How a matter reached central: a passenger's report (every ticket category but callback and
 * device fault), a callback request, an emergency alarm, a fault the kiosk filed about itself.
 */
export const INSIGHT_CHANNELS = ['report', 'callback', 'emergency', 'device-fault'] as const;
export type InsightChannel = (typeof INSIGHT_CHANNELS)[number];

/** The service a passenger rated (a rating's `service`): a video call, a report, an FAQ article, a balance check, a ticket status look-up. */
export const RATING_CHANNELS = ['call', 'report', 'faq', 'balance', 'status'] as const;
export type RatingChannel = (typeof RATING_CHANNELS)[number];

/** The longest range one request may cover, in days (inclusive of both ends). */
export const INSIGHT_MAX_DAYS = 400;
/** The range when `from` and `to` are both left out: the last 30 days up to today (Beijing). */
export const INSIGHT_DEFAULT_DAYS = 30;
/** Rows of a ranked list (stations, reasons, kiosks, devices) at most. */
export const INSIGHT_TOP_ROWS = 100;

/** The query parameters a view accepts; any other is refused with 400. */
export const INSIGHT_QUERY_KEYS = ['from', 'to', 'line', 'station', 'kiosk', 'category', 'channel', 'format', 'part'] as const;
export type InsightQueryKey = (typeof INSIGHT_QUERY_KEYS)[number];

/** A filter as central applied it (defaults filled in); `from`/`to` are Beijing dates, both inclusive. */
export interface InsightFilter {
  /** `YYYY-MM-DD`, Beijing. */
  readonly from: string;
  /** `YYYY-MM-DD`, Beijing, inclusive. */
  readonly to: string;
  /** A metro line by its zh or en name in central's station table (`1号线`, `Line 1`): the stations it calls at. */
  readonly line: string | null;
  readonly stationId: string | null;
  readonly kioskId: string | null;
  readonly category: TicketCategory | null;
  readonly channel: InsightChannel | null;
}

/** What every answer starts with. */
export interface InsightAnswerBase<V extends InsightView> {
  readonly view: V;
  readonly filter: InsightFilter;
  /**
   * Filter keys this view cannot apply and therefore did not (e.g. `category` on the calls view):
   * the figures are over everything the other keys select.
   */
  readonly ignored: readonly ('line' | 'stationId' | 'kioskId' | 'category' | 'channel')[];
  /** ISO 8601, when central computed it. */
  readonly generatedAt: string;
}

/** Minutes, over the tickets that have the duration at all; null when none has. */
export interface DurationFigures {
  readonly count: number;
  readonly averageMinutes: number | null;
  /** Nearest-rank percentiles, to the whole minute (the minute the value falls in: 12.7 minutes is 12). */
  readonly p50Minutes: number | null;
  readonly p90Minutes: number | null;
}

// ---- tickets over time ------------------------------------------------------------------

export interface TicketsInsight extends InsightAnswerBase<'tickets'> {
  readonly total: number;
  /** Tickets made per Beijing day and category (days without tickets left out). */
  readonly byDay: readonly { readonly day: string; readonly category: TicketCategory; readonly count: number }[];
  /** Tickets per station and category, busiest stations first (at most {@link INSIGHT_TOP_ROWS} stations). */
  readonly byStation: readonly { readonly stationId: string; readonly category: TicketCategory; readonly count: number }[];
  /** Per Beijing day and channel; `emergency` counts emergency alarms raised. */
  readonly byChannel: readonly { readonly day: string; readonly channel: InsightChannel; readonly count: number }[];
}

// ---- time to first response and to close, against the targets ---------------------------

export interface ResponseRow {
  readonly category: TicketCategory;
  /** Tickets made in the range. */
  readonly tickets: number;
  /** From the ticket's making to staff's first reply or status change. */
  readonly firstResponse: DurationFigures;
  /** From the ticket's making to its close (resolved, closed or rejected) for those finished now. */
  readonly close: DurationFigures;
  /** Hours to resolve a ticket of this category (staff-set, else the default). */
  readonly targetHours: number;
  /** Finished within the target. */
  readonly met: number;
  /** Finished late, or still open past the target. */
  readonly missed: number;
  /** met / (met + missed); null when no ticket is due yet. Tickets still open within their target count in neither. */
  readonly metShare: number | null;
}

export interface ResponseInsight extends InsightAnswerBase<'response'> {
  readonly rows: readonly ResponseRow[];
}

// ---- satisfaction ------------------------------------------------------------------------

export interface ScoreFigures {
  readonly count: number;
  /** 1–5; null without ratings. */
  readonly average: number | null;
}

export interface SatisfactionInsight extends InsightAnswerBase<'satisfaction'> {
  readonly total: ScoreFigures;
  /** Ratings per score 1–5 (every score listed, 0 included). */
  readonly distribution: readonly { readonly score: 1 | 2 | 3 | 4 | 5; readonly count: number }[];
  /** Per Beijing day: count, average and the count of each score. */
  readonly byDay: readonly (ScoreFigures & { readonly day: string; readonly scores: readonly [number, number, number, number, number] })[];
  readonly byStation: readonly (ScoreFigures & { readonly stationId: string })[];
  readonly byChannel: readonly (ScoreFigures & { readonly channel: RatingChannel })[];
  /** The reasons passengers gave (as written, trimmed), most frequent first. */
  readonly reasons: readonly (ScoreFigures & { readonly reason: string })[];
}

// ---- calls -------------------------------------------------------------------------------

export interface CallFigures {
  /** Calls passengers asked for. */
  readonly offered: number;
  /** Answered by an agent. */
  readonly answered: number;
  /** The passenger left (or the kiosk hung up) before an agent answered. */
  readonly abandoned: number;
  /** No agent answered in time or none was on duty: the kiosk offered a callback. */
  readonly unanswered: number;
  /** Callback requests filed (tickets of category callback). */
  readonly callbacks: number;
  /** Seconds from the request to the answer, over answered calls (nearest rank, to the whole second; the maximum exact); null without any. */
  readonly waitP50Seconds: number | null;
  readonly waitP90Seconds: number | null;
  readonly waitMaxSeconds: number | null;
}

export interface CallsInsight extends InsightAnswerBase<'calls'> {
  readonly total: CallFigures;
  /** Per Beijing hour of day 0–23 (every hour listed). */
  readonly byHour: readonly (CallFigures & { readonly hour: number })[];
  /** Per Beijing day (days without calls left out). */
  readonly byDay: readonly (CallFigures & { readonly day: string })[];
}

// ---- devices -----------------------------------------------------------------------------

export interface DevicesInsight extends InsightAnswerBase<'devices'> {
  /** Fault events (severity `fault`) in the range. */
  readonly faults: number;
  /** Faults that came within 7 days of an earlier fault of the same device at the same kiosk. */
  readonly repeats: number;
  /** Most faults first. */
  readonly byKiosk: readonly { readonly kioskId: string; readonly stationId: string | null; readonly faults: number; readonly repeats: number }[];
  readonly byDevice: readonly { readonly kioskId: string; readonly device: string; readonly faults: number; readonly repeats: number; readonly lastAt: string }[];
  /**
   * Kiosks that were out of contact (no heartbeat for longer than central's silent time) in the
   * range, longest first; an outage still going on counts up to now.
   */
  readonly offline: readonly {
    readonly kioskId: string;
    readonly stationId: string | null;
    readonly outages: number;
    readonly offlineMinutes: number;
    readonly offlineNow: boolean;
    /** Last heartbeat; null: never. */
    readonly lastContactAt: string | null;
  }[];
}

export type InsightAnswer = TicketsInsight | ResponseInsight | SatisfactionInsight | CallsInsight | DevicesInsight;
export interface InsightAnswers {
  readonly tickets: TicketsInsight;
  readonly response: ResponseInsight;
  readonly satisfaction: SatisfactionInsight;
  readonly calls: CallsInsight;
  readonly devices: DevicesInsight;
}

/** The parts of each view that can be downloaded as CSV (`format=csv&part=…`; the first is the default). */
export const INSIGHT_CSV_PARTS = {
  tickets: ['byDay', 'byStation', 'byChannel'],
  response: ['rows'],
  satisfaction: ['byDay', 'byStation', 'byChannel', 'reasons', 'distribution'],
  calls: ['byHour', 'byDay'],
  devices: ['byKiosk', 'byDevice', 'offline'],
} as const satisfies Record<InsightView, readonly string[]>;
export type InsightCsvPart<V extends InsightView> = (typeof INSIGHT_CSV_PARTS)[V][number];

/** The filter as query parameters (defaults left out), for links to the JSON and CSV answers. */
export function insightPath(view: InsightView, filter: Partial<InsightFilter>, csv?: { readonly part: string }): string {
  const q = new URLSearchParams();
  if (filter.from) q.set('from', filter.from);
  if (filter.to) q.set('to', filter.to);
  if (filter.line) q.set('line', filter.line);
  if (filter.stationId) q.set('station', filter.stationId);
  if (filter.kioskId) q.set('kiosk', filter.kioskId);
  if (filter.category) q.set('category', filter.category);
  if (filter.channel) q.set('channel', filter.channel);
  if (csv) {
    q.set('format', 'csv');
    q.set('part', csv.part);
  }
  const s = q.toString();
  return `/v1/staff/insight/${view}${s ? `?${s}` : ''}`;
}
