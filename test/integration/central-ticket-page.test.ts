/**
 * The public ticket status page the kiosk's QR code points to (`/t/<ticketId>`): what a passenger
 * sees on the phone, with nothing personal on it, against the real central on both engines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { makeTicketId, type Ticket } from '../../shared/ticket.js';
import { ENGINES, KIOSKS, STAFF_TOKEN, call, startTestCentral, ticket, ticketItem, type CentralFixture } from '../support/central.js';
import { tempDir } from '../support/kiosk-writer-harness.js';

const PHONE = '13912345678';
const CARD = '3104921000012345';
const DESCRIPTION = '出站闸机不识别我的卡 secret-description-text';

async function page(base: string, path: string): Promise<{ status: number; type: string; text: string; headers: Headers }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
}

describe.each(ENGINES)('GET /t/:ticketId (%s)', (engine) => {
  let fx: CentralFixture;
  let filed: Ticket;

  beforeAll(async () => {
    fx = await startTestCentral(engine);
    filed = ticket(KIOSKS.a.id, { phone: PHONE, description: DESCRIPTION, card: { family: 't-union', cardNumber: CARD, masked: '3104 **** **** 2345', cityCode: '5810', balance: 1250, diagnosis: [] } });
    const up = await call(fx.central.url, 'POST', `/v1/kiosks/${KIOSKS.a.id}/batches`, { token: KIOSKS.a.token, body: { items: [ticketItem(1, filed)] } });
    expect(up.status).toBe(200);
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it('shows a known ticket: id, status, category and time in Chinese and English, nothing personal', async () => {
    const p = await page(fx.central.url, `/t/${filed.id}`);
    expect(p.status).toBe(200);
    expect(p.type).toContain('text/html');
    expect(p.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(p.text).toContain('<meta name="viewport"');
    expect(p.text).toContain(filed.id);
    expect(p.text).toContain('已受理');
    expect(p.text).toContain('Received');
    expect(p.text).toContain('闸机');
    expect(p.text).toContain('Gate');
    expect(p.text).toContain('2026-03-14 09:30 (UTC+8)');
    for (const secret of [PHONE, CARD, '2345', DESCRIPTION, 'secret-description-text', `kiosk:${KIOSKS.a.id}`]) expect(p.text).not.toContain(secret);
  });

  it('a lowercase id (typed from the receipt) finds the same ticket', async () => {
    const p = await page(fx.central.url, `/t/${filed.id.toLowerCase()}`);
    expect(p.status).toBe(200);
    expect(p.text).toContain(filed.id);
  });

  it('after staff change the status, the page shows the new status and the escaped note, but not the staff name', async () => {
    const note = '已退款 <script>alert("x")</script> & refunded';
    const changed = await call(fx.central.url, 'POST', `/v1/staff/tickets/${filed.id}/status`, { token: STAFF_TOKEN, body: { status: 'resolved', note, actor: '王小明' } });
    expect(changed.status).toBe(200);
    const p = await page(fx.central.url, `/t/${filed.id}`);
    expect(p.text).toContain('data-status="resolved"');
    expect(p.text).toContain('已解决');
    expect(p.text).toContain('Resolved');
    expect(p.text).toContain('已退款 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; refunded');
    expect(p.text).not.toContain('<script>');
    expect(p.text).not.toContain('王小明');
    // The history keeps the first status too.
    expect(p.text.indexOf('已受理')).toBeGreaterThan(-1);
  });

  it('an id beyond the router parameter limit is refused (414) without echoing it', async () => {
    const p = await page(fx.central.url, `/t/${'A'.repeat(5000)}`);
    expect(p.status).toBe(414);
    expect(JSON.parse(p.text)).toEqual({ error: { code: 'uri-too-long', message: 'a part of the path is too long' } });
    expect(p.text).not.toMatch(/AAAAAAAAAA|at .*\.ts:\d+/);
  });

  it('an unknown but well-formed id is a 404 page', async () => {
    const unknown = makeTicketId('GZ0102', '2026-03-14', 9999);
    const p = await page(fx.central.url, `/t/${unknown}`);
    expect(p.status).toBe(404);
    expect(p.type).toContain('text/html');
    expect(p.text).toContain('未找到该工单');
    expect(p.text).toContain('No ticket with this number');
  });

  it.each([
    ['a wrong check digit', () => `${filed.id.slice(0, -1)}${(Number(filed.id.slice(-1)) + 1) % 10}`],
    ['an html tag', () => encodeURIComponent('<script>alert(1)</script>')],
    ['SQL', () => encodeURIComponent("GZ0102-260314-0001-1' OR '1'='1")],
    ['a long id', () => 'A'.repeat(90)],
    ['a space and a url inside', () => encodeURIComponent(`x /t/${filed.id}`)],
    ['unicode', () => encodeURIComponent('工单１２３')],
  ])('a malformed id (%s) is a 400 page that does not echo it', async (_what, id) => {
    const p = await page(fx.central.url, `/t/${id()}`);
    expect(p.status).toBe(400);
    expect(p.type).toContain('text/html');
    expect(p.text).toContain('工单号格式不正确');
    expect(p.text).not.toMatch(/<script>|OR '1'|at .*\.ts:\d+|AAAAAAAAAA/);
  });
});

describe('rate limit of the ticket page', () => {
  let central: RunningCentral;
  const dir = tempDir('ticket-page-rate-');

  beforeAll(async () => {
    central = await startCentral({ storage: { engine: 'sqlite', file: `${dir.path}/central.db` }, dataDir: dir.path, ticketPagePerMinute: 5 });
  });
  afterAll(async () => {
    await central?.close();
    dir.remove();
  });

  it('answers 429 with Retry-After beyond the per-minute allowance, and the API is not affected', async () => {
    const id = makeTicketId('GZ0102', '2026-03-14', 1);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await page(central.url, `/t/${id}`)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    const limited = await page(central.url, `/t/${id}`);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.text).toContain('Too many requests');
    expect((await fetch(`${central.url}/v1/health`)).status).toBe(200);
  });
});
