/**
 * Central's pages as an attacker's page and a flood of addresses meet them, in real Chromium and
 * through the real app: the agent console cannot be framed by another origin nor open a socket
 * to another host; the staff page shows card numbers masked; the public ticket page's limiter
 * counts an IPv6 /64 as one client and keeps serving new addresses after 10,000 have been seen.
 */
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCentralApp } from '../../central/app.js';
import { clientBucket } from '../../central/ticket-page/rate-limit.js';
import { KIOSKS, STAFF_TOKEN, call, startTestCentral, ticket, ticketItem, type CentralFixture } from '../support/central.js';
import { launchChromium } from '../support/browser.js';
import { agentAccount, loginAgent } from '../support/agent-console.js';

const A = KIOSKS.a;
const FULL = '3104921000012345';
/** The console opens its socket only for a person logged in whose role answers calls. */
const AGENT = agentAccount('li.na', 'Li Na');
let fx: CentralFixture;
let browser: Browser;
let attacker: Server;
let attackerUrl = '';

beforeAll(async () => {
  fx = await startTestCentral('sqlite', [A]);
  const added = await call(fx.central.url, 'POST', '/v1/admin/accounts', { token: STAFF_TOKEN, body: { username: AGENT.username, displayName: AGENT.displayName, role: AGENT.role, password: AGENT.password } });
  if (added.status !== 200 && added.status !== 201) throw new Error(`agent account not added: ${added.status} ${JSON.stringify(added.body)}`);
  browser = await launchChromium();
  // Another origin (another port) that frames the console.
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>evil</title><iframe id="f" src="${fx.central.url}/console/"></iframe>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const address = attacker.address();
  attackerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
  await fx?.dispose();
});

describe('the agent console', () => {
  it('is not shown inside another origin\'s frame', async () => {
    const page = await browser.newPage();
    try {
      const consoleLoaded = page.waitForResponse((r) => r.url() === `${fx.central.url}/console/`);
      await page.goto(attackerUrl);
      expect((await consoleLoaded).headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(frame).toBeDefined();
      // A blocked frame holds Chromium's error page, never the console's document.
      await expect.poll(async () => frame!.evaluate(() => document.title).catch(() => 'blocked'), { timeout: 10_000 }).not.toBe('Station Kiosk · Agent console');
      expect(await frame!.locator('#login-form').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('may open a socket to its own origin only', async () => {
    const page = await browser.newPage();
    try {
      await loginAgent(page, fx.central.url, AGENT, false);
      const port = new URL(fx.central.url).port;
      const outcome = await page.evaluate(
        async ([own, foreign]) => {
          const violations: string[] = [];
          document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
          const tryOpen = (url: string) =>
            new Promise<string>((resolve) => {
              try {
                const ws = new WebSocket(url);
                ws.onopen = () => {
                  ws.close();
                  resolve('open');
                };
                ws.onerror = () => resolve('error');
              } catch (e) {
                resolve(`thrown ${(e as Error).name}`);
              }
            });
          const ownResult = await tryOpen(own!);
          const foreignResult = await tryOpen(foreign!);
          await new Promise((r) => setTimeout(r, 200));
          return { ownResult, foreignResult, violations };
        },
        [`ws://127.0.0.1:${port}/calls/agent`, `ws://localhost:${port}/calls/agent`],
      );
      expect(outcome.ownResult).toBe('open');
      expect(outcome.foreignResult).not.toBe('open');
      expect(outcome.violations.some((v) => v.startsWith('connect-src'))).toBe(true);
    } finally {
      await page.close();
    }
  });
});

describe('the staff page', () => {
  it('shows the card number masked, as central sends it', async () => {
    const t = ticket(A.id, { card: { family: 't-union', cardNumber: FULL, masked: '3104 **** **** 2345', cityCode: '5810', balance: 1250, diagnosis: [] } });
    expect(((await call(fx.central.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(1, t)] } })).body as { acks: unknown[] }).acks).toHaveLength(1);
    const page = await browser.newPage();
    try {
      await page.goto(`${fx.central.url}/staff/`);
      await page.fill('#token', STAFF_TOKEN);
      await page.click('#login button[type=submit]');
      const row = page.locator(`tr[data-ticket-id="${t.id}"]`);
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      await page.locator('#detail-title').filter({ hasText: t.id }).waitFor({ timeout: 15_000 });
      const text = (await page.locator('body').textContent()) ?? '';
      expect(text).toContain('3104 **** **** 2345');
      expect(text).not.toContain(FULL);
      expect(await page.content()).not.toContain(FULL);
    } finally {
      await page.close();
    }
  });
});

describe('the /t/ limiter', () => {
  it('counts every address of one IPv6 /64 as one client', async () => {
    expect(clientBucket('2001:db8:1:2:aaaa::1')).toBe(clientBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect(clientBucket('2001:db8:1:2::1')).not.toBe(clientBucket('2001:db8:1:3::1'));
    expect(clientBucket('::ffff:192.0.2.7')).toBe('192.0.2.7');
    const app = await buildCentralApp({ storage: fx.central.storage, dataDir: fx.dir, ticketPagePerMinute: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 1; i <= 8; i++) statuses.push((await app.inject({ method: 'GET', url: '/t/NOT-A-TICKET', remoteAddress: `2001:db8:1:2::${i.toString(16)}` })).statusCode);
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429, 429]);
      // Another /64 is another client.
      expect((await app.inject({ method: 'GET', url: '/t/NOT-A-TICKET', remoteAddress: '2001:db8:1:3::1' })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('keeps serving a new address after 10,000 others were seen in the same minute', async () => {
    const app = await buildCentralApp({ storage: fx.central.storage, dataDir: fx.dir, ticketPagePerMinute: 100 });
    try {
      for (let i = 0; i < 10_050; i++) {
        const r = await app.inject({ method: 'GET', url: '/t/NOT-A-TICKET', remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
        expect(r.statusCode).toBe(400);
      }
      const late = await app.inject({ method: 'GET', url: '/t/NOT-A-TICKET', remoteAddress: '192.0.2.200' });
      expect(late.statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });
});
