import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SerialCabinetController } from '../../driver/cabinet/cabinet-controller.js';
import { SimulatedCabinetDevice } from '../../hardware-sim/cabinet/cabinet-sim.js';
import type { DeviceUpdate } from '../../shared/devices.js';
import { nextMatching, requireSocat, tempDir, type TempDir } from '../support/pty.js';
import { systemSerialBinding } from '../../driver/serial/binding.js';

describe('cabinet controller over a real pseudo-terminal', () => {
  let dir: TempDir;
  let sim: SimulatedCabinetDevice;
  let cabinet: SerialCabinetController;

  beforeAll(async () => {
    requireSocat();
    dir = await tempDir('cabinet');
    sim = new SimulatedCabinetDevice({ hostPath: path.join(dir.path, 'cabinet') });
    await sim.start();
    cabinet = new SerialCabinetController({ criteria: { path: sim.link.hostPath }, binding: systemSerialBinding(), backoff: { initialMs: 50, maxMs: 400 } });
    await cabinet.start();
  });

  afterAll(async () => {
    await cabinet?.stop();
    await sim?.stop();
    await dir?.remove();
  });

  it('reads door, temperature and power', async () => {
    expect(await cabinet.status()).toEqual({ ok: true, value: { door: 'closed', temperatureC: 31.5, power: 'mains', batteryPercent: 98 } });
    expect(cabinet.health().state).toBe('ok');
    expect(sim.cabinet.received.at(-1)).toMatch(/^> STATUS\*[0-9A-F]{2}$/);
  });

  it('reports the door opening as it happens (unsolicited event)', async () => {
    const opened = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'cabinet-status' && u.status.door === 'open', 'door open');
    await sim.cabinet.setDoor('open');
    expect(await opened).toMatchObject({ device: 'cabinet', status: { door: 'open', temperatureC: 31.5 } });
    expect(cabinet.lastStatus()?.door).toBe('open');
    const closed = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'cabinet-status' && u.status.door === 'closed', 'door closed');
    await sim.cabinet.setDoor('closed');
    await closed;
  });

  it('is degraded on battery and over temperature, ok again on mains', async () => {
    const onBattery = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'health' && u.health.code === 'on-battery', 'on battery');
    await sim.cabinet.setPower('battery', 87);
    expect(await onBattery).toMatchObject({ health: { state: 'degraded', detail: 'on battery, 87%' } });
    const mains = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'health' && u.health.state === 'ok', 'mains');
    await sim.cabinet.setPower('mains');
    await mains;
    const hot = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'health' && u.health.code === 'over-temperature', 'hot');
    await sim.cabinet.setTemperature(58.5);
    expect(await hot).toMatchObject({ health: { state: 'degraded', detail: '58.5 °C' } });
    await sim.cabinet.setTemperature(30);
    expect(await cabinet.status()).toMatchObject({ ok: true, value: { temperatureC: 30 } });
  });

  it('drops a line with a bad checksum and keeps the last good status', async () => {
    const before = cabinet.droppedLines;
    await sim.link.send(Buffer.from('! DOOR=OPEN*00\r\n'));
    await sim.link.send(Buffer.from('garbage \u0001\u0002 line\r\n'));
    // A good event after the bad ones proves the bad ones were processed (the line order is kept).
    const hot = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'cabinet-status' && u.status.temperatureC === 33, 'temp 33');
    await sim.cabinet.setTemperature(33);
    await hot;
    expect(cabinet.droppedLines).toBe(before + 2);
    expect(cabinet.lastStatus()?.door).toBe('closed');
  });

  it('goes absent when unplugged and ok when plugged back', async () => {
    const gone = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'health' && u.health.state === 'absent', 'absent');
    await sim.link.unplug();
    await gone;
    expect(await cabinet.status()).toMatchObject({ ok: false, error: { code: 'not-connected' } });
    const back = nextMatching<DeviceUpdate>((l) => cabinet.subscribe(l), (u) => u.type === 'health' && u.health.state === 'ok', 'back');
    await sim.link.replug();
    await back;
    expect((await cabinet.status()).ok).toBe(true);
  });
});
