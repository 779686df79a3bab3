import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_ID_PATTERN } from '../../shared/ticket.js';
import { startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';

let kiosk: KioskUnderTest;

beforeAll(async () => {
  kiosk = await startKioskUnderTest();
});
afterAll(async () => {
  await kiosk?.close();
});

async function typeOnScreen(text: string): Promise<void> {
  for (const ch of text) await kiosk.page.locator(`.keyboard [data-key="${ch === ' ' ? 'space' : ch}"]`).click();
}

describe('report a fault at the kiosk (real runtime, store and central; real Chromium)', () => {
  it('keeps the half-written text over a UI reload and a runtime restart, then gives a ticket id that is stored and synced', async () => {
    const { page } = kiosk;
    await page.getByTestId('start').click();
    await page.getByTestId('menu-report').click();
    await page.locator('main[data-screen="report-category"]').waitFor();
    await kiosk.screenshot('report-category');
    await page.locator('[data-category="gate"]').click();
    await page.locator('main[data-screen="report-describe"]').waitFor();

    // Chinese by pinyin: letters stay on the keyboard until a character is chosen.
    expect(await page.getByTestId('keyboard').getAttribute('data-mode')).toBe('pinyin');
    await typeOnScreen('zha');
    expect(await page.getByTestId('pinyin-letters').textContent()).toBe('zha');
    await page.locator('[data-candidate="闸"]').click();
    await typeOnScreen('ji');
    await page.locator('[data-candidate="机"]').click();
    await page.getByTestId('mode-latin').click();
    await typeOnScreen(' gate 3 ');
    const description = page.getByTestId('description');
    await page.waitForFunction(() => document.querySelector('[data-testid="description"]')?.textContent?.startsWith('闸机 gate 3 '));
    await page.locator('.phrase').first().click();
    // The phrase comes back in the runtime's next screen model: wait for it, then read it.
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="description"]')?.textContent ?? '').replace(/\u00a0$/, '').length > '闸机 gate 3 '.length,
    );
    const withPhrase = (await description.textContent())!.replace(/\u00a0$/, '');
    expect(withPhrase.startsWith('闸机 gate 3 ')).toBe(true);
    await kiosk.screenshot('report-describe');

    await page.reload();
    await page.locator('main[data-screen="report-describe"]').waitFor();
    expect((await description.textContent())!.replace(/\u00a0$/, '')).toBe(withPhrase);

    await kiosk.restartRuntime();
    await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 30_000 });
    // The restart rule (kiosk/flows/persistence.ts): a report in progress comes back behind the
    // idle warning, so a passenger who walked away does not leave it open on screen.
    await page.locator('main[data-screen="idle-warning"]').waitFor();
    await page.getByTestId('idle-continue').click();
    await page.locator('main[data-screen="report-describe"]').waitFor();
    expect((await description.textContent())!.replace(/\u00a0$/, '')).toBe(withPhrase);

    await page.getByTestId('next').click();
    await page.locator('main[data-screen="report-phone"]').waitFor();
    for (const d of '13800138000') await page.locator(`.keypad [data-key="${d}"]`).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="phone"]')?.textContent?.startsWith('138 0013 8000'));
    expect(await page.getByTestId('phone-count').textContent()).toBe('已输入 11 位，共 11 位');
    await page.getByTestId('next').click();
    await page.locator('main[data-screen="report-review"]').waitFor();
    expect(await page.getByTestId('review-description').textContent()).toBe(withPhrase);
    await kiosk.screenshot('report-review');
    await page.getByTestId('submit').click();

    const idText = page.getByTestId('ticket-id');
    await idText.waitFor({ timeout: 20_000 });
    const ticketId = (await idText.textContent())!;
    expect(ticketId).toMatch(TICKET_ID_PATTERN);
    expect(ticketId.startsWith('GZ0102-')).toBe(true);
    expect(await page.getByTestId('qr').getAttribute('data-qr')).toContain(`/t/${ticketId}`);
    await page.locator('[data-testid="qr"] svg').waitFor();
    // This kiosk has no printer: the screen says so and keeps the QR code in front.
    await page.getByRole('button', { name: '重新打印' }).waitFor();
    await kiosk.screenshot('report-done');

    const { store } = kiosk.runtime.parts;
    const rows = await store.outbox.list({});
    const row = rows.find((r) => r.payload.kind === 'ticket' && r.payload.ticket.id === ticketId);
    expect(row?.payload).toMatchObject({ kind: 'ticket', ticket: { category: 'gate', description: withPhrase, phone: '13800138000', kioskId: kiosk.config.kioskId } });
    expect(rows.filter((r) => r.payload.kind === 'ticket')).toHaveLength(1);

    const atCentral = await eventually('the ticket at central', () => kiosk.central.storage.getTicket(ticketId));
    expect(atCentral.ticket).toMatchObject({ id: ticketId });
  });

  it('refuses a malformed event from the page without changing the screen', async () => {
    const { page } = kiosk;
    const before = await page.locator('main').getAttribute('data-screen');
    // The page's own key and origin: this socket replaces the page's connection (one at a time).
    const reply = await page.evaluate(async (url) => {
      const ws = new WebSocket(url, ['kiosk-ui', `key.${sessionStorage.getItem('kiosk-ui-key') ?? ''}`]);
      await new Promise((r) => (ws.onopen = r));
      const rejected: unknown[] = [];
      const two = new Promise((r) => {
        ws.onmessage = (e: MessageEvent<string>) => {
          const m = JSON.parse(e.data) as { type: string };
          if (m.type === 'rejected' && rejected.push(m) === 2) r(null);
        };
      });
      ws.send('{"type":"event","event":{"type":"TEXT.SET","text":"\\u202e evil"}}');
      ws.send('not json');
      await two;
      ws.close();
      return rejected;
    }, kiosk.runtime.url.replace('http', 'ws') + 'ws');
    expect(reply).toEqual([
      { type: 'rejected', code: 'bad-field', message: 'text contains control characters' },
      { type: 'rejected', code: 'not-json', message: 'message is not JSON' },
    ]);
    expect(await page.locator('main').getAttribute('data-screen')).toBe(before);
  });
});
