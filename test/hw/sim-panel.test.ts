/**
 * The sim control panel in real Chromium: a developer taps a card on reader 1 with a fault,
 * sees it on the page, reads its APDU log (open through the panel's redraws), and removes it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimDaemon, type ReaderState, type SimServer } from '../../hardware-sim/daemon/index.js';
import { launchChromium } from '../support/browser.js';

let server: SimServer;
let browser: Browser;
let page: Page;

const readers = async (): Promise<ReaderState[]> => (await (await fetch(`${server.url}/api/readers`)).json()) as ReaderState[];

beforeAll(async () => {
  server = await startSimDaemon({ port: 0 });
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('sim control panel', () => {
  it('taps a card with a fault, shows it and its APDU log, and removes it', async () => {
    await page.goto(server.url);
    const row = page.getByRole('row', { name: /city-union/ });
    await row.getByRole('button', { name: 'Tap on reader 1' }).waitFor();
    await page.locator('#removeAfter').fill('3');
    await row.getByRole('button', { name: 'Tap on reader 1' }).click();
    await page.getByRole('status').filter({ hasText: 'city-union is on reader 1' }).waitFor();
    const reader1 = page.locator('.reader').nth(1);
    await reader1.getByText('city-union').waitFor();
    await reader1.getByText('faults: {"removeAfterApdus":3}').waitFor();
    expect((await readers())[1]?.card).toMatchObject({ image: 'city-union', faults: { removeAfterApdus: 3 } });

    await reader1.getByRole('button', { name: 'APDU log' }).click();
    const log = reader1.locator('pre');
    await log.getByText(/no APDUs yet|FFCA000000/).waitFor();
    // the panel redraws its readers every second: an open log stays open through a redraw
    await log.evaluate((e) => e.setAttribute('data-before-redraw', ''));
    await expect.poll(() => page.locator('pre[data-before-redraw]').count(), { timeout: 5_000 }).toBe(0);
    await log.getByText(/no APDUs yet|FFCA000000/).waitFor();

    await reader1.getByRole('button', { name: 'Remove card' }).click();
    await page.getByRole('status').filter({ hasText: 'Reader 1 is empty' }).waitFor();
    await reader1.getByText('empty (last: city-union, removed)').waitFor();
    expect((await readers())[1]?.card).toBeNull();
  });

  it('shows the daemon’s message when a tap fails', async () => {
    await page.goto(server.url);
    await page.locator('#delayMs').fill('-5');
    await page.getByRole('row', { name: /beijing/ }).getByRole('button', { name: 'Tap on reader 1' }).click();
    await page.getByRole('status').filter({ hasText: 'Tap failed: invalid faults: faults.delayMs' }).waitFor();
    expect((await readers())[1]?.card).toBeNull();
  });
});
