/**
 * The emergency alarm reaches people in the browser: the REAL kiosk runtime (its reader on
 * pcscd/vpcd, its page in Chromium) raises it, central's staff page shows it to the station's
 * staff logged in at /login/ (red banner, where in words, the beep), the alarm's audit says who
 * saw it, and the staff member's Acknowledge makes the kiosk say staff are on the way. Nobody
 * acknowledging: after the (shortened) escalation time a supervisor's page shows it escalated.
 * Screenshots in test-output/alarms/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../support/browser.js';
import { startKioskUnderTest, STAFF_TOKEN, type KioskUnderTest } from '../support/e2e-kiosk.js';
import { eventually } from '../support/e2e-wait.js';
import { signIn } from '../support/staff-session.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = join(ROOT, 'test-output', 'alarms');
const STAFF = { username: 'wang.fang', displayName: '王芳', password: 'wang-fang-password-1', role: 'station-staff' as const, stationId: 'GZ-L3-TYXL' };
const ELSEWHERE = { username: 'li.lei', displayName: '李雷', password: 'li-lei-password-12', role: 'station-staff' as const, stationId: 'GZ-L1-GZHCZ' };
const SUPERVISOR = { username: 'zhao.min', displayName: '赵敏', password: 'zhao-min-password-1', role: 'supervisor' as const };
const LOCATION = { zh: 'B出口旁', en: 'By exit B' };

let kiosk: KioskUnderTest | null = null;
let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
  await kiosk?.close();
  kiosk = null;
});

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The staff page and its banner as central serves them (dist/pages), built from these sources.
  await build({ configFile: join(ROOT, 'central/pages/vite.config.ts'), logLevel: 'warn' });
}, 180_000);

/** A person's own browser (not the kiosk's), logged in at /login/ and landed on their page. */
async function logIn(central: string, who: { username: string; password: string }): Promise<Page> {
  // The browser lets the page beep without a click first, as it does on a desk that has used the page before.
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await signIn(page, central, who);
  await page.waitForURL(`${central}/staff/`);
  return page;
}

async function steps(k: KioskUnderTest, alarmId: string): Promise<{ step: string; actor: string; role: string | null; at: string }[]> {
  const res = await fetch(`${k.central.url}/v1/staff/alarms/${alarmId}`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { steps: { step: string; actor: string; role: string | null; at: string }[] }).steps;
}

async function pressEmergency(k: KioskUnderTest): Promise<string> {
  await k.page.getByTestId('emergency').click();
  await k.page.waitForSelector('[data-testid=emergency-screen][data-alarm=received]', { timeout: 30_000 });
  const rows = (await k.runtime.parts.store.outbox.list({ limit: 100 })).filter((e) => e.kind === 'alarm');
  expect(rows).toHaveLength(1);
  const payload = rows[0]!.payload;
  if (payload.kind !== 'alarm') throw new Error('not an alarm');
  return payload.alarm.id;
}

