/**
 * The silent-kiosk alert on the staff page, in real Chromium, as station staff read it: their own
 * station's silent kiosk by the station's name, where the kiosk stands and since when (Beijing
 * time), in Chinese and in English — never the kiosk's id, and never another station's kiosk.
 * Screens in test-output/staff/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { beijingTime } from '../../shared/shanghai-date.js';
import { callOk } from '../support/central.js';
import { startCentralPages, type CentralPages } from '../support/central-pages.js';
import { signIn } from '../support/staff-session.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'staff');
const ADMIN = { username: 'ops.admin', role: 'administrator' as const, password: 'ops-admin-password-1', apiToken: 'silent-alert-admin-token-0123456789' };
const TIYU_STAFF = { username: 'wang.fang', displayName: '王芳', role: 'station-staff' as const, stationId: 'GZ-TIYUXILU', password: 'wang-fang-password-1' };
const STATIONS = {
  'GZ-TIYUXILU': { name: { zh: '体育西路', en: 'Tiyu Xilu' }, lines: [{ zh: '1号线', en: 'Line 1' }] },
  'GZ-GONGYUANQIAN': { name: { zh: '公园前', en: 'Gongyuanqian' }, lines: [{ zh: '2号线', en: 'Line 2' }] },
};
/** Silent: its last heartbeat long ago. */
const SILENT = { id: 'GZ0102', stationId: 'GZ-TIYUXILU', location: 'B出口旁 客服中心 By exit B, service centre' };
/** Heard from a minute ago: no alert. */
const HEARD = { id: 'GZ0103', stationId: 'GZ-TIYUXILU', location: 'C出口 By exit C' };
/** Another station's kiosk, never heard from: not Tiyu Xilu staff's business. */
const ELSEWHERE = { id: 'GZ0201', stationId: 'GZ-GONGYUANQIAN', location: 'A出口 By exit A' };
const MIN = 60_000;

describe('the silent-kiosk alert on the staff page', () => {
  let pages: CentralPages | undefined;
  let central: RunningCentral;
  let browser: Browser;
  let clock = Date.now();
  /** When the silent kiosk was last heard from. */
  const lastBeat = Date.now() - 95 * MIN;

  async function logIn(language: 'zh' | 'en'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: language === 'zh' ? 'zh-CN' : 'en-GB' });
    // The staff page's language switch keeps the choice here.
    await context.addInitScript((lang) => localStorage.setItem('central-language', lang), language);
    const page = await context.newPage();
    await signIn(page, central.url, TIYU_STAFF, '/staff/');
    return page;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The staff page as central serves it (dist/pages), built from these sources.
    pages = await startCentralPages({ kiosks: [], accounts: [ADMIN, TIYU_STAFF], kioskSilentAfterSeconds: 15 * 60, now: () => new Date(clock) });
    ({ central, browser } = pages);
    for (const [id, station] of Object.entries(STATIONS)) await callOk(central.url, 'PUT', `/v1/admin/stations/${id}`, ADMIN.apiToken, station);
    const tokens = new Map<string, string>();
    for (const k of [SILENT, HEARD, ELSEWHERE]) {
      const { token } = (await callOk(central.url, 'POST', '/v1/admin/kiosks', ADMIN.apiToken, { id: k.id, stationId: k.stationId, location: k.location })) as { token: string };
      tokens.set(k.id, token);
    }
    const beat = async (kioskId: string, at: number): Promise<void> => {
      clock = at;
      await callOk(central.url, 'POST', `/v1/kiosks/${kioskId}/heartbeat`, tokens.get(kioskId)!, {
        kioskVersion: '1.4.2',
        nodeVersion: 'v24.22.3',
        uptimeSeconds: 600,
        devices: [],
        outbox: { pending: 0, rejected: 0, oldestPendingAt: null },
        disk: { freeBytes: 1e9, totalBytes: 4e9 },
        clockOffsetMs: 0,
        sentAt: new Date(at).toISOString(),
      });
    };
    await beat(SILENT.id, lastBeat);
    await beat(HEARD.id, Date.now() - MIN);
    clock = Date.now();
  }, 180_000);

  afterAll(async () => {
    await pages?.close();
  });

  it('names the station, where the kiosk stands and since when in Beijing time, in Chinese', async () => {
    const page = await logIn('zh');
    try {
      const alert = page.getByTestId('fleet-alert');
      await alert.waitFor({ state: 'visible', timeout: 20_000 });
      const items = alert.getByTestId('silent-kiosk');
      expect(await items.count()).toBe(1);
      const text = await alert.innerText();
      expect(text).toContain('⚠ 终端失联');
      expect(await items.first().innerText()).toBe(`体育西路 · ${SILENT.location} · 自北京时间 ${beijingTime(lastBeat)} 起无联系（95 分钟前）`);
      // Words, not ids; and nothing of the other station, nor of the kiosk heard from a minute ago.
      for (const absent of [SILENT.id, SILENT.stationId, ELSEWHERE.id, '公园前', ELSEWHERE.location, HEARD.location]) expect(text).not.toContain(absent);
      await page.screenshot({ path: join(SHOTS, 'silent-kiosk-alert-zh.png'), fullPage: false });
    } finally {
      await page.context().close();
    }
  });

  it('says the same in English', async () => {
    const page = await logIn('en');
    try {
      const alert = page.getByTestId('fleet-alert');
      await alert.waitFor({ state: 'visible', timeout: 20_000 });
      expect(await alert.innerText()).toContain('⚠ Kiosk silent');
      expect(await alert.getByTestId('silent-kiosk').allInnerTexts()).toEqual([`Tiyu Xilu · ${SILENT.location} · silent since ${beijingTime(lastBeat)} Beijing time (95 min ago)`]);
      await page.screenshot({ path: join(SHOTS, 'silent-kiosk-alert-en.png'), fullPage: false });
    } finally {
      await page.context().close();
    }
  });
});
