import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskCardNumber } from '../../shared/card.js';
import { loadCardImage } from '../../hardware-sim/virtual-card/index.js';
import { startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';

let kiosk: KioskUnderTest;

beforeAll(async () => {
  kiosk = await startKioskUnderTest();
});
afterAll(async () => {
  await kiosk?.close();
});

describe('tap a card, see the balance (real pcscd + vpcd, real runtime, real Chromium)', () => {
  it('shows the balance, the masked number and recent trips in plain words', async () => {
    const { page } = kiosk;
    const image = await loadCardImage('t-union-guangzhou-ok');
    const cardNumber = image.expected.cardNumber ?? '';
    expect(cardNumber).toMatch(/^31\d{17}$/);
    await kiosk.screenshot('attract');
    const card = await kiosk.tap('t-union-guangzhou-ok');

    const balance = page.getByTestId('balance');
    await balance.waitFor({ timeout: 20_000 });
    expect(await balance.textContent()).toBe('86.50 元');
    expect(image.expected.balance).toBe(8650);
    expect(await page.getByTestId('card-number').textContent()).toBe(maskCardNumber(cardNumber));

    await page.getByTestId('trips').waitFor({ timeout: 20_000 });
    const newest = await page.getByTestId('trip').first().textContent();
    expect(newest).toContain('广州塔');
    expect(newest).toMatch(/\d{2}:\d{2}/);
    expect(newest).not.toMatch(/[0-9A-F]{8}/);
    await page.getByTestId('diagnosis-ok').waitFor();
    await kiosk.screenshot('balance');

    const html = await page.content();
    expect(html).not.toContain(cardNumber);
    // Nothing of the card is written to the runtime's session file either.
    await kiosk.runtime.host.flush();
    const sessionFile = await readFile(join(kiosk.config.dataDir, 'session.json'), 'utf8').catch(() => '');
    expect(sessionFile).not.toContain(cardNumber);
    expect(sessionFile).not.toContain('8650');

    await page.getByTestId('language').click();
    await page.locator('html[lang="en"]').waitFor();
    expect(await balance.textContent()).toBe('86.50 yuan');
    expect(await page.getByTestId('trip').first().textContent()).toContain('Canton Tower');
    await kiosk.screenshot('balance-en');
    await card.remove();
  });

  it.each([
    ['garbage', 'unreadable-card'],
    ['non-transit', 'unsupported-card'],
  ])('explains a card that answers %s in plain words, without internals', async (image, code) => {
    const { page } = kiosk;
    const card = await kiosk.tap(image);
    const error = page.locator(`[data-testid="card-error"][data-code="${code}"]`);
    await error.waitFor({ timeout: 20_000 });
    const text = (await error.innerText()).trim();
    expect(text.length).toBeGreaterThan(4);
    expect(text).not.toMatch(/Error|at .*\.ts|[0-9A-F]{4}\b|undefined|null/);
    expect(await page.getByTestId('balance').count()).toBe(0);
    await kiosk.screenshot(`card-error-${code}`);
    await card.remove();
    await page.getByTestId('home').click();
    await page.locator('main[data-screen="menu"], main[data-screen="attract"]').waitFor();
  });
});
