import type { HidConnection, HidDeviceInfo, HidTransport } from '../../shared/devices.js';

interface SimulatedHidDevice {
  readonly info: HidDeviceInfo;
  readonly connections: Set<{ report: Set<(r: Uint8Array) => void>; error: Set<(e: Error) => void> }>;
}

/**
 * A HID transport fed by software. This machine has no `/dev/uhid`, so there is no virtual HID
 * device the kernel could enumerate: the kiosk's HID driver is given this transport instead of
 * node-hid, and the simulator "plugs" devices into it and feeds report bytes. Mode:
 * `injected-reports` (the driver and the sim both say so).
 */
export class InjectedHidTransport implements HidTransport {
  readonly mode = 'injected-reports' as const;
  private readonly devices = new Map<string, SimulatedHidDevice>();
  /** Paths whose next `open` fails (permission denied, busy). */
  readonly failOpen = new Set<string>();

  enumerate(): Promise<readonly HidDeviceInfo[]> {
    return Promise.resolve([...this.devices.values()].map((d) => d.info));
  }

  open(info: HidDeviceInfo): Promise<HidConnection> {
    const device = this.devices.get(info.path);
    if (!device) return Promise.reject(new Error(`${info.path}: no such device`));
    if (this.failOpen.delete(info.path)) return Promise.reject(new Error(`${info.path}: permission denied`));
    const listeners = { report: new Set<(r: Uint8Array) => void>(), error: new Set<(e: Error) => void>() };
    device.connections.add(listeners);
    return Promise.resolve({
      onReport: (l) => (listeners.report.add(l), () => listeners.report.delete(l)),
      onError: (l) => (listeners.error.add(l), () => listeners.error.delete(l)),
      close: () => {
        device.connections.delete(listeners);
        return Promise.resolve();
      },
    });
  }

  plug(info: HidDeviceInfo): void {
    this.devices.set(info.path, { info, connections: new Set() });
  }

  /** Removes the device; open connections get an error, as node-hid reports a vanished device. */
  unplug(path: string): void {
    const device = this.devices.get(path);
    this.devices.delete(path);
    for (const c of device?.connections ?? []) for (const l of c.error) l(new Error(`${path}: device disconnected`));
  }

  /** Delivers input reports to every open connection of the device; returns how many connections got them. */
  feed(path: string, reports: readonly Uint8Array[]): number {
    const device = this.devices.get(path);
    if (!device) return 0;
    for (const report of reports) for (const c of device.connections) for (const l of c.report) l(report);
    return device.connections.size;
  }

  openConnections(path: string): number {
    return this.devices.get(path)?.connections.size ?? 0;
  }
}
