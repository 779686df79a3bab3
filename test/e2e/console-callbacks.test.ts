/**
 * The agent console's callback list, in real Chromium against a real central (no kiosk runtime,
 * no card reader): a kiosk's callback request arrives through the sync API; an agent logged in
 * at /login/ as themselves sees it in the console's to-do list and marks it done after calling
 * back — the stored ticket is then resolved and assigned to that agent's account, and the list
 * says who did it. Screens in test-output/console/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import { agentAccount, loginAgent } from '../support/agent-console.js';
import { KIOSKS, call, ticket, ticketItem } from '../support/central.js';
import { startCentralPages, type CentralPages } from '../support/central-pages.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'console');
const AGENT = agentAccount('li.na', '李娜 Li Na');
const ADMIN_TOKEN = 'console-callbacks-admin-token-0123456789';
const A = KIOSKS.a;

describe('the console’s callback list', () => {
  let pages: CentralPages | undefined;
  let central: RunningCentral;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    pages = await startCentralPages({ kiosks: [A], accounts: [AGENT, { username: 'ops.admin', role: 'administrator', apiToken: ADMIN_TOKEN }] });
    ({ central, browser } = pages);
  }, 180_000);

  afterAll(async () => {
    await pages?.close();
  });

  it('an agent marks a callback done: the ticket is resolved and assigned to their account', async () => {
    const callback = ticket(A.id, { category: 'callback', phone: '13800138000', description: '请回电 Please call me back' });
    const sent = await call(central.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(1, callback)] } });
    expect((sent.body as { acks: unknown[] }).acks, sent.text).toHaveLength(1);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await loginAgent(page, central.url, AGENT, false);
      // Presence in words, not codes.
      expect(await page.getByTestId('presence').textContent()).toBe('on break');
      await expect.poll(async () => page.locator('#agents li').allTextContents(), { timeout: 10_000 }).toEqual([`${AGENT.displayName}: on break`]);
      const row = page.locator(`#callbacks li[data-ticket-id="${callback.id}"]`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.textContent()).toContain('13800138000');
      await row.getByTestId('callback-done').click();
      await page.locator(`#callbacks li.done[data-ticket-id="${callback.id}"]`).waitFor({ timeout: 15_000 });
      expect(await page.locator('#work-error').textContent()).toBe('');
      expect(await page.locator(`#callbacks li.done[data-ticket-id="${callback.id}"]`).textContent()).toContain(AGENT.username);
      await page.screenshot({ path: join(SHOTS, 'callback-marked-done.png') });
    } finally {
      await context.close();
    }

    const stored = await call(central.url, 'GET', `/v1/staff/tickets/${callback.id}`, { token: ADMIN_TOKEN });
    expect(stored.body).toMatchObject({ ticket: { status: 'resolved', assignee: AGENT.username } });
  }, 120_000);
});
