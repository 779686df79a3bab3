/**
 * The supervisor's insight page in real Chromium, on a real central that received two weeks of
 * service through the sync and staff APIs: a supervisor logs in, filters to one station, sees
 * the charts (with their figures as tables) and downloads a view as CSV and the weekly PDF; the
 * page reads in Chinese and English; a station staff member is refused in words, and the API
 * refuses them too. Screens are saved under test-output/insight/ (looked at as a supervisor would).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../shared/shanghai-date.js';
import { dayWords, durationWords, weekOf } from '../../shared/insight-words.js';
import { beijingTime } from '../../shared/shanghai-date.js';
import { openKioskBrowser, type KioskBrowser } from '../support/browser.js';
import { signIn } from '../support/staff-session.js';
import { INSIGHT_ACCOUNTS, INSIGHT_KIOSKS, INSIGHT_STATIONS, sendCalls, sendHeartbeats, sendTwoWeeks, startClockedCentral, writeInsightCallDesk, type ClockedCentral, type SentCall, type SentHeartbeats, type SentWeeks } from '../support/insight-weeks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'insight');
const PAGE_SOURCES = ['insight.ts', 'insight-chart.ts', 'insight-link.ts', 'insight.css', 'insight.html', 'session.ts', 'login.ts', 'staff.ts', 'admin.ts', 'console.ts']
  .map((f) => `central/pages/${f}`)
  .concat('shared/insight-words.ts');

/** Apply the filter form and wait until the page has drawn the figures for it. */
async function apply(page: Page): Promise<void> {
  await page.click('[data-testid=apply]');
  await page.waitForSelector('[data-testid=view]:not([aria-busy]) .view-head');
}

