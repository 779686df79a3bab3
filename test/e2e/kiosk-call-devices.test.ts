/**
 * The kiosk's help buttons and QR scanner as the runtime drives them: the sim daemon serves
 * them over its loopback HID IPC socket (config `hid: { transport: 'remote' }`), the runtime's
 * `HidDevices` parses the reports. The information button asks for an agent; with nobody on
 * duty the passenger gets a callback ticket; scanning that ticket's status URL (the receipt's
 * QR) shows its status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimDaemon, type SimServer } from '../../hardware-sim/daemon/index.js';
import { startSimDevices, type SimDevices } from '../../hardware-sim/devices/index.js';
import { TICKET_ID_PATTERN } from '../../shared/ticket.js';
import { startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';

let devices: SimDevices;
let daemon: SimServer;
let kiosk: KioskUnderTest;

async function simApi(route: string, body: unknown): Promise<number> {
  const res = await fetch(daemon.url + route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  devices = await startSimDevices({ serial: false });
  daemon = await startSimDaemon({ port: 0, extraDevices: devices.devices });
  kiosk = await startKioskUnderTest({ hid: { transport: 'remote', url: devices.hid.ipcUrl ?? '' } });
  const hid = kiosk.runtime.parts.devices?.parts.hid;
  await eventually('scanner and buttons open', () => Promise.resolve((hid?.openDevices().length ?? 0) >= 2));
}, 120_000);

afterAll(async () => {
  await kiosk?.close();
  await daemon?.close();
  await devices?.stop();
});

describe('help buttons and QR scanner through the runtime', () => {
  it('information button → callback ticket when nobody is on duty → scanning its status URL shows the ticket', async () => {
    const { page } = kiosk;
    expect(await simApi('/api/hid/press', { button: 'information' })).toBe(200);
    await page.locator('[data-testid=call-screen][data-phase=callback-offer]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=call-fallback-reason]').getAttribute('data-reason')).toBe('no-agent');
    await page.locator('[data-testid=call-no-phone]').click();
    const idText = page.locator('[data-testid=call-ticket-id]');
    await idText.waitFor({ timeout: 30_000 });
    const ticketId = ((await idText.textContent()) ?? '').trim();
    expect(ticketId).toMatch(TICKET_ID_PATTERN);

    expect(await simApi('/api/hid/scan', { text: `${kiosk.central.url}/t/${ticketId}` })).toBe(200);
    const status = page.locator('main[data-screen="status-result"] [data-testid=ticket-status]');
    await status.waitFor({ timeout: 30_000 });
    expect(await status.locator('.ticket-id').textContent()).toBe(ticketId);
    await kiosk.screenshot('status-by-scan');
  }, 120_000);

  it('a scanned code that is not a ticket id is explained, nothing is looked up', async () => {
    const { page } = kiosk;
    expect(await simApi('/api/hid/scan', { text: 'https://example.com/<script>alert(1)</script>' })).toBe(200);
    await page.locator('main[data-screen="status-entry"]').waitFor({ timeout: 30_000 });
    await page.locator('main[data-screen="status-entry"] .notice.error').waitFor({ timeout: 30_000 });
    expect(await page.content()).not.toContain('<script>alert(1)</script>');
  }, 60_000);
});
