/**
 * The supervisor's insight page at `/insight/` and the weekly PDF report at
 * `GET /v1/staff/insight/weekly-report.pdf?week=YYYY-MM-DD[&line=L]`: the Monday-to-Sunday
 * Beijing week that holds the day (the last whole week when left out), from the same insight
 * queries as the page's views. Supervisors and administrators only (401 nobody, 403 any other
 * role). `central report weekly` makes the same file on the command line.
 */
import type { FastifyInstance } from 'fastify';
import { INSIGHT_VIEWS, type InsightAnswers, type InsightView } from '../../shared/insight.js';
import { beijingMidnight, shanghaiDate } from '../../shared/shanghai-date.js';
import type { Words } from '../../shared/words.js';
import type { Guard } from '../accounts/guard.js';
import { ROLE_WORDS } from '../accounts/roles.js';
import { ApiFailure } from '../api/errors.js';
import { InsightQueryError, parseInsightQuery } from '../insight/filter.js';
import { insightAnswer, type InsightSources } from '../insight/queries.js';
import { INSIGHT_ROLES } from '../insight/routes.js';
import { weekOf } from '../../shared/insight-words.js';
import { registerBuiltPage } from '../serve-pages.js';
import { DEFAULT_TICKET_TARGET_HOURS } from '../staff/ticket-work.js';
import type { CentralStorage } from '../storage/types.js';
import { ReportFontMissing, weeklyReportPdf } from './weekly-report.js';

/** Nothing on the page comes from anywhere but its own built files; data is fetched and set as text. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function registerInsightPage(app: FastifyInstance): void {
  registerBuiltPage(app, { mount: '/insight', html: 'insight.html', headers: { 'content-security-policy': CSP } });
}

export interface WeeklyReportRequest {
  /** Any Beijing day of the week (`YYYY-MM-DD`); null: the last whole week before `now`. */
  readonly week: string | null;
  readonly line: string | null;
}

export interface WeeklyReport {
  readonly from: string;
  readonly to: string;
  readonly answers: InsightAnswers;
  readonly pdf: Buffer;
}

/** The sources the insight queries read: central's database and the ticket targets. */
export function insightSources(storage: CentralStorage, now: () => Date): InsightSources {
  return {
    db: storage.database,
    targetHours: async () => ({ ...DEFAULT_TICKET_TARGET_HOURS, ...(await storage.getTicketTargets()) }),
    now,
  };
}

/** The week's five insight answers and the PDF made of them. Throws InsightQueryError for a bad week or line. */
export async function makeWeeklyReport(storage: CentralStorage, request: WeeklyReportRequest, now: () => Date): Promise<WeeklyReport> {
  if (request.week !== null && beijingMidnight(request.week) === null) throw new InsightQueryError(400, 'invalid-date', `"week" must be a date YYYY-MM-DD (any day of the week, Beijing time), not "${request.week.slice(0, 20)}"`);
  const today = shanghaiDate(now());
  const { from, to } = weekOf(request.week ?? shanghaiDate(beijingMidnight(today)! - 7 * 86_400_000));
  const sources = insightSources(storage, now);
  const query: Record<string, string> = { from, to, ...(request.line !== null ? { line: request.line } : {}) };
  const got = await Promise.all(INSIGHT_VIEWS.map(async (view) => [view, await insightAnswer(sources, parseInsightQuery(view, query, now()) as ReturnType<typeof parseInsightQuery> & { view: InsightView })] as const));
  const answers = Object.fromEntries(got) as unknown as InsightAnswers;
  const kiosks = new Map((await storage.listKiosks()).map((k) => [k.id, k]));
  const named = new Map((await storage.admin.listStations()).map((s) => [s.id, s.name]));
  const stationWords = (id: string): Words => named.get(id) ?? { zh: id, en: id };
  const kioskWords = (id: string): Words => {
    const k = kiosks.get(id);
    const station = k?.stationId ? stationWords(k.stationId) : null;
    const code = k?.ticketCode ?? id;
    return station ? { zh: `${station.zh} · 终端 ${code}`, en: `${station.en} · kiosk ${code}` } : { zh: `终端 ${code}`, en: `Kiosk ${code}` };
  };
  const pdf = await weeklyReportPdf({ answers, stationWords, kioskWords, generatedAt: now().toISOString() });
  return { from, to, answers, pdf };
}

export function registerWeeklyReportRoute(app: FastifyInstance, o: { readonly storage: CentralStorage; readonly guard: Guard; readonly now: () => Date }): void {
  app.get('/v1/staff/insight/weekly-report.pdf', async (request, reply) => {
    const person = await o.guard.requireStaff(request);
    if (!(INSIGHT_ROLES as readonly string[]).includes(person.role)) {
      throw new ApiFailure(403, 'forbidden-for-role', `${ROLE_WORDS[person.role].en} (${ROLE_WORDS[person.role].zh}) may not see the weekly report; supervisors and administrators may`);
    }
    const q = request.query as Record<string, unknown>;
    const unknown = Object.keys(q).filter((k) => k !== 'week' && k !== 'line');
    if (unknown.length > 0) throw new ApiFailure(400, 'unknown-filter', `unknown key "${unknown[0]!.slice(0, 40)}"; the weekly report takes week and line`);
    const text = (k: string): string | null => {
      const v = q[k];
      if (v === undefined) return null;
      if (typeof v !== 'string' || v === '') throw new ApiFailure(400, 'invalid-filter', `give "${k}" once, not empty`);
      return v;
    };
    let report: WeeklyReport;
    try {
      report = await makeWeeklyReport(o.storage, { week: text('week'), line: text('line') }, o.now);
    } catch (e) {
      if (e instanceof InsightQueryError) throw new ApiFailure(e.statusCode, e.code, e.message);
      if (e instanceof ReportFontMissing) throw new ApiFailure(503, 'report-font-missing', e.message);
      throw e;
    }
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="weekly-report-${report.from}.pdf"`)
      .send(report.pdf);
  });
}
