import type { Page } from 'playwright-core';

/** An agent logs in to central's console with their token; then says they are available, unless `available` is false (on break). */
export async function loginAgent(page: Page, centralUrl: string, token: string, available = true): Promise<void> {
  await page.goto(`${centralUrl}/console/`);
  await page.fill('#token', token);
  await page.click('[data-testid=login]');
  await page.waitForSelector('[data-testid=set-available]:visible');
  if (available) {
    await page.click('[data-testid=set-available]');
    await page.waitForSelector('[data-testid=presence][data-presence=available]');
  }
}
