/**
 * The control panel's printer, cabinet and HID sections in real Chromium, against the daemon
 * with real ptys: what a developer clicks reaches the kiosk's real drivers (EscPosPrinter,
 * SerialCabinetController, HidDevices over the HID IPC socket), and the latest receipt shows.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceUpdate } from '../../shared/devices.js';
import { nextMatching } from '../support/pty.js';
import { startSimRig, type SimRig } from '../support/sim-rig.js';
import { launchChromium } from '../support/browser.js';

let rig: SimRig;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  rig = await startSimRig('sim-panel', { backoff: { initialMs: 50, maxMs: 400 } });
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(10_000);
});

afterAll(async () => {
  await browser?.close();
  await rig?.stop();
});

const status = (text: string | RegExp) => page.getByRole('status').filter({ hasText: text }).waitFor();

describe('sim control panel: devices', () => {
  it('shows the latest receipt the kiosk printed, as its PNG', async () => {
    await page.goto(rig.server.url);
    await page.locator('#printer').getByText(path.join(rig.dir.path, 'sim', 'printer')).waitFor();
    await page.getByText('No receipt printed yet').waitFor();
    expect((await rig.printer.print({ blocks: [{ kind: 'text', text: '工单 GZ0102-261123-0042-7' }, { kind: 'qr', data: 'https://kf.metro.example/t/GZ0102-261123-0042-7' }] })).ok).toBe(true);
    const img = page.getByRole('img', { name: 'Receipt 1' });
    await img.waitFor();
    await page.waitForFunction(() => {
      const i = document.querySelector<HTMLImageElement>('#receiptPng');
      return i !== null && i.complete && i.naturalWidth > 0;
    });
    expect(await img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(576);
  });

  it('paper out and cover open from the panel reach the printer driver', async () => {
    await page.getByRole('button', { name: 'Paper out' }).click();
    await status('Paper out');
    expect(await rig.printer.status()).toMatchObject({ ok: true, value: { paperOut: true } });
    await page.locator('#printerState').getByText('paper out').waitFor();
    await page.getByRole('button', { name: 'Paper OK' }).click();
    await status('Paper ok');
    await page.getByRole('button', { name: 'Open cover' }).click();
    await status('Cover open');
    expect(await rig.printer.status()).toMatchObject({ ok: true, value: { paperOut: false, coverOpen: true } });
    await page.getByRole('button', { name: 'Close cover' }).click();
    await status('Cover closed');
  });

  it('opening the door from the panel is reported by the cabinet driver; a bad temperature shows the daemon’s message', async () => {
    const opened = nextMatching<DeviceUpdate>((l) => rig.cabinet.subscribe(l), (u) => u.type === 'cabinet-status' && u.status.door === 'open', 'door open');
    await page.getByRole('button', { name: 'Open door' }).click();
    await opened;
    await page.locator('#cabinetState').getByText('door open').waitFor();
    await page.getByRole('button', { name: 'Close door' }).click();
    await status('Door closed');

    await page.locator('#temperature').fill('1000');
    await page.getByRole('button', { name: 'Set temperature' }).click();
    await status('Temperature failed: `celsius` must be a number from -40 to 100');
    expect(rig.cabinet.lastStatus()?.temperatureC).toBe(31.5);
  });

  it('a scan typed in the panel reaches HidDevices over IPC; a hostile code is shown as text', async () => {
    const hostile = '<img src=x onerror="document.title=\'pwned\'">';
    const scanned = nextMatching<DeviceUpdate>((l) => rig.hid.subscribe(l), (u) => u.type === 'qr-scan', 'qr scan');
    await page.locator('#scanText').fill(hostile);
    await page.getByRole('button', { name: 'Scan', exact: true }).click();
    expect(await scanned).toMatchObject({ scan: { text: hostile } });
    await status(`Scanned ${JSON.stringify(hostile)}: sent to 1 kiosk runtime(s)`);
    expect(await page.locator('#message img').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
  });

  it('the emergency button from the panel is pressed on the kiosk side', async () => {
    const pressed = nextMatching<DeviceUpdate>((l) => rig.hid.subscribe(l), (u) => u.type === 'help-button', 'press');
    await page.getByRole('button', { name: 'Press emergency button' }).click();
    expect(await pressed).toMatchObject({ press: { button: 'emergency' } });
    await page.locator('#hidMode').getByText('injected-reports over loopback IPC').waitFor();
  });

  it('unplugging the printer from the panel makes the driver see it absent, and plugging it back ok', async () => {
    const gone = nextMatching<DeviceUpdate>((l) => rig.printer.subscribe(l), (u) => u.type === 'health' && u.health.state === 'absent', 'printer absent');
    await page.getByRole('button', { name: 'Unplug printer' }).click();
    await gone;
    await page.locator('#printerState').getByText('UNPLUGGED').waitFor();
    const back = nextMatching<DeviceUpdate>((l) => rig.printer.subscribe(l), (u) => u.type === 'health' && u.health.state === 'ok', 'printer ok');
    await page.getByRole('button', { name: 'Plug printer back' }).click();
    await back;
  });
});
