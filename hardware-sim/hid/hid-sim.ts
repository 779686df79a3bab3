import type { HidDeviceInfo } from '../../shared/devices.js';
import { InjectedHidTransport } from './injected-hid.js';
import { buttonReports, hidPosReports, keyboardReports } from './reports.js';

export const SIM_SCANNER: HidDeviceInfo = {
  path: 'sim:hidraw0',
  vendorId: 0x0c2e,
  productId: 0x0b61,
  usagePage: 0x8c,
  usage: 0x02,
  product: 'Simulated HID-POS scanner (Honeywell layout)',
  manufacturer: 'station-kiosk sim',
  interfaceNumber: 0,
};

export const SIM_BUTTONS: HidDeviceInfo = {
  path: 'sim:hidraw1',
  vendorId: 0x0079,
  productId: 0x0006,
  usagePage: 0x01,
  usage: 0x04,
  product: 'Simulated two-button help panel (generic USB encoder)',
  manufacturer: 'station-kiosk sim',
  interfaceNumber: 0,
};

/**
 * The simulated QR scanner and help-button panel. Runs in `injected-reports` mode: there is no
 * `/dev/uhid` here, so the kiosk's HID driver must be given {@link transport} instead of node-hid.
 */
export class SimulatedHidDevices {
  readonly transport = new InjectedHidTransport();
  readonly mode = this.transport.mode;

  start(): Promise<void> {
    this.transport.plug(SIM_SCANNER);
    this.transport.plug(SIM_BUTTONS);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.transport.unplug(SIM_SCANNER.path);
    this.transport.unplug(SIM_BUTTONS.path);
    return Promise.resolve();
  }

  scan(text: string, mode: 'hid-pos' | 'keyboard' = 'hid-pos'): number {
    return this.transport.feed(SIM_SCANNER.path, mode === 'hid-pos' ? hidPosReports(text) : keyboardReports(text));
  }

  press(button: 'information' | 'emergency'): number {
    return this.transport.feed(SIM_BUTTONS.path, buttonReports(button));
  }

  describe(): string {
    return 'HID sim: injected-reports mode (no /dev/uhid on this machine); give the kiosk this transport instead of node-hid';
  }
}
