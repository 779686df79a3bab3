import type { PrinterStatus } from '../../shared/devices.js';

/** `DLE EOT 1` bit 3: offline. */
export const PRINTER_OFFLINE = 0x08;
/** `DLE EOT 2` bit 2: cover open. */
export const OFFLINE_COVER_OPEN = 0x04;
/** `DLE EOT 2` bit 5: printing stopped at paper end. */
export const OFFLINE_PAPER_END_STOP = 0x20;
/** `DLE EOT 2` bit 6: an error occurred. */
export const OFFLINE_ERROR = 0x40;
/** `DLE EOT 4` bits 2–3: roll paper near end. */
export const ROLL_NEAR_END = 0x0c;
/** `DLE EOT 4` bits 5–6: roll paper end. */
export const ROLL_END = 0x60;

/** Combines the three real-time status bytes into one status. */
export function decodePrinterStatus(printer: number, offlineCause: number, rollPaper: number): PrinterStatus {
  return {
    online: (printer & PRINTER_OFFLINE) === 0,
    coverOpen: (offlineCause & OFFLINE_COVER_OPEN) !== 0,
    paperOut: (rollPaper & ROLL_END) !== 0 || (offlineCause & OFFLINE_PAPER_END_STOP) !== 0,
    paperNearEnd: (rollPaper & ROLL_NEAR_END) !== 0,
  };
}
