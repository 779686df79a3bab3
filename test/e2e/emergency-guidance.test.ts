/**
 * The emergency button through the REAL kiosk runtime, page and central: guidance at once with
 * nobody on duty, the alarm at the head of the outbox taken by central, and the same while
 * central is down (the kiosk says so plainly, then sends the alarm the moment central is back).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startKioskUnderTest, STAFF_TOKEN, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';

const STAFF = { office: { zh: 'B出口旁客服中心', en: 'Service centre by exit B' }, phone: '020-8888 1234' };

let kiosk: KioskUnderTest | null = null;
afterEach(async () => {
  await kiosk?.close();
  kiosk = null;
});

/** The station's staff office and phone, set at central as staff set them, and taken by the kiosk. */
async function setStationStaff(k: KioskUnderTest): Promise<void> {
  const res = await fetch(`${k.central.url}/v1/staff/kiosks/${k.config.kioskId}/config`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ config: { stationStaff: STAFF }, actor: 'e2e' }),
  });
  expect(res.status).toBe(200);
  k.runtime.parts.sync?.syncNow();
  await eventually('the kiosk took the configuration', async () => JSON.stringify(await k.runtime.parts.store.caches.config()).includes('B出口旁客服中心'), 30_000);
}

describe('emergency at the kiosk', () => {
  it('nobody on duty: the guidance shows at once, never a callback form, and central has the alarm', async () => {
    const k = (kiosk = await startKioskUnderTest({}, { calls: { agents: [], queue: {} } }));
    await setStationStaff(k);
    const { page } = k;
    await page.getByTestId('emergency').click();
    // At once: where staff are, their phone, the public numbers, "help has been called".
    const screen = page.getByTestId('emergency-screen');
    await screen.waitFor({ timeout: 5_000 });
    await expect(page.getByTestId('emergency-called').textContent()).resolves.toContain('已为您呼叫帮助');
    await expect(page.getByTestId('emergency-staff').textContent()).resolves.toContain('B出口旁客服中心');
    await expect(page.getByTestId('emergency-staff-phone').textContent()).resolves.toBe('020-8888 1234');
    const numbers = (await page.getByTestId('emergency-numbers').textContent()) ?? '';
    for (const w of ['110', '120', '119', '报警', 'Police', '急救', 'Ambulance', '火警', 'Fire']) expect(numbers).toContain(w);
    // Central takes the alarm; the kiosk says so.
    await page.locator('[data-testid=emergency-alarm]').waitFor();
    await page.waitForSelector('[data-testid=emergency-screen][data-alarm=received]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=emergency-screen][data-video=no-agent]', { timeout: 30_000 });
    await k.screenshot('emergency-nobody-on-duty-zh');
    expect(await page.locator('[data-testid=call-callback-submit], [data-testid=call-no-phone]').count()).toBe(0);
    // It was the head of the outbox, and central acknowledged it.
    const alarms = (await k.runtime.parts.store.outbox.list({ limit: 1000 })).filter((e) => e.kind === 'alarm');
    expect(alarms).toMatchObject([{ state: 'acked', payload: { kind: 'alarm', alarm: { kioskId: k.config.kioskId, stationId: 'GZ-L3-TYXL', card: null } } }]);
    expect(alarms[0]!.serverSeq).not.toBeNull();
    // English, for a visitor.
    await page.getByTestId('language').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid=emergency-called]')?.textContent ?? '').startsWith('Help has been called'));
    await k.screenshot('emergency-nobody-on-duty-en');
    await page.getByTestId('emergency-finish').click();
    await page.locator('main[data-screen="attract"]').waitFor({ timeout: 10_000 });
  }, 120_000);

  it('central down: the guidance still shows, the kiosk says plainly it cannot reach central, and the alarm arrives the moment central is back', async () => {
    const k = (kiosk = await startKioskUnderTest({}, { calls: { agents: [], queue: {} }, faultProxy: true, runtime: { call: { connectTimeoutMs: 1500 } } }));
    await setStationStaff(k);
    await k.proxy!.set({ kind: 'refuse' });
    // A backlog waits in the outbox: the alarm must not wait behind it.
    for (let i = 0; i < 20; i++) await k.runtime.parts.tickets.recordAudit({ actor: 'kiosk', action: `backlog-${i}`, detail: null });
    const { page } = k;
    await page.getByTestId('emergency').click();
    await page.getByTestId('emergency-screen').waitFor({ timeout: 5_000 });
    await expect(page.getByTestId('emergency-staff-phone').textContent()).resolves.toBe('020-8888 1234');
    await page.waitForSelector('[data-testid=emergency-screen][data-alarm=unreachable]', { timeout: 30_000 });
    const said = (await page.getByTestId('emergency-alarm').textContent()) ?? '';
    expect(said).toContain('正在联系中心');
    expect(said).toContain('could not reach the control centre');
    await k.screenshot('emergency-central-down');
    const pending = (await k.runtime.parts.store.outbox.list({ limit: 1000 })).filter((e) => e.kind === 'alarm');
    // Kept in the outbox and not at central; a retry may be on its way through the refusing proxy right now.
    expect(pending).toHaveLength(1);
    expect(['pending', 'in-flight']).toContain(pending[0]!.state);
    // Central is back: the alarm goes first, without waiting for the sync back-off.
    await k.proxy!.set({ kind: 'pass' });
    await page.waitForSelector('[data-testid=emergency-screen][data-alarm=received]', { timeout: 15_000 });
    const rows = await k.runtime.parts.store.outbox.list({ limit: 1000 });
    const alarm = rows.find((e) => e.kind === 'alarm')!;
    expect(alarm.state).toBe('acked');
    const backlog = rows.filter((e) => e.kind === 'audit' && e.payload.kind === 'audit' && e.payload.entry.action.startsWith('backlog-') && e.serverSeq !== null);
    // Every backlog row central has was stored after the alarm.
    for (const b of backlog) expect(b.serverSeq!).toBeGreaterThan(alarm.serverSeq!);
    await k.screenshot('emergency-central-back');
  }, 120_000);
});
