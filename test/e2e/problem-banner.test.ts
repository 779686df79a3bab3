/**
 * The problem banner in real Chromium: a kiosk's receipt printer runs out of paper three times in
 * a day and five gate reports come in at another station within an hour; central opens one
 * problem for each. A station staff member logged in at /login/ sees their station's problem at
 * the top of the staff page in words — the station's name, where the kiosk stands, the device
 * and its fault, how many times, since when and the latest in Beijing time, the linked ticket —
 * and not the other station's; the other station's staff see only theirs. Screenshots in
 * test-output/problems/ (looked at as station staff would).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { uuidv7 } from '../../shared/ids.js';
import { beijingTime, shanghaiDate } from '../../shared/shanghai-date.js';
import type { SyncItem } from '../../shared/sync.js';
import { makeTicketId, type Ticket } from '../../shared/ticket.js';
import { callOk } from '../support/central.js';
import { startCentralPages, type CentralPages } from '../support/central-pages.js';
import { signIn } from '../support/staff-session.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'problems');
const ADMIN = { username: 'ops.admin', role: 'administrator' as const, password: 'ops-admin-password-1', apiToken: 'problem-banner-admin-token-0123456789' };
const TIYU_STAFF = { username: 'wang.fang', displayName: '王芳', role: 'station-staff' as const, stationId: 'GZ-TIYUXILU', password: 'wang-fang-password-1' };
const GYQ_STAFF = { username: 'li.lei', displayName: '李雷', role: 'station-staff' as const, stationId: 'GZ-GONGYUANQIAN', password: 'li-lei-password-12' };
const STATIONS = {
  'GZ-TIYUXILU': { name: { zh: '体育西路', en: 'Tiyu Xilu' }, lines: [{ zh: '1号线', en: 'Line 1' }] },
  'GZ-GONGYUANQIAN': { name: { zh: '公园前', en: 'Gongyuanqian' }, lines: [{ zh: '2号线', en: 'Line 2' }] },
};
const TIYU_KIOSK = { id: 'GZ0102', stationId: 'GZ-TIYUXILU', location: 'B出口旁 客服中心 By exit B, service centre' };
const GYQ_KIOSK = { id: 'GZ0201', stationId: 'GZ-GONGYUANQIAN', location: 'A出口 By exit A' };
const H = 3_600_000;
const MIN = 60_000;

describe('the problem banner on the staff page', () => {
  let pages: CentralPages | undefined;
  let central: RunningCentral;
  let browser: Browser;
  const tokens = new Map<string, string>();
  const seqs = new Map<string, number>();
  const now = Date.now();
  const faultTimes = [now - 5 * H, now - 3 * H, now - 10 * MIN];
  let faultTicketId = '';

  const send = async (kioskId: string, items: Omit<SyncItem, 'seq'>[]): Promise<void> => {
    const withSeq = items.map((it) => {
      const n = (seqs.get(kioskId) ?? 0) + 1;
      seqs.set(kioskId, n);
      return { ...it, seq: n };
    });
    const answer = (await callOk(central.url, 'POST', `/v1/kiosks/${kioskId}/batches`, tokens.get(kioskId)!, { items: withSeq })) as { rejects: unknown[] };
    expect(answer.rejects).toEqual([]);
  };
  const ticketItem = (kiosk: typeof TIYU_KIOSK, n: number, ms: number, over: Partial<Ticket>): Omit<SyncItem, 'seq'> => {
    const ticket: Ticket = {
      id: makeTicketId(kiosk.id, shanghaiDate(ms), n),
      category: 'gate',
      description: '闸机不开 The gate did not open',
      phone: null,
      card: null,
      stationId: kiosk.stationId,
      kioskId: kiosk.id,
      createdAt: new Date(ms).toISOString(),
      language: 'zh',
      ...over,
    };
    return { id: uuidv7(), createdAt: ticket.createdAt, payload: { kind: 'ticket', ticket } };
  };

  async function logIn(who: { username: string; password: string }): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, central.url, who, '/staff/');
    return page;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The staff page and its banner as central serves them (dist/pages), built from these sources.
    pages = await startCentralPages({ kiosks: [], accounts: [ADMIN, TIYU_STAFF, GYQ_STAFF] });
    ({ central, browser } = pages);
    // The administrators name the stations and register the kiosks with where they stand, as on the administration page.
    for (const [id, station] of Object.entries(STATIONS)) await callOk(central.url, 'PUT', `/v1/admin/stations/${id}`, ADMIN.apiToken, station);
    for (const k of [TIYU_KIOSK, GYQ_KIOSK]) {
      const { token } = (await callOk(central.url, 'POST', '/v1/admin/kiosks', ADMIN.apiToken, { id: k.id, stationId: k.stationId, location: k.location })) as { token: string };
      tokens.set(k.id, token);
    }
    // Tiyu Xilu: the receipt printer runs out of paper three times in five hours; the first time the kiosk filed a device-fault ticket.
    const faultTicket = ticketItem(TIYU_KIOSK, 1, faultTimes[0]! + 1000, { category: 'device-fault', description: '凭条打印机缺纸 Receipt printer out of paper', faultKey: 'printer:paper-out' });
    faultTicketId = (faultTicket.payload as { ticket: Ticket }).ticket.id;
    for (const [i, at] of faultTimes.entries()) {
      await send(TIYU_KIOSK.id, [
        { id: uuidv7(), createdAt: new Date(at).toISOString(), payload: { kind: 'device-event', event: { device: 'printer', event: 'paper-out', severity: 'fault', detail: null } } },
        ...(i === 0 ? [faultTicket] : []),
      ]);
    }
    // Gongyuanqian: five passengers report a gate that did not open within 40 minutes.
    await send(GYQ_KIOSK.id, [0, 10, 20, 30, 40].map((m, i) => ticketItem(GYQ_KIOSK, i + 1, now - 2 * H + m * MIN, {})));
    // The kiosks were answered once their items were stored; central decides on problems right after.
    await central.problemsSettled();
  }, 180_000);

  afterAll(async () => {
    await pages?.close();
  });

  it("shows the station's own problem in words to its staff, and not the other station's", async () => {
    const page = await logIn(TIYU_STAFF);
    const banner = page.getByTestId('problem-alert');
    await banner.waitFor({ state: 'visible', timeout: 20_000 });
    const items = banner.locator('li');
    expect(await items.count()).toBe(1);
    const text = await banner.innerText();
    expect(text).toContain('⚠ 反复出现的问题 Problems that keep coming back');
    // What repeats where: the station by name, the kiosk, the device and its fault, in both languages.
    expect(text).toContain('终端 GZ0102（体育西路站）的凭条打印机反复出现“缺纸”：24 小时内 3 次以上');
    expect(text).toContain('Receipt printer at kiosk GZ0102 (Tiyu Xilu station) keeps failing — out of paper: 3 or more times within 24 hours');
    // Where the kiosk stands, how many, since when and the latest (Beijing time), and the ticket.
    expect(text).toContain(`终端位置 Kiosk location: ${TIYU_KIOSK.location}`);
    expect(text).toContain('共 3 次 3 reports');
    expect(text).toContain(`自 since ${beijingTime(faultTimes[0])}`);
    expect(text).toContain(`最近 latest ${beijingTime(faultTimes[2])}（北京时间 Beijing time）`);
    expect(text).toContain(`工单 tickets ${faultTicketId}`);
    // Nothing of the other station's problem, and no machine words.
    expect(text).not.toContain('公园前');
    expect(text).not.toContain('Gongyuanqian');
    for (const code of ['GZ-TIYUXILU', 'paper-out', 'printer:', 'undefined', 'null', 'NaN']) expect(text).not.toContain(code);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    // The banner stands above the tickets, at the top of the page.
    const box = await banner.boundingBox();
    expect(box!.y).toBeLessThan(200);
    await page.screenshot({ path: join(SHOTS, 'problem-banner-tiyu-staff.png') });
    await page.context().close();
  });

  it("the other station's staff see their own station's problem only", async () => {
    const page = await logIn(GYQ_STAFF);
    const banner = page.getByTestId('problem-alert');
    await banner.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await banner.innerText();
    expect(await banner.locator('li').count()).toBe(1);
    expect(text).toContain('公园前站的“闸机”工单集中出现：1 小时内 5 张以上');
    expect(text).toContain('Many “Gate” reports at Gongyuanqian station: 5 or more within 1 hour');
    expect(text).toContain('共 5 次 5 reports');
    expect(text).toContain(`自 since ${beijingTime(now - 2 * H)}`);
    expect(text).not.toContain('终端位置');
    expect(text).not.toContain('体育西路');
    expect(text).not.toContain('GZ0102');
    await page.screenshot({ path: join(SHOTS, 'problem-banner-gongyuanqian-staff.png') });
    await page.context().close();
  });
});
