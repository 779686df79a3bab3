/**
 * The emergency alarm in the agent console, in real Chromium against a real central (no kiosk
 * runtime, no card reader): a kiosk's alarm arrives through the sync API as the kiosk's outbox
 * sends it (with the station's name and the kiosk's place from the kiosk's settings), and the console of an agent logged in at /login/ as themselves shows the red banner at
 * the top with where it is in words (the station's name and where the kiosk stands, never ids) and
 * when in Beijing time, in the console's language and after switching it. Screens in
 * test-output/console/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { uuidv7 } from '../../shared/ids.js';
import type { EmergencyAlarm } from '../../shared/sync.js';
import { agentAccount, loginAgent } from '../support/agent-console.js';
import { call, item } from '../support/central.js';
import { startCentralPages, type CentralPages } from '../support/central-pages.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'console');
const AGENT = agentAccount('li.na', '李娜 Li Na');
const ADMIN = { username: 'ops.admin', role: 'administrator' as const, apiToken: 'console-alarm-admin-token-0123456789' };
const STATION = { id: 'GZ-TIYUXILU', name: { zh: '体育西路', en: 'Tiyu Xilu' }, lines: [{ zh: '1号线', en: 'Line 1' }] };
const KIOSK = { id: 'GZ0102', location: 'B出口旁 By exit B' };

describe('the emergency alarm in the agent console', () => {
  let pages: CentralPages | undefined;
  let central: RunningCentral;
  let browser: Browser;
  let kioskToken = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    pages = await startCentralPages({ kiosks: [], accounts: [AGENT, ADMIN] });
    ({ central, browser } = pages);
    // The administrators name the station and register the kiosk with where it stands.
    const named = await call(central.url, 'PUT', `/v1/admin/stations/${STATION.id}`, { token: ADMIN.apiToken, body: { name: STATION.name, lines: STATION.lines } });
    expect(named.status, named.text).toBeLessThan(300);
    const added = await call(central.url, 'POST', '/v1/admin/kiosks', { token: ADMIN.apiToken, body: { id: KIOSK.id, stationId: STATION.id, location: KIOSK.location } });
    expect(added.status, added.text).toBeLessThan(300);
    kioskToken = (added.body as { token: string }).token;
  }, 180_000);

  afterAll(async () => {
    await pages?.close();
  });

  it('an emergency at a kiosk shows in the console as a red banner, where and when in words', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
    const agent = await context.newPage();
    try {
      await loginAgent(agent, central.url, AGENT, false);
      const banner = agent.getByTestId('alarm-banner');
      expect(await banner.isHidden()).toBe(true);

      // The kiosk's emergency button: its alarm, as the outbox sends it (the station's name and the kiosk's place from its settings).
      const alarm: EmergencyAlarm = {
        id: uuidv7(),
        kioskId: KIOSK.id,
        stationId: STATION.id,
        stationName: STATION.name,
        location: { zh: KIOSK.location, en: KIOSK.location },
        raisedAt: new Date().toISOString(),
        language: 'zh',
        card: null,
      };
      const sent = await call(central.url, 'POST', `/v1/kiosks/${KIOSK.id}/batches`, { token: kioskToken, body: { items: [item(1, { kind: 'alarm', alarm })] } });
      expect((sent.body as { acks: unknown[] }).acks, sent.text).toHaveLength(1);

      await banner.waitFor({ state: 'visible', timeout: 20_000 });
      expect(await banner.evaluate((n) => getComputedStyle(n).backgroundColor)).toBe('rgb(176, 0, 32)');
      expect(await banner.evaluate((n) => n === document.body.firstElementChild)).toBe(true);
      const where = async (): Promise<string> => (await agent.getByTestId('alarm-where').textContent()) ?? '';
      const text = async (): Promise<string> => (await banner.textContent()) ?? '';
      // The console opens in the agent's language (Chinese unless they chose English).
      const lang = await agent.evaluate(() => document.documentElement.lang);
      const first = await where();
      if (lang.startsWith('zh')) for (const w of ['紧急求助', '体育西路', KIOSK.location]) expect(first).toContain(w);
      else for (const w of ['Emergency', 'Tiyu Xilu', KIOSK.location]) expect(first).toContain(w);
      for (const id of [KIOSK.id, STATION.id]) expect(await text()).not.toContain(id);
      expect(await agent.getByTestId('alarm-when').first().textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      await agent.screenshot({ path: join(SHOTS, `01-console-alarm-banner-${lang.startsWith('zh') ? 'zh' : 'en'}.png`) });

      // The agent switches language: the banner follows.
      await agent.getByTestId('lang').click();
      const other = lang.startsWith('zh') ? 'Tiyu Xilu' : '体育西路';
      await expect.poll(where, { timeout: 10_000 }).toContain(other);
      for (const id of [KIOSK.id, STATION.id]) expect(await text()).not.toContain(id);
      await agent.screenshot({ path: join(SHOTS, `02-console-alarm-banner-${lang.startsWith('zh') ? 'en' : 'zh'}.png`) });
    } finally {
      await context.close();
    }
  }, 120_000);
});
