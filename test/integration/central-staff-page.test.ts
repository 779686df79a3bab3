/**
 * The staff page in real Chromium: a ticket with a hostile description is shown as text (no
 * element injected, no script run), and a status change made on the page reaches the kiosk's
 * changes feed.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesResponse, IngestResponse } from '../../shared/sync.js';
import { KIOSKS, STAFF_TOKEN, call, startTestCentral, ticket, ticketItem } from '../support/central.js';
import type { CentralFixture } from '../support/central.js';
import { launchChromium } from '../support/browser.js';

const A = KIOSKS.a;
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'; DROP TABLE tickets;--`;

describe('staff page in Chromium', () => {
  let fx: CentralFixture;
  let browser: Browser;

  beforeAll(async () => {
    fx = await startTestCentral('sqlite', [A]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fx?.dispose();
  });

  it('shows a hostile description as text and sends a status change down to the kiosk', async () => {
    const t = ticket(A.id, { description: HOSTILE });
    const ingest = await call(fx.central.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(1, t)] } });
    expect((ingest.body as IngestResponse).acks).toHaveLength(1);

    const page = await browser.newPage();
    try {
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(`${fx.central.url}/staff/`);
      // A person signs in with their account; the token field is for connected systems.
      const toLogin = page.locator('#to-login');
      expect(await toLogin.isVisible()).toBe(true);
      expect(await toLogin.textContent()).toContain('Log in with your account');
      await toLogin.click();
      await page.waitForURL(`${fx.central.url}/login/?next=%2Fstaff%2F`);
      await page.locator('[data-testid=username]').waitFor({ timeout: 15_000 });
      await page.goto(`${fx.central.url}/staff/`);
      await page.fill('#token', 'wrong-token');
      await page.click('#login button[type=submit]');
      await expect.poll(() => page.textContent('#login-error'), { timeout: 15_000 }).toContain('Invalid token');

      await page.fill('#token', STAFF_TOKEN);
      await page.click('#login button[type=submit]');
      const row = page.locator(`tr[data-ticket-id="${t.id}"]`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.locator('td.description').textContent()).toBe(HOSTILE);
      expect(await page.locator('#tickets img, #tickets script').count()).toBe(0);

      await row.click();
      await page.locator('#detail-title').filter({ hasText: t.id }).waitFor({ timeout: 15_000 });
      expect(await page.locator('#detail-fields dd').first().textContent()).toBe(HOSTILE);

      await page.selectOption('#status-form select[name=status]', 'resolved');
      await page.fill('#status-form textarea[name=note]', '<b>已处理</b> handled');
      await page.click('#status-form button[type=submit]');
      // The history names the signed-in person (the staff token's name), not a typed name.
      await page.locator('#history li').nth(1).waitFor({ timeout: 15_000 });
      expect(await page.locator('#history li').nth(1).textContent()).toContain('staff');
      expect(await page.locator('#history li').nth(1).textContent()).toContain('<b>已处理</b> handled');
      expect(await page.locator('#history b').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
    }

    const feed = await call(fx.central.url, 'GET', `/v1/kiosks/${A.id}/changes?cursor=0`, { token: A.token });
    const statuses = (feed.body as ChangesResponse).changes.filter((c) => c.type === 'ticket-status');
    expect(statuses).toEqual([expect.objectContaining({ type: 'ticket-status', update: expect.objectContaining({ ticketId: t.id, status: 'resolved', note: '<b>已处理</b> handled' }) as unknown })]);
  });
});
