/**
 * `GET /v1/staff/insight/<view>`: the supervisors' insight views (shared/insight.ts), as JSON or
 * one part as CSV (`format=csv&part=…`). Supervisors and administrators only: no session or
 * token → 401, any other role → 403. The query is checked whole before any SQL runs
 * (filter.ts); the figures come from the database (queries.ts).
 */
import type { FastifyInstance } from 'fastify';
import { INSIGHT_CSV_PARTS, type InsightView } from '../../shared/insight.js';
import type { Guard } from '../accounts/guard.js';
import { ROLE_WORDS } from '../accounts/roles.js';
import { ApiFailure } from '../api/errors.js';
import { DEFAULT_TICKET_TARGET_HOURS } from '../staff/ticket-work.js';
import type { CentralStorage } from '../storage/types.js';
import { toCsv } from './csv.js';
import { InsightQueryError, parseInsightQuery } from './filter.js';
import { insightAnswer } from './queries.js';

const CALL_COLUMNS = ['offered', 'answered', 'abandoned', 'unanswered', 'callbacks', 'waitP50Seconds', 'waitP90Seconds', 'waitMaxSeconds'];
const DURATION = (what: string): string[] => ['count', 'averageMinutes', 'p50Minutes', 'p90Minutes'].map((k) => `${what}.${k}`);
/** Each CSV part's columns, for the header of a part without rows. */
const CSV_COLUMNS: { readonly [V in InsightView]: Readonly<Record<(typeof INSIGHT_CSV_PARTS)[V][number], readonly string[]>> } = {
  tickets: { byDay: ['day', 'category', 'count'], byStation: ['stationId', 'category', 'count'], byChannel: ['day', 'channel', 'count'] },
  response: { rows: ['category', 'tickets', ...DURATION('firstResponse'), ...DURATION('close'), 'targetHours', 'met', 'missed', 'metShare'] },
  satisfaction: {
    byDay: ['day', 'count', 'average', 'scores.1', 'scores.2', 'scores.3', 'scores.4', 'scores.5'],
    byStation: ['stationId', 'count', 'average'],
    byChannel: ['channel', 'count', 'average'],
    reasons: ['reason', 'count', 'average'],
    distribution: ['score', 'count'],
  },
  calls: { byHour: ['hour', ...CALL_COLUMNS], byDay: ['day', ...CALL_COLUMNS] },
  devices: {
    byKiosk: ['kioskId', 'stationId', 'faults', 'repeats'],
    byDevice: ['kioskId', 'device', 'faults', 'repeats', 'lastAt'],
    offline: ['kioskId', 'stationId', 'outages', 'offlineMinutes', 'offlineNow', 'lastContactAt'],
  },
};

/** The roles that see the insight views. */
export const INSIGHT_ROLES = ['supervisor', 'administrator'] as const;

export interface InsightRoutesOptions {
  readonly storage: CentralStorage;
  readonly guard: Guard;
  readonly now: () => Date;
}

export function registerInsightRoutes(app: FastifyInstance, o: InsightRoutesOptions): void {
  const sources = {
    db: o.storage.database,
    targetHours: async () => ({ ...DEFAULT_TICKET_TARGET_HOURS, ...(await o.storage.getTicketTargets()) }),
    now: o.now,
  };
  app.get('/v1/staff/insight/:view', async (request, reply) => {
    const person = await o.guard.requireStaff(request);
    if (!(INSIGHT_ROLES as readonly string[]).includes(person.role)) {
      throw new ApiFailure(403, 'forbidden-for-role', `${ROLE_WORDS[person.role].en} (${ROLE_WORDS[person.role].zh}) may not see the service insight; supervisors and administrators may`);
    }
    let query;
    try {
      query = parseInsightQuery((request.params as { view: string }).view, request.query as Record<string, unknown>, o.now());
    } catch (e) {
      if (e instanceof InsightQueryError) throw new ApiFailure(e.statusCode, e.code, e.message);
      throw e;
    }
    const answer = await insightAnswer(sources, query);
    if (query.format === 'json') return answer;
    const part = query.part as (typeof INSIGHT_CSV_PARTS)[InsightView][number];
    const rows = (answer as unknown as Record<string, readonly object[]>)[part] ?? [];
    const name = `insight-${query.view}-${part}-${query.filter.from}-${query.filter.to}.csv`;
    const columns = (CSV_COLUMNS[query.view] as Readonly<Record<string, readonly string[]>>)[part] ?? [];
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(toCsv(rows, columns));
  });
}