/** central/pages built into dist/pages when missing or older than the page's sources. */
async function ensurePagesBuilt(): Promise<void> {
  const built = join(ROOT, 'dist/pages/insight.html');
  const newest = Math.max(...PAGE_SOURCES.map((f) => statSync(join(ROOT, f)).mtimeMs));
  if (existsSync(built) && statSync(built).mtimeMs >= newest) return;
  await build({ configFile: join(ROOT, 'central/pages/vite.config.ts'), logLevel: 'warn' });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Visible text of the page that looks like a machine key or an ISO date rather than words. */
async function codesOnScreen(page: Page): Promise<string[]> {
  const text = await page.locator('main').innerText();
  const keys = ['GZ-TIYUXILU', 'GZ-GONGYUANQIAN', 'device-fault', 'card-problem', 'ticket-machine', 'station-staff', 'paper-jam', 'card-reader', 'byDay', 'stationId', 'undefined', 'null', 'NaN'];
  const found = keys.filter((k) => text.includes(k));
  const iso = text.match(/\b\d{4}-\d{2}-\d{2}T/g) ?? [];
  return [...found, ...iso];
}

describe('the supervisor insight page', () => {
  let dir: string;
  let c: ClockedCentral;
  let sent: SentWeeks;
  let heartbeats: SentHeartbeats;
  let calls: readonly SentCall[];
  let browser: KioskBrowser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await ensurePagesBuilt();
    dir = mkdtempSync(join(tmpdir(), 'insight-e2e-'));
    writeInsightCallDesk(dir);
    c = await startClockedCentral({ engine: 'sqlite', file: join(dir, 'central.sqlite') }, dir);
    sent = await sendTwoWeeks(c);
    heartbeats = await sendHeartbeats(c, sent.days);
    calls = await sendCalls(c);
    browser = await openKioskBrowser({ width: 1360, height: 1000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await c?.central.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a supervisor filters to one station, sees the charts and downloads the CSV', async () => {
    const { page } = browser;
    const url = c.central.url;
    // From the staff page, where a supervisor lands, one link away.
    await signIn(page, url, INSIGHT_ACCOUNTS.supervisor, '/staff/');
    await page.click('[data-testid=insight-link]');
    await page.waitForURL(`${url}/insight/`);
    await page.waitForSelector('[data-testid=chart-tickets-by-day] canvas');
    expect(await page.textContent('h1')).toBe('服务洞察');
    // This week, Monday to today, as the figures and the charts say.
    const week = weekOf(shanghaiDate(Date.now()));
    const thisWeek = sent.tickets.filter((t) => t.day >= week.from);
    await expect.poll(() => page.textContent('[data-testid=sum-tickets] .value')).toBe(String(thisWeek.length));
    await shot(page, '01-supervisor-this-week-zh');

    // Last 30 days, one station.
    await page.click('[data-testid=range-last30]');
    await page.waitForSelector('[data-testid=chart-tickets-by-day] canvas');
    await page.selectOption('[data-testid=filter-station]', INSIGHT_KIOSKS.gongyuanqian.stationId);
    await apply(page);
    await page.waitForURL(/station=GZ-GONGYUANQIAN/);
    const gongyuanqian = sent.tickets.filter((t) => t.stationId === INSIGHT_KIOSKS.gongyuanqian.stationId);
    await expect.poll(() => page.textContent('[data-testid=sum-tickets] .value')).toBe(String(gongyuanqian.length));
    // The chart's figures as a table: one row per day, the category in words, and every count of the station's.
    const table = page.locator('[data-testid=chart-tickets-by-day-table]');
    const head = (await table.locator('thead').textContent()) ?? '';
    expect(head).toContain('售票机');
    expect(head).not.toContain('闸机');
    const cells = await table.locator('tbody td').allTextContents();
    expect(cells.reduce((n, v) => n + Number(v), 0)).toBe(gongyuanqian.length);
    expect(await codesOnScreen(page)).toEqual([]);
    // Each chart is an image to a screen reader, labelled with what it shows.
    const label = await page.locator('[data-testid=chart-tickets-by-day] canvas').getAttribute('aria-label');
    expect(await page.locator('[data-testid=chart-tickets-by-day] canvas').getAttribute('role')).toBe('img');
    expect(label).toMatch(/^每天的工单（按类别）\. 售票机, 最多在 \d+月\d+日: 1$/);
    await shot(page, '02-supervisor-gongyuanqian-30-days-zh');

    // The CSV of that view: the station's days only.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=csv-byDay]')]);
    const csv = readFileSync((await download.path()), 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/day/);
    const rows = lines.slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes('ticket-machine'))).toBe(true);
    expect(rows.map((r) => Number(r.split(',').at(-1))).reduce((n, v) => n + v, 0)).toBe(gongyuanqian.length);

    // The weekly PDF of last week, from the page's link.
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=weekly-report]')]);
    expect(pdf.suggestedFilename()).toBe(`weekly-report-${weekOf(shanghaiDate(Date.now() - 7 * 86_400_000)).from}.pdf`);
    expect(readFileSync((await pdf.path())).subarray(0, 5).toString()).toBe('%PDF-');

    // The other views, each drawn.
    for (const [tab, chart] of [
      ['response', 'chart-response-times'],
      ['satisfaction', 'chart-satisfaction-by-day'],
      ['calls', 'chart-calls-by-hour'],
      ['devices', 'chart-faults-by-kiosk'],
    ] as const) {
      await page.click(`[data-testid=tab-${tab}]`);
      await page.waitForSelector(`[data-testid=${chart}], [data-testid=${chart}-empty]`);
      expect(await codesOnScreen(page)).toEqual([]);
      await shot(page, `03-supervisor-gongyuanqian-${tab}-zh`);
    }
  });

  it('reads in English, and a whole network view shows repeats of the same fault', async () => {
    const { page } = browser;
    await page.click('[data-testid=language]');
    await expect.poll(() => page.textContent('h1')).toBe('Service insight');
    // Stations and lines by their names; a line selects the stations it calls at.
    await page.selectOption('[data-testid=filter-station]', '');
    const line2 = INSIGHT_STATIONS['GZ-GONGYUANQIAN'].lines[1];
    expect(await page.locator('[data-testid=filter-line] option').allTextContents()).toEqual(['All', 'Line 1', 'Line 2', 'Line 3']);
    expect(await page.locator('[data-testid=filter-station] option').allTextContents()).toEqual(['All', 'Gongyuanqian', 'Tiyu Xilu']);
    await page.selectOption('[data-testid=filter-line]', line2.zh);
    await apply(page);
    await page.waitForURL(/line=/);
    const onLine2 = sent.tickets.filter((t) => t.stationId === 'GZ-GONGYUANQIAN');
    await expect.poll(() => page.textContent('[data-testid=sum-tickets] .value')).toBe(String(onLine2.length));
    await page.selectOption('[data-testid=filter-line]', '');
    await apply(page);
    await page.click('[data-testid=tab-devices]');
    await page.waitForSelector('[data-testid=chart-faults-by-kiosk] canvas');
    const repeats = sent.faults.length - 1;
    await expect.poll(() => page.textContent('[data-testid=sum-faults] .note')).toBe(`${repeats} repeats within 7 days`);
    expect(await page.locator('[data-testid=devices-table]').innerText()).toContain('Receipt printer');
    expect(await codesOnScreen(page)).toEqual([]);
    await shot(page, '04-supervisor-devices-en');
    await page.click('[data-testid=tab-response]');
    await page.waitForSelector('[data-testid=response-table]');
    await shot(page, '05-supervisor-response-en');
    await page.click('[data-testid=language]');
  });

  it("the calls view: the chart's table and the totals show the calls that were made", async () => {
    const { page } = browser;
    await page.click('[data-testid=range-last30]');
    await apply(page);
    await page.click('[data-testid=tab-calls]');
    await page.waitForSelector('[data-testid=chart-calls-by-hour] canvas');
    // The chart's figures as a table: per Beijing hour, answered / abandoned / not answered, as the calls were made.
    const head = await page.locator('[data-testid=chart-calls-by-hour-table] thead th').allTextContents();
    expect(head).toEqual(['时段', '接通', '放弃', '无人接听']);
    const byHour = new Map<string, number[]>();
    for (const call of calls) {
      const hour = `${beijingTime(call.askedMs).slice(11, 13)}:00`;
      const row = byHour.get(hour) ?? [0, 0, 0];
      row[['answered', 'abandoned', 'unanswered'].indexOf(call.outcome)]! += 1;
      byHour.set(hour, row);
    }
    const rows = await page.locator('[data-testid=chart-calls-by-hour-table] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));
    expect(rows).toHaveLength(24);
    expect(rows.filter((r) => r.slice(1).some((v) => v !== '0'))).toEqual([...byHour.entries()].sort().map(([hour, v]) => [hour, ...v.map(String)]));
    // The totals: offered 3, one of each outcome, no callback; the one answered call waited about 1.2 s.
    const totals = await page.locator('[data-testid=calls-table] tbody td').allTextContents();
    expect(totals.slice(0, 5)).toEqual(['3', '1', '1', '1', '0']);
    for (const wait of totals.slice(5)) expect(wait).toMatch(/^[1-9]\d* 秒$/);
    expect(await page.textContent('[data-testid=sum-calls] .value')).toBe('1');
    expect(await codesOnScreen(page)).toEqual([]);
    await page.locator('[data-testid=chart-calls-by-hour] summary').click();
    await shot(page, '08-supervisor-calls-zh');
  });

  it('the offline kiosks table shows each outage that was sent, in words', async () => {
    const { page } = browser;
    await page.click('[data-testid=range-last30]');
    await apply(page);
    await page.click('[data-testid=tab-devices]');
    await page.waitForSelector('[data-testid=offline-table]');
    // What was sent, counted here: a gap between two heartbeats longer than central's silent time (3 min) is an outage.
    const expected = [...heartbeats.beats.entries()]
      .map(([kioskId, times]) => {
        const gaps = times.slice(1).map((t, i) => t - times[i]!).filter((g) => g > 180_000);
        return { kioskId, outages: gaps.length, minutes: Math.round(gaps.reduce((a, b) => a + b, 0) / 6_000) / 10, last: times.at(-1)! };
      })
      .filter((k) => k.outages > 0)
      .sort((a, b) => b.minutes - a.minutes);
    expect(expected.map((k) => [k.kioskId, k.outages])).toEqual([
      [INSIGHT_KIOSKS.tiyuB.id, 2],
      [INSIGHT_KIOSKS.gongyuanqian.id, 2],
    ]);
    const names: Record<string, string> = {
      [INSIGHT_KIOSKS.tiyuB.id]: `${INSIGHT_STATIONS['GZ-TIYUXILU'].name.zh} · 终端 ${INSIGHT_KIOSKS.tiyuB.ticketCode}`,
      [INSIGHT_KIOSKS.gongyuanqian.id]: `${INSIGHT_STATIONS['GZ-GONGYUANQIAN'].name.zh} · 终端 ${INSIGHT_KIOSKS.gongyuanqian.ticketCode}`,
    };
    const when = (ms: number): string => {
      const [d, time] = beijingTime(ms).split(' ');
      return `${dayWords(d!, 'zh')} ${time!}`;
    };
    const rows = await page.locator('[data-testid=offline-table] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows).toEqual(expected.map((k) => [names[k.kioskId], String(k.outages), durationWords(k.minutes, 'zh'), '否', when(k.last)]));
    expect(await codesOnScreen(page)).toEqual([]);
    await page.locator('[data-testid=offline-table]').scrollIntoViewIfNeeded();
    await shot(page, '07-supervisor-offline-kiosks-zh');
  });

  it('a station staff member is refused, on the page and by the API', async () => {
    const { page } = browser;
    await page.context().clearCookies();
    await page.evaluate(() => localStorage.clear());
    await signIn(page, c.central.url, INSIGHT_ACCOUNTS.staff, '/staff/');
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.locator('[data-testid=insight-link]').count()).toBe(0);
    await page.goto(`${c.central.url}/insight/`);
    await expect.poll(() => page.textContent('[data-testid=not-allowed]')).toBe('服务洞察仅供值班主管和系统管理员使用。');
    expect(await page.locator('[data-testid=filters]').isVisible()).toBe(false);
    const status = await page.evaluate(async () => (await fetch('/v1/staff/insight/tickets')).status);
    expect(status).toBe(403);
    const pdf = await page.evaluate(async () => (await fetch('/v1/staff/insight/weekly-report.pdf')).status);
    expect(pdf).toBe(403);
    await shot(page, '06-station-staff-refused-zh');
  });
});
