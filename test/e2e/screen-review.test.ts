/**
 * The screen review: every passenger screen and the technician's screens, in Chinese and
 * English, with large text off and on, walked through the real runtime (store, flows, PC/SC
 * reader on vpcd, UI server) with a real central, by taps of simulated cards and clicks in
 * real Chromium. Each screen is saved under test-output/screens/ and checked as a passenger
 * would read it (test/support/screen-review.ts): no ids or codes, no text out of its box, no
 * touch target under 60 px, no time without a date on trip and transaction lists. One runtime
 * serves the whole walk.
 */
import { mkdir, rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TECHNICIAN } from '../../central/seed/demo-technician.js';
import { seedDemoFaq } from '../../central/seed/demo-faq.js';
import type { Language } from '../../shared/ui-protocol.js';
import { STAFF_TOKEN, startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';
import { agentAccount, loginAgent } from '../support/agent-console.js';
import { notAboveTheFold, reviewScreen } from '../support/screen-review.js';

const SCREENS = fileURLToPath(new URL('../../test-output/screens/', import.meta.url));
const TECHNICIAN_PIN = '482913';
/** Machine-like text a passenger is meant to copy: ticket ids and the link under a QR code. */
const EXEMPT = ['[data-testid="ticket-id"]', '[data-testid="call-ticket-id"]', '[data-testid="qr-url"]', '.ticket-id'];

/** One agent at central: on break for the callback offer, available for a call, in wrap-up (busy) for the queue. */
const AGENT = agentAccount('li.na', 'Li Na');
const WRAP_UP_SECONDS = 20;
/** The kiosk's own screen, upright (docs/appliance.md); the walk itself runs at the browser's 1280×1024. */
const UPRIGHT = { width: 1080, height: 1920 };

let kiosk: KioskUnderTest;
let agentPage: Page;
const problems: string[] = [];
const seen: string[] = [];

beforeAll(async () => {
  await rm(SCREENS, { recursive: true, force: true });
  await mkdir(SCREENS, { recursive: true });
  kiosk = await startKioskUnderTest(
    { publicBaseUrl: 'https://kf.metro.example' },
    { calls: { agents: [AGENT], queue: { ringTimeoutSeconds: 60, wrapUpSeconds: WRAP_UP_SECONDS } }, media: true },
  );
  // The help articles are at central before the agent logs in: the console lists them at login.
  await seedDemoFaq(kiosk.central.storage, new Date());
  agentPage = await kiosk.browser.context.newPage();
  await loginAgent(agentPage, kiosk.central.url, AGENT, false);
  await kiosk.page.bringToFront();
  const res = await fetch(`${kiosk.central.url}/v1/staff/technicians/${DEMO_TECHNICIAN.technicianId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: DEMO_TECHNICIAN.name, publicKeyPem: DEMO_TECHNICIAN.publicKeyPem }),
  });
  expect(res.status).toBeLessThan(300);
  kiosk.runtime.parts.sync?.syncNow();
  await eventually('technician and FAQ pulled from central', async () => (await kiosk.runtime.parts.store.caches.technician(DEMO_TECHNICIAN.technicianId)) !== null, 60_000);
}, 120_000);

afterAll(async () => {
  await kiosk?.close();
});

/**
 * The agent's console and the kiosk share one browser: the page in front is the one being used.
 * A page left behind another gets its animation frames only now and then in headless Chromium,
 * and every click on it waits for them (measured: 1.8 s a keypad key instead of 50 ms).
 */
async function asAgent<T>(work: () => Promise<T>): Promise<T> {
  await agentPage.bringToFront();
  try {
    return await work();
  } finally {
    await kiosk.page.bringToFront();
  }
}

async function setAgent(status: 'available' | 'on-break'): Promise<void> {
  await asAgent(async () => {
    await agentPage.click(`[data-testid=set-${status}]`);
    await agentPage.waitForSelector(`[data-testid=presence][data-presence=${status}]`, { timeout: 60_000 });
  });
}

const screen = (name: string) => kiosk.page.locator(`main[data-screen="${name}"]`).waitFor({ timeout: 30_000 });

/** Saves the screen and records what reads badly on it. */
async function review(variant: string, name: string): Promise<void> {
  const { page } = kiosk;
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SCREENS, `${variant}-${name}.png`), fullPage: true });
  seen.push(`${variant}-${name}`);
  for (const p of await reviewScreen(page, { exempt: EXEMPT })) problems.push(`${variant} ${name}: ${p}`);
}

/** Sets language and text size with the header's own buttons (they are session settings, reset at the start screen). */
async function settle(lang: Language, large: boolean): Promise<void> {
  const { page } = kiosk;
  const language = page.getByTestId('language');
  // The button is labelled in the other language: its `lang` names the language it switches to.
  if ((await language.getAttribute('lang')) === lang) await language.click();
  await expect.poll(async () => language.getAttribute('lang')).not.toBe(lang);
  const largeText = page.getByTestId('large-text');
  if ((await largeText.getAttribute('aria-pressed')) !== String(large)) await largeText.click();
  await expect.poll(async () => largeText.getAttribute('aria-pressed')).toBe(String(large));
}

async function home(): Promise<void> {
  await kiosk.page.getByTestId('home').click();
  await screen('menu');
}

async function tapAndReview(variant: string, image: string, shot: string, wait: string, more?: () => Promise<void>): Promise<void> {
  const card = await kiosk.tap(image);
  try {
    await kiosk.page.locator(wait).first().waitFor({ timeout: 30_000 });
    await review(variant, shot);
    await more?.();
  } finally {
    await card.remove();
  }
}

/**
 * A Beijing card's balance shows before its family is told (its purse DF is named PBOC; MF file
 * 0x04 tells Beijing after the balance): the card slowed after its balance keeps the screen there
 * long enough to review it — the balance of a "transit card", nothing yet about where it pays — then
 * the whole read names the family and says it does not pay at this Guangzhou station.
 */
async function beijingCardBeforeAndAfterItsFamily(variant: string, lang: Language): Promise<void> {
  const { page } = kiosk;
  // each answer after the balance 1.2 s late (under the reader's 2 s command timeout): SELECT 3F00, MF file 0x04, the log's records
  const late = ['00A40000023F00', '00B084', '00B2'].map((command) => ({ command, ms: 1_200 }));
  const card = await kiosk.tap('beijing', { delays: late });
  try {
    await page.getByTestId('balance').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('balance-card').textContent()).toContain(lang === 'zh' ? '交通卡' : 'Transit card');
    expect(await page.locator('[data-testid="diagnosis"]').count()).toBe(0);
    await review(variant, 'balance-before-family');
    await page.locator('[data-testid="diagnosis"][data-code="not-accepted"]').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('balance-card').textContent()).toContain(lang === 'zh' ? '北京一卡通' : 'Beijing Yikatong');
    await review(variant, 'balance-beijing-card');
  } finally {
    await card.remove();
  }
}

/**
 * A passenger who taps a card sees, without scrolling, the balance, what was found about the card
 * and the newest trip (its date, time and station in words), in either text size, at the walk's
 * screen size and on the upright kiosk screen (where the whole screen is reviewed again).
 */
async function balanceAboveTheFold(variant: string, lang: Language): Promise<void> {
  const { page } = kiosk;
  const newest = (await page.getByTestId('trip').first().textContent()) ?? '';
  expect(newest).toMatch(lang === 'zh' ? /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/ : /\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}/);
  expect(newest).toContain(lang === 'zh' ? '体育西路' : 'Tiyu Xilu');
  const first = ['[data-testid="balance"]', '[data-testid="diagnosis"]', '[data-testid="trip"]'];
  for (const p of await notAboveTheFold(page, first)) problems.push(`${variant} balance-open-trips: ${p}`);
  const size = page.viewportSize()!;
  await page.setViewportSize(UPRIGHT);
  try {
    await review(variant, 'balance-open-trips-upright');
    for (const p of await notAboveTheFold(page, first)) problems.push(`${variant} balance-open-trips-upright: ${p}`);
  } finally {
    await page.setViewportSize(size);
  }
}

async function walk(lang: Language, large: boolean): Promise<void> {
  const { page } = kiosk;
  const v = `${lang}-${large ? 'large' : 'normal'}`;
  await screen('attract');
  await settle(lang, large);
  await review(v, 'attract');
  await page.getByTestId('start').click();
  await screen('menu');
  await review(v, 'menu');

  // Cards: balance with trips and transactions, a card of another city that does not pay here, an unreadable card.
  await page.getByTestId('menu-balance').click();
  await screen('card-wait');
  await review(v, 'card-wait');
  await tapAndReview(v, 't-union-open-trip', 'balance-open-trips', '[data-testid="trips"] [data-testid="trip"]', () => balanceAboveTheFold(v, lang));
  await home();
  await beijingCardBeforeAndAfterItsFamily(v, lang);
  await home();
  await tapAndReview(v, 'garbage', 'card-unreadable', '[data-testid="card-error"]');
  await home();
  await tapAndReview(v, 'non-transit', 'card-unsupported', '[data-testid="card-error"]');
  await home();

  // Help articles.
  await page.getByTestId('menu-faq').click();
  await page.locator('[data-faq-category]').first().waitFor({ timeout: 30_000 });
  await review(v, 'faq-categories');
  await page.locator('[data-faq-category]').first().click();
  await page.locator('[data-faq-article]').first().waitFor({ timeout: 30_000 });
  await review(v, 'faq-list');
  await page.locator('[data-faq-article]').first().click();
  await page.getByTestId('faq-article').waitFor();
  await review(v, 'faq-article');
  await home();
  await page.getByTestId('menu-faq').click();
  await page.getByTestId('faq-search-open').click();
  await page.getByTestId('keyboard').waitFor();
  await review(v, 'faq-search');
  await home();

  // A call with no agent on duty: the callback offer.
  await setAgent('on-break');
  await page.getByTestId('menu-call').click();
  await page.locator('[data-testid="call-phase"][data-phase="callback-offer"], main[data-screen="call"] [data-testid="call-phone"]').first().waitFor({ timeout: 60_000 });
  await review(v, 'call-callback-offer');
  await page.locator('main[data-screen="call"] button', { hasText: lang === 'zh' ? '不留号码' : 'No number' }).click();
  await page.getByTestId('call-ticket-id').waitFor({ timeout: 30_000 });
  await review(v, 'call-callback-done');
  await page.getByTestId('call-done').click();
  await screen('menu');

  // A call the agent answers, with a help article the agent puts on screen.
  await setAgent('available');
  await page.getByTestId('menu-call').click();
  await asAgent(async () => {
    await agentPage.waitForSelector('[data-testid=offer]:visible', { timeout: 30_000 });
    await agentPage.click('[data-testid=answer]');
  });
  await page.locator('[data-testid=call-screen][data-phase=in-call]').waitFor({ timeout: 30_000 });
  await asAgent(async () => {
    await agentPage.waitForSelector('#faq-id option[value=card-expired]', { state: 'attached' });
    await agentPage.selectOption('#faq-id', 'card-expired');
    await agentPage.click('[data-testid=act-faq]');
  });
  await page.locator('[data-testid=call-article][data-article=card-expired] [data-testid=call-article-text]').waitFor({ timeout: 30_000 });
  await review(v, 'call-in-call-article');
  await page.getByTestId('call-hangup').click();
  await screen('survey');
  await page.locator('main[data-screen="survey"] button', { hasText: lang === 'zh' ? '跳过' : 'Skip' }).click();
  // The agent is in wrap-up: on duty but busy, so the next call waits in the queue.
  await screen('attract');
  await settle(lang, large);
  await page.getByTestId('start').click();
  await screen('menu');
  await page.getByTestId('menu-call').click();
  await page.locator('[data-testid=call-screen][data-phase=queued]').waitFor({ timeout: 30_000 });
  await review(v, 'call-queued');
  await page.getByTestId('call-cancel').click();
  await screen('menu');
  await agentPage.waitForSelector('[data-testid=presence][data-presence=available]', { timeout: (WRAP_UP_SECONDS + 30) * 1000 });

  // Report → ticket → status → rating.
  await page.getByTestId('menu-report').click();
  await screen('report-category');
  await review(v, 'report-category');
  await page.locator('[data-category="gate"]').click();
  await screen('report-describe');
  await page.locator('.phrase').first().click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="description"]')?.textContent ?? '').replace(/\u00a0$/, '').length > 0);
  await review(v, 'report-describe');
  // A runtime restart brings a half-written report back behind the "are you still there?" warning.
  await kiosk.restartRuntime();
  await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 30_000 });
  await screen('idle-warning');
  await review(v, 'idle-warning');
  await page.getByTestId('idle-continue').click();
  await screen('report-describe');
  await page.getByTestId('next').click();
  await screen('report-phone');
  for (const d of '13800138000') await page.locator(`.keypad [data-key="${d}"]`).click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="phone"]')?.textContent ?? '').replace(/\D/g, '').length === 11);
  await review(v, 'report-phone');
  await page.getByTestId('next').click();
  await screen('report-review');
  await review(v, 'report-review');
  await page.getByTestId('submit').click();
  await page.getByTestId('ticket-id').waitFor({ timeout: 20_000 });
  await page.locator('[data-testid="qr"] svg').waitFor();
  const ticketId = (await page.getByTestId('ticket-id').textContent())!.trim();
  // The link under the QR code and in it is the public ticket page, not central's own address.
  expect(await page.getByTestId('qr').getAttribute('data-qr')).toBe(`https://kf.metro.example/t/${ticketId}`);
  await review(v, 'report-done');
  await page.getByTestId('done').click();
  await screen('survey');
  await review(v, 'survey-score');
  await page.locator('[data-testid="stars"] button').nth(1).click();
  await page.locator('[data-reason]').first().waitFor();
  await review(v, 'survey-reason');
  await page.locator('[data-reason]').first().click();
  await page.getByTestId('survey-send').click();
  await page.getByTestId('survey-thanks').waitFor();
  await review(v, 'survey-thanks');
  await screen('attract');

  // The ticket's status, looked up by its id on the keypad.
  await settle(lang, large);
  await page.getByTestId('start').click();
  await screen('menu');
  await page.getByTestId('menu-status').click();
  await screen('status-entry');
  await review(v, 'status-entry');
  for (const ch of ticketId) await page.locator(`.keypad [data-key="${ch}"]`).click();
  await page.getByTestId('next').click();
  await page.getByTestId('ticket-status').waitFor({ timeout: 30_000 });
  await review(v, 'status-result');
  await home();

  // The technician: card, PIN, the maintenance screens, leave.
  const card = await kiosk.tap('technician');
  try {
    await page.getByTestId('maint-pin-dots').waitFor({ timeout: 30_000 });
    await review(v, 'maintenance-pin');
    for (const d of TECHNICIAN_PIN) await page.locator(`[data-testid="keypad"] [data-key="${d}"]`).click();
    await expect.poll(() => page.getByTestId('maint-pin-dots').textContent(), { timeout: 10_000 }).toBe('●'.repeat(TECHNICIAN_PIN.length));
    await page.getByTestId('maint-pin-submit').click();
    await page.getByTestId('maint-session').waitFor({ timeout: 30_000 });
    // The technician reads the screens in the language they choose with the header's switch.
    await settle(lang, large);
    await review(v, 'maintenance-session');
    // The devices page names the reader in words, its PC/SC name small beside it.
    expect(await page.locator('tr[data-device="card-reader"] [data-testid="maint-device-name"]').first().textContent()).toBe(lang === 'zh' ? '读卡器 1' : 'Card reader 1');
    // A self-test's outcome in the technician's language: words, never the outcome's code.
    await page.getByTestId('maint-test-printer').click();
    const result = page.getByTestId('maint-result-printer');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(lang === 'zh' ? /[\u4e00-\u9fff]/ : /^[^\u4e00-\u9fff]+$/);
    await review(v, 'maintenance-self-test');
    await page.getByTestId('maint-exit').click();
    await screen('attract');
  } finally {
    await card.remove();
  }
}

describe('screen review: every screen, zh and en, large text off and on', () => {
  for (const lang of ['zh', 'en'] as const) {
    for (const large of [false, true]) {
      it(`${lang}, large text ${large ? 'on' : 'off'}`, async () => {
        const before = problems.length;
        await walk(lang, large);
        expect(problems.slice(before)).toEqual([]);
      }, 240_000);
    }
  }

  it('saved a screenshot of every screen walked', () => {
    expect(seen.length).toBeGreaterThanOrEqual(4 * 20);
  });
});
