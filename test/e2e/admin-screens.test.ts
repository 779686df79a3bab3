/**
 * The administration page in real Chromium against a real central (SQLite file): an
 * administrator names a station, registers a kiosk (its token shown once, and it opens the
 * kiosk's sync) and gives it a new token (the old one stops), enrols a technician by pasting the
 * card's public key (a wrong key is refused in words) and revokes them, writes and publishes a
 * help article after previewing it as the kiosk shows it (the kiosk's change feed carries it),
 * blocks a card (shown masked), and reads the audit filtered by action; a station-staff account
 * is refused the page. Every screen is saved under test-output/admin/.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import type { DownChange } from '../../shared/sync.js';
import { startAdminPages, type AdminPagesRig } from '../support/admin-pages.js';
import type { KioskBrowser } from '../support/browser.js';
import { signIn } from '../support/staff-session.js';

const ADMIN = { username: 'chen.admin', displayName: '陈静', password: 'chen-admin-password-1', role: 'administrator' as const };
const STAFF = { username: 'he.staff', displayName: '何强', password: 'he-staff-password-01', role: 'station-staff' as const, stationId: 'GZ-TIYUXILU' };

const notice = (page: Page) => page.textContent('[data-testid=page-error]');

describe('the administration page in the browser', () => {
  let rig: AdminPagesRig;
  let central: RunningCentral;
  let browser: KioskBrowser;
  let kioskToken = '';
  const shot = (page: Page, name: string): Promise<void> => rig.shot(page, name);

  const sync = async (kioskId: string, token: string): Promise<{ status: number; changes: DownChange[] }> => {
    const res = await fetch(`${central.url}/v1/kiosks/${kioskId}/changes?cursor=0&limit=500`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { changes?: DownChange[] };
    return { status: res.status, changes: body.changes ?? [] };
  };

  beforeAll(async () => {
    rig = await startAdminPages({ shots: 'admin', accounts: [ADMIN, STAFF] });
    ({ central, browser } = rig);
  }, 120_000);

  afterAll(async () => {
    await rig?.close();
  });

  it('an administrator names a station, registers a kiosk there (token shown once) and gives it a new token', async () => {
    const { page } = browser;
    await signIn(page, central.url, ADMIN);
    await page.waitForURL(`${central.url}/admin/`);

    await page.click('[data-testid=tab-stations]');
    await page.fill('[data-testid=station-code]', 'GZ-TIYUXILU');
    await page.fill('[data-testid=station-name-zh]', '体育西路站');
    await page.fill('[data-testid=station-name-en]', 'Tiyu Xilu Station');
    await page.fill('[data-testid=station-lines-zh]', '1号线、3号线');
    await page.fill('[data-testid=station-lines-en]', 'Line 1, Line 3');
    await page.click('[data-testid=station-save]');
    await page.locator('[data-testid=stations] tr[data-station="GZ-TIYUXILU"]').waitFor();
    expect(await notice(page)).toBe('已保存车站 体育西路站。');
    expect(await page.textContent('[data-testid=stations] tr[data-station="GZ-TIYUXILU"]')).toContain('1号线、3号线');
    await shot(page, '01-stations-zh');

    await page.click('[data-testid=tab-kiosks]');
    await page.fill('[data-testid=kiosk-id]', 'GZ0301');
    await page.selectOption('[data-testid=kiosk-station]', 'GZ-TIYUXILU');
    await page.fill('[data-testid=kiosk-location]', 'B 出口旁客服中心 · by exit B');
    await page.click('[data-testid=register-kiosk-submit]');
    await page.waitForSelector('[data-testid=kiosk-token]');
    kioskToken = (await page.textContent('[data-testid=kiosk-token]')) ?? '';
    expect(kioskToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const box = (await page.textContent('[data-testid=kiosk-token-box]')) ?? '';
    expect(box).toContain('/etc/station-kiosk/kiosk.json');
    expect(box).toContain(`"url": "${central.url}"`);
    expect(box).toContain('只显示这一次');
    const row = page.locator('[data-testid=kiosks] tr[data-kiosk="GZ0301"]');
    expect(await row.textContent()).toContain('体育西路站（1号线、3号线）');
    expect(await row.textContent()).toContain('从未联系');
    expect((await sync('GZ0301', kioskToken)).status).toBe(200);
    await shot(page, '02-kiosk-registered-token-once-zh');

    // Once closed (or the page left), the token is nowhere on the page or in the list central answers.
    await page.click('[data-testid=kiosk-token-done]');
    expect(await page.content()).not.toContain(kioskToken);
    await page.reload();
    await page.waitForSelector('[data-testid=kiosks] tr[data-kiosk="GZ0301"]');
    expect(await page.content()).not.toContain(kioskToken);

    // After a heartbeat the list says when central last heard from it, in Beijing time.
    const hb = await fetch(`${central.url}/v1/kiosks/GZ0301/heartbeat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${kioskToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kioskVersion: '0.1.0', nodeVersion: 'v24.22.3', uptimeSeconds: 5, devices: [], outbox: { pending: 0, rejected: 0, oldestPendingAt: null }, disk: { freeBytes: 1e9, totalBytes: 2e9 }, clockOffsetMs: 0, sentAt: new Date().toISOString() }),
    });
    expect(hb.status).toBeLessThan(300);
    await page.reload();
    const beijingNow = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await expect.poll(async () => page.locator('[data-testid=kiosks] tr[data-kiosk="GZ0301"]').textContent()).toContain(beijingNow);

    await page.click('[data-testid=kiosks] tr[data-kiosk="GZ0301"] [data-testid=rotate-token]');
    await expect.poll(async () => page.textContent('[data-testid=kiosk-token]')).not.toBe(kioskToken);
    const rotated = (await page.textContent('[data-testid=kiosk-token]')) ?? '';
    expect(rotated).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await notice(page)).toBe('已为终端 GZ0301 更换令牌：旧令牌立即失效。');
    expect((await sync('GZ0301', kioskToken)).status).toBe(401);
    expect((await sync('GZ0301', rotated)).status).toBe(200);
    kioskToken = rotated;
    await shot(page, '03-kiosk-token-rotated-zh');
  });

  it('enrols a technician by the card’s public key (a wrong key is refused in words) and revokes them', async () => {
    const { page } = browser;
    await page.click('[data-testid=tab-technicians]');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await page.fill('[data-testid=technician-id]', 'T-0042');
    await page.fill('[data-testid=technician-name]', '林涛');
    await page.fill('[data-testid=technician-key]', rsa);
    await page.click('[data-testid=enrol-technician-submit]');
    await expect.poll(() => notice(page)).toBe('未能完成：the key must be ECDSA P-256 (prime256v1)');
    expect(await central.storage.listTechnicians()).toEqual([]);
    await shot(page, '04-technician-wrong-key-zh');

    const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await page.fill('[data-testid=technician-key]', pem);
    await page.click('[data-testid=enrol-technician-submit]');
    const row = page.locator('[data-testid=technicians] tr[data-technician="T-0042"]');
    await row.waitFor();
    expect(await notice(page)).toBe('已登记维修人员 林涛：各终端下次同步后接受其维修卡。');
    expect(await row.textContent()).toContain('可用');
    expect((await central.storage.listTechnicians()).map((t) => [t.technicianId, t.name, t.revokedAt])).toEqual([['T-0042', '林涛', null]]);
    await shot(page, '05-technician-enrolled-zh');

    await row.locator('[data-testid=revoke-technician]').click();
    await expect.poll(async () => row.textContent()).toContain('已吊销');
    expect((await central.storage.listTechnicians())[0]?.revokedAt).not.toBeNull();
    await shot(page, '06-technician-revoked-zh');
  });

  it('writes a help article, previews it as the kiosk shows it, publishes it; the kiosk’s feed carries it', async () => {
    const { page } = browser;
    await page.click('[data-testid=tab-faq]');
    await page.click('[data-testid=faq-new]');
    await page.selectOption('[data-testid=faq-category]', 'service');
    await page.fill('[data-testid=faq-title-zh]', '站内哪里可以充值？');
    await page.fill('[data-testid=faq-title-en]', 'Where can I top up in the station?');
    await page.fill('[data-testid=faq-body-zh]', '客服中心和自动售票机都可以充值。\n\n自动售票机只收现金和扫码支付。');
    await page.fill('[data-testid=faq-body-en]', 'At the service centre and at the ticket machines.\n\nTicket machines take cash and QR payments only.');
    await expect.poll(() => page.locator('[data-testid=faq-preview-zh] p').count()).toBe(2);
    expect(await page.textContent('[data-testid=faq-preview-en] h2')).toBe('Where can I top up in the station?');
    expect(await page.textContent('[data-testid=faq-preview-en] p >> nth=1')).toBe('Ticket machines take cash and QR payments only.');
    await shot(page, '07-faq-editor-preview-zh');
    await page.click('[data-testid=faq-publish]');
    await expect.poll(() => notice(page)).toBe('已发布“站内哪里可以充值？”：各终端下次同步后显示。');
    await page.locator('[data-testid=faq-articles] tr[data-article="where-can-i-top-up-in-the-station"]').waitFor();
    const feed = (await sync('GZ0301', kioskToken)).changes.filter((c): c is Extract<DownChange, { type: 'faq' }> => c.type === 'faq');
    expect(feed.map((c) => c.article.title.zh)).toContain('站内哪里可以充值？');

    // Editing it again publishes the new text.
    await page.click('[data-testid=faq-articles] tr[data-article="where-can-i-top-up-in-the-station"] [data-testid=faq-edit]');
    await page.fill('[data-testid=faq-body-en]', 'At the service centre by exit B and at every ticket machine.');
    await page.click('[data-testid=faq-publish]');
    await expect.poll(async () => (await central.storage.listFaq()).find((a) => a.id === 'where-can-i-top-up-in-the-station')?.body.en).toBe('At the service centre by exit B and at every ticket machine.');
    await shot(page, '08-faq-list-zh');
  });

  it('blocks a card, shown masked; the audit lists what was done in words, filtered by action', async () => {
    const { page } = browser;
    await page.click('[data-testid=tab-blocklist]');
    await page.fill('[data-testid=block-number]', '3104 9210 0001 2345');
    await page.fill('[data-testid=block-reason]', '乘客挂失 Reported lost by the passenger');
    await page.click('[data-testid=block-card-submit]');
    const row = page.locator('[data-testid=blocklist] tr[data-card="3104 **** **** 2345"]');
    await row.waitFor();
    expect(await notice(page)).toBe('卡 3104 **** **** 2345 已加入黑名单：各终端下次同步后生效。');
    expect(await page.content()).not.toContain('3104921000012345');
    expect((await central.storage.listBlocklist()).map((e) => e.cardNumber)).toEqual(['3104921000012345']);
    await shot(page, '09-blocklist-zh');

    await page.click('[data-testid=tab-audit]');
    await page.waitForSelector('[data-testid=audit] tbody tr');
    const text = (await page.textContent('[data-testid=audit]')) ?? '';
    for (const words of ['登记终端', '更换终端令牌', '登记维修人员', '吊销维修人员', '发布帮助文章', '加入黑名单', '编辑车站', '陈静']) expect(text).toContain(words);
    expect(text).not.toMatch(/\/v1\/|status \d|kiosk-register|3104921000012345/);
    await shot(page, '10-audit-zh');
    await page.selectOption('[data-testid=audit-action]', 'kiosk-rotate-token');
    await page.click('[data-testid=audit-filter-submit]');
    await expect.poll(() => page.locator('[data-testid=audit] tbody tr').count()).toBe(1);
    expect(await page.textContent('[data-testid=audit] tbody tr')).toContain('GZ0301');
    await page.click('[data-testid=language]');
    await expect.poll(() => page.textContent('[data-testid=audit] thead')).toContain('Time (Beijing time)');
    expect(await page.textContent('[data-testid=audit] tbody tr')).toContain('Replaced a kiosk token');
    await shot(page, '11-audit-filtered-en');
    await page.click('[data-testid=tab-kiosks]');
    await page.waitForSelector('[data-testid=kiosks] tr[data-kiosk="GZ0301"]');
    await shot(page, '12-kiosks-en');
    await page.click('[data-testid=language]');
    await page.click('[data-testid=sign-out]');
    await page.waitForURL(`${central.url}/login/`);
  });

  it('a station-staff account is refused the administration page, and its calls are refused too', async () => {
    const { page } = browser;
    await signIn(page, central.url, STAFF);
    await page.waitForURL(`${central.url}/staff/`);
    await page.goto(`${central.url}/admin/`);
    await page.waitForSelector('[data-testid=not-allowed]');
    expect(await page.textContent('[data-testid=not-allowed]')).toBe('您的角色无权使用此页面。');
    expect(await page.locator('#tabs button').count()).toBe(0);
    const status = await page.evaluate(async () => (await fetch('/v1/admin/kiosks')).status);
    expect(status).toBe(403);
    await shot(page, '13-station-staff-refused-zh');
  });
});
