/**
 * The simulator's serial and HID devices on real ptys and the HID IPC socket, the daemon in front
 * of them, and the kiosk's real drivers connected to them: what the panel and CLI tests drive.
 */
import path from 'node:path';
import { SerialCabinetController } from '../../driver/cabinet/cabinet-controller.js';
import { HidDevices } from '../../driver/hid/hid-devices.js';
import { RemoteHidTransport } from '../../driver/hid/remote-transport.js';
import { EscPosPrinter } from '../../driver/printer/escpos-printer.js';
import { systemSerialBinding } from '../../driver/serial/binding.js';
import { startSimDaemon, type SimServer } from '../../hardware-sim/daemon/index.js';
import { startSimDevices, type SimDevices } from '../../hardware-sim/devices/index.js';
import { requireSocat, tempDir, type TempDir } from './pty.js';

export interface SimRig {
  readonly dir: TempDir;
  readonly devices: SimDevices;
  readonly server: SimServer;
  readonly printer: EscPosPrinter;
  readonly cabinet: SerialCabinetController;
  readonly hid: HidDevices;
  /** Stops the drivers first, then the daemon and the devices, and removes the folder. */
  stop(): Promise<void>;
}

/** Starts it all in a fresh temporary folder; `backoff` shortens the serial drivers' reconnect. */
export async function startSimRig(name: string, o: { readonly backoff?: { initialMs: number; maxMs: number } } = {}): Promise<SimRig> {
  requireSocat();
  const dir = await tempDir(name);
  const devices = await startSimDevices({ ptyDir: path.join(dir.path, 'sim'), receiptsDir: path.join(dir.path, 'receipts') });
  const server = await startSimDaemon({ port: 0, extraDevices: devices.devices });
  const backoff = o.backoff ? { backoff: o.backoff } : {};
  const printer = new EscPosPrinter({ criteria: { path: path.join(dir.path, 'sim', 'printer') }, binding: systemSerialBinding(), ...backoff });
  const cabinet = new SerialCabinetController({ criteria: { path: path.join(dir.path, 'sim', 'cabinet') }, binding: systemSerialBinding(), ...backoff });
  const transport = new RemoteHidTransport({ url: devices.hid.ipcUrl ?? '' });
  const hid = new HidDevices({ transport, pollIntervalMs: 60_000 });
  await Promise.all([printer.start(), cabinet.start(), hid.start()]);
  return {
    dir,
    devices,
    server,
    printer,
    cabinet,
    hid,
    async stop() {
      await hid.stop();
      await transport.close();
      await printer.stop();
      await cabinet.stop();
      await server.close();
      await devices.stop();
      await dir.remove();
    },
  };
}
