/**
 * Station staff answer a passenger's ticket, and the passenger reads the answer where they look
 * for it. A passenger files a gate report at the kiosk (the real runtime: store, flows, reader on
 * pcscd/vpcd, its page in real Chromium; a real central). A station staff member logs in at
 * /login/ with their own account, opens the ticket on the staff page, assigns it to themselves,
 * writes an internal note (one that looks like markup), replies to the passenger with a new
 * status and signs out (the session ends: the staff page no longer opens as them). The passenger then asks the kiosk for the ticket's status by typing its number (the lookup syncs
 * with central first, without waiting for the kiosk's 60 s poll): the
 * reply and the status in words, in Chinese and in English, and never the note. The ticket page
 * the kiosk's QR code points to, opened on a phone, says the same and nothing of the note or of
 * who handled it. Screenshots in test-output/staff-reply/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoStationName } from '../../central/seed/demo-stations.js';
import { TICKET_ID_PATTERN } from '../../shared/ticket.js';
import { ensurePagesBuilt } from '../support/admin-pages.js';
import { launchChromium } from '../support/browser.js';
import { startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';
import { signIn } from '../support/staff-session.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'staff-reply');
const STAFF = { username: 'chen.jing', displayName: '陈静', password: 'chen-jing-password-1', role: 'station-staff' as const, stationId: 'GZ-L3-TYXL' };
const REPLY = '3号闸机已修好，请重新刷卡进站。Gate 3 is fixed; please tap your card again.';
/** Words only the note has: none of them may reach the passenger. */
const NOTE_MARKERS = ['INTERNAL', 'spare reader', 'alert('];
const NOTE = '<i>INTERNAL</i> spare reader from the store room, swapped <script>alert(1)</script>';

let kiosk: KioskUnderTest;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The staff page as central serves it (dist/pages), rebuilt when a source is newer.
  await ensurePagesBuilt();
  kiosk = await startKioskUnderTest({}, { central: { accounts: [STAFF] } });
  // The station named as an administrator names it, so that staff read its name and not its id.
  await seedDemoStationName(kiosk.central.storage, new Date());
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await kiosk?.close();
});

const shot = (page: Page, name: string, fullPage = false): Promise<Buffer> => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });

async function typeOnKeyboard(text: string): Promise<void> {
  for (const ch of text) await kiosk.page.locator(`.keyboard [data-key="${ch === ' ' ? 'space' : ch}"]`).click();
}

/** The passenger files a gate report at the kiosk (no phone number) and walks away; returns the ticket number and the QR code's link. */
async function fileReport(): Promise<{ ticketId: string; statusUrl: string }> {
  const { page } = kiosk;
  await page.getByTestId('start').click();
  await page.getByTestId('menu-report').click();
  await page.locator('[data-category="gate"]').click();
  await page.locator('main[data-screen="report-describe"]').waitFor();
  await typeOnKeyboard('zha');
  await page.locator('[data-candidate="闸"]').click();
  await typeOnKeyboard('ji');
  await page.locator('[data-candidate="机"]').click();
  await page.getByTestId('mode-latin').click();
  await typeOnKeyboard(' 3 red light');
  await page.waitForFunction(() => document.querySelector('[data-testid="description"]')?.textContent?.startsWith('闸机 3 red light'));
  await page.getByTestId('next').click();
  await page.locator('main[data-screen="report-phone"]').waitFor();
  await page.getByTestId('skip').click();
  await page.locator('main[data-screen="report-review"]').waitFor();
  await page.getByTestId('submit').click();
  const idText = page.getByTestId('ticket-id');
  await idText.waitFor({ timeout: 20_000 });
  const ticketId = (await idText.textContent()) ?? '';
  expect(ticketId).toMatch(TICKET_ID_PATTERN);
  await page.locator('[data-testid="qr"] svg').waitFor();
  const statusUrl = (await page.getByTestId('qr').getAttribute('data-qr')) ?? '';
  // This kiosk has no printer: the screen says so and keeps the QR code in front.
  await page.getByRole('button', { name: '重新打印' }).waitFor();
  await shot(page, '01-kiosk-ticket-filed');
  // Done, no rating: the kiosk goes back to its start screen for the next passenger.
  await page.getByTestId('done').click();
  await page.locator('main[data-screen="survey"]').waitFor();
  await page.getByRole('button', { name: '跳过' }).click();
  await page.locator('main[data-screen="attract"]').waitFor();
  return { ticketId, statusUrl };
}

