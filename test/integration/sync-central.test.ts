import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCentral } from '../../central/server.js';
import type { TicketId } from '../../shared/ticket.js';
import { drained, kioskIdentity, openKiosk, startSqliteCentral, tempDir, waitFor, type KioskUnderTest } from '../support/kiosk-writer-harness.js';

const dir = tempDir('sync-central-');
const k1 = kioskIdentity(1);
const k2 = kioskIdentity(2);
const k3 = kioskIdentity(3);
let central: RunningCentral;
const kiosks: KioskUnderTest[] = [];

beforeAll(async () => {
  central = await startSqliteCentral(dir.path, [k1, k2, k3]);
});
afterAll(async () => {
  for (const k of kiosks) await k.close().catch(() => undefined);
  await central?.close();
  dir.remove();
});

async function centralTicketIds(kioskId: string): Promise<string[]> {
  const { tickets } = await central.storage.listTickets({ kioskId, limit: 10_000, offset: 0 });
  return tickets.map((t) => t.id);
}

describe('sync worker against the real central (SQLite, loopback)', () => {
  it('delivers every ticket once, in several batches, and records the acknowledgements and clock offset', async () => {
    const kiosk = await openKiosk(join(dir.path, 'k1.db'), k1, central.url, { batchSize: 40 });
    kiosks.push(kiosk);
    const made: string[] = [];
    for (let i = 0; i < 150; i++) {
      const r = await kiosk.tickets.createTicket({ category: 'gate', description: `gate ${i} 闸机`, language: 'zh' });
      if (!r.ok) throw new Error(r.error.code);
      made.push(r.value.id);
    }
    kiosk.worker.start();
    await waitFor(kiosk.worker, () => drained(kiosk.store), 'the outbox to drain');
    expect((await centralTicketIds(k1.kioskId)).sort()).toEqual([...made].sort());
    const rows = await kiosk.store.outbox.list({ limit: 1000 });
    expect(rows.every((r) => r.state === 'acked' && r.serverSeq !== null && r.serverReceivedAt !== null)).toBe(true);
    const serverSeqs = rows.map((r) => r.serverSeq ?? 0);
    expect(serverSeqs).toEqual([...serverSeqs].sort((a, b) => a - b));
    const stats = await kiosk.store.outbox.stats();
    expect(stats).toMatchObject({ depth: 0, acked: 150, rejected: 0 });
    expect(stats.lastSuccessfulSyncAt).not.toBeNull();
    expect(stats.clockOffsetMs).not.toBeNull();
    expect(Math.abs(stats.clockOffsetMs ?? Infinity)).toBeLessThan(5_000);
    expect(kiosk.worker.status().state).toBe('online');

    // New rows wake the worker: no poll interval passes in this test.
    const late = await kiosk.tickets.createTicket({ category: 'suggestion', description: 'more benches', language: 'en' });
    if (!late.ok) throw new Error(late.error.code);
    await waitFor(kiosk.worker, async () => (await centralTicketIds(k1.kioskId)).includes(late.value.id), 'the late ticket at central');
  });

  it('pulls ticket statuses, FAQ, config and blocklist down by cursor and answers from the cache', async () => {
    const kiosk = kiosks[0];
    if (!kiosk) throw new Error('first test did not run');
    const [first] = await centralTicketIds(k1.kioskId);
    const at = new Date().toISOString();
    await central.storage.changeTicketStatus({ ticketId: first as TicketId, status: 'resolved', note: '闸机已修复', actor: 'agent-1', at });
    await central.storage.putFaq({ id: 'refund', category: 'cards', title: { zh: '如何退卡', en: 'Returning a card' }, body: { zh: '到客服中心退卡', en: 'Go to the service centre' }, updatedAt: at });
    await central.storage.putBlocklist({ cardNumber: '3105123412347984', reason: 'reported lost' }, at);
    await central.storage.putKioskConfig(k1.kioskId, { idleTimeoutSeconds: 90 }, at);
    kiosk.worker.syncNow();
    await waitFor(kiosk.worker, async () => (await kiosk.tickets.blocked('3105123412347984')) !== null && (await kiosk.store.caches.faqArticles()).length === 1, 'changes in the cache');
    await waitFor(kiosk.worker, async () => {
      const s = await kiosk.tickets.ticketStatus(first ?? '');
      return s.ok && s.value.status === 'resolved';
    }, 'the resolved status');
    const status = await kiosk.tickets.ticketStatus(first ?? '');
    expect(status).toMatchObject({ ok: true, value: { status: 'resolved', note: '闸机已修复', delivery: 'delivered' } });
    expect((await kiosk.tickets.searchFaq({ text: '退卡', language: 'zh' }))[0]?.article.id).toBe('refund');
    await waitFor(kiosk.worker, async () => (await kiosk.store.caches.config()).idleTimeoutSeconds === 90, 'the kiosk config');
    expect(await kiosk.store.caches.cursor()).toBeGreaterThan(0);
  });

  it("freshen: a status central changed a moment ago is in the cache once it resolves, without the 60 s poll; a worker backing off or stopped does not wait", async () => {
    const kiosk = kiosks[0];
    if (!kiosk) throw new Error('first test did not run');
    const [, second] = await centralTicketIds(k1.kioskId);
    // the worker is idle until its next poll in 60 s
    await kiosk.worker.whenIdle();
    await central.storage.changeTicketStatus({ ticketId: second as TicketId, status: 'in-progress', note: '已派人 someone is on the way', actor: 'agent-1', at: new Date().toISOString() });
    expect((await kiosk.store.caches.ticketStatus(second ?? ''))?.status).not.toBe('in-progress');
    // a timeout past the test's own: resolving early means the cycle ended
    await kiosk.worker.freshen(120_000);
    expect(await kiosk.tickets.ticketStatus(second ?? '')).toMatchObject({ ok: true, value: { status: 'in-progress', note: '已派人 someone is on the way' } });

    // Central unreachable: the worker backs off, and freshen answers at once with what the cache holds.
    const dir3 = tempDir('sync-freshen-');
    const away = await openKiosk(join(dir3.path, 'away.db'), k3, 'http://127.0.0.1:9', { backoff: { baseMs: 60_000, capMs: 60_000 } });
    try {
      away.worker.start();
      await waitFor(away.worker, () => Promise.resolve(away.worker.status().state === 'offline'), 'the worker offline');
      await away.worker.freshen(120_000);
      await away.worker.stop();
      await away.worker.freshen(120_000);
    } finally {
      await away.store.close();
      dir3.remove();
    }
  }, 20_000);

  it('treats a whole-batch refusal (403) as a configuration fault: rows stay pending, nothing is stored', async () => {
    // The ticket service files tickets as k2 but the client speaks as k1: central refuses them item by item.
    const liar = await openKiosk(join(dir.path, 'liar.db'), k2, central.url, { clientKioskId: k1.kioskId });
    kiosks.push(liar);
    await liar.tickets.createTicket({ category: 'gate', description: 'not mine', language: 'en' });
    await liar.tickets.recordAudit({ actor: 'tech', action: 'door.open', detail: null });
    const before = await central.storage.countItems(k2.kioskId);
    // k2's token speaking for k1 is refused as a whole (403): a configuration fault, rows stay pending.
    liar.worker.start();
    await waitFor(liar.worker, () => Promise.resolve(liar.worker.status().state === 'config-fault'), 'the config fault');
    expect(liar.worker.status().lastFault?.code).toBe('forbidden');
    const stats = await liar.store.outbox.stats();
    expect(stats.depth).toBe(2);
    expect(await central.storage.countItems(k2.kioskId)).toBe(before);
  });

  it('marks the items central refuses one by one as rejected and keeps them for a technician', async () => {
    const dir2 = tempDir('sync-reject-');
    try {
      // k3's token and id, but the store files tickets for another kiosk id: central answers 200 with a reject for the ticket.
      const odd = await openKiosk(join(dir2.path, 'odd.db'), { ...k3, kioskId: 'kiosk-elsewhere' }, central.url, { clientKioskId: k3.kioskId });
      kiosks.push(odd);
      const bad = await odd.tickets.createTicket({ category: 'gate', description: 'wrong kiosk in the ticket', language: 'en' });
      const good = await odd.tickets.recordTelemetry({ uptime: 5 });
      if (!bad.ok || !good.ok) throw new Error('not created');
      odd.worker.start();
      await waitFor(odd.worker, () => drained(odd.store), 'the outbox to settle');
      const [ticketRow, telemetryRow] = await odd.store.outbox.list();
      expect(ticketRow).toMatchObject({ state: 'rejected', rejectCode: 'kiosk-mismatch' });
      expect(telemetryRow?.state).toBe('acked');
      expect(await odd.tickets.ticketStatus(bad.value.id)).toMatchObject({ ok: true, value: { delivery: 'rejected' } });
      expect((await odd.store.outbox.stats()).rejected).toBe(1);
    } finally {
      dir2.remove();
    }
  });
});
