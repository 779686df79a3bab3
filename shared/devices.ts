/**
 * Device contracts for the kiosk's serial and HID peripherals: the ESC/POS receipt printer,
 * the cabinet controller (door, temperature, power), the QR scanner and the help-button panel.
 * Pure interfaces: the real bindings live in `driver/printer`, `driver/cabinet`, `driver/hid`;
 * the simulators in `hardware-sim/` stand behind the same OS interfaces (pseudo-terminals) or,
 * for HID, feed report bytes through a {@link HidTransport}.
 *
 * Expected failures (paper out, no reply, device unplugged) are returned as
 * `Result<…, DeviceFailure>` values with a machine-readable `code`; nothing here throws for them.
 */
import type { Result } from './result.js';

/** What a device can be. One value per physical kind the kiosk knows. */
export const DEVICE_KINDS = ['printer', 'cabinet', 'qr-scanner', 'help-buttons'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/**
 * Health of one device.
 * - `ok`: present and working.
 * - `degraded`: working with a warning (paper near end, on battery, high temperature).
 * - `fault`: present but cannot do its job (paper out, cover open, printer offline, no reply).
 * - `absent`: not found or unplugged; the driver keeps looking for it.
 */
export type DeviceHealthState = 'ok' | 'degraded' | 'fault' | 'absent';

export interface DeviceHealth {
  readonly state: DeviceHealthState;
  /** Machine-readable reason when not `ok`, e.g. `paper-out`, `disconnected`; `null` when ok. */
  readonly code: string | null;
  /** A line for a technician, never shown to passengers. */
  readonly detail: string | null;
  /** ISO 8601 time this state began (kiosk clock). */
  readonly since: string;
}

export const DEVICE_FAILURE_CODES = [
  /** The printer reports paper end: show the ticket's QR on screen instead. */
  'paper-out',
  /** The printer's cover is open. */
  'cover-open',
  /** The printer answered that it is offline (error, cover, feed button). */
  'printer-offline',
  /** The port is not open (device absent, reconnecting, or the driver is stopped). */
  'not-connected',
  /** The device did not answer within the named timeout. */
  'no-reply',
  /** The device answered bytes that do not follow its protocol. */
  'bad-reply',
  /** Writing to the port failed. */
  'write-failed',
  /** The caller asked for something the device cannot do (e.g. QR payload too long). */
  'invalid-request',
] as const;
export type DeviceFailureCode = (typeof DEVICE_FAILURE_CODES)[number];

export interface DeviceFailure {
  readonly code: DeviceFailureCode;
  /** For logs and technicians; never for passengers. */
  readonly message: string;
}

// ---- Receipt printer ---------------------------------------------------------------

export type ReceiptAlign = 'left' | 'center' | 'right';

/** One block of a receipt, printed top to bottom. */
export type ReceiptBlock =
  | {
      readonly kind: 'text';
      /** May contain Chinese; encoded as GB18030 by the driver. Newlines split lines. */
      readonly text: string;
      readonly align?: ReceiptAlign;
      readonly bold?: boolean;
      /** Character width and height multiplier (ESC/POS `GS !`), 1 to 4. */
      readonly size?: 1 | 2 | 3 | 4;
    }
  | {
      readonly kind: 'qr';
      /** The payload, usually a status URL. At most 700 bytes (UTF-8). */
      readonly data: string;
      /** Module size in printer dots, 1 to 16. */
      readonly moduleSize?: number;
      readonly errorCorrection?: 'L' | 'M' | 'Q' | 'H';
      readonly align?: ReceiptAlign;
    }
  | { readonly kind: 'feed'; readonly lines: number }
  | { readonly kind: 'rule' };

export interface Receipt {
  readonly blocks: readonly ReceiptBlock[];
}

/** The printer's real-time status (ESC/POS `DLE EOT 1/2/4`). */
export interface PrinterStatus {
  /** `false` when the printer reports offline or does not answer. */
  readonly online: boolean;
  readonly paperOut: boolean;
  readonly paperNearEnd: boolean;
  readonly coverOpen: boolean;
}

export interface PrintOutcome {
  /** Status polled after the print (`paperNearEnd` means "tell a technician"); `null` if the printer did not answer. */
  readonly statusAfter: PrinterStatus | null;
  readonly bytes: number;
}

export interface ReceiptPrinter {
  /** Opens the port and starts health polling; resolves even when the printer is absent. */
  start(): Promise<void>;
  /** Closes the port, stops polling and reconnecting; idempotent. */
  stop(): Promise<void>;
  /**
   * Polls status, refuses with `paper-out` / `cover-open` / `printer-offline` /
   * `not-connected` when the printer cannot print, else prints and cuts, then polls again.
   */
  print(receipt: Receipt): Promise<Result<PrintOutcome, DeviceFailure>>;
  /** Asks the printer now (`DLE EOT`), with the driver's reply timeout. */
  status(): Promise<Result<PrinterStatus, DeviceFailure>>;
  health(): DeviceHealth;
  /** Returns an unsubscribe function. */
  subscribe(listener: (update: DeviceUpdate) => void): () => void;
}

// ---- Cabinet controller ---------------------------------------------------------------

export type DoorState = 'open' | 'closed';
export type PowerSource = 'mains' | 'battery';

export interface CabinetStatus {
  readonly door: DoorState;
  /** Inside the cabinet, °C. */
  readonly temperatureC: number;
  readonly power: PowerSource;
  /** UPS battery charge, 0 to 100. */
  readonly batteryPercent: number;
}

export interface CabinetController {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Asks the controller now (`STATUS`), with the driver's reply timeout. */
  status(): Promise<Result<CabinetStatus, DeviceFailure>>;
  /** The last status heard (reply or unsolicited event), or `null` before the first. */
  lastStatus(): CabinetStatus | null;
  health(): DeviceHealth;
  subscribe(listener: (update: DeviceUpdate) => void): () => void;
}

// ---- HID: QR scanner and help buttons --------------------------------------------------

export interface QrScan {
  /** The decoded text (UTF-8 for HID-POS, typed characters for keyboard wedge). */
  readonly text: string;
  /** Symbology as the scanner reported it (AIM id or HID-POS usage), or `null` if unknown. */
  readonly symbology: string | null;
  /** Which device (HID path) it came from. */
  readonly source: string;
}

export type HelpButton = 'information' | 'emergency';

export interface HelpButtonPress {
  readonly button: HelpButton;
  readonly source: string;
}

export interface QrScanner {
  health(): DeviceHealth;
  subscribe(listener: (update: DeviceUpdate) => void): () => void;
}

export interface HelpButtons {
  health(): DeviceHealth;
  subscribe(listener: (update: DeviceUpdate) => void): () => void;
}

/** What node-hid (or an injected transport) reports about one HID interface. */
export interface HidDeviceInfo {
  /** OS path (`/dev/hidraw3`), unique while plugged in. */
  readonly path: string;
  readonly vendorId: number;
  readonly productId: number;
  readonly usagePage: number | null;
  readonly usage: number | null;
  readonly product: string | null;
  readonly manufacturer: string | null;
  readonly interfaceNumber: number;
}

/** An open HID interface: input reports arrive as byte arrays (report id first when the device numbers its reports). */
export interface HidConnection {
  /** Returns an unsubscribe function. */
  onReport(listener: (report: Uint8Array) => void): () => void;
  /** The device failed or vanished; the connection is dead after this. */
  onError(listener: (error: Error) => void): () => void;
  close(): Promise<void>;
}

/**
 * How the HID driver reaches devices: node-hid (`HIDAsync`, `/dev/hidraw*`) in production, or
 * an injected transport fed with report bytes where there is no `/dev/uhid` (tests, the sim).
 */
export interface HidTransport {
  /** `node-hid` for the real binding; `injected-reports` when reports are fed by software. */
  readonly mode: 'node-hid' | 'injected-reports';
  enumerate(): Promise<readonly HidDeviceInfo[]>;
  open(device: HidDeviceInfo): Promise<HidConnection>;
}

// ---- Updates every device emits ---------------------------------------------------------

/** Everything devices tell their subscribers. `device` is a stable id such as `printer` or `hid:/dev/hidraw3`. */
export type DeviceUpdate =
  | { readonly type: 'health'; readonly kind: DeviceKind; readonly device: string; readonly health: DeviceHealth }
  | { readonly type: 'printer-status'; readonly device: string; readonly status: PrinterStatus }
  | { readonly type: 'cabinet-status'; readonly device: string; readonly status: CabinetStatus }
  | { readonly type: 'qr-scan'; readonly device: string; readonly scan: QrScan }
  | { readonly type: 'help-button'; readonly device: string; readonly press: HelpButtonPress };

/** Health from a printer status: the rules every consumer should agree on. */
export function printerHealthOf(status: PrinterStatus): Pick<DeviceHealth, 'state' | 'code' | 'detail'> {
  if (status.paperOut) return { state: 'fault', code: 'paper-out', detail: 'roll paper end' };
  if (status.coverOpen) return { state: 'fault', code: 'cover-open', detail: 'cover open' };
  if (!status.online) return { state: 'fault', code: 'printer-offline', detail: 'printer reports offline' };
  if (status.paperNearEnd) return { state: 'degraded', code: 'paper-near-end', detail: 'roll paper near end' };
  return { state: 'ok', code: null, detail: null };
}
