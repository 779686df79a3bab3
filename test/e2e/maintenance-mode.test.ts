/**
 * Maintenance mode through the real kiosk: central provisions the technician (staff API), the
 * runtime pulls its public key after a sync cycle, the simulated technician card is tapped on vpcd slot 1 (pcscd →
 * the supervised reader host → the challenge–response over its APDU channel), the PIN is typed
 * on the on-screen pad in Chromium, the test receipt comes out of the simulated printer on a
 * real pty, and leaving clears every trace of the technician from the page.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TECHNICIAN } from '../../central/seed/demo-technician.js';
import { renderJson } from '../../hardware-sim/card-images/build.js';
import { newTechnicianCard } from '../../hardware-sim/card-images/technician-card.js';
import { SimulatedPrinterDevice } from '../../hardware-sim/printer/printer-device.js';
import type { PrintedReceipt } from '../../hardware-sim/printer/receipt-model.js';
import { STAFF_TOKEN, startKioskUnderTest, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';

/** The demo technician: central enrols the public key of the committed `technician` card image, whose PIN the card checks. */
const TECHNICIAN = { id: DEMO_TECHNICIAN.technicianId, name: DEMO_TECHNICIAN.name, pin: '482913', publicKeyPem: DEMO_TECHNICIAN.publicKeyPem };

let dir: string;
let printer: SimulatedPrinterDevice;
let kiosk: KioskUnderTest;
const receipts: PrintedReceipt[] = [];

/** Types on the on-screen pad and waits until the runtime has every digit (the dots are its count). */
async function typePin(digits: string): Promise<void> {
  for (const d of digits) await kiosk.page.locator(`[data-testid="keypad"] [data-key="${d}"]`).click();
  await expect.poll(() => kiosk.page.locator('[data-testid="maint-pin-dots"]').textContent(), { timeout: 10_000 }).toBe('●'.repeat(digits.length));
}

