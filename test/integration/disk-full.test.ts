// A full disk, for real: the kiosk's data folder on a 12 MB tmpfs that the test fills up.
// New tickets are refused with a clear reason and a device-fault alarm; nothing stored is lost;
// everything recovers when space returns. Needs root (mount).
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceHealth } from '../../shared/devices.js';
import { StorageGuard } from '../../kiosk/appliance/storage-guard.js';
import { FaultMonitor } from '../../kiosk/fault-monitor/fault-monitor.js';
import { faultPortsFromTicketService } from '../../kiosk/fault-monitor/ticket-service-port.js';
import { KioskStore } from '../../kiosk/store/kiosk-store.js';
import { TicketService } from '../../kiosk/tickets/ticket-service.js';

const kiosk = { kioskId: 'kiosk-disk-01', kioskCode: 'GZ0199', stationId: 'GZ-L3-TIYU-XILU' };
const MIN_FREE = 3 * 1024 * 1024;
let dir: string;
let fs: string;
let store: KioskStore;
let guard: StorageGuard;
let tickets: TicketService;
let monitor: FaultMonitor;
const healths: DeviceHealth[] = [];

const free = () => {
  const s = statfsSync(fs);
  return s.bavail * s.bsize;
};

/** Writes a file of zeros until `leave` bytes are free (or the disk is full). */
function fill(name: string, leave: number): void {
  const fd = openSync(join(fs, name), 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    while (free() > leave + chunk.length) writeSync(fd, chunk);
    if (leave === 0) for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiosk-disk-full-'));
  fs = join(dir, 'fs');
  await mkdir(fs);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12m', 'tmpfs', fs]);
  store = await KioskStore.open({ path: join(fs, 'kiosk.sqlite') });
  guard = new StorageGuard({ dir: fs, minFreeBytes: MIN_FREE, onChange: (h) => {
    healths.push(h);
    monitor.observeDevice('storage', h);
  } });
  tickets = new TicketService(store, kiosk, { storage: guard });
  monitor = new FaultMonitor(faultPortsFromTicketService(tickets, () => new Date()));
});

afterAll(async () => {
  await monitor?.stop();
  await store?.close().catch(() => undefined);
  try {
    execFileSync('umount', [fs]);
  } catch {
    // not mounted
  }
  await rm(dir, { recursive: true, force: true });
});

async function stored(): Promise<string[]> {
  const rows = await store.outbox.list({});
  return rows.flatMap((r) => (r.payload.kind === 'ticket' ? [r.payload.ticket.id] : []));
}

describe('a full disk', () => {
  const before: string[] = [];

  it('takes tickets while there is room', async () => {
    for (const d of ['gate 1', 'gate 2', 'gate 3']) {
      const r = await tickets.createTicket({ category: 'gate', description: d, language: 'en' });
      expect(r.ok).toBe(true);
      if (r.ok) before.push(r.value.id);
    }
    expect(await stored()).toEqual(before);
  });

  it('refuses a new ticket with a clear reason and raises a device fault, losing nothing', async () => {
    fill('filler-1', MIN_FREE / 2);
    const r = await tickets.createTicket({ category: 'gate', description: 'gate 4', language: 'en' });
    expect(r).toEqual({ ok: false, error: { code: 'storage-full', message: "the kiosk's storage is full; nothing was stored" } });
    expect(healths.at(-1)).toMatchObject({ state: 'fault', code: 'disk-full' });
    await monitor.settled();
    expect(monitor.activeFaults()).toEqual([expect.objectContaining({ faultKey: 'storage:disk-full', device: 'storage', level: 'fault' })]);
    expect(await stored()).toEqual(before);
  });

  it('turns SQLite’s own "disk is full" into the same refusal, the database intact', async () => {
    fill('filler-2', 0);
    expect(free()).toBeLessThan(64 * 1024);
    // A guard that has not looked yet: SQLite meets the full disk itself.
    const blind = new TicketService(store, kiosk, { storage: { hasRoom: () => Promise.resolve(true), reportFull: () => guard.reportFull() } });
    const r = await blind.createTicket({ category: 'gate', description: 'x'.repeat(2000), language: 'en' });
    expect(r).toEqual({ ok: false, error: { code: 'storage-full', message: "the kiosk's storage is full; nothing was stored" } });
    expect(await stored()).toEqual(before);
  });

  it('recovers by itself when space returns: tickets are taken and the fault clears', async () => {
    await rm(join(fs, 'filler-1'));
    await rm(join(fs, 'filler-2'));
    const r = await tickets.createTicket({ category: 'gate', description: 'gate 5', language: 'en' });
    expect(r.ok).toBe(true);
    expect(healths.at(-1)).toMatchObject({ state: 'ok', code: null });
    await monitor.tick();
    expect(monitor.activeFaults()).toEqual([]);
    const all = await stored();
    expect(all.slice(0, 3)).toEqual(before);
    expect(all).toContain(r.ok ? r.value.id : '');
  });
});
