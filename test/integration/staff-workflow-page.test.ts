/**
 * The staff page's ticket work and fleet view in real Chromium: staff assign a ticket, write an
 * internal note and a reply; the reply reaches the kiosk's changes feed and the public page
 * /t/{id}, the note reaches neither. An overdue ticket is highlighted; a silent kiosk raises
 * an alert. Screenshots go to test-output/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesResponse } from '../../shared/sync.js';
import { KIOSKS, STAFF_TOKEN, call, startTestCentral, ticket, ticketItem } from '../support/central.js';
import type { CentralFixture } from '../support/central.js';
import { launchChromium } from '../support/browser.js';

const A = KIOSKS.a;
const B = KIOSKS.b;
const OUT = 'test-output/staff-workflow';

describe('staff ticket work and fleet view in Chromium', () => {
  let fx: CentralFixture;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    fx = await startTestCentral('sqlite', [A, B]);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fx?.dispose();
  });

  it('assigns, notes internally, replies to the passenger, highlights the overdue and alerts on a silent kiosk', async () => {
    // Filed six hours ago: a gate ticket (target 4 h) is overdue.
    const sixHoursAgo = new Date(Date.now() - 6 * 3_600_000).toISOString();
    const t = ticket(A.id, { category: 'gate', description: '进站闸机不开门，刷了三次都不行', createdAt: sixHoursAgo });
    expect((await call(fx.central.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(1, t)] } })).status).toBe(200);
    const beat = {
      kioskVersion: '1.4.2',
      nodeVersion: 'v24.22.3',
      uptimeSeconds: 600,
      devices: [{ device: 'printer', state: 'fault' }, { device: 'card-reader', state: 'ok' }],
      outbox: { pending: 3, rejected: 0, oldestPendingAt: null },
      disk: { freeBytes: 1e9, totalBytes: 4e9 },
      clockOffsetMs: 2400,
      sentAt: new Date().toISOString(),
    };
    expect((await call(fx.central.url, 'POST', `/v1/kiosks/${A.id}/heartbeat`, { token: A.token, body: beat })).status).toBe(200);
    const cursor = ((await call(fx.central.url, 'GET', `/v1/kiosks/${A.id}/changes?cursor=0`, { token: A.token })).body as ChangesResponse).cursor;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(`${fx.central.url}/staff/`);
      await page.fill('#token', STAFF_TOKEN);
      await page.click('#login button[type=submit]');
      const row = page.locator(`tr[data-ticket-id="${t.id}"]`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.getAttribute('class')).toContain('overdue');
      expect(await row.locator('td.due').textContent()).toContain('已超时 Overdue');

      // B never sent a heartbeat: the alert names it.
      await page.locator('[data-testid=fleet-alert]:visible').waitFor({ timeout: 15_000 });
      expect(await page.textContent('[data-testid=fleet-alert]')).toContain(B.id);
      expect(await page.textContent('[data-testid=fleet-alert]')).not.toContain(A.id);

      await row.click();
      await page.locator('#detail-title').filter({ hasText: t.id }).waitFor({ timeout: 15_000 });
      await page.selectOption('#assign-form select[name=assignee]', 'staff');
      await page.click('#assign-form button[type=submit]');
      await expect.poll(() => page.textContent('#activity'), { timeout: 15_000 }).toContain('指派给 Assigned to');
      await page.fill('#note-form textarea[name=text]', '内部：先查闸机日志 <i>INTERNAL</i>');
      await page.click('#note-form button[type=submit]');
      await expect.poll(() => page.textContent('#activity'), { timeout: 15_000 }).toContain('INTERNAL');
      expect(await page.locator('#activity i').count()).toBe(0);
      await page.fill('#reply-form textarea[name=text]', '维修人员已到场，闸机已修复。The gate is fixed.');
      await page.selectOption('#reply-form select[name=status]', 'resolved');
      await page.click('#reply-form button[type=submit]');
      await expect.poll(() => page.textContent('#history'), { timeout: 15_000 }).toContain('闸机已修复');
      expect(await page.textContent('#history')).not.toContain('INTERNAL');
      // The next reply leaves the status as it is unless the person chooses again.
      expect(await page.inputValue('#reply-form select[name=status]')).toBe('');
      await expect.poll(() => row.getAttribute('class'), { timeout: 15_000 }).not.toContain('overdue');
      expect(await page.isVisible('#reopen-form')).toBe(true);
      await page.screenshot({ path: `${OUT}/ticket-worked.png`, fullPage: true });

      await page.click('[data-testid=fleet-tab]');
      const fleetRow = page.locator(`#fleet tr[data-kiosk-id="${A.id}"]`);
      await fleetRow.waitFor({ timeout: 15_000 });
      const cells = await fleetRow.locator('td').allTextContents();
      expect(cells[2]).toBe('在线 Online');
      expect(cells[4]).toBe('1.4.2');
      expect(cells[5]).toBe('凭条打印机 Receipt printer: 故障 Fault');
      expect(cells[6]).toBe('3');
      expect(cells[7]).toBe('慢 2.4 秒 2.4 s behind');
      expect(await page.locator(`#fleet tr[data-kiosk-id="${B.id}"] td`).nth(2).textContent()).toBe('离线 Offline');
      await page.screenshot({ path: `${OUT}/fleet-alert.png`, fullPage: true });
    } finally {
      await page.close();
    }

    // The passenger: the reply at the kiosk (changes feed) and on the public page; never the note.
    const feed = (await call(fx.central.url, 'GET', `/v1/kiosks/${A.id}/changes?cursor=${cursor}`, { token: A.token })).body as ChangesResponse;
    expect(feed.changes.filter((c) => c.type === 'ticket-status')).toEqual([
      expect.objectContaining({ update: expect.objectContaining({ ticketId: t.id, status: 'resolved', note: '维修人员已到场，闸机已修复。The gate is fixed.' }) as unknown }),
    ]);
    expect(JSON.stringify(feed)).not.toContain('INTERNAL');
    const publicPage = await browser.newPage();
    try {
      await publicPage.goto(`${fx.central.url}/t/${t.id}`);
      const text = (await publicPage.textContent('body')) ?? '';
      expect(text).toContain('维修人员已到场，闸机已修复。The gate is fixed.');
      expect(text).toContain('已解决');
      expect(text).not.toContain('INTERNAL');
      await publicPage.screenshot({ path: `${OUT}/public-page.png`, fullPage: true });
    } finally {
      await publicPage.close();
    }
  });
});