async function auditActions(): Promise<string[]> {
  const rows = await kiosk.runtime.parts.store.outbox.list({ limit: 1000 });
  return rows.flatMap((r) => {
    const p = r.payload as { kind?: string; entry?: { action?: string }; action?: string };
    const action = p.entry?.action ?? p.action;
    return typeof action === 'string' ? [action] : [];
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiosk-maint-e2e-'));
  printer = new SimulatedPrinterDevice({ hostPath: join(dir, 'printer'), receiptsDir: join(dir, 'receipts') });
  printer.printer.onReceipt((r) => receipts.push(r));
  await printer.start();
  kiosk = await startKioskUnderTest({ printerPath: join(dir, 'printer') });

  const res = await fetch(`${kiosk.central.url}/v1/staff/technicians/${TECHNICIAN.id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: TECHNICIAN.name, publicKeyPem: TECHNICIAN.publicKeyPem }),
  });
  expect(res.status).toBeLessThan(300);
  kiosk.runtime.parts.sync?.syncNow();
  await eventually('technician pulled from central', async () => (await kiosk.runtime.parts.store.caches.technician(TECHNICIAN.id)) !== null, 60_000);
}, 120_000);

afterAll(async () => {
  await kiosk?.close();
  await printer?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('maintenance mode', () => {
  it('a wrong PIN shows the attempts left, and cancelling goes back to the start', async () => {
    const { page } = kiosk;
    const card = await kiosk.tap('technician');
    await page.locator('[data-testid="maint-pin-dots"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('.maint, main').first().textContent()).resolves.toContain(TECHNICIAN.name);

    await typePin('0000');
    await page.locator('[data-testid="maint-pin-submit"]').click();
    const error = page.locator('[data-testid="maint-pin-error"]');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toBe('密码错误，还可尝试 4 次');
    await kiosk.screenshot('maintenance-wrong-pin');

    await page.getByRole('button', { name: '取消' }).click();
    await page.locator('main[data-screen="attract"]').waitFor();
    await card.remove();
  }, 90_000);

  it('card + PIN → device status → test receipt from the printer → leave with nothing of the session left on the page', async () => {
    const { page } = kiosk;
    const card = await kiosk.tap('technician');
    await page.locator('[data-testid="maint-pin-dots"]').waitFor({ timeout: 30_000 });
    await typePin(TECHNICIAN.pin);
    await page.locator('[data-testid="maint-pin-submit"]').click();

    const session = page.locator('[data-testid="maint-session"]');
    await session.waitFor({ timeout: 30_000 });
    const printerRow = page.locator('tr[data-device="printer"]');
    await printerRow.waitFor();
    expect(await printerRow.getAttribute('data-state')).toBe('ok');
    expect(await page.locator('tr[data-device="card-reader"]').getAttribute('data-state')).toBe('ok');
    await kiosk.screenshot('maintenance-devices');

    const before = receipts.length;
    await page.locator('[data-testid="maint-test-printer"]').click();
    const result = page.locator('[data-testid="maint-result-printer"]');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('data-ok')).toBe('true');
    const receipt = await eventually('test receipt printed', () => Promise.resolve(receipts[before]), 30_000);
    const text = await readFile(receipt.textPath, 'utf8');
    expect(text).toContain('测试打印 TEST PRINT');
    expect(text).toContain('E2E-K01');

    await page.locator('[data-testid="maint-exit"]').click();
    await page.locator('main[data-screen="attract"]').waitFor({ timeout: 30_000 });
    const html = await page.content();
    for (const trace of [TECHNICIAN.name, TECHNICIAN.id, 'maint-session', 'maint-pin']) expect(html).not.toContain(trace);
    await kiosk.screenshot('maintenance-left');

    const actions = await eventually('entry and exit audited', async () => {
      const a = await auditActions();
      return a.includes('maintenance.entry') && a.includes('maintenance.exit') ? a : null;
    });
    expect(actions).toContain('maintenance.card-verified');
    expect(actions).toContain('maintenance.action.self-test.printer');
    await card.remove();
  }, 120_000);

  it('a card blocked by five wrong PINs and a revoked technician are refused in words', async () => {
    const { page } = kiosk;
    const enrol = async (card: ReturnType<typeof newTechnicianCard>, name: string): Promise<string> => {
      const file = join(dir, `${card.image.name}.json`);
      await writeFile(file, renderJson(card.image), { mode: 0o600 });
      const id = card.image.applications[0]!.technician!.technicianId;
      const res = await fetch(`${kiosk.central.url}/v1/staff/technicians/${id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, publicKeyPem: card.publicKeyPem }),
      });
      expect(res.status).toBe(200);
      kiosk.runtime.parts.sync?.syncNow();
      await eventually(`${id} pulled from central`, async () => (await kiosk.runtime.parts.store.caches.technician(id)) !== null, 60_000);
      return file;
    };
    const refusal = page.locator('[data-testid="maint-refused"]');

    const guessed = await enrol(newTechnicianCard({ technicianId: 'GZ-T-0201', pin: '97531' }), '赵工');
    let card = await kiosk.tap(guessed);
    await page.locator('[data-testid="maint-pin-dots"]').waitFor({ timeout: 30_000 });
    for (let left = 4; left >= 1; left--) {
      await typePin('1111');
      await page.locator('[data-testid="maint-pin-submit"]').click();
      await expect.poll(() => page.locator('[data-testid="maint-pin-error"]').textContent(), { timeout: 30_000 }).toBe(`密码错误，还可尝试 ${left} 次`);
    }
    await typePin('1111');
    await page.locator('[data-testid="maint-pin-submit"]').click();
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.getAttribute('data-code')).toBe('card-blocked');
    expect(await refusal.textContent()).toBe('密码错误次数过多，维护卡已锁定，请联系管理员更换');
    await kiosk.screenshot('maintenance-card-blocked');
    await page.getByRole('button', { name: '确定' }).click();
    await page.locator('main[data-screen="attract"]').waitFor({ timeout: 30_000 });
    await card.remove();

    const revokedFile = await enrol(newTechnicianCard({ technicianId: 'GZ-T-0202', pin: '24680' }), '钱工');
    const revoke = await fetch(`${kiosk.central.url}/v1/staff/technicians/GZ-T-0202/revoke`, { method: 'POST', headers: { authorization: `Bearer ${STAFF_TOKEN}` } });
    expect(revoke.status).toBe(200);
    kiosk.runtime.parts.sync?.syncNow();
    await eventually('the revocation pulled', async () => (await kiosk.runtime.parts.store.caches.technician('GZ-T-0202'))?.revokedAt != null, 60_000);
    card = await kiosk.tap(revokedFile);
    await refusal.waitFor({ timeout: 30_000 });
    expect(await refusal.getAttribute('data-code')).toBe('revoked');
    expect(await refusal.textContent()).toBe('此维护人员已被撤销授权');
    await kiosk.screenshot('maintenance-revoked');
    await page.getByRole('button', { name: '确定' }).click();
    await page.locator('main[data-screen="attract"]').waitFor({ timeout: 30_000 });
    await card.remove();
  }, 180_000);
});
