import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskCardNumber } from '../../shared/card.js';
import { loadCardImage } from '../../hardware-sim/virtual-card/index.js';
import { KIOSK_ID, STAFF_TOKEN, startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';

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

  it('a card of another city that the station did not take becomes usable once central adds its family to the accepted cards', async () => {
    const { page, runtime, central } = kiosk;
    const tapAndSee = async (name: string) => {
      const card = await kiosk.tap('shenzhen-tong');
      await page.getByTestId('balance').waitFor({ timeout: 20_000 });
      const finding = page.locator('[data-testid="diagnosis"]').first();
      await finding.waitFor({ timeout: 20_000 });
      const seen = { code: await finding.getAttribute('data-code'), text: (await finding.innerText()).trim() };
      await kiosk.screenshot(name);
      await card.remove();
      // The passenger finishes: settings from central apply between passengers, never during a session.
      await page.getByRole('button', { name: /^(结束|Finish)$/ }).click();
      // A passenger who used the kiosk's services is asked for a rating first; this one skips it.
      await page.locator('main[data-screen="survey"], main[data-screen="attract"]').waitFor();
      if ((await page.locator('main').getAttribute('data-screen')) === 'survey') await page.getByRole('button', { name: /^(跳过|Skip)$/ }).click();
      await page.locator('main[data-screen="attract"]').waitFor();
      return seen;
    };

    // A Shenzhen Tong card (not T-Union) at a Guangzhou station that takes only T-Union and Guangzhou's own cards.
    const before = await tapAndSee('card-not-accepted');
    expect(before.code).toBe('not-accepted');
    expect(before.text).toMatch(/深圳|Shenzhen/);

    // Staff at central add Shenzhen Tong to this kiosk's accepted cards; the kiosk takes it at its next sync.
    const taken = new Promise<unknown>((resolve) => {
      const off = runtime.parts.store.caches.onConfig((o) => {
        off();
        resolve(o);
      });
    });
    const res = await fetch(`${central.url}/v1/staff/kiosks/${KIOSK_ID}/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ config: { acceptedCards: { tUnion: true, families: ['shenzhen-tong'] } } }),
    });
    expect(res.status).toBe(200);
    runtime.parts.sync!.syncNow();
    expect(await taken).toMatchObject({ kind: 'taken', settings: { acceptedCards: { families: ['shenzhen-tong'] } } });

    // The same card now pays here: told as a card of another city that this station takes, not as refused.
    const after = await tapAndSee('card-accepted-by-central');
    expect(after.code).toBe('other-city');
    expect(after.text).not.toBe(before.text);
    expect(await page.locator('[data-testid="diagnosis"][data-code="not-accepted"]').count()).toBe(0);
  });
});
