import type { HidDeviceInfo } from '../../shared/devices.js';

/** HID usage pages the table matches on. */
export const USAGE_PAGE_GENERIC_DESKTOP = 0x01;
/** HID Point of Sale Usage Tables: Bar Code Scanner page. */
export const USAGE_PAGE_BARCODE_SCANNER = 0x8c;
export const USAGE_KEYBOARD = 0x06;

export type HidDeviceKind = 'hid-pos-scanner' | 'keyboard-wedge-scanner' | 'help-buttons';

/** Where the help buttons sit in a button-panel report: byte index and bit masks. */
export interface ButtonLayout {
  readonly byte: number;
  readonly information: number;
  readonly emergency: number;
}

export interface HidDeviceRule {
  readonly name: string;
  readonly kind: HidDeviceKind;
  readonly vendorId: number;
  /** Any product of the vendor when left out. */
  readonly productId?: number;
  /** Any usage page when left out. */
  readonly usagePage?: number;
  readonly buttons?: ButtonLayout;
}

/**
 * Devices the kiosk knows. Scanners should be set to HID-POS mode (usage page 0x8C); keyboard
 * mode is matched only for known scanner vendors so an ordinary keyboard is never taken for a
 * scanner. Sites add their own rows through configuration.
 */
export const DEFAULT_HID_DEVICE_TABLE: readonly HidDeviceRule[] = [
  { name: 'Honeywell scanner (HID POS)', kind: 'hid-pos-scanner', vendorId: 0x0c2e, usagePage: USAGE_PAGE_BARCODE_SCANNER },
  { name: 'Zebra/Symbol scanner (HID POS)', kind: 'hid-pos-scanner', vendorId: 0x05e0, usagePage: USAGE_PAGE_BARCODE_SCANNER },
  { name: 'Newland scanner (HID POS)', kind: 'hid-pos-scanner', vendorId: 0x1eab, usagePage: USAGE_PAGE_BARCODE_SCANNER },
  { name: 'Honeywell scanner (keyboard wedge)', kind: 'keyboard-wedge-scanner', vendorId: 0x0c2e, usagePage: USAGE_PAGE_GENERIC_DESKTOP },
  { name: 'Zebra/Symbol scanner (keyboard wedge)', kind: 'keyboard-wedge-scanner', vendorId: 0x05e0, usagePage: USAGE_PAGE_GENERIC_DESKTOP },
  { name: 'Newland scanner (keyboard wedge)', kind: 'keyboard-wedge-scanner', vendorId: 0x1eab, usagePage: USAGE_PAGE_GENERIC_DESKTOP },
  {
    name: 'Generic USB button encoder (DragonRise 0079:0006)',
    kind: 'help-buttons',
    vendorId: 0x0079,
    productId: 0x0006,
    buttons: { byte: 5, information: 0x10, emergency: 0x20 },
  },
];

export function matchHidDevice(device: HidDeviceInfo, table: readonly HidDeviceRule[] = DEFAULT_HID_DEVICE_TABLE): HidDeviceRule | null {
  return (
    table.find(
      (r) =>
        r.vendorId === device.vendorId &&
        (r.productId === undefined || r.productId === device.productId) &&
        (r.usagePage === undefined || r.usagePage === device.usagePage),
    ) ?? null
  );
}
