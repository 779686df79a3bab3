/**
 * Full card numbers and staff: a staff token reads tickets, the blocklist and every other staff
 * answer and finds no full card number; only a supervisor token reveals one, and that reveal is
 * in the audit with who and when. A kiosk cannot smuggle a full number through the `masked` field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { makeTicketId } from '../../shared/ticket.js';
import { KIOSKS, STAFF_TOKEN, call, ticket, ticketItem } from '../support/central.js';

const SUPERVISOR = 'supervisor-token-for-tests-0123456789';
const FULL = '3104921000012345';
const A = KIOSKS.a;

let central: RunningCentral;
let dir: string;
let seq = 0;
const filed = ticket(A.id, { card: { family: 't-union', cardNumber: FULL, masked: '3104 **** **** 2345', cityCode: '5810', balance: 1250, diagnosis: [] } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'card-numbers-'));
  central = await startCentral({
    storage: { engine: 'sqlite', file: join(dir, 'central.sqlite') },
    kiosks: [A],
    accounts: [{ username: 'wang.staff', role: 'station-staff', stationId: 'GZ-TIYUXILU', apiToken: STAFF_TOKEN }],
    staffCredentials: [{ name: 'li.supervisor', token: SUPERVISOR, role: 'supervisor' }],
    dataDir: dir,
  });
  const r = await call(central.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(++seq, filed)] } });
  expect((r.body as { acks: unknown[] }).acks).toHaveLength(1);
  expect((await call(central.url, 'PUT', `/v1/staff/blocklist/${FULL}`, { token: SUPERVISOR, body: { reason: 'reported lost' } })).text).not.toContain(FULL);
});
afterAll(async () => {
  await central?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a staff token never gets a full card number', () => {
  it('list, detail, status change and blocklist carry the number masked (first 4, last 4)', async () => {
    const answers = await Promise.all([
      call(central.url, 'GET', '/v1/staff/tickets', { token: STAFF_TOKEN }),
      call(central.url, 'GET', `/v1/staff/tickets?q=${FULL}`, { token: STAFF_TOKEN }),
      call(central.url, 'GET', `/v1/staff/tickets/${filed.id}`, { token: STAFF_TOKEN }),
      call(central.url, 'GET', '/v1/staff/blocklist', { token: STAFF_TOKEN }),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.text).not.toContain(FULL);
    }
    const changed = await call(central.url, 'POST', `/v1/staff/tickets/${filed.id}/status`, { token: STAFF_TOKEN, body: { status: 'in-progress', note: 'looking' } });
    expect(changed.status).toBe(200);
    expect(changed.text).not.toContain(FULL);
    const detail = answers[2].body as { ticket: { card: { cardNumber: string; masked: string } } };
    expect(detail.ticket.card).toMatchObject({ cardNumber: '3104 **** **** 2345', masked: '3104 **** **** 2345' });
    expect((answers[3].body as { entries: { cardNumber: string }[] }).entries).toEqual([{ cardNumber: '3104 **** **** 2345', reason: 'reported lost' }]);
  });

  it('the staff token may not reveal, nor read the reveal audit; nothing is audited for the refusal', async () => {
    const r = await call(central.url, 'POST', `/v1/staff/tickets/${filed.id}/reveal-card-number`, { token: STAFF_TOKEN });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ error: { code: 'forbidden-for-role' } });
    expect(r.text).not.toContain(FULL);
    expect((await call(central.url, 'GET', '/v1/staff/card-reveals', { token: STAFF_TOKEN })).status).toBe(403);
    const audit = await call(central.url, 'GET', '/v1/staff/card-reveals', { token: SUPERVISOR });
    expect(audit.body).toEqual({ reveals: [] });
  });

  it('without a token, or with a kiosk token, nothing is revealed', async () => {
    expect((await call(central.url, 'POST', `/v1/staff/tickets/${filed.id}/reveal-card-number`)).status).toBe(401);
    expect((await call(central.url, 'POST', `/v1/staff/tickets/${filed.id}/reveal-card-number`, { token: A.token })).status).toBe(401);
  });
});

describe('a supervisor reveals, audited', () => {
  it('returns the full number and writes who and when into the audit', async () => {
    const before = Date.now();
    const r = await call(central.url, 'POST', `/v1/staff/tickets/${filed.id}/reveal-card-number`, { token: SUPERVISOR });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ticketId: filed.id, cardNumber: FULL, revealedBy: 'li.supervisor', role: 'supervisor' });
    const audit = (await call(central.url, 'GET', '/v1/staff/card-reveals', { token: SUPERVISOR })).body as { reveals: { ticketId: string; revealedBy: string; revealedAt: string }[] };
    expect(audit.reveals).toMatchObject([{ ticketId: filed.id, revealedBy: 'li.supervisor', role: 'supervisor' }]);
    expect(Date.parse(audit.reveals[0]!.revealedAt)).toBeGreaterThanOrEqual(before - 1000);
    // The supervisor's ordinary reads are masked too: the full number only through the reveal.
    expect((await call(central.url, 'GET', `/v1/staff/tickets/${filed.id}`, { token: SUPERVISOR })).text).not.toContain(FULL);
  });

  it('an unknown ticket is a 404 and writes no audit row', async () => {
    const r = await call(central.url, 'POST', `/v1/staff/tickets/${makeTicketId('GZ0102', '2026-03-14', 9999)}/reveal-card-number`, { token: SUPERVISOR });
    expect(r.status).toBe(404);
    const audit = (await call(central.url, 'GET', '/v1/staff/card-reveals', { token: SUPERVISOR })).body as { reveals: unknown[] };
    expect(audit.reveals).toHaveLength(1);
  });

  it('the OpenAPI document central serves describes the reveal and the audit, and the masked number', async () => {
    const doc = (await call(central.url, 'GET', '/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { 'x-required-capability'?: string }>>;
      components: { schemas: Record<string, { properties?: Record<string, { pattern?: string }> }> };
    };
    expect(doc.paths['/v1/staff/tickets/{ticketId}/reveal-card-number']?.['post']?.['x-required-capability']).toBe('reveal-card-number');
    expect(doc.paths['/v1/staff/card-reveals']?.['get']?.['x-required-capability']).toBe('read-card-reveals');
    const pattern = new RegExp(doc.components.schemas['StaffCardContext']!.properties!['cardNumber']!.pattern!, 'u');
    expect(pattern.test('3104 **** **** 2345')).toBe(true);
    expect(pattern.test(FULL)).toBe(false);
  });
});

describe('the masked field of a ticket is masked', () => {
  it('a kiosk that puts the full number into card.masked gets the item refused, and nothing is stored', async () => {
    const sneaky = ticket(A.id, { card: { family: 't-union', cardNumber: FULL, masked: FULL, cityCode: '5810', balance: 1250, diagnosis: [] } });
    const r = await call(central.url, 'POST', `/v1/kiosks/${A.id}/batches`, { token: A.token, body: { items: [ticketItem(++seq, sneaky)] } });
    expect((r.body as { rejects: { code: string; reason: string }[] }).rejects).toMatchObject([{ code: 'invalid-item' }]);
    expect(await central.storage.getTicket(sneaky.id)).toBeNull();
  });
});
