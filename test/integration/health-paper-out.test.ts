import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EscPosPrinter } from '../../driver/printer/escpos-printer.js';
import { SimulatedPrinterDevice } from '../../hardware-sim/printer/printer-device.js';
import { FaultMonitor } from '../../kiosk/fault-monitor/fault-monitor.js';
import { faultPortsFromTicketService } from '../../kiosk/fault-monitor/ticket-service-port.js';
import { KioskStore } from '../../kiosk/store/kiosk-store.js';
import { TicketService } from '../../kiosk/tickets/ticket-service.js';
import type { OutboxPayload } from '../../shared/sync.js';
import { requireSocat, tempDir, type TempDir } from '../support/pty.js';
import { systemSerialBinding } from '../../driver/serial/binding.js';

const kiosk = { kioskId: 'kiosk-gz-0102', kioskCode: 'GZ0102', stationId: 'GZ-L3-TIYU-XILU' };

describe('paper out on the pty printer files exactly one device-fault ticket (real SQLite store)', () => {
  let dir: TempDir;
  let sim: SimulatedPrinterDevice;
  let printer: EscPosPrinter;
  let store: KioskStore;
  let monitor: FaultMonitor;
  let service: TicketService;

  const outbox = async (): Promise<OutboxPayload[]> => (await store.outbox.list()).map((e) => e.payload);

  beforeAll(async () => {
    requireSocat();
    dir = await tempDir('health-paper');
    sim = new SimulatedPrinterDevice({ hostPath: path.join(dir.path, 'printer'), receiptsDir: path.join(dir.path, 'receipts') });
    await sim.start();
    store = await KioskStore.open({ path: path.join(dir.path, 'kiosk.db'), now: () => Date.now() });
    service = new TicketService(store, kiosk);
    monitor = new FaultMonitor(faultPortsFromTicketService(service, () => new Date()));
    printer = new EscPosPrinter({ criteria: { path: sim.link.hostPath }, binding: systemSerialBinding() });
    monitor.watch(printer);
    await printer.start();
  });

  afterAll(async () => {
    await printer?.stop();
    await monitor?.stop();
    await sim?.stop();
    await store?.close();
    await dir?.remove();
  });

  it('files one ticket while paper stays out, however often the printer is polled', async () => {
    await monitor.settled();
    expect(await outbox()).toEqual([]);
    sim.printer.paper = 'out';
    for (let i = 0; i < 4; i++) expect(await printer.status()).toMatchObject({ ok: true, value: { paperOut: true } });
    expect(await printer.print({ blocks: [{ kind: 'text', text: 'x' }] })).toMatchObject({ ok: false, error: { code: 'paper-out' } });
    await monitor.settled();

    const items = await outbox();
    const tickets = items.flatMap((p) => (p.kind === 'ticket' ? [p.ticket] : []));
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ category: 'device-fault', faultKey: 'printer:paper-out', description: 'printer: roll paper end', kioskId: kiosk.kioskId });
    expect(items.filter((p) => p.kind === 'device-event')).toEqual([
      { kind: 'device-event', event: { device: 'printer', event: 'paper-out', severity: 'fault', detail: 'printer: roll paper end' } },
    ]);
    expect(monitor.activeFaults()).toMatchObject([{ faultKey: 'printer:paper-out', ticketId: tickets[0]!.id }]);
  });

  it('records a cleared event when paper is back', async () => {
    sim.printer.paper = 'ok';
    expect((await printer.status()).ok).toBe(true);
    await monitor.settled();
    const events = (await outbox()).flatMap((p) => (p.kind === 'device-event' ? [p.event] : []));
    expect(events.at(-1)).toMatchObject({ device: 'printer', event: 'paper-out', severity: 'cleared' });
    expect(monitor.activeFaults()).toEqual([]);
  });

  it('a restarted monitor reuses the ticket still open for the same fault key', async () => {
    const restarted = new FaultMonitor(faultPortsFromTicketService(service, () => new Date()));
    const off = restarted.watch(printer);
    sim.printer.paper = 'out';
    await printer.status();
    await restarted.settled();
    off();
    const tickets = (await outbox()).flatMap((p) => (p.kind === 'ticket' ? [p.ticket] : []));
    expect(tickets).toHaveLength(1);
    expect(restarted.activeFaults()[0]?.ticketId).toBe(tickets[0]!.id);
    sim.printer.paper = 'ok';
    await printer.status();
    await monitor.settled();
  });
});
