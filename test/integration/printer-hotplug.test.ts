import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EscPosPrinter } from '../../driver/printer/escpos-printer.js';
import { SimulatedPrinterDevice } from '../../hardware-sim/printer/printer-device.js';
import type { DeviceHealth, DeviceUpdate } from '../../shared/devices.js';
import { nextMatching, requireSocat, tempDir, type TempDir } from '../support/pty.js';
import { systemSerialBinding } from '../../driver/serial/binding.js';

const healthIs =
  (state: DeviceHealth['state']) =>
  (u: DeviceUpdate): boolean =>
    u.type === 'health' && u.health.state === state;

describe('printer unplugged and plugged back (real pty pair killed and recreated)', () => {
  let dir: TempDir;
  let sim: SimulatedPrinterDevice;
  let printer: EscPosPrinter;

  beforeAll(async () => {
    requireSocat();
    dir = await tempDir('printer-hotplug');
    sim = new SimulatedPrinterDevice({ hostPath: path.join(dir.path, 'printer'), receiptsDir: path.join(dir.path, 'receipts') });
  });

  afterAll(async () => {
    await printer?.stop();
    await sim?.stop();
    await dir?.remove();
  });

  it('starts absent when the printer is not there, and comes up when it appears', async () => {
    printer = new EscPosPrinter({ criteria: { path: sim.link.hostPath }, binding: systemSerialBinding(), backoff: { initialMs: 50, maxMs: 400 } });
    await printer.start();
    expect(printer.health()).toMatchObject({ state: 'absent', code: 'not-found' });
    expect(await printer.status()).toMatchObject({ ok: false, error: { code: 'not-connected' } });
    const up = nextMatching<DeviceUpdate>((l) => printer.subscribe(l), healthIs('ok'), 'printer ok');
    await sim.start();
    await up;
    expect(printer.health().state).toBe('ok');
  });

  it('goes absent on disconnect, then reopens the same path and is ok again', async () => {
    const gone = nextMatching<DeviceUpdate>((l) => printer.subscribe(l), healthIs('absent'), 'printer absent');
    await sim.link.unplug();
    // serialport says `disconnected` when the read fails; on a busy machine the pty's end may be seen
    // first as a plain close (EOF). Either way the printer is disconnected, and the detail says which.
    expect(await gone).toMatchObject({ health: { code: 'disconnected', detail: expect.stringMatching(/^(disconnected|closed: )/) as unknown } });
    expect(await printer.print({ blocks: [{ kind: 'text', text: 'x' }] })).toMatchObject({ ok: false, error: { code: 'not-connected' } });

    const back = nextMatching<DeviceUpdate>((l) => printer.subscribe(l), healthIs('ok'), 'printer ok again');
    await sim.link.replug();
    await back;
    const printed = nextMatching<unknown>((l) => sim.printer.onReceipt(l), () => true, 'receipt after replug');
    expect((await printer.print({ blocks: [{ kind: 'text', text: 'after replug 重新连接' }] })).ok).toBe(true);
    expect(await printed).toMatchObject({ lines: [{ kind: 'text', text: 'after replug 重新连接' }] });
  });
});
