/**
 * The serial link's contract against the operating system's binding (serialport's native one):
 * on a real pseudo-terminal pair (socat) with the simulated ESC/POS printer at the other end,
 * and on a real port with a receipt printer when `KIOSK_TEST_SERIAL` names it, e.g.
 * `KIOSK_TEST_SERIAL=/dev/ttyUSB0` (README, "Using real hardware").
 */
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { systemSerialBinding } from '../../driver/serial/binding.js';
import { SimulatedPrinterDevice } from '../../hardware-sim/printer/printer-device.js';
import { requireSocat, tempDir, type TempDir } from '../support/pty.js';
import { serialLinkContract, type SerialLinkRig } from './serial-link.contract.js';

describe('serial link contract: native binding, simulated printer on a pseudo-terminal', () => {
  let dir: TempDir;
  let sim: SimulatedPrinterDevice;
  let rig: SerialLinkRig;

  beforeAll(async () => {
    requireSocat();
    dir = await tempDir('serial-contract');
    sim = new SimulatedPrinterDevice({ hostPath: path.join(dir.path, 'printer'), receiptsDir: path.join(dir.path, 'receipts') });
    await sim.start();
    rig = {
      binding: systemSerialBinding(),
      path: sim.link.hostPath,
      absentPath: path.join(dir.path, 'no-such-port'),
      unplug: () => sim.link.unplug(),
      replug: () => sim.link.replug(),
    };
  });

  afterAll(async () => {
    await sim?.stop();
    await dir?.remove();
  });

  serialLinkContract(() => rig);
});

const realPort = process.env.KIOSK_TEST_SERIAL;

describe.skipIf(!realPort)(`serial link contract: real receipt printer${realPort ? ` at ${realPort}` : ' (set KIOSK_TEST_SERIAL=/dev/ttyUSB0 or the port of an ESC/POS printer to run)'}`, () => {
  serialLinkContract(() => ({ binding: systemSerialBinding(), path: realPort!, absentPath: '/dev/kiosk-test-no-such-port' }));
});
