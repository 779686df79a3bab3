import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTicketId, type TicketCardContext } from '../../shared/ticket.js';
import type { FaqArticle } from '../../shared/sync.js';
import { KioskStore } from '../store/kiosk-store.js';
import { TicketService } from './ticket-service.js';
import { shanghaiDate } from '../../shared/shanghai-date.js';

let dir: string;
let store: KioskStore;
let nowMs: number;
let service: TicketService;
const kiosk = { kioskId: 'kiosk-gz-0102', kioskCode: 'GZ0102', stationId: 'GZ-L3-TIYU-XILU' };
const card: TicketCardContext = { family: 't-union', cardNumber: '3105123412347984', masked: '3105 **** **** 7984', cityCode: '5810', balance: 350, diagnosis: [] };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-tickets-'));
  nowMs = Date.parse('2026-11-23T15:59:00.000Z'); // 23:59 in Shanghai
  store = await KioskStore.open({ path: join(dir, 'kiosk.db'), now: () => nowMs });
  service = new TicketService(store, kiosk);
});
afterEach(async () => {
  await store.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('TicketService', () => {
  it('makes ids from the Shanghai date and a per-day counter that restarts the next day', async () => {
    const a = await service.createTicket({ category: 'gate', description: 'gate 3', language: 'en' });
    const b = await service.createTicket({ category: 'gate', description: 'gate 4', language: 'en' });
    nowMs += 2 * 60_000; // 00:01 the next day in Shanghai, still the 23rd in UTC
    const c = await service.createTicket({ category: 'gate', description: 'gate 5', language: 'en' });
    const ids = [a, b, c].map((r) => (r.ok ? r.value.id : null));
    expect(ids.map((id) => id?.slice(0, 18))).toEqual(['GZ0102-261123-0001', 'GZ0102-261123-0002', 'GZ0102-261124-0001']);
    for (const id of ids) expect(id !== null && parseTicketId(id)).toBe(id);
    expect(shanghaiDate(nowMs)).toBe('2026-11-24');
  });

  it('stores the ticket and its outbox row with the same content, resolving after commit', async () => {
    const r = await service.createTicket({ category: 'card-problem', description: '扣费两次', phone: '138 0013 8000', card, language: 'zh' });
    if (!r.ok) throw new Error(r.error.message);
    const [row] = await store.outbox.list();
    expect(row?.payload).toEqual({ kind: 'ticket', ticket: r.value.ticket });
    expect(r.value.ticket).toMatchObject({ phone: '13800138000', kioskId: kiosk.kioskId, stationId: kiosk.stationId, card });
    const local = await store.db.get<{ card_hash: string; card_masked: string }>('SELECT card_hash, card_masked FROM tickets WHERE id = ?', [r.value.id]);
    expect(local?.card_masked).toBe('3105 **** **** 7984');
    expect(local?.card_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(local)).not.toContain(card.cardNumber);
  });

  it.each([
    ['invalid-category', { category: 'weather', description: 'x', language: 'en' }],
    ['description-too-long', { category: 'gate', description: 'x'.repeat(2001), language: 'en' }],
    ['invalid-text', { category: 'gate', description: 'bad \uD800 half', language: 'en' }],
    ['invalid-phone', { category: 'gate', description: 'x', phone: '12345', language: 'en' }],
    ['invalid-phone', { category: 'gate', description: 'x', phone: '+86 138 0013 8000', language: 'en' }],
    ['invalid-language', { category: 'gate', description: 'x', language: 'fr' }],
    ['invalid-card', { category: 'gate', description: 'x', language: 'en', card: { ...card, cardNumber: "1' OR 1=1" } }],
  ])('refuses a bad draft: %s, and stores nothing', async (code, draft) => {
    const r = await service.createTicket(draft as never);
    expect(r).toMatchObject({ ok: false, error: { code } });
    expect(await store.outbox.list()).toEqual([]);
  });

  it('accepts exactly 2000 characters counted as characters, not UTF-16 units', async () => {
    const r = await service.createTicket({ category: 'gate', description: '😀'.repeat(2000), language: 'zh' });
    expect(r.ok).toBe(true);
  });

  it('stores hostile strings verbatim and never interprets them', async () => {
    const hostile = [
      "'); DROP TABLE tickets; --",
      '<script>alert(1)</script><img src=x onerror=alert(2)>',
      '\u0000nul\u0000inside',
      '\u202Eevil-rtl\u202C and \u200Bzero width',
      '${process.exit(1)} {{7*7}} %s %n',
      '"quoted" \\ back\\slash \n\r\t',
      '地铁站闸机故障 🚇 ñ é',
    ];
    for (const description of hostile) {
      const r = await service.createTicket({ category: 'staff-complaint', description, language: 'zh' });
      if (!r.ok) throw new Error(`${r.error.code} for ${JSON.stringify(description)}`);
      const status = await service.ticketStatus(r.value.id);
      expect(status.ok && status.value.local?.description).toBe(description);
    }
    const rows = await store.outbox.list({ limit: 100 });
    expect(rows.map((r) => (r.payload.kind === 'ticket' ? r.payload.ticket.description : null))).toEqual(hostile);
    expect(await store.integrityCheck()).toBe('ok');
  });

  it('answers ticket status from the cache: waiting to send, then central status after down-sync', async () => {
    const r = await service.createTicket({ category: 'gate', description: 'g', language: 'en', card });
    if (!r.ok) throw new Error('not created');
    expect(await service.ticketStatus(r.value.id.toLowerCase())).toMatchObject({ ok: true, value: { status: 'open', delivery: 'waiting-to-send' } });
    await store.caches.apply({
      changes: [{ type: 'ticket-status', cursor: 5, update: { ticketId: r.value.id, status: 'in-progress', note: '已派维修', updatedAt: '2026-11-24T01:00:00.000Z' } }],
      cursor: 5,
      more: false,
      serverTime: '2026-11-24T01:00:01.000Z',
    });
    expect(await service.ticketStatus(`https://metro.example/t/${r.value.id}`)).toMatchObject({ ok: true, value: { status: 'in-progress', note: '已派维修' } });
    const byCard = await service.ticketsForCard('3105 1234 1234 7984');
    expect(byCard.ok && byCard.value.map((v) => [v.ticketId, v.status])).toEqual([[r.value.id, 'in-progress']]);
    expect(await service.ticketsForCard('3105000000000000')).toEqual({ ok: true, value: [] });
    expect(await service.ticketStatus('GZ0102-261123-0001-0')).toMatchObject({ ok: false, error: { code: 'invalid-ticket-id' } });
    expect(await service.ticketStatus('GZ0102-261123-0099-' + String(parseCheck('GZ0102-261123-0099')))).toMatchObject({ ok: false, error: { code: 'ticket-not-found' } });
  });

  it('records ratings, device events, audit entries and telemetry with their outbox rows', async () => {
    expect(await service.recordRating({ score: 5, service: 'report', reason: '很好' })).toMatchObject({ ok: true, value: { score: 5 } });
    expect(await service.recordRating({ score: 6, service: 'report' })).toMatchObject({ ok: false, error: { code: 'invalid-rating', field: 'score' } });
    expect((await service.recordDeviceEvent({ device: 'printer', event: 'paper-out', severity: 'fault', detail: null })).ok).toBe(true);
    expect((await service.recordAudit({ actor: 'tech-3', action: 'maintenance.enter', detail: null })).ok).toBe(true);
    expect((await service.recordTelemetry({ cpuTemp: 51.5, uptime: 3600, ok: true })).ok).toBe(true);
    expect(await service.recordTelemetry({ bad: Number.NaN })).toMatchObject({ ok: false, error: { code: 'invalid-record' } });
    expect((await store.outbox.list()).map((r) => r.kind)).toEqual(['rating', 'device-event', 'audit', 'telemetry']);
  });

  it('finds the open ticket of a device fault until central closes it', async () => {
    const r = await service.createTicket({ category: 'device-fault', description: 'printer out of paper', language: 'zh', faultKey: 'printer:paper-out' });
    if (!r.ok) throw new Error('not created');
    expect((await service.openTicketForFault('printer:paper-out'))?.id).toBe(r.value.id);
    await store.caches.apply({
      changes: [{ type: 'ticket-status', cursor: 1, update: { ticketId: r.value.id, status: 'resolved', note: null, updatedAt: '2026-11-24T01:00:00.000Z' } }],
      cursor: 1,
      more: false,
      serverTime: '2026-11-24T01:00:00.000Z',
    });
    expect(await service.openTicketForFault('printer:paper-out')).toBeNull();
  });

  it('searches cached FAQ articles in Chinese and English, and serves the blocklist', async () => {
    const article = (id: string, category: string, zh: [string, string], en: [string, string]): FaqArticle => ({
      id,
      category,
      title: { zh: zh[0], en: en[0] },
      body: { zh: zh[1], en: en[1] },
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    await store.caches.apply({
      changes: [
        { type: 'faq', cursor: 1, deleted: false, article: article('refund', 'cards', ['如何退卡', '在服务中心办理退卡，押金退还。'], ['How to return a card', 'Return the card at a service centre.']) },
        { type: 'faq', cursor: 2, deleted: false, article: article('lost', 'cards', ['卡丢失怎么办', '记名卡可以挂失。'], ['Lost card', 'Registered cards can be reported lost.']) },
        { type: 'faq', cursor: 3, deleted: false, article: article('lift', 'station', ['电梯位置', '无障碍电梯在A口。'], ['Where is the lift', 'The step-free lift is at exit A.']) },
        { type: 'blocklist', cursor: 4, deleted: false, entry: { cardNumber: '3105123412347984', reason: 'reported lost' } },
      ],
      cursor: 4,
      more: false,
      serverTime: '2026-01-01T00:00:00.000Z',
    });
    expect((await service.searchFaq({ text: '退卡', language: 'zh' }))[0]?.article.id).toBe('refund');
    expect((await service.searchFaq({ text: '我想知道怎么退卡', language: 'zh' })).map((h) => h.article.id)).toEqual(['refund', 'lost']);
    expect((await service.searchFaq({ text: 'LIFT', language: 'en' })).map((h) => h.article.id)).toEqual(['lift']);
    expect((await service.searchFaq({ text: 'card', language: 'en', category: 'station' })).map((h) => h.article.id)).toEqual([]);
    expect(await service.faqCategories()).toEqual(['cards', 'station']);
    expect(await service.blocked('3105123412347984')).toEqual({ cardNumber: '3105123412347984', reason: 'reported lost' });
    expect(await store.caches.cursor()).toBe(4);
  });

  it('tells the caller plainly when the store cannot write, and throws nothing', async () => {
    await store.close();
    const r = await service.createTicket({ category: 'gate', description: 'x', language: 'en' });
    expect(r).toMatchObject({ ok: false, error: { code: 'store-unavailable' } });
  });
});

function parseCheck(body: string): number {
  for (let d = 0; d < 10; d++) if (parseTicketId(`${body}-${d}`)) return d;
  throw new Error('no check digit');
}
