/** The serial and HID sims as {@link SimDevice}s of the sim daemon. */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimDevice } from '../daemon/sim-device.js';
import { PtyPairError, socatAvailable } from '../serial/pty-pair.js';
import { CabinetSimDevice } from './cabinet-sim-device.js';
import { HidSimDevice } from './hid-sim-device.js';
import { PrinterSimDevice } from './printer-sim-device.js';

export { CabinetSimDevice, type CabinetSimState } from './cabinet-sim-device.js';
export { HidIpcHub } from './hid-ipc-hub.js';
export { HID_SIM_ROLES, HidSimDevice, MAX_SCAN_CHARS, SCAN_MODES, SIM_WEDGE_SCANNER, type HidDelivery, type HidSimRole, type HidSimState, type ScanMode } from './hid-sim-device.js';
export { PrinterSimDevice, type PrinterSimDeviceOptions, type PrinterSimState, type ReceiptEntry } from './printer-sim-device.js';

/** The nearest folder with a package.json: the checkout, from source or from the compiled `dist/app`. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
const PROJECT_ROOT = projectRoot();
/** Where the kiosk-side pty links live unless told: `var/sim/printer`, `var/sim/cabinet`. */
export const DEFAULT_PTY_DIR = path.join(PROJECT_ROOT, 'var/sim');
export const DEFAULT_RECEIPTS_DIR = path.join(PROJECT_ROOT, 'var/receipts');
/** File names of the kiosk-side links inside the pty directory (the sim holds `<name>.sim`). */
export const PRINTER_LINK = 'printer';
export const CABINET_LINK = 'cabinet';

export interface SimDevicesOptions {
  /** Directory of the pty links; default `var/sim/` of the project. */
  readonly ptyDir?: string;
  readonly receiptsDir?: string;
  /** Receipts of this run go to `<receiptsDir>/run-<UTC time>/` (the printer sim numbers from 1 each run). */
  readonly now?: () => Date;
  /** false: no printer or cabinet (no socat on this machine); HID only. */
  readonly serial?: boolean;
  readonly log?: (line: string) => void;
}

export interface SimDevices {
  readonly devices: readonly SimDevice[];
  readonly printer: PrinterSimDevice | null;
  readonly cabinet: CabinetSimDevice | null;
  readonly hid: HidSimDevice;
  /** Stops every device started; idempotent. */
  stop(): Promise<void>;
}

/**
 * Makes and starts the printer and cabinet (real pseudo-terminal pairs through socat) and the
 * HID devices, ready for `startSimDaemon({ extraDevices: devices })`. Throws `PtyPairError`
 * (`socat-missing`) when serial devices are wanted and socat is not installed.
 */
export async function startSimDevices(options: SimDevicesOptions = {}): Promise<SimDevices> {
  const serial = options.serial ?? true;
  const log = options.log ?? (() => undefined);
  const ptyDir = path.resolve(options.ptyDir ?? DEFAULT_PTY_DIR);
  const runStamp = (options.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, '-');
  const receiptsDir = path.join(path.resolve(options.receiptsDir ?? DEFAULT_RECEIPTS_DIR), `run-${runStamp}`);
  if (serial && !socatAvailable()) {
    throw new PtyPairError('socat-missing', 'socat is not installed, so the printer and cabinet cannot get pseudo-terminals: install it (apt-get install socat) or start with --no-serial');
  }
  const started: SimDevice[] = [];
  const stopAll = async (): Promise<void> => {
    for (const d of started.splice(0).reverse()) await d.stop();
  };
  try {
    let printer: PrinterSimDevice | null = null;
    let cabinet: CabinetSimDevice | null = null;
    if (serial) {
      await mkdir(ptyDir, { recursive: true });
      printer = new PrinterSimDevice({ hostPath: path.join(ptyDir, PRINTER_LINK), receiptsDir, log });
      await printer.start();
      started.push(printer);
      cabinet = new CabinetSimDevice({ hostPath: path.join(ptyDir, CABINET_LINK) });
      await cabinet.start();
      started.push(cabinet);
    }
    const hid = new HidSimDevice({ log });
    await hid.start();
    started.push(hid);
    const devices = [...started];
    let stopping: Promise<void> | null = null;
    return { devices, printer, cabinet, hid, stop: () => (stopping ??= stopAll()) };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
