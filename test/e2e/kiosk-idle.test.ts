import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';

let kiosk: KioskUnderTest;

beforeAll(async () => {
  kiosk = await startKioskUnderTest({ idleTimeoutSeconds: 10, idleWarningSeconds: 5 });
});
afterAll(async () => {
  await kiosk?.close();
});

describe('privacy and readability (real runtime, real Chromium)', () => {
  it('large-text mode makes the text bigger, and the language switch changes every label', async () => {
    const { page } = kiosk;
    await page.getByTestId('start').click();
    await page.locator('main[data-screen="menu"]').waitFor();
    const menuButton = page.getByTestId('menu-balance');
    const normal = await menuButton.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const normalHeight = (await menuButton.boundingBox())!.height;
    expect(normalHeight).toBeGreaterThanOrEqual(64);
    expect(await page.getByTestId('large-text').getAttribute('aria-pressed')).toBe('false');

    await page.getByTestId('large-text').click();
    await page.locator('html.large-text').waitFor();
    expect(await page.getByTestId('large-text').getAttribute('aria-pressed')).toBe('true');
    const large = await menuButton.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(large / normal).toBeGreaterThan(1.3);
    await kiosk.screenshot('menu-large-text');

    expect(await menuButton.textContent()).toBe('查询卡片');
    await page.getByTestId('language').click();
    await page.locator('html[lang="en"]').waitFor();
    expect(await menuButton.textContent()).toBe('Check my card');
    expect(await page.getByTestId('station').textContent()).toBe('Tiyu Xilu Station');
    await kiosk.screenshot('menu-en');
    await page.getByTestId('language').click();
    await page.locator('html[lang="zh-CN"]').waitFor();
    await page.getByTestId('large-text').click();
    await page.locator('html:not(.large-text)').waitFor();
  });

  it('clears the card from the screen when the passenger walks away', async () => {
    const { page } = kiosk;
    const card = await kiosk.tap('t-union-low-balance');
    await page.getByTestId('balance').waitFor({ timeout: 20_000 });
    const masked = (await page.getByTestId('card-number').textContent())!;
    const balance = (await page.getByTestId('balance').textContent())!;
    expect(masked).toMatch(/^\d{4} \*{4} \*{4} \d{4}$/);
    await page.locator('[data-testid="diagnosis"][data-code="low-balance"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('idle-countdown').waitFor();
    expect(await page.getByTestId('idle-countdown').textContent()).toMatch(/^\d+ 秒后返回首页$/);
    await kiosk.screenshot('balance-low');

    // The card stays on the reader: only inactivity ends the session.
    await page.locator('main[data-screen="attract"]').waitFor({ timeout: 30_000 });
    const html = await page.content();
    expect(html).not.toContain(masked);
    expect(html).not.toContain(balance);
    expect(html).not.toContain(masked.slice(-4));
    expect(await page.getByTestId('idle-countdown').count()).toBe(0);
    await kiosk.screenshot('attract-after-idle');

    await page.reload();
    await page.locator('main[data-screen="attract"]').waitFor();
    expect(await page.content()).not.toContain(masked);
    await card.remove();
  });
});
