/**
 * The supervisors' insight routes (`GET /v1/staff/insight/<view>`, central/insight/routes.ts) as
 * OpenAPI: one path per view with its query parameters, who may call it, and the answer's shape
 * (shared/insight.ts), and the weekly report's PDF (central/reports/routes.ts). The routes are registered apart from the operation table, so their
 * description lives here; test/integration/insight-openapi.test.ts checks every view's answers
 * against it on both engines.
 *
 * The answer schemas list every field and require it, but allow more: insight answers only grow
 * (shared/insight.ts), so a client must ignore a field it does not know.
 */
import { INSIGHT_CHANNELS, INSIGHT_CSV_PARTS, INSIGHT_DEFAULT_DAYS, INSIGHT_MAX_DAYS, INSIGHT_TOP_ROWS, INSIGHT_VIEWS, RATING_CHANNELS, type InsightView } from '../../shared/insight.js';
import { TICKET_CATEGORIES } from '../../shared/ticket.js';
import type { JsonSchema } from './schemas.js';

/** The roles that may read the views (central/insight/routes.ts `INSIGHT_ROLES`). */
const ROLES = ['supervisor', 'administrator'];

const open = (properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});
const count: JsonSchema = { type: 'integer', minimum: 0 };
const day: JsonSchema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A Beijing date' };
const timestamp: JsonSchema = { type: 'string', format: 'date-time' };
const nullable = (s: JsonSchema): JsonSchema => ({ anyOf: [s, { type: 'null' }] });
const category: JsonSchema = { type: 'string', enum: [...TICKET_CATEGORIES] };
const channel: JsonSchema = { type: 'string', enum: [...INSIGHT_CHANNELS] };
const ratingChannel: JsonSchema = { type: 'string', enum: [...RATING_CHANNELS] };

const filter = open({
  from: day,
  to: day,
  line: nullable({ type: 'string' }),
  stationId: nullable({ type: 'string' }),
  kioskId: nullable({ type: 'string' }),
  category: nullable(category),
  channel: nullable(channel),
});

const base = (view: InsightView, properties: Record<string, JsonSchema>, description: string): JsonSchema => ({
  ...open({
    view: { const: view },
    filter: { ...filter, description: 'The filter as central applied it, defaults filled in' },
    ignored: { type: 'array', items: { type: 'string', enum: ['line', 'stationId', 'kioskId', 'category', 'channel'] }, description: 'Filter keys this view cannot apply and did not' },
    generatedAt: timestamp,
    ...properties,
  }),
  description,
});

const duration = open({
  count,
  averageMinutes: nullable({ type: 'number', minimum: 0 }),
  p50Minutes: nullable({ type: 'number', minimum: 0 }),
  p90Minutes: nullable({ type: 'number', minimum: 0 }),
});
const score = { count, average: nullable({ type: 'number', minimum: 1, maximum: 5 }) };
const callFigures = {
  offered: count,
  answered: count,
  abandoned: count,
  unanswered: count,
  callbacks: count,
  waitP50Seconds: nullable({ type: 'number', minimum: 0 }),
  waitP90Seconds: nullable({ type: 'number', minimum: 0 }),
  waitMaxSeconds: nullable({ type: 'number', minimum: 0 }),
};
const list = (items: JsonSchema, description?: string): JsonSchema => ({ type: 'array', items, ...(description ? { description } : {}) });

export const INSIGHT_SCHEMAS = {
  InsightTickets: base(
    'tickets',
    {
      total: count,
      byDay: list(open({ day, category, count }), 'Tickets made per Beijing day and category (days without tickets left out)'),
      byStation: list(open({ stationId: { type: 'string' }, category, count }), `Per station and category, busiest stations first (at most ${INSIGHT_TOP_ROWS} stations)`),
      byChannel: list(open({ day, channel, count }), 'Per Beijing day and channel; emergency counts emergency alarms raised'),
    },
    'Tickets over time by category, station and channel',
  ),
  InsightResponse: base(
    'response',
    {
      rows: list(
        open({
          category,
          tickets: count,
          firstResponse: duration,
          close: duration,
          targetHours: { type: 'number', minimum: 0 },
          met: count,
          missed: count,
          metShare: nullable({ type: 'number', minimum: 0, maximum: 1 }),
        }),
        'Per category: minutes to first response and to close, and the share that met the target',
      ),
    },
    'Time to first response and to close, per category, against the targets',
  ),
  InsightSatisfaction: base(
    'satisfaction',
    {
      total: open(score),
      distribution: list(open({ score: { type: 'integer', minimum: 1, maximum: 5 }, count }), 'Ratings per score 1–5, every score listed'),
      byDay: list(open({ day, ...score, scores: { type: 'array', items: count, minItems: 5, maxItems: 5 } })),
      byStation: list(open({ stationId: { type: 'string' }, ...score })),
      byChannel: list(open({ channel: ratingChannel, ...score })),
      reasons: list(open({ reason: { type: 'string' }, ...score }), 'The reasons passengers gave, most frequent first'),
    },
    'Satisfaction: average and distribution over time, by station, by channel, and the reasons given',
  ),
  InsightCalls: base(
    'calls',
    {
      total: open(callFigures),
      byHour: list(open({ hour: { type: 'integer', minimum: 0, maximum: 23 }, ...callFigures }), 'Per Beijing hour of day, all 24 listed'),
      byDay: list(open({ day, ...callFigures }), 'Per Beijing day (days without calls left out)'),
    },
    'Calls: offered, answered, abandoned, unanswered, callbacks, waiting-time percentiles (seconds)',
  ),
  InsightDevices: base(
    'devices',
    {
      faults: count,
      repeats: count,
      byKiosk: list(open({ kioskId: { type: 'string' }, stationId: nullable({ type: 'string' }), faults: count, repeats: count }), 'Most faults first'),
      byDevice: list(open({ kioskId: { type: 'string' }, device: { type: 'string' }, faults: count, repeats: count, lastAt: timestamp })),
      offline: list(
        open({ kioskId: { type: 'string' }, stationId: nullable({ type: 'string' }), outages: count, offlineMinutes: { type: 'number', minimum: 0 }, offlineNow: { type: 'boolean' }, lastContactAt: nullable(timestamp) }),
        "Kiosks out of contact in the range (no heartbeat for longer than central's silent time), longest first",
      ),
    },
    'Devices: faults per kiosk and device, repeats within 7 days, kiosks most often offline',
  ),
} as const satisfies Record<string, JsonSchema>;

