/**
 * The runtime's process is SIGKILLed, as a crash or a power cut would end it: nothing is flushed,
 * nothing is closed. The runtime runs with the kiosk's own command (`kiosk start`) in its own
 * process; after the kill it starts again on the same data folder and port, and the page that
 * stayed open reconnects. (`kiosk-report.test.ts` covers the clean stop and start.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_ID_PATTERN } from '../../shared/ticket.js';
import { startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';

let kiosk: KioskUnderTest;

beforeAll(async () => {
  kiosk = await startKioskUnderTest({}, { runtimeProcess: true });
}, 120_000);
afterAll(async () => {
  await kiosk?.close();
});

/** Types Latin letters on the on-screen keyboard (switched out of pinyin first). */
async function typeOnScreen(text: string): Promise<void> {
  if ((await kiosk.page.getByTestId('keyboard').getAttribute('data-mode')) === 'pinyin') await kiosk.page.getByTestId('mode-latin').click();
  for (const ch of text) await kiosk.page.locator(`.keyboard [data-key="${ch === ' ' ? 'space' : ch}"]`).click();
}

const shownText = async (testId: string): Promise<string> => ((await kiosk.page.getByTestId(testId).textContent()) ?? '').replace(/\u00a0$/, '');

/** Report → gate → `text` → phone → submit; returns the ticket id on screen. */
async function fileReport(text: string): Promise<string> {
  const { page } = kiosk;
  await page.getByTestId('start').click();
  await page.getByTestId('menu-report').click();
  await page.locator('[data-category="gate"]').click();
  await page.locator('main[data-screen="report-describe"]').waitFor();
  await typeOnScreen(text);
  await page.waitForFunction((t) => document.querySelector('[data-testid="description"]')?.textContent?.startsWith(t), text);
  await page.getByTestId('next').click();
  await page.locator('main[data-screen="report-phone"]').waitFor();
  await page.getByTestId('skip').click();
  await page.locator('main[data-screen="report-review"]').waitFor();
  await page.getByTestId('submit').click();
  const idText = page.getByTestId('ticket-id');
  await idText.waitFor({ timeout: 20_000 });
  return (await idText.textContent())!;
}

describe('SIGKILL of the runtime process (real kiosk start, store, central; real Chromium)', () => {
  it('keeps an acknowledged ticket and resumes a half-written report after the kill', async () => {
    const { page } = kiosk;
    // A ticket whose id the passenger saw, just before the crash.
    const acknowledged = await fileReport('gate 1 ');
    expect(acknowledged).toMatch(TICKET_ID_PATTERN);
    await page.getByTestId('home').click();
    await page.locator('main[data-screen="attract"], main[data-screen="menu"]').first().waitFor();

    // A second report, half written when the process dies.
    if ((await page.locator('main[data-screen="attract"]').count()) > 0) await page.getByTestId('start').click();
    await page.getByTestId('menu-report').click();
    await page.locator('[data-category="gate"]').click();
    await page.locator('main[data-screen="report-describe"]').waitFor();
    await typeOnScreen('gate 7 ');
    await page.waitForFunction(() => document.querySelector('[data-testid="description"]')?.textContent?.startsWith('gate 7 '));
    // The session is saved after every transition; kill once the text is in the file, not before.
    const sessionFile = join(kiosk.config.dataDir, 'session.json');
    await eventually('the half-written text in the session file', async () => (await readFile(sessionFile, 'utf8').catch(() => '')).includes('gate 7 '));

    await kiosk.crashRuntime();
    await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 30_000 });
    // The restart rule: a report in progress comes back behind the idle warning.
    await page.locator('main[data-screen="idle-warning"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('idle-continue').click();
    await page.locator('main[data-screen="report-describe"]').waitFor();
    expect(await shownText('description')).toBe('gate 7 ');

    // The ticket acknowledged before the kill is in the store once, and reaches central.
    const tickets = (await kiosk.runtime.parts.store.outbox.list({})).flatMap((r) => (r.payload.kind === 'ticket' ? [r.payload.ticket] : []));
    expect(tickets.map((t) => t.id)).toEqual([acknowledged]);
    // Stored trimmed, as every description is.
    expect(tickets[0]?.description).toBe('gate 1');
    const atCentral = await eventually('the acknowledged ticket at central', () => kiosk.central.storage.getTicket(acknowledged), 30_000);
    expect(atCentral.ticket).toMatchObject({ id: acknowledged, description: 'gate 1' });

    // The resumed report is filed as a new ticket.
    await page.getByTestId('next').click();
    await page.locator('main[data-screen="report-phone"]').waitFor();
    await page.getByTestId('skip').click();
    await page.locator('main[data-screen="report-review"]').waitFor();
    expect((await page.getByTestId('review-description').textContent())?.trim()).toBe('gate 7');
    await page.getByTestId('submit').click();
    const second = (await page.getByTestId('ticket-id').textContent({ timeout: 20_000 }))!;
    expect(second).toMatch(TICKET_ID_PATTERN);
    expect(second).not.toBe(acknowledged);
    await kiosk.screenshot('report-done-after-crash');
  }, 180_000);
});
