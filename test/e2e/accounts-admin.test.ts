/**
 * Personal accounts in real Chromium: an administrator logs in at /login/, adds an agent account
 * on /admin/, signs out; the agent logs in and lands in the agent console, logged in by the
 * session cookie. A wrong password shows words, not codes. Every screen is saved under
 * test-output/accounts/ (looked at as a station supervisor would).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../central/accounts/seed.js';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { startAdminPages, type AdminPagesRig } from '../support/admin-pages.js';
import type { KioskBrowser } from '../support/browser.js';
import { signIn, submitLogin } from '../support/staff-session.js';

const ADMIN = { username: 'zhang.admin', displayName: '张伟', password: 'zhang-admin-password-1', role: 'administrator' as const };

describe('personal accounts in the browser', () => {
  let rig: AdminPagesRig;
  let central: RunningCentral;
  let browser: KioskBrowser;
  const shot = (page: Page, name: string): Promise<void> => rig.shot(page, name);

  beforeAll(async () => {
    rig = await startAdminPages({ shots: 'accounts', accounts: [ADMIN] });
    ({ central, browser } = rig);
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('a wrong password is told in words; the account page is not reachable without logging in', async () => {
    const { page } = browser;
    await page.goto(`${central.url}/admin/`);
    await page.waitForURL(/\/login\/\?next=%2Fadmin%2F/);
    await submitLogin(page, central.url, { username: ADMIN.username, password: 'not-the-password' });
    await expect.poll(() => page.textContent('[data-testid=login-error]')).toBe('用户名或密码不正确。');
    await shot(page, '01-login-wrong-password-zh');
    await page.click('[data-testid=language]');
    await expect.poll(() => page.textContent('h1')).toBe('Staff sign-in');
    await page.click('[data-testid=language]');
  });

  it('an administrator adds an agent account; the agent logs in and is in the console', async () => {
    const { page } = browser;
    await signIn(page, central.url, ADMIN);
    await page.waitForURL(`${central.url}/admin/`);
    await page.waitForSelector('[data-testid=accounts] tr[data-username="zhang.admin"]');
    expect(await page.textContent('[data-testid=account-bar]')).toContain('张伟（系统管理员）');
    await shot(page, '02-admin-accounts-zh');

    await page.fill('[data-testid=new-username]', 'li.na');
    await page.fill('[data-testid=new-display-name]', '李娜');
    await page.selectOption('[data-testid=new-role]', 'agent');
    await page.fill('[data-testid=new-password]', 'li-na-first-password');
    await page.click('[data-testid=add-account-submit]');
    const row = page.locator('[data-testid=accounts] tr[data-username="li.na"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('视频客服');
    expect(await page.textContent('[data-testid=page-error]')).toBe('已添加账户 li.na。');
    await shot(page, '03-admin-agent-added-zh');

    // A hostile name is refused with words; nothing is added, nothing is rendered as markup.
    await page.fill('[data-testid=new-username]', '<img src=x onerror=alert(1)>');
    await page.fill('[data-testid=new-password]', 'some-password-0123');
    await page.click('[data-testid=add-account-submit]');
    await expect.poll(() => page.textContent('[data-testid=page-error]')).toMatch(/^未能完成：/);
    expect(await page.locator('[data-testid=accounts] img').count()).toBe(0);
    expect((await central.storage.accounts.list()).map((a) => a.username).sort()).toEqual(['li.na', 'zhang.admin']);

    await page.click('[data-testid=sign-out]');
    await page.waitForURL(`${central.url}/login/`);

    await signIn(page, central.url, { username: 'li.na', password: 'li-na-first-password' });
    await page.waitForURL(`${central.url}/console/`);
    await page.waitForSelector('[data-testid=set-available]:visible');
    // The account bar names who is logged in, once.
    expect(await page.textContent('[data-testid=account-bar]')).toContain('李娜');
    expect(await page.textContent('#me')).toBe('');
    // An agent's console opens in Chinese, as central's other pages do, unless this browser chose English.
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.textContent('[data-testid=set-available]')).toBe('空闲');
    await shot(page, '04-agent-console-after-login');

    const audit = await central.storage.accounts.listAudit({ limit: 20, offset: 0 });
    expect(audit.map((e) => [e.actor, e.action])).toEqual(expect.arrayContaining([['zhang.admin', 'account-add'], ['li.na', 'login'], ['li.na', 'agent-console-connect']]));
  });

  it('in demo mode the login page lists the demo logins and every page shows DEMO', async () => {
    const demoDir = mkdtempSync(join(tmpdir(), 'accounts-e2e-demo-'));
    const demo = await startCentral({ storage: { engine: 'sqlite', file: join(demoDir, 'central.sqlite') }, dataDir: demoDir, accounts: DEMO_ACCOUNTS, demoLogins: DEMO_ACCOUNTS, auth: { demo: true } });
    try {
      const { page } = browser;
      await page.goto(`${demo.url}/login/`);
      await page.waitForSelector('[data-testid=demo-banner]');
      expect(await page.textContent('[data-testid=demo-logins]')).toContain('demo-admin-password');
      await shot(page, '05-demo-login');
      for (const [name, lands] of [
        ['demo-admin', '/admin/'],
        ['demo-supervisor', '/staff/'],
        ['demo-agent', '/console/'],
      ] as const) {
        await signIn(page, demo.url, { username: name, password: `${name}-password` });
        await page.waitForURL(`${demo.url}${lands}`);
        await page.waitForSelector('[data-testid=demo-banner]');
        await shot(page, `06-demo-${name}`);
        await page.context().clearCookies();
      }
    } finally {
      await demo.close();
      rmSync(demoDir, { recursive: true, force: true });
    }
  });
});
