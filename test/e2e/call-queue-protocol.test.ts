// Protocol level, with the stand-in runtime of test/support/call-harness.ts (two kiosks at once
// against one central): the queue rules as a passenger and an agent see them, emergency first
// and an emergency call ringing every available agent. The five callback fallbacks run through
// the real runtime and UI in kiosk-call-fallback.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { QueueSettings } from '../../central/calls/index.js';
import { openKioskBrowser, type KioskBrowser } from '../support/browser.js';
import { AGENTS, KIOSKS, startCallCentral, startKioskHarness, type CallCentral, type KioskCallHarness } from '../support/call-harness.js';
import { loginAgent } from '../support/agent-console.js';
import { newestConnectionState, recordPeerConnections, waitForDecodedFrames } from '../support/webrtc-stats.js';

let browser: KioskBrowser;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  browser = await openKioskBrowser({ media: true });
  await recordPeerConnections(browser.context);
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
  await loginAgent(page, c.central.url, AGENTS[index]!, available);
  return page;
}

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
    // The queue says in words what each call is doing.
    await expect
      .poll(() => a.$$eval('#queue tbody tr', (rows): string[] => rows.map((r: Element) => r.lastElementChild?.textContent ?? '')))
      .toEqual([`in a call · ${AGENTS[0]!.displayName}`, 'waiting']);
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
    await expect(sos.page.textContent('[data-testid=call-agent]')).resolves.toContain(AGENTS[1]!.displayName);
    // Rung on several consoles, the page connects only at the answer: video from the agent who took it.
    await sos.page.bringToFront();
    await waitForDecodedFrames(sos.page, 'kiosk');
  });

  it('the page connects with the agent rung; when that agent lets it ring out it connects with the next, who answers with video', async () => {
    const c = await central({ ringTimeoutSeconds: 3 });
    const a = await agent(c, 0);
    const b = await agent(c, 1);
    const info = await kiosk(c.central.url, 0);
    info.harness.startCall('information');
    const rung = await Promise.race([a.waitForSelector('[data-testid=offer]:visible').then(() => a), b.waitForSelector('[data-testid=offer]:visible').then(() => b)]);
    const next = rung === a ? b : a;
    await info.page.waitForSelector('[data-testid=call-screen][data-phase=ringing]');
    await expect.poll(() => newestConnectionState(rung), { timeout: 10_000 }).toBe('connected');
    await expect.poll(() => newestConnectionState(next)).toBeNull();
    // Not answered: set on break, the other agent is rung and the page connects with them.
    await rung.waitForSelector('[data-testid=presence][data-presence=on-break]');
    await next.waitForSelector('[data-testid=offer]:visible');
    await expect.poll(() => newestConnectionState(next), { timeout: 10_000 }).toBe('connected');
    await expect.poll(() => newestConnectionState(rung)).toBe('closed');
    await next.click('[data-testid=answer]');
    await info.page.waitForSelector('[data-testid=call-screen][data-phase=in-call]');
    await expect(info.page.textContent('[data-testid=call-agent]')).resolves.toContain(AGENTS[rung === a ? 1 : 0]!.displayName);
    await info.page.bringToFront();
    await waitForDecodedFrames(info.page, 'kiosk');
    await waitForDecodedFrames(next, 'agent');
  });
});
