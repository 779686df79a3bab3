// When no agent can take the call the passenger always leaves with a callback ticket id; and
// the queue rules as a passenger and an agent see them: emergency first, an agent who lets a
// call ring out is set on break and the next agent is rung.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { QueueSettings } from '../../central/calls/index.js';
import { openKioskBrowser, type KioskBrowser } from '../support/browser.js';
import { AGENTS, KIOSKS, startCallCentral, startKioskHarness, type CallCentral, type KioskCallHarness } from '../support/call-harness.js';

let browser: KioskBrowser;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  browser = await openKioskBrowser({ media: true });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  await browser?.close();
});

async function central(queue: Partial<QueueSettings> = {}): Promise<CallCentral> {
  const c = await startCallCentral(queue);
  cleanups.push(() => c.close());
  return c;
}

async function kiosk(centralUrl: string, which = 0, extra: { mediaTimeoutMs?: number; connectTimeoutMs?: number } = {}): Promise<{ harness: KioskCallHarness; page: Page }> {
  const harness = await startKioskHarness({ centralUrl, kiosk: KIOSKS[which]!, ...extra });
  cleanups.push(() => harness.close());
  const page = await browser.context.newPage();
  cleanups.push(() => page.close());
  await page.goto(harness.url);
  await page.waitForSelector('[data-testid=idle]');
  return { harness, page };
}

async function agent(c: CallCentral, index: number, available = true): Promise<Page> {
  const page = await browser.context.newPage();
  cleanups.push(() => page.close());
  await page.goto(`${c.central.url}/console/`);
  await page.fill('#token', AGENTS[index]!.token);
  await page.click('[data-testid=login]');
  await page.waitForSelector('[data-testid=set-available]:visible');
  if (available) {
    await page.click('[data-testid=set-available]');
    await page.waitForSelector('[data-testid=presence][data-presence=available]');
  }
  return page;
}

/** The callback offer for `reason` → (phone) → ticket id on screen and in the kiosk's store. */
async function takeCallback(harness: KioskCallHarness, page: Page, reason: string, phone: string | null): Promise<void> {
  await page.waitForSelector(`[data-testid=call-fallback-reason][data-reason=${reason}]`);
  if (phone === null) await page.click('[data-testid=call-no-phone]');
  else {
    await page.fill('[data-testid=call-phone]', phone);
    await page.click('[data-testid=call-callback-submit]');
  }
  await page.waitForSelector('[data-testid=call-ticket-id]');
  const shown = ((await page.textContent('[data-testid=call-ticket-id]')) ?? '').trim();
  expect(shown).toMatch(/^GZ010\d-\d{6}-\d{4}-\d$/);
  const stored = (await harness.store.outbox.list()).flatMap((e) => (e.payload.kind === 'ticket' ? [e.payload.ticket] : []));
  expect(stored).toMatchObject([{ id: shown, category: 'callback', phone }]);
  expect(stored[0]!.description).toContain(reason);
  await page.click('[data-testid=call-done]');
  await expect(harness.finished()).resolves.toEqual({ next: 'menu' });
}

describe('call fallbacks end with a callback ticket', () => {
  it('offline: central cannot be reached', async () => {
    const { harness, page } = await kiosk('http://127.0.0.1:9', 0, { connectTimeoutMs: 1500 });
    harness.startCall('information');
    await takeCallback(harness, page, 'offline', '13800138000');
  });

  it('no agent on duty', async () => {
    const c = await central();
    await agent(c, 0, false); // logged in, on break: not on duty
    const { harness, page } = await kiosk(c.central.url);
    harness.startCall('information');
    await takeCallback(harness, page, 'no-agent', null);
  });

  it('waited longer than the maximum', async () => {
    const c = await central({ maxWaitSeconds: 3, ringTimeoutSeconds: 60 });
    const a = await agent(c, 0);
    const { harness, page } = await kiosk(c.central.url);
    harness.startCall('information');
    await a.waitForSelector('body[data-offers-seen="1"]');
    await takeCallback(harness, page, 'max-wait', null);
    await a.waitForSelector('[data-testid=offer]', { state: 'hidden' });
  });

  it('every agent lets it ring out: each is set on break, the next one is rung, then the callback', async () => {
    const c = await central({ ringTimeoutSeconds: 2 });
    const first = await agent(c, 0);
    const second = await agent(c, 1);
    const { harness, page } = await kiosk(c.central.url);
    harness.startCall('information');
    // Longest idle first; when it rings out, that agent is on break and the next one is rung.
    await first.waitForSelector('body[data-offers-seen="1"]');
    await first.waitForSelector('[data-testid=presence][data-presence=on-break]');
    await expect(first.textContent('[data-testid=presence]')).resolves.toContain('missed a call');
    await second.waitForSelector('body[data-offers-seen="1"]');
    await second.waitForSelector('[data-testid=presence][data-presence=on-break]');
    await expect(second.textContent('[data-testid=presence]')).resolves.toContain('missed a call');
    await takeCallback(harness, page, 'ring-timeout', '13912345678');
  });

  it('connection failure: the agent is lost mid-call', async () => {
    const c = await central();
    const a = await agent(c, 0);
    const { harness, page } = await kiosk(c.central.url);
    harness.startCall('information');
    await a.click('[data-testid=answer]');
    await page.waitForSelector('[data-testid=call-screen][data-phase=in-call]');
    await a.close();
    await takeCallback(harness, page, 'connection-failed', null);
  });
});

describe('queue rules seen by passengers and agents', () => {
  it('an emergency call goes before a waiting information call and takes the ringing agent', async () => {
    const c = await central({ ringTimeoutSeconds: 60 });
    const a = await agent(c, 0);
    const info = await kiosk(c.central.url, 0);
    const sos = await kiosk(c.central.url, 1);
    info.harness.startCall('information');
    await a.waitForSelector('[data-testid=offer][data-lane=information]');
    sos.harness.startCall('emergency');
    await a.waitForSelector('[data-testid=offer][data-lane=emergency]');
    await info.page.waitForSelector('[data-testid=call-position][data-position="2"]');
    await expect(a.$$eval('#queue tbody tr', (rows): string[] => rows.map((r: Element) => r.className))).resolves.toEqual(['emergency', 'information']);
    await a.click('[data-testid=answer]');
    await sos.page.waitForSelector('[data-testid=call-screen][data-phase=in-call]');
    await info.page.waitForSelector('[data-testid=call-position][data-position="1"]');
    expect(sos.harness.snapshot()?.context.lane).toBe('emergency');
  });

  it('an emergency call rings every available agent at once; the first to answer takes it', async () => {
    const c = await central({ ringTimeoutSeconds: 60 });
    const a = await agent(c, 0);
    const b = await agent(c, 1);
    const sos = await kiosk(c.central.url, 1);
    sos.harness.startCall('emergency');
    await a.waitForSelector('[data-testid=offer][data-lane=emergency]');
    await b.waitForSelector('[data-testid=offer][data-lane=emergency]');
    await b.click('[data-testid=answer]');
    await a.waitForSelector('[data-testid=offer]', { state: 'hidden' });
    await sos.page.waitForSelector('[data-testid=call-screen][data-phase=in-call]');
    await expect(sos.page.textContent('[data-testid=call-agent]')).resolves.toContain(AGENTS[1]!.name);
  });
});
