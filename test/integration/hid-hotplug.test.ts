import { afterEach, describe, expect, it } from 'vitest';
import { HidDevices } from '../../driver/hid/hid-devices.js';
import { SIM_BUTTONS, SIM_SCANNER, SimulatedHidDevices } from '../../hardware-sim/hid/hid-sim.js';
import type { DeviceUpdate } from '../../shared/devices.js';
import { singleReportQr, STATUS_URL } from '../fixtures/hid/hid-pos-qr.js';

describe('HID hot-plug through the injected enumeration', () => {
  let devices: HidDevices | null = null;
  afterEach(async () => {
    await devices?.stop();
    devices = null;
  });

  it('starts absent, notices arrival at the next scan, removal, and arrival again', async () => {
    const sim = new SimulatedHidDevices();
    devices = new HidDevices({ transport: sim.transport, pollIntervalMs: 60_000 });
    const updates: DeviceUpdate[] = [];
    devices.subscribe((u) => updates.push(u));
    await devices.start();
    expect(devices.scanner().health()).toMatchObject({ state: 'absent', code: 'not-found' });

    await sim.start();
    await devices.rescan();
    expect(devices.scanner().health().state).toBe('ok');
    expect(sim.transport.openConnections(SIM_SCANNER.path)).toBe(1);

    sim.transport.unplug(SIM_SCANNER.path);
    await devices.rescan();
    expect(devices.scanner().health()).toMatchObject({ state: 'absent' });
    expect(devices.helpButtons().health().state).toBe('ok');
    expect(sim.transport.feed(SIM_SCANNER.path, [singleReportQr])).toBe(0);

    sim.transport.plug(SIM_SCANNER);
    await devices.rescan();
    sim.transport.feed(SIM_SCANNER.path, [singleReportQr]);
    expect(updates.filter((u) => u.type === 'qr-scan')).toMatchObject([{ scan: { text: STATUS_URL } }]);
    const scannerHealth = updates.flatMap((u) => (u.type === 'health' && u.kind === 'qr-scanner' ? [u.health.state] : []));
    expect(scannerHealth).toEqual(['absent', 'ok', 'absent', 'ok']);
  });

  it('reopens a device after an open failure (permissions fixed, device busy released)', async () => {
    const sim = new SimulatedHidDevices();
    await sim.start();
    sim.transport.failOpen.add(SIM_BUTTONS.path);
    devices = new HidDevices({ transport: sim.transport, pollIntervalMs: 60_000 });
    await devices.start();
    expect(devices.helpButtons().health()).toMatchObject({ state: 'fault', code: 'open-failed' });
    await devices.rescan();
    expect(devices.helpButtons().health().state).toBe('ok');
    expect(sim.press('emergency')).toBe(1);
  });

  it('closes every connection on stop', async () => {
    const sim = new SimulatedHidDevices();
    await sim.start();
    devices = new HidDevices({ transport: sim.transport, pollIntervalMs: 60_000 });
    await devices.start();
    await devices.stop();
    expect(sim.transport.openConnections(SIM_SCANNER.path)).toBe(0);
    expect(sim.transport.openConnections(SIM_BUTTONS.path)).toBe(0);
  });
});