/** What the note must never leave behind on a passenger's page: its words, in the text or in the markup. */
async function expectNoNote(page: Page, scope: string): Promise<void> {
  const text = await page.locator('body').innerText();
  const html = await page.content();
  for (const marker of NOTE_MARKERS) {
    expect(text, `${scope}: the text shows "${marker}"`).not.toContain(marker);
    expect(html, `${scope}: the markup holds "${marker}"`).not.toContain(marker);
  }
  expect(await page.locator('i').count(), `${scope}: an <i> element`).toBe(0);
}

describe('a station staff member answers a passenger’s ticket', () => {
  it('the reply and the new status reach the kiosk’s ticket status and the ticket page; the internal note reaches neither', async () => {
    const { ticketId, statusUrl } = await fileReport();
    await eventually('the ticket at central', () => kiosk.central.storage.getTicket(ticketId));

    // ---- The staff member, in their own browser, logged in as themselves.
    const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const staff = await staffContext.newPage();
    const pageErrors: string[] = [];
    staff.on('pageerror', (e) => pageErrors.push(e.message));
    await signIn(staff, kiosk.central.url, STAFF);
    expect(staff.url()).toBe(`${kiosk.central.url}/staff/`);

    const row = staff.locator(`#tickets tr[data-ticket-id="${ticketId}"]`);
    await row.waitFor({ timeout: 15_000 });
    const rowText = (await row.textContent()) ?? '';
    for (const w of ['已受理，等待处理 Received, waiting to be handled', '闸机 Gate', '体育西路站', '闸机 3 red light']) expect(rowText).toContain(w);
    expect(rowText).not.toContain('GZ-L3-TYXL');
    await row.click();
    const detail = staff.locator('#detail');
    await detail.waitFor({ state: 'visible' });
    expect(await staff.locator('#detail-title').textContent()).toBe(`${ticketId} · 已受理，等待处理 Received, waiting to be handled`);
    const assignee = staff.locator('#detail-fields dt:has-text("负责人 Assignee") + dd');
    expect(await assignee.textContent()).toBe('无人 Nobody');

    // Assign it to themselves.
    await staff.selectOption('#assign-form select[name=assignee]', STAFF.username);
    await staff.click('#assign-form button[type=submit]');
    await expect.poll(() => assignee.textContent(), { timeout: 10_000 }).toBe(STAFF.displayName);

    // The internal note: on the staff page as the characters typed, never as markup.
    await staff.fill('#note-form textarea[name=text]', NOTE);
    await staff.click('#note-form button[type=submit]');
    const noteItem = staff.locator('#activity li', { hasText: '内部备注 Internal note' });
    await noteItem.waitFor({ timeout: 10_000 });
    expect(await noteItem.locator('div').textContent()).toBe(NOTE);
    expect(await noteItem.textContent()).toContain(STAFF.displayName);
    expect(await staff.locator('#activity i, #activity script').count()).toBe(0);
    expect(await staff.locator('#activity li', { hasText: '指派给 Assigned to' }).locator('div').textContent()).toBe(STAFF.displayName);
    await shot(staff, '02-staff-assigned-and-noted', true);

    // The reply to the passenger, with the new status.
    await staff.fill('#reply-form textarea[name=text]', REPLY);
    await staff.selectOption('#reply-form select[name=status]', 'resolved');
    await staff.click('#reply-form button[type=submit]');
    await expect.poll(() => staff.locator('#detail-title').textContent(), { timeout: 10_000 }).toBe(`${ticketId} · 已解决 Resolved`);
    const replyItem = staff.locator('#history li').last();
    expect(await replyItem.locator('.status').textContent()).toBe('已解决 Resolved');
    expect(await replyItem.locator('div').textContent()).toBe(REPLY);
    expect(await replyItem.textContent()).toContain(STAFF.displayName);
    // What the passenger sees, as the staff page lists it: the reply, not the note.
    for (const marker of NOTE_MARKERS) expect(await staff.locator('#history').textContent()).not.toContain(marker);
    expect(await staff.locator('#status-error').textContent()).toBe('');
    await expect.poll(() => row.locator('.status').textContent()).toBe('已解决 Resolved');
    expect(await row.locator('.assignee').textContent()).toBe(STAFF.displayName);
    await shot(staff, '03-staff-replied', true);

    // Done: they sign out, and this browser no longer opens the staff page as them.
    await staff.getByRole('button', { name: '退出 Sign out' }).click();
    await staff.waitForURL(`${kiosk.central.url}/login/`);
    const asked = staff.waitForResponse((r) => new URL(r.url()).pathname === '/v1/session');
    await staff.goto(`${kiosk.central.url}/staff/`);
    expect((await asked).status()).toBe(401);
    expect(await staff.locator('#app').isHidden()).toBe(true);
    expect(await staff.locator('#tickets tbody tr').count()).toBe(0);
    expect(pageErrors).toEqual([]);

    // ---- The kiosk polls central every 60 s; a passenger's lookup does not wait for that poll:
    // it asks for a sync first, so the reply made a moment ago is what the passenger reads.
    const cachedBefore = (await kiosk.runtime.parts.store.caches.ticketStatus(ticketId))?.status;

    // ---- The passenger comes back and asks the kiosk: menu, ticket status, the number typed on the keypad.
    const { page } = kiosk;
    await page.getByTestId('start').click();
    await page.getByTestId('menu-status').click();
    await page.locator('main[data-screen="status-entry"]').waitFor();
    for (const ch of ticketId) await page.locator(`.keypad [data-key="${ch}"]`).click();
    await page.waitForFunction((id) => document.querySelector('[data-testid="ticket-entry"]')?.textContent?.startsWith(id), ticketId);
    await page.getByTestId('next').click();
    const card = page.getByTestId('ticket-status');
    await card.waitFor({ timeout: 20_000 });
    expect(await card.getAttribute('data-status')).toBe('resolved');
    // (printed so a run shows whether the lookup's own sync brought the reply, or a poll had)
    console.log(`staff reply: the kiosk's cache said "${cachedBefore ?? 'nothing'}" before the passenger's lookup, which showed "resolved"`);
    const zh = (await card.innerText()).split('\n').filter((l) => l.trim() !== '');
    expect(zh[0]).toBe(ticketId);
    expect(zh[1]).toBe('已解决 · 闸机');
    expect(zh[2]).toBe('工作人员的回复');
    expect(zh[3]).toBe(REPLY);
    expect(zh[4]).toMatch(/^更新于 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d$/);
    await expectNoNote(page, 'kiosk, Chinese');
    await shot(page, '04-kiosk-status-zh');

    // The same answer in English, after the language button.
    await page.getByTestId('language').click();
    await expect.poll(() => card.innerText()).toContain('Resolved · Gate');
    const en = (await card.innerText()).split('\n').filter((l) => l.trim() !== '');
    expect(en.slice(2, 4)).toEqual(['Reply from our staff', REPLY]);
    expect(await card.innerText()).toMatch(/Updated \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d/);
    expect(await card.innerText()).not.toContain('已解决');
    await expectNoNote(page, 'kiosk, English');
    await shot(page, '05-kiosk-status-en');

    // ---- The ticket page the QR code points to, on the passenger's phone (not logged in).
    expect(statusUrl).toBe(`${kiosk.central.url}/t/${ticketId}`);
    const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });
    const phone = await phoneContext.newPage();
    const answer = await phone.goto(statusUrl);
    expect(answer?.status()).toBe(200);
    expect(await phone.locator('.id').textContent()).toBe(ticketId);
    expect(await phone.locator('.status').textContent()).toBe('已解决 Resolved');
    expect(await phone.locator('.status + .note').textContent()).toBe(REPLY);
    const history = phone.locator('ol li');
    expect(await history.count()).toBe(2);
    expect(await history.nth(0).locator('strong').textContent()).toBe('已受理，等待处理 Received, waiting to be handled');
    expect(await history.nth(1).locator('strong').textContent()).toBe('已解决 Resolved');
    expect(await history.nth(1).locator('.note').textContent()).toBe(REPLY);
    const pageText = await phone.locator('body').innerText();
    expect(pageText).toContain('闸机 Gate');
    // Nothing of who handled it or of what the passenger wrote.
    for (const hidden of [STAFF.username, STAFF.displayName, '3 red light']) expect(pageText).not.toContain(hidden);
    await expectNoNote(phone, 'ticket page');
    await shot(phone, '06-ticket-page-phone', true);

    await staffContext.close();
    await phoneContext.close();
  }, 180_000);
});
