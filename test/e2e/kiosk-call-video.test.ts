/**
 * "Talk to an agent" through the REAL kiosk runtime and UI (not the call harness): the session's
 * call slot runs the escalation flow with the runtime's call session on central's
 * `/calls/kiosk`, the kiosk page (served with the runtime's CSP) joins the media socket at
 * central, the agent console answers, video is decoded on the kiosk page, the passenger hangs
 * up and rates the call, and the rating is in the outbox. Then the emergency button, with nobody
 * on duty: the emergency guidance and an alarm at central, never a callback form.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIOSK_ID, startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';
import { waitForDecodedFrames } from '../support/webrtc-stats.js';
import { agentAccount, loginAgent } from '../support/agent-console.js';

const AGENT = agentAccount('li.na', 'Li Na');

let kiosk: KioskUnderTest;
let agentPage: Page;

async function outboxPayloads() {
  return (await kiosk.runtime.parts.store.outbox.list({ limit: 1000 })).map((e) => e.payload);
}

async function setAgent(status: 'available' | 'on-break'): Promise<void> {
  await agentPage.click(`[data-testid=set-${status}]`);
  await agentPage.waitForSelector(`[data-testid=presence][data-presence=${status}]`);
}

beforeAll(async () => {
  kiosk = await startKioskUnderTest({}, { calls: { agents: [AGENT], queue: { ringTimeoutSeconds: 60, wrapUpSeconds: 1 } }, media: true });
  agentPage = await kiosk.browser.context.newPage();
  await loginAgent(agentPage, kiosk.central.url, AGENT, false);
}, 120_000);

afterAll(async () => {
  await kiosk?.close();
});

describe('video call through the kiosk runtime', () => {
  it('the agent answers, video plays on the kiosk page, hang up, the rating is stored', async () => {
    const { page } = kiosk;
    await setAgent('available');
    await page.locator('[data-testid=start]').click();
    await page.locator('main[data-screen="menu"]').waitFor();
    await page.locator('[data-testid=menu-call]').click();

    await agentPage.waitForSelector('[data-testid=offer]:visible', { timeout: 30_000 });
    await expect(agentPage.textContent('#offer-context')).resolves.toContain(KIOSK_ID);
    await page.locator('[data-testid=call-screen][data-phase=ringing]').waitFor({ timeout: 30_000 });
    await agentPage.click('[data-testid=answer]');

    await page.locator('[data-testid=call-screen][data-phase=in-call]').waitFor({ timeout: 30_000 });
    await expect(page.textContent('[data-testid=call-agent]')).resolves.toContain(AGENT.displayName);
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=call-remote-video]')?.videoWidth ?? 0) > 0, null, { timeout: 30_000 });
    await waitForDecodedFrames(page, 'kiosk');
    await page.locator('[data-testid=call-media-state]').waitFor({ state: 'detached', timeout: 30_000 });
    // No idle countdown while the passenger is in a call.
    expect(await page.locator('[data-testid=idle-countdown]').count()).toBe(0);
    await kiosk.screenshot('call-in-call');

    await page.locator('[data-testid=call-hangup]').click();
    await agentPage.waitForSelector('[data-testid=call]', { state: 'hidden' });
    await page.locator('main[data-screen="survey"] [data-testid=stars]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=stars] button[aria-label="5"]').click();
    await page.locator('main[data-screen="survey"]').getByRole('button').last().click();
    await page.locator('[data-testid=survey-thanks]').waitFor({ timeout: 30_000 });

    const ratings = await eventually('rating in the outbox', async () => {
      const r = (await outboxPayloads()).flatMap((p) => (p.kind === 'rating' ? [p.rating] : []));
      return r.length > 0 ? r : null;
    });
    expect(ratings).toMatchObject([{ score: 5, service: 'call' }]);
  }, 180_000);

  it('emergency button with nobody on duty: the emergency guidance, never a callback form, and the alarm taken by central', async () => {
    const { page } = kiosk;
    await setAgent('on-break');
    await page.locator('main[data-screen="attract"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=emergency]').click();

    await page.locator('[data-testid=emergency-screen]').waitFor({ timeout: 5_000 });
    await page.locator('[data-testid=emergency-screen][data-video=no-agent]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=emergency-screen][data-alarm=received]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=call-callback-submit], [data-testid=call-no-phone], [data-testid=call-ticket-id]').count()).toBe(0);
    await kiosk.screenshot('call-emergency-no-agent');

    expect((await outboxPayloads()).filter((p) => p.kind === 'ticket' && p.ticket.category === 'callback')).toEqual([]);
    expect((await outboxPayloads()).filter((p) => p.kind === 'alarm')).toMatchObject([{ alarm: { kioskId: KIOSK_ID } }]);
  }, 120_000);
});