const SCHEMA_OF: Readonly<Record<InsightView, keyof typeof INSIGHT_SCHEMAS>> = {
  tickets: 'InsightTickets',
  response: 'InsightResponse',
  satisfaction: 'InsightSatisfaction',
  calls: 'InsightCalls',
  devices: 'InsightDevices',
};

const query = (name: string, schema: JsonSchema, description: string): JsonSchema => ({ name, in: 'query', required: false, schema, description });

function insightOperation(view: InsightView): JsonSchema {
  const ref = { $ref: `#/components/schemas/${SCHEMA_OF[view]}` };
  const error = (description: string): JsonSchema => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } });
  return {
    operationId: `insight${view[0]!.toUpperCase()}${view.slice(1)}`,
    summary: `Service insight: ${String(INSIGHT_SCHEMAS[SCHEMA_OF[view]]['description']).toLowerCase()}`,
    description:
      `Supervisors and administrators only (a session after logging in at /login/, or the person's API token); any other role gets 403 forbidden-for-role. ` +
      `Every figure is computed by the database; days and hours are Beijing time. The range is \`from\`–\`to\` inclusive, at most ${INSIGHT_MAX_DAYS} days ` +
      `(default the last ${INSIGHT_DEFAULT_DAYS} days). Every parameter is checked before any query runs: an unknown or repeated key, a date that does not exist, ` +
      `a range too long or reversed, an id of the wrong shape answers 400 naming the key. With \`format=csv\` the answer is one part (\`part\`) as CSV.`,
    tags: ['staff'],
    'x-roles': ROLES,
    security: [{ staffSession: [] }, { staffToken: [] }],
    parameters: [
      query('from', day, 'First day (Beijing), inclusive'),
      query('to', day, 'Last day (Beijing), inclusive'),
      query('line', { type: 'string', maxLength: 32 }, "A metro line by its zh or en name in central's station table: the stations it calls at"),
      query('station', { type: 'string', maxLength: 64 }, 'A station id'),
      query('kiosk', { type: 'string', maxLength: 64 }, 'A kiosk id'),
      query('category', category, 'A ticket category'),
      query('channel', channel, 'How the matter reached central'),
      query('format', { type: 'string', enum: ['json', 'csv'], default: 'json' }, 'JSON (the whole view) or CSV (one part)'),
      query('part', { type: 'string', enum: [...INSIGHT_CSV_PARTS[view]], default: INSIGHT_CSV_PARTS[view][0] }, 'With format=csv: which part of the view'),
    ],
    responses: {
      200: {
        description: 'The view (JSON), or one part of it as CSV with a header row (format=csv)',
        content: { 'application/json': { schema: ref }, 'text/csv': { schema: { type: 'string' } } },
      },
      400: error('A parameter refused, named in the message'),
      401: error('No session or token'),
      403: error('A role other than supervisor or administrator'),
      503: error('The database is unavailable or the query took too long'),
    },
  };
}

/** The weekly report (central/reports/routes.ts): a PDF for the departments that fix things. */
function weeklyReportOperation(): JsonSchema {
  const error = (description: string): JsonSchema => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } });
  return {
    operationId: 'insightWeeklyReport',
    summary: 'Service insight: the weekly report (PDF) of one Monday-to-Sunday Beijing week',
    description:
      'Supervisors and administrators only; any other role gets 403 forbidden-for-role. Made from the same queries as the insight views. ' +
      'Any key but `week` and `line` answers 400.',
    tags: ['staff'],
    'x-roles': ROLES,
    security: [{ staffSession: [] }, { staffToken: [] }],
    parameters: [
      query('week', day, 'A day of the week wanted (Beijing); default the last whole week'),
      query('line', { type: 'string', maxLength: 32 }, "A metro line by its zh or en name in central's station table"),
    ],
    responses: {
      200: { description: 'The report', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
      400: error('A parameter refused, named in the message'),
      401: error('No session or token'),
      403: error('A role other than supervisor or administrator'),
      503: error('The database is unavailable, or the report font is not installed'),
    },
  };
}

/** One path per view (`/v1/staff/insight/tickets`, …/response, …/satisfaction, …/calls, …/devices) and the weekly report. */
export function insightPaths(): Record<string, Record<string, JsonSchema>> {
  return {
    ...Object.fromEntries(INSIGHT_VIEWS.map((view) => [`/v1/staff/insight/${view}`, { get: insightOperation(view) }])),
    '/v1/staff/insight/weekly-report.pdf': { get: weeklyReportOperation() },
  };
}