describe('the emergency alarm in the browser', () => {
  it('nobody on duty: the station staff see the banner and hear it, seen is audited, and their Acknowledge makes the kiosk say staff are on the way', async () => {
    const k = (kiosk = await startKioskUnderTest({ location: LOCATION }, { calls: { agents: [], queue: {} }, central: { accounts: [STAFF, ELSEWHERE, SUPERVISOR] } }));
    const staff = await logIn(k.central.url, STAFF);
    const other = await logIn(k.central.url, ELSEWHERE);
    expect(await staff.getByTestId('alarm-banner').isHidden()).toBe(true);

    const alarmId = await pressEmergency(k);

    // The staff page: the banner at the top, in red, where in words, Beijing time, how long.
    const banner = staff.getByTestId('alarm-banner');
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    const where = (await staff.getByTestId('alarm-where').textContent()) ?? '';
    for (const w of ['紧急求助', 'Emergency', '体育西路站', 'Tiyu Xilu Station', 'B出口旁', 'By exit B']) expect(where).toContain(w);
    expect(where).not.toContain('GZ-L3-TYXL');
    expect(where).not.toContain(k.config.kioskId);
    const when = (await staff.getByTestId('alarm-when').textContent()) ?? '';
    expect(when).toMatch(/按下时间（北京时间） Pressed at \(Beijing time\) \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(when).toMatch(/已等待 Open for \d+ 秒 \d+ s/);
    expect(await staff.getByTestId('alarm-card').textContent()).toBe('未读卡 No card read');
    expect(await banner.evaluate((n) => getComputedStyle(n).backgroundColor)).toBe('rgb(176, 0, 32)');
    expect(await banner.evaluate((n) => n === document.body.firstElementChild)).toBe(true);
    // The beep plays; mute stops it and says so; sound on brings it back.
    await staff.waitForSelector('[data-testid=alarm-banner][data-sound=playing]', { timeout: 10_000 });
    await staff.getByTestId('alarm-mute').click();
    await staff.waitForSelector('[data-testid=alarm-banner][data-sound=muted]');
    expect(await banner.textContent()).toContain('已静音 Muted');
    await staff.getByTestId('alarm-mute').click();
    await staff.waitForSelector('[data-testid=alarm-banner][data-sound=playing]');
    await staff.screenshot({ path: join(SHOTS, '01-staff-page-alarm-banner.png') });

    // Seen is in the alarm's audit: who, when. Staff of another station neither see it nor are recorded.
    const seen = await eventually('the seen step', async () => (await steps(k, alarmId)).find((s) => s.step === 'seen'));
    expect(seen).toMatchObject({ actor: STAFF.username, role: 'station-staff' });
    await other.waitForTimeout(4_000); // more than one poll of the other page
    expect(await other.getByTestId('alarm-banner').isHidden()).toBe(true);
    expect((await steps(k, alarmId)).filter((s) => s.step === 'seen').map((s) => s.actor)).toEqual([STAFF.username]);

    // Acknowledge in the browser → the kiosk says station staff are on the way.
    await staff.getByTestId('alarm-acknowledge').click();
    await staff.waitForSelector('[data-testid=alarm-note]');
    expect(await staff.getByTestId('alarm-note').textContent()).toContain('您已确认');
    await staff.waitForSelector('[data-testid=alarm]', { state: 'detached', timeout: 10_000 });
    expect(await staff.locator('[data-testid=alarm-banner]').getAttribute('data-sound')).toBe('off');
    await staff.screenshot({ path: join(SHOTS, '02-staff-page-acknowledged.png') });
    await k.page.waitForSelector('[data-testid=emergency-screen][data-alarm=staff-coming]', { timeout: 30_000 });
    expect(await k.page.getByTestId('emergency-alarm').textContent()).toContain('车站工作人员正在赶来');
    await k.screenshot('emergency-staff-on-the-way-zh');
    await k.page.screenshot({ path: join(SHOTS, '03-kiosk-staff-on-the-way.png') });
    expect((await steps(k, alarmId)).map((s) => [s.step, s.actor])).toEqual([
      ['raised', `kiosk:${k.config.kioskId}`],
      ['seen', STAFF.username],
      ['acknowledged', STAFF.username],
    ]);
  }, 180_000);

  it('nobody acknowledges: after the escalation time a supervisor sees it escalated; a second Acknowledge is told who was first', async () => {
    const k = (kiosk = await startKioskUnderTest({ location: LOCATION }, { calls: { agents: [], queue: {} }, central: { accounts: [STAFF, SUPERVISOR], alarmEscalateAfterSeconds: 5, alarmSweepMs: 1000 } }));
    const supervisor = await logIn(k.central.url, SUPERVISOR);
    const staff = await logIn(k.central.url, STAFF);
    const alarmId = await pressEmergency(k);
    // Open but not escalated: the supervisor's banner stays away; the station staff's shows it.
    await staff.getByTestId('alarm-banner').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await supervisor.getByTestId('alarm-banner').isHidden()).toBe(true);

    const escalated = supervisor.getByTestId('alarm-escalated');
    await escalated.waitFor({ timeout: 30_000 });
    expect(await escalated.textContent()).toMatch(/^无人确认，已升级给值班主管 Nobody acknowledged it: escalated to supervisors · \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await supervisor.getByTestId('alarm-where').textContent()).toContain('体育西路站 Tiyu Xilu Station');
    await supervisor.screenshot({ path: join(SHOTS, '04-supervisor-escalated.png') });
    // The station staff's banner says it too.
    await staff.getByTestId('alarm-escalated').waitFor({ timeout: 10_000 });
    expect((await steps(k, alarmId)).map((s) => s.step)).toEqual(expect.arrayContaining(['raised', 'seen', 'escalated']));

    // The supervisor acknowledges; the staff member's button, pressed before their page's next
    // look at central (held back here, so that the button is still there), is told who did.
    await staff.route('**/v1/staff/alarms?state=*', (route) => route.abort());
    await supervisor.getByTestId('alarm-acknowledge').click();
    await supervisor.waitForSelector('[data-testid=alarm-note]');
    await staff.getByTestId('alarm-acknowledge').click();
    await eventually('the staff told who acknowledged', async () => ((await staff.getByTestId('alarm-note').first().textContent()) ?? '').includes('已由 赵敏 确认 Already acknowledged by 赵敏'), 10_000);
    await staff.screenshot({ path: join(SHOTS, '05-staff-already-acknowledged.png') });
    await k.page.waitForSelector('[data-testid=emergency-screen][data-alarm=staff-coming]', { timeout: 30_000 });
    const seenBy = (await steps(k, alarmId)).filter((s) => s.step === 'seen').map((s) => s.actor);
    expect(seenBy.sort()).toEqual([STAFF.username, SUPERVISOR.username].sort());
  }, 180_000);
});
