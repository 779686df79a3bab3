import { describe, expect, it } from 'vitest';
import type { DeviceHealth } from '../../shared/devices.js';
import type { DeviceEvent } from '../../shared/sync.js';
import { FaultMonitor, type FaultMonitorPorts } from './fault-monitor.js';

function recorder(start = '2026-11-23T06:00:00Z') {
  let nowMs = Date.parse(start);
  const tickets: { faultKey: string; description: string }[] = [];
  const events: DeviceEvent[] = [];
  const telemetry: Record<string, unknown>[] = [];
  let failNext = 0;
  const ports: FaultMonitorPorts = {
    fileFaultTicket(input) {
      if (failNext > 0) {
        failNext--;
        return Promise.resolve({ ok: false, error: { code: 'store-failed', message: 'disk full' } });
      }
      tickets.push(input);
      return Promise.resolve({ ok: true, value: { ticketId: `T${tickets.length}` } });
    },
    recordDeviceEvent: (e) => Promise.resolve(events.push(e)),
    recordTelemetry: (m) => Promise.resolve(telemetry.push(m)),
    now: () => new Date(nowMs),
  };
  return {
    ports,
    tickets,
    events,
    telemetry,
    advance: (ms: number) => (nowMs += ms),
    failNextFiling: (n: number) => (failNext = n),
    iso: () => new Date(nowMs).toISOString(),
  };
}

const health = (state: DeviceHealth['state'], code: string | null, detail: string | null = code): DeviceHealth => ({ state, code, detail, since: '2026-11-23T06:00:00Z' });

describe('FaultMonitor', () => {
  it('files one ticket per fault key while it lasts, and a cleared event when it ends', async () => {
    const r = recorder();
    const m = new FaultMonitor(r.ports);
    m.observeDevice('printer', health('fault', 'paper-out', 'roll paper end'));
    m.observeDevice('printer', health('fault', 'paper-out', 'roll paper end'));
    await m.tick();
    m.observeDevice('printer', health('fault', 'paper-out', 'roll paper end'));
    await m.settled();
    expect(r.tickets).toEqual([{ faultKey: 'printer:paper-out', description: 'printer: roll paper end' }]);
    m.observeDevice('printer', health('ok', null));
    await m.settled();
    expect(r.events.map((e) => `${e.device}/${e.event}/${e.severity}`)).toEqual(['printer/paper-out/fault', 'printer/paper-out/cleared']);
    expect(r.events[1]!.detail).toBe('ticket T1');
  });

  it('waits out the grace period before an absent device is a fault', async () => {
    const r = recorder();
    const m = new FaultMonitor(r.ports, { limits: { absentGraceMs: 30_000 } });
    m.observeDevice('printer', health('absent', 'disconnected'));
    r.advance(29_000);
    await m.tick();
    expect(r.tickets).toEqual([]);
    r.advance(2_000);
    await m.tick();
    expect(r.tickets.map((t) => t.faultKey)).toEqual(['printer:absent']);
  });

  it('an absence shorter than the grace period (a replug) files nothing and records nothing', async () => {
    const r = recorder();
    const m = new FaultMonitor(r.ports);
    m.observeDevice('cabinet', health('absent', 'disconnected'));
    r.advance(5_000);
    m.observeDevice('cabinet', health('ok', null));
    r.advance(60_000);
    await m.tick();
    expect(r.tickets).toEqual([]);
    expect(r.events).toEqual([]);
  });

  it('treats an open door as a fault only outside maintenance', async () => {
    const r = recorder();
    const m = new FaultMonitor(r.ports);
    const status = { door: 'open', temperatureC: 30, power: 'mains', batteryPercent: 100 } as const;
    m.setMaintenance(true);
    m.observeCabinet(status);
    await m.settled();
    expect(r.tickets).toEqual([]);
    m.setMaintenance(false);
    await m.settled();
    expect(r.tickets.map((t) => t.faultKey)).toEqual(['cabinet:door-open']);
    m.setMaintenance(true);
    await m.settled();
    expect(r.events.at(-1)).toMatchObject({ event: 'door-open', severity: 'cleared' });
  });

  it('files for battery power, a stuck sync backlog, a far-off clock and a lost card reader', async () => {
    const r = recorder();
    const m = new FaultMonitor(r.ports, { limits: { syncStuckMs: 30 * 60_000, clockMaxOffsetMs: 120_000, absentGraceMs: 0 } });
    m.observeCabinet({ door: 'closed', temperatureC: 30, power: 'battery', batteryPercent: 71 });
    m.observeSync({ oldestPendingAt: new Date(Date.parse(r.iso()) - 10 * 60_000).toISOString() });
    m.observeClockOffset(119_000);
    m.observeCardReader({ state: 'pcscd-down', since: r.iso(), detail: 'socket refused' });
    await m.settled();
    expect(r.tickets.map((t) => t.faultKey).sort()).toEqual(['cabinet:on-battery', 'card-reader:pcscd-down']);
    r.advance(25 * 60_000);
    m.observeClockOffset(-300_000);
    await m.tick();
    expect(r.tickets.map((t) => t.faultKey).sort()).toEqual(['cabinet:on-battery', 'card-reader:pcscd-down', 'clock:offset', 'sync:stuck']);
    expect(r.tickets.find((t) => t.faultKey === 'clock:offset')?.description).toBe('kiosk clock is -300 s off central');
  });

  it('records warnings as events without a ticket', async () => {
    const r = recorder();
    const m = new FaultMonitor(r.ports);
    m.observeDevice('printer', health('degraded', 'paper-near-end', 'roll paper near end'));
    await m.settled();
    expect(r.tickets).toEqual([]);
    expect(r.events).toEqual([{ device: 'printer', event: 'paper-near-end', severity: 'warning', detail: 'printer: roll paper near end' }]);
  });

  it('retries a ticket the store could not file, without a second fault event', async () => {
    const r = recorder();
    const m = new FaultMonitor(r.ports);
    r.failNextFiling(1);
    m.observeDevice('printer', health('fault', 'cover-open'));
    await m.settled();
    expect(r.tickets).toEqual([]);
    expect(m.activeFaults()[0]?.ticketId).toBeNull();
    await m.tick();
    expect(r.tickets.map((t) => t.faultKey)).toEqual(['printer:cover-open']);
    expect(m.activeFaults()[0]?.ticketId).toBe('T1');
    expect(r.events.filter((e) => e.severity === 'fault')).toHaveLength(1);
  });

  it('sends telemetry at most once per interval', async () => {
    const r = recorder();
    const m = new FaultMonitor(r.ports, { telemetryIntervalMs: 60_000 });
    m.observeDevice('printer', health('ok', null));
    await m.tick();
    r.advance(30_000);
    await m.tick();
    r.advance(30_000);
    await m.tick();
    expect(r.telemetry).toHaveLength(2);
    expect(r.telemetry[0]).toMatchObject({ 'printer.health': 'ok', 'faults.active': 0, maintenance: false });
  });
});
