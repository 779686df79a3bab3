// A passenger talks to an agent: real central, real Chromium with fake camera/microphone on
// both the kiosk page and the agent console, video decoded both ways, audited agent actions,
// hang up, rating stored in the kiosk's outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openKioskBrowser, type KioskBrowser } from '../support/browser.js';
import { AGENTS, KIOSKS, startCallCentral, startKioskHarness, type CallCentral, type KioskCallHarness } from '../support/call-harness.js';
import { mediaBytesReceived, newestConnectionState, recordPeerConnections, waitForDecodedFrames } from '../support/webrtc-stats.js';
import { loginAgent } from '../support/agent-console.js';

let central: CallCentral;
let kiosk: KioskCallHarness;
let browser: KioskBrowser;
let kioskPage: Page;
let agentPage: Page;

beforeAll(async () => {
  central = await startCallCentral({ ringTimeoutSeconds: 60, wrapUpSeconds: 1 });
  await central.central.storage.putFaq({
    id: 'card-expired',
    category: 'card',
    title: { zh: '卡片过期了？', en: 'Card expired?' },
    body: { zh: '请到客服中心办理。', en: 'Please go to the service centre.' },
    updatedAt: new Date().toISOString(),
  });
  kiosk = await startKioskHarness({ centralUrl: central.central.url, kiosk: KIOSKS[0] });
  browser = await openKioskBrowser({ media: true });
  await recordPeerConnections(browser.context);
  kioskPage = browser.page;
  agentPage = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await kiosk?.close();
  await central?.close();
});

describe('video call to an agent', () => {
  it('connects kiosk and agent with video both ways, runs audited actions, hangs up and stores the rating', async () => {
    await loginAgent(agentPage, central.central.url, AGENTS[0]!);
    await kioskPage.goto(kiosk.url);
    await kioskPage.waitForSelector('[data-testid=idle]');

    kiosk.startCall('information');
    // The agent sees the offer with the passenger's context, and answers.
    await agentPage.waitForSelector('[data-testid=offer]:visible');
    // The kiosk named by where it stands (its number beside it), in the queue by its place alone.
    await expect(agentPage.textContent('#offer-context')).resolves.toContain('Near Exit B (GZ0102)');
    await expect(agentPage.textContent('#queue tbody')).resolves.toContain('Near Exit B');
    await expect(agentPage.textContent('#queue tbody')).resolves.not.toContain('GZ0102');
    await kioskPage.waitForSelector('[data-testid=call-screen][data-phase=ringing]');
    // While it rings, the kiosk page and the agent connect, and neither sends a byte of camera or
    // microphone: the passenger is not seen or heard before the call is answered and on screen.
    await kioskPage.waitForFunction(() => (globalThis as { kioskCall?: { state: string } }).kioskCall?.state === 'connected');
    await expect.poll(() => newestConnectionState(agentPage)).toBe('connected');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mediaBytesReceived(agentPage)).toBe(0);
    expect(await mediaBytesReceived(kioskPage)).toBe(0);
    await expect(kioskPage.getAttribute('[data-testid=call-screen]', 'data-phase')).resolves.toBe('ringing');
    await agentPage.click('[data-testid=answer]');

    // Video frames decoded on both sides.
    await kioskPage.waitForSelector('[data-testid=call-screen][data-phase=in-call]');
    await waitForDecodedFrames(kioskPage, 'kiosk');
    await waitForDecodedFrames(agentPage, 'agent');
    await kioskPage.waitForFunction(() => (document.querySelector<HTMLVideoElement>('[data-testid=call-remote-video]')?.videoWidth ?? 0) > 0);
    await agentPage.waitForFunction(() => (document.querySelector<HTMLVideoElement>('#remote-video')?.videoWidth ?? 0) > 0);
    await kioskPage.waitForSelector('[data-testid=call-media-state]', { state: 'detached' });

    // Mute reaches the flow.
    await kioskPage.click('[data-testid=call-mute]');
    await kioskPage.waitForSelector('[data-testid=call-mute][aria-pressed=true]');

    // An allowed action arrives at the kiosk as a flow event and is shown; an unknown one is refused.
    // The agent picks the article by its title from central's FAQ, never by a typed id.
    await agentPage.waitForSelector('#faq-id option[value=card-expired]', { state: 'attached' });
    expect(await agentPage.textContent('#faq-id option[value=card-expired]')).toMatch(/^(卡片过期了？|Card expired\?)$/);
    await agentPage.selectOption('#faq-id', 'card-expired');
    await agentPage.click('[data-testid=act-faq]');
    // The passenger reads the article itself (title and paragraphs, in the page's English), not its id.
    await kioskPage.waitForSelector('[data-testid=call-article][data-article=card-expired] [data-testid=call-article-text]');
    const article = (await kioskPage.textContent('[data-testid=call-article]')) ?? '';
    expect(article).toContain('My card has expired');
    expect(article).toContain('Every transit card has an expiry date.');
    expect(article).not.toContain('card-expired');
    expect(await kioskPage.locator('[data-testid=call-article-text] p').count()).toBeGreaterThanOrEqual(3);
    await agentPage.waitForFunction(() => document.querySelector('[data-testid=action-log]')?.textContent?.includes('performed'));
    const callId = kiosk.snapshot()!.context.callId!;
    await agentPage.evaluate((id) => (globalThis as unknown as { agentConsole: { send(m: unknown): void } }).agentConsole.send({ type: 'action', callId: id, action: { type: 'format-disk' } }), callId);
    await agentPage.waitForFunction(() => document.querySelector('[data-testid=action-log]')?.textContent?.includes('refused (unknown action)'));

    // The agent files a report for the passenger from the call: the kiosk makes the ticket.
    await agentPage.selectOption('#report-category', 'gate');
    await agentPage.fill('#report-description', 'Gate 3 rejects the card');
    await agentPage.click('[data-testid=act-report]');
    await kioskPage.waitForSelector('[data-testid=call-report]');
    const reportText = (await kioskPage.textContent('[data-testid=call-report]')) ?? '';
    const reportId = /GZ0102-\d{6}-\d{4}-\d/.exec(reportText)?.[0];
    expect(reportId).toBeDefined();

    // Hang up on the kiosk: the agent's console shows the end, the flow hands over to the survey.
    await kioskPage.click('[data-testid=call-hangup]');
    await agentPage.waitForSelector('[data-testid=call]', { state: 'hidden' });
    await expect(agentPage.textContent('[data-testid=last-call]')).resolves.toContain('Call ended: hung up');
    await expect(kiosk.finished()).resolves.toEqual({ next: 'survey', service: 'call', ticketId: reportId });
    await kioskPage.click('[data-testid=rate-5]');
    await kioskPage.waitForSelector('[data-testid=rated]');

    // What the kiosk stored: the report ticket, audit entries for every action, the rating.
    const outbox = await kiosk.store.outbox.list();
    const payloads = outbox.map((e) => e.payload);
    const report = payloads.flatMap((p) => (p.kind === 'ticket' && p.ticket.id === reportId ? [p.ticket] : []));
    expect(report).toMatchObject([{ category: 'gate', description: 'Gate 3 rejects the card' }]);
    const ratings = payloads.flatMap((p) => (p.kind === 'rating' ? [p.rating] : []));
    expect(ratings).toMatchObject([{ score: 5, service: 'call' }]);
    const audits = payloads.flatMap((p) => (p.kind === 'audit' ? [p.entry] : []));
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['call-action:performed', 'call-action:refused']));
    expect(audits.some((a) => a.action === 'call-action:refused' && (a.detail ?? '').includes('format-disk'))).toBe(true);
  });
});
