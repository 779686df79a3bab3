/**
 * When no agent can take the call, the passenger leaves with a callback ticket id: the five
 * fallbacks through the REAL kiosk runtime and UI (the session's call slot, the runtime's call
 * session on central's `/calls/kiosk`, the kiosk page in Chromium) and the real agent console.
 * Each scenario gets its own central (its queue rules) and runtime. The queue rules between
 * several kiosks are protocol-level tests in `call-queue-protocol.test.ts`.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { TICKET_ID_PATTERN } from '../../shared/ticket.js';
import { startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';
import { agentAccount, loginAgent } from '../support/agent-console.js';

const AGENTS = [agentAccount('li.na', 'Li Na'), agentAccount('wang.wei', 'Wang Wei')];

let kiosk: KioskUnderTest | null = null;
afterEach(async () => {
  await kiosk?.close();
  kiosk = null;
});

async function start(queue: Record<string, number>, overrides: Record<string, unknown> = {}, call: { connectTimeoutMs?: number } = {}): Promise<KioskUnderTest> {
  kiosk = await startKioskUnderTest(overrides, { calls: { agents: AGENTS, queue: { wrapUpSeconds: 1, ...queue } }, media: true, runtime: { call } });
  return kiosk;
}

/** An agent console logged in; set available unless `available` is false (then on break). */
async function agent(k: KioskUnderTest, index: number, available = true): Promise<Page> {
  const page = await k.browser.context.newPage();
  await loginAgent(page, k.central.url, AGENTS[index]!, available);
  // The kiosk's page back in front: a page behind another gets its animation frames only now and
  // then in headless Chromium, and each click on it waits for them.
  await k.page.bringToFront();
  return page;
}

/** "Talk to an agent" from the menu, as a passenger asks for it. */
async function askForAgent(k: KioskUnderTest): Promise<void> {
  await k.page.getByTestId('start').click();
  await k.page.locator('main[data-screen="menu"]').waitFor();
  await k.page.getByTestId('menu-call').click();
}

/** The callback offer for `reason` → (phone) → ticket id on screen, in the kiosk's store, and at central. */
async function takeCallback(k: KioskUnderTest, reason: string, phone: string | null, atCentral = true): Promise<void> {
  const { page } = k;
  await page.locator('[data-testid=call-screen][data-phase=callback-offer]').waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('call-fallback-reason').getAttribute('data-reason')).toBe(reason);
  // The reason is told in words, not as its code.
  expect(await page.getByTestId('call-fallback-reason').textContent()).not.toContain(reason);
  if (phone === null) await page.getByTestId('call-no-phone').click();
  else {
    for (const d of phone) await page.locator(`.keypad [data-key="${d}"]`).click();
    await page.waitForFunction((n) => (document.querySelector('[data-testid="call-phone"]')?.textContent ?? '').replace(/\D/g, '') === n, phone);
    await page.locator('[data-testid=call-callback-submit]:enabled').click();
  }
  const idText = page.getByTestId('call-ticket-id');
  await idText.waitFor({ timeout: 30_000 });
  const shown = ((await idText.textContent()) ?? '').trim();
  expect(shown).toMatch(TICKET_ID_PATTERN);
  const stored = (await k.runtime.parts.store.outbox.list({ limit: 1000 })).flatMap((e) => (e.payload.kind === 'ticket' ? [e.payload.ticket] : []));
  expect(stored).toMatchObject([{ id: shown, category: 'callback', phone }]);
  expect(stored[0]!.description).toContain(`(${reason})`);
  if (atCentral) {
    const got = await eventually('the callback ticket at central', () => k.central.storage.getTicket(shown), 30_000);
    expect(got.ticket).toMatchObject({ id: shown, category: 'callback', phone });
  }
  await page.getByTestId('call-done').click();
  await page.locator('[data-testid=call-screen]').waitFor({ state: 'detached', timeout: 30_000 });
}

describe('call fallbacks through the kiosk runtime end with a callback ticket', () => {
  it('offline: central cannot be reached', async () => {
    // The kiosk's central is a closed port: no sync, no call.
    const k = await start({}, { central: { url: 'http://127.0.0.1:9', token: 'e2e-kiosk-token-0123456789' } }, { connectTimeoutMs: 1500 });
    await askForAgent(k);
    await takeCallback(k, 'offline', '13800138000', false);
  }, 120_000);

  it('no agent on duty', async () => {
    const k = await start({});
    await agent(k, 0, false); // logged in, on break: not on duty
    await askForAgent(k);
    await takeCallback(k, 'no-agent', null);
  }, 120_000);

  it('waited longer than the maximum', async () => {
    const k = await start({ maxWaitSeconds: 3, ringTimeoutSeconds: 60 });
    const a = await agent(k, 0);
    await askForAgent(k);
    await a.waitForSelector('body[data-offers-seen="1"]');
    await takeCallback(k, 'max-wait', null);
    await a.waitForSelector('[data-testid=offer]', { state: 'hidden' });
  }, 120_000);

  it('every agent lets it ring out: each is set on break, the next one is rung, then the callback', async () => {
    const k = await start({ ringTimeoutSeconds: 2 });
    const first = await agent(k, 0);
    const second = await agent(k, 1);
    await askForAgent(k);
    await first.waitForSelector('body[data-offers-seen="1"]');
    await first.waitForSelector('[data-testid=presence][data-presence=on-break]');
    await expect(first.textContent('[data-testid=presence]')).resolves.toContain('missed a call');
    await second.waitForSelector('body[data-offers-seen="1"]');
    await second.waitForSelector('[data-testid=presence][data-presence=on-break]');
    await takeCallback(k, 'ring-timeout', '13912345678');
  }, 120_000);

  it('connection failure: the agent is lost mid-call', async () => {
    const k = await start({ ringTimeoutSeconds: 60 });
    const a = await agent(k, 0);
    await askForAgent(k);
    await a.waitForSelector('[data-testid=offer]:visible', { timeout: 30_000 });
    await a.bringToFront();
    await a.click('[data-testid=answer]');
    await k.page.bringToFront();
    await k.page.locator('[data-testid=call-screen][data-phase=in-call]').waitFor({ timeout: 30_000 });
    await a.close();
    await takeCallback(k, 'connection-failed', null);
  }, 120_000);
});
