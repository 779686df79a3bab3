import {
  printerHealthOf,
  type DeviceFailure,
  type PrintOutcome,
  type PrinterStatus,
  type Receipt,
  type ReceiptPrinter,
} from '../../shared/devices.js';
import { ok, type Result } from '../../shared/result.js';
import { fail, failure } from '../serial/failure.js';
import { SerialDevice, type SerialDeviceOptions } from '../serial/serial-device.js';
import { EscPosEncodeError, isStatusByte, statusRequest, STATUS_OFFLINE_CAUSE, STATUS_PRINTER, STATUS_ROLL_PAPER } from './escpos.js';
import { DEFAULT_RECEIPT_FORMAT, encodeReceipt, type ReceiptFormat } from './receipt-bytes.js';
import { decodePrinterStatus } from './status.js';

/** How long one `DLE EOT n` may wait for its status byte. */
export const PRINTER_STATUS_REPLY_TIMEOUT_MS = 1_000;
/** Health poll period while idle. */
export const PRINTER_POLL_INTERVAL_MS = 15_000;
export const PRINTER_DEFAULT_BAUD = 9600;

export interface EscPosPrinterOptions extends SerialDeviceOptions {
  readonly format?: ReceiptFormat;
}

/** An ESC/POS receipt printer on a serial port (RS-232, USB-serial, or a pty in simulation). */
export class EscPosPrinter extends SerialDevice<number, PrinterStatus> implements ReceiptPrinter {
  private readonly format: ReceiptFormat;

  constructor(options: EscPosPrinterOptions) {
    super(options, {
      kind: 'printer',
      baudRate: PRINTER_DEFAULT_BAUD,
      replyTimeoutMs: PRINTER_STATUS_REPLY_TIMEOUT_MS,
      pollIntervalMs: PRINTER_POLL_INTERVAL_MS,
    });
    this.format = options.format ?? DEFAULT_RECEIPT_FORMAT;
  }

  status(): Promise<Result<PrinterStatus, DeviceFailure>> {
    return this.queue.run(() => this.queryStatus());
  }

  print(receipt: Receipt): Promise<Result<PrintOutcome, DeviceFailure>> {
    let bytes: Buffer;
    try {
      bytes = encodeReceipt(receipt, this.format);
    } catch (e) {
      if (e instanceof EscPosEncodeError) return Promise.resolve(fail('invalid-request', e.message));
      throw e;
    }
    return this.queue.run(async () => {
      const before = await this.queryStatus();
      if (!before.ok) return before;
      const refusal = refusalFor(before.value);
      if (refusal) return { ok: false, error: refusal };
      const written = await this.port.write(bytes);
      if (!written.ok) return written;
      const after = await this.queryStatus();
      return ok({ statusAfter: after.ok ? after.value : null, bytes: bytes.length });
    });
  }

  private async queryStatus(): Promise<Result<PrinterStatus, DeviceFailure>> {
    const bytes: number[] = [];
    for (const n of [STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_ROLL_PAPER] as const) {
      const got = await this.request(statusRequest(n), () => true, `DLE EOT ${n}`);
      if (!got.ok) return got;
      if (!isStatusByte(got.value)) {
        return this.failed(failure('bad-reply', `DLE EOT ${n} answered 0x${got.value.toString(16).padStart(2, '0')}`));
      }
      bytes.push(got.value);
    }
    const status = decodePrinterStatus(bytes[0]!, bytes[1]!, bytes[2]!);
    const h = printerHealthOf(status);
    this.tracker.set(h.state, h.code, h.detail);
    if (!this.last || !sameStatus(this.last, status)) {
      this.last = status;
      this.emit({ type: 'printer-status', device: this.device, status });
    }
    return ok(status);
  }

  protected receive(chunk: Buffer): void {
    for (const b of chunk) this.matcher.feed(b);
  }

  protected unsolicited(b: number): void {
    this.log(`${this.device}: unexpected byte 0x${b.toString(16)}`);
  }
}

function refusalFor(status: PrinterStatus): DeviceFailure | null {
  if (status.paperOut) return failure('paper-out', 'printer reports roll paper end');
  if (status.coverOpen) return failure('cover-open', 'printer cover is open');
  if (!status.online) return failure('printer-offline', 'printer reports offline');
  return null;
}

function sameStatus(a: PrinterStatus, b: PrinterStatus): boolean {
  return a.online === b.online && a.paperOut === b.paperOut && a.paperNearEnd === b.paperNearEnd && a.coverOpen === b.coverOpen;
}
