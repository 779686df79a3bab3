/**
 * An agent updates the passenger's ticket from the call: a passenger's ticket is at central (sent
 * by the kiosk through the sync API); the passenger calls from the kiosk page (the call stand-in
 * of test/support/call-harness.ts: real escalation flow and call session, real central, real
 * Chromium with a fake camera — no card reader); the agent, logged in at /login/, answers in the
 * console, finds the ticket under "Tickets of this call", replies to the passenger with a new
 * status and an internal note. The stored ticket then has the reply in the history the passenger
 * sees, the new status, and the note only in the internal activity, all by the agent's account.
 * Screens in test-output/console/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKioskBrowser, type KioskBrowser } from '../support/browser.js';
import { AGENTS, KIOSKS, startCallCentral, startKioskHarness, type CallCentral, type KioskCallHarness } from '../support/call-harness.js';
import { loginAgent } from '../support/agent-console.js';
import { call, ticket, ticketItem } from '../support/central.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'console');
const REPLY = '我们已为您退回多扣的车费。 We refunded the double charge.';
const NOTE = 'refund ref 2291, checked the gate log';

let central: CallCentral;
let kiosk: KioskCallHarness;
let browser: KioskBrowser;
let kioskPage: Page;
let agentPage: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The console as central serves it (dist/pages), built from these sources.
  await build({ configFile: join(ROOT, 'central/pages/vite.config.ts'), logLevel: 'warn' });
  central = await startCallCentral({ ringTimeoutSeconds: 60, wrapUpSeconds: 1 });
  kiosk = await startKioskHarness({ centralUrl: central.central.url, kiosk: KIOSKS[0] });
  browser = await openKioskBrowser({ media: true });
  kioskPage = browser.page;
  agentPage = await browser.context.newPage();
  await agentPage.setViewportSize({ width: 1280, height: 1000 });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await kiosk?.close();
  await central?.close();
});

describe('an agent updates the passenger’s ticket from the call', () => {
  it('reply, new status and internal note saved from the console are in the stored ticket', async () => {
    const k = KIOSKS[0];
    const passengers = ticket(k.id, { stationId: k.stationId, category: 'card-problem', description: '扣了两次钱 Charged twice' });
    const sent = await call(central.central.url, 'POST', `/v1/kiosks/${k.id}/batches`, { token: k.token, body: { items: [ticketItem(1, passengers)] } });
    expect((sent.body as { acks: unknown[] }).acks, sent.text).toHaveLength(1);

    await loginAgent(agentPage, central.central.url, AGENTS[0]!);
    await kioskPage.goto(kiosk.url);
    await kioskPage.waitForSelector('[data-testid=idle]');
    kiosk.startCall('information', [passengers.id]);
    await agentPage.waitForSelector('[data-testid=offer]:visible', { timeout: 30_000 });
    await agentPage.click('[data-testid=answer]');
    await kioskPage.waitForSelector('[data-testid=call-screen][data-phase=in-call]', { timeout: 30_000 });

    // The ticket of this call, in words, and its form.
    const listed = agentPage.locator(`#call-ticket-list li[data-ticket-id="${passengers.id}"]`);
    await listed.waitFor({ timeout: 15_000 });
    expect(await listed.textContent()).toContain('Charged twice');
    await agentPage.waitForSelector('[data-testid=ticket-form]:visible');
    await agentPage.fill('#ticket-form textarea[name=reply]', REPLY);
    await agentPage.selectOption('#ticket-form select[name=status]', 'in-progress');
    await agentPage.fill('#ticket-form textarea[name=note]', NOTE);
    await agentPage.click('[data-testid=ticket-save]');
    await expect.poll(async () => (await agentPage.getByTestId('ticket-result').textContent()) ?? '', { timeout: 15_000 }).toMatch(/(Saved|已保存)/);
    // The list of the call's tickets says the new status too.
    expect(await listed.getByTestId('call-ticket').textContent()).toContain('Being handled');
    await agentPage.screenshot({ path: join(SHOTS, 'call-ticket-updated.png') });

    // The stored ticket: status, the reply the passenger sees, the note only internal, by the agent's account.
    const stored = await central.central.storage.getTicket(passengers.id);
    expect(stored?.ticket.status).toBe('in-progress');
    expect(stored?.history.at(-1)).toMatchObject({ status: 'in-progress', note: REPLY, actor: AGENTS[0]!.username });
    expect(JSON.stringify(stored?.history)).not.toContain(NOTE);
    const activity = await central.central.storage.listTicketActivity(passengers.id);
    expect(activity.find((a) => a.text === NOTE)).toMatchObject({ kind: 'note', actor: AGENTS[0]!.username });

    await kioskPage.click('[data-testid=call-hangup]');
    await agentPage.waitForSelector('[data-testid=call]', { state: 'hidden', timeout: 30_000 });
  }, 180_000);
});
