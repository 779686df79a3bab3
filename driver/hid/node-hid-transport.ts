import HID from 'node-hid';
import type { HidConnection, HidDeviceInfo, HidTransport } from '../../shared/devices.js';

/** The production transport: node-hid's `HIDAsync` on `/dev/hidraw*` (needs the udev rule in docs/devices.md). */
export const nodeHidTransport: HidTransport = {
  mode: 'node-hid',
  async enumerate(): Promise<readonly HidDeviceInfo[]> {
    const devices = await HID.devicesAsync();
    return devices.flatMap((d) =>
      d.path === undefined
        ? []
        : [
            {
              path: d.path,
              vendorId: d.vendorId,
              productId: d.productId,
              usagePage: d.usagePage ?? null,
              usage: d.usage ?? null,
              product: d.product ?? null,
              manufacturer: d.manufacturer ?? null,
              interfaceNumber: d.interface,
            },
          ],
    );
  },
  async open(device: HidDeviceInfo): Promise<HidConnection> {
    const hid = await HID.HIDAsync.open(device.path);
    return {
      onReport(listener) {
        const on = (data: Buffer): void => listener(new Uint8Array(data));
        hid.on('data', on);
        return () => hid.off('data', on);
      },
      onError(listener) {
        const on = (e: unknown): void => listener(e instanceof Error ? e : new Error(String(e)));
        hid.on('error', on);
        return () => hid.off('error', on);
      },
      close: () => hid.close(),
    };
  },
};
