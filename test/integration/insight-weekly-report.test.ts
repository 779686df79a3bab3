/**
 * The weekly PDF report on a real central with two weeks of service sent through the sync and
 * staff APIs: a real PDF (parsed back by PDF.js), Chinese text that can be read back, and the
 * week's figures the same as the insight views' JSON for that week and as what was sent. Only
 * supervisors and administrators get it; a bad week is told in words.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevicesInsight, ResponseInsight, SatisfactionInsight, TicketsInsight } from '../../shared/insight.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { dayWords, weekOf } from '../../shared/insight-words.js';
import type { TicketCategory } from '../../shared/ticket.js';
import { TICKET_CATEGORY_WORDS } from '../../shared/words.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import { ENGINES, uniqueStorage } from '../support/central.js';
import { runNode } from '../support/run-cli.js';
import { INSIGHT_ACCOUNTS, INSIGHT_STATIONS, sendTwoWeeks, startClockedCentral, type ClockedCentral, type SentWeeks } from '../support/insight-weeks.js';
import { logInSession } from '../support/staff-session.js';

const OUT = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-output', 'insight');
const TOKEN = INSIGHT_ACCOUNTS.admin.apiToken;

async function get(base: string, path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Response> {
  return fetch(`${base}${path}`, { headers });
}

async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string }> {
  const pdf = await getDocumentProxy(bytes);
  const { totalPages, text } = await extractText(pdf, { mergePages: true });
  return { pages: totalPages, text };
}

describe.each(ENGINES)('weekly report on %s', (engine) => {
  let dir: string;
  let storage: ReturnType<typeof uniqueStorage>;
  let c: ClockedCentral;
  let sent: SentWeeks;
  const lastWeek = weekOf(shanghaiDate(Date.now() - 7 * 86_400_000));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weekly-report-'));
    storage = uniqueStorage(engine, dir);
    c = await startClockedCentral(storage, dir);
    sent = await sendTwoWeeks(c);
  }, 120_000);

  afterAll(async () => {
    await c?.central.close();
    if (storage?.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a real PDF of last week whose figures are the insight views of that week and what was sent', async () => {
    const res = await get(c.central.url, `/v1/staff/insight/weekly-report.pdf?week=${lastWeek.from}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="weekly-report-${lastWeek.from}.pdf"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `weekly-report-${engine}.pdf`), bytes);
    const { pages, text } = await pdfText(bytes.slice());
    expect(pages).toBeGreaterThanOrEqual(1);

    const range = `from=${lastWeek.from}&to=${lastWeek.to}`;
    const tickets = (await (await get(c.central.url, `/v1/staff/insight/tickets?${range}`)).json()) as TicketsInsight;
    const response = (await (await get(c.central.url, `/v1/staff/insight/response?${range}`)).json()) as ResponseInsight;
    const satisfaction = (await (await get(c.central.url, `/v1/staff/insight/satisfaction?${range}`)).json()) as SatisfactionInsight;
    const devices = (await (await get(c.central.url, `/v1/staff/insight/devices?${range}`)).json()) as DevicesInsight;

    const inWeek = (day: string): boolean => day >= lastWeek.from && day <= lastWeek.to;
    const sentTickets = sent.tickets.filter((t) => inWeek(t.day));
    const sentFaults = sent.faults.filter((f) => inWeek(f.day));
    const sentRatings = sent.ratings.filter((r) => inWeek(r.day));
    // What was sent is what the views count…
    expect(tickets.total).toBe(sentTickets.length);
    expect(devices.faults).toBe(sentFaults.length);
    expect(satisfaction.total.count).toBe(sentRatings.length);
    // …and what the PDF says, in words and the same numbers.
    const flat = text.replace(/\s+/g, ' ');
    const has = (pattern: string): void => expect(flat).toMatch(new RegExp(pattern));
    has('每周服务报告 Weekly service report');
    has(`${dayWords(lastWeek.from, 'zh', { year: true })}至${dayWords(lastWeek.to, 'zh', { year: true })}`);
    has(`工单 Tickets ${tickets.total}\\b`);
    const byCategory = new Map<string, number>();
    for (const r of tickets.byDay) byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + r.count);
    expect(byCategory.size).toBeGreaterThan(1);
    for (const [category, n] of byCategory) has(`${TICKET_CATEGORY_WORDS[category as TicketCategory].zh} ${TICKET_CATEGORY_WORDS[category as TicketCategory].en} ${n}\\b`);
    const byStation = new Map<string, number>();
    for (const r of tickets.byStation) byStation.set(r.stationId, (byStation.get(r.stationId) ?? 0) + r.count);
    for (const [station, n] of byStation) {
      const name = INSIGHT_STATIONS[station as keyof typeof INSIGHT_STATIONS].name;
      has(`${name.zh} ${name.en} ${n}\\b`);
    }
    expect(flat).not.toMatch(/GZ-TIYUXILU|GZ-GONGYUANQIAN/);
    for (const r of response.rows.filter((x) => x.tickets > 0)) {
      has(`${TICKET_CATEGORY_WORDS[r.category].en} ${r.tickets}\\b`);
      has(`\\b${r.met} \\(${r.metShare === null ? '—' : `${Math.round(r.metShare * 100)}%`}\\) ${r.missed}\\b`);
    }
    const met = response.rows.reduce((n, r) => n + r.met, 0);
    const missed = response.rows.reduce((n, r) => n + r.missed, 0);
    expect(met + missed).toBeGreaterThan(0);
    has(`按时 on time ${met} / 超时 late ${missed}`);
    has(`${satisfaction.total.average!.toFixed(2)} / 5（${sentRatings.length} 条评价 ratings）`);
    has(`${devices.faults}（7 天内重复 repeats within 7 days ${devices.repeats}）`);
    // A repeat: the same device at the same kiosk failed within the 7 days before (that may be the week before).
    const dayMs = (d: string): number => Date.parse(`${d}T00:00:00Z`);
    const repeats = sentFaults.filter((f) => sent.faults.some((e) => e !== f && e.kioskId === f.kioskId && e.device === f.device && dayMs(e.day) < dayMs(f.day) && dayMs(f.day) - dayMs(e.day) <= 7 * 86_400_000));
    expect(devices.repeats).toBe(repeats.length);
    has('凭条打印机 Receipt printer');
    // the reason the ratings of 2 gave, as often as it was sent in that week (which days carry it depends on today's weekday)
    const waitedTooLong = sentRatings.filter((r) => r.reason === '等待太久');
    expect(waitedTooLong.length).toBeGreaterThan(0);
    expect(waitedTooLong.every((r) => r.score === 2)).toBe(true);
    has(`等待太久 ${waitedTooLong.length} 2\\.00`);
  });

  it('is last week when no week is given, and refuses a bad week in words', async () => {
    const res = await get(c.central.url, '/v1/staff/insight/weekly-report.pdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`weekly-report-${lastWeek.from}.pdf`);
    const bad = await get(c.central.url, '/v1/staff/insight/weekly-report.pdf?week=2026-02-30');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe('"week" must be a date YYYY-MM-DD (any day of the week, Beijing time), not "2026-02-30"');
    const unknown = await get(c.central.url, '/v1/staff/insight/weekly-report.pdf?weak=2026-11-23');
    expect(unknown.status).toBe(400);
  });

  it.runIf(engine === 'sqlite')('is made the same on the command line, from central\'s storage', async () => {
    const out = join(dir, 'week.pdf');
    const run = await runNode(['--import', 'tsx', 'central/cli.ts', 'report', 'weekly', '--week', lastWeek.to, '--out', out, '--data', dir], { timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const total = sent.tickets.filter((t) => t.day >= lastWeek.from && t.day <= lastWeek.to).length;
    expect(run.stdout).toBe(`weekly report ${lastWeek.from} to ${lastWeek.to} (Beijing time): ${total} tickets, written to ${out}\n`);
    const { text } = await pdfText(new Uint8Array(readFileSync(out)));
    expect(text.replace(/\s+/g, ' ')).toMatch(new RegExp(`工单 Tickets ${total}\\b`));
    const bad = await runNode(['--import', 'tsx', 'central/cli.ts', 'report', 'weekly', '--week', 'next-week', '--out', out, '--data', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('central: "week" must be a date YYYY-MM-DD (any day of the week, Beijing time), not "next-week"\n');
  });

  it('is for supervisors and administrators only', async () => {
    expect((await get(c.central.url, '/v1/staff/insight/weekly-report.pdf', {})).status).toBe(401);
    const { cookie: staff } = await logInSession(c.central.url, INSIGHT_ACCOUNTS.staff);
    const refused = await get(c.central.url, '/v1/staff/insight/weekly-report.pdf', { cookie: staff });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden-for-role');
    const { cookie: supervisor } = await logInSession(c.central.url, INSIGHT_ACCOUNTS.supervisor);
    const allowed = await get(c.central.url, '/v1/staff/insight/weekly-report.pdf', { cookie: supervisor });
    expect(allowed.status).toBe(200);
    expect(Buffer.from(await allowed.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
