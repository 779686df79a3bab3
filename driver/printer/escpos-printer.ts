import {
  printerHealthOf,
  type DeviceFailure,
  type DeviceHealth,
  type DeviceUpdate,
  type PrintOutcome,
  type PrinterStatus,
  type Receipt,
  type ReceiptPrinter,
} from '../../shared/devices.js';
import { ok, type Result } from '../../shared/result.js';
import { systemClock, type DeviceClock } from '../serial/clock.js';
import { fail, failure } from '../serial/failure.js';
import { HealthTracker } from '../serial/health-tracker.js';
import type { SerialDeviceCriteria } from '../serial/locate.js';
import { ReconnectingSerialPort, type ReconnectingSerialPortOptions } from '../serial/reconnecting-port.js';
import { ReplyMatcher } from '../serial/reply-matcher.js';
import { SerialQueue } from '../serial/serial-queue.js';
import { EscPosEncodeError, isStatusByte, statusRequest, STATUS_OFFLINE_CAUSE, STATUS_PRINTER, STATUS_ROLL_PAPER } from './escpos.js';
import { DEFAULT_RECEIPT_FORMAT, encodeReceipt, type ReceiptFormat } from './receipt-bytes.js';
import { decodePrinterStatus } from './status.js';

/** How long one `DLE EOT n` may wait for its status byte. */
export const PRINTER_STATUS_REPLY_TIMEOUT_MS = 1_000;
/** Health poll period while idle. */
export const PRINTER_POLL_INTERVAL_MS = 15_000;
export const PRINTER_DEFAULT_BAUD = 9600;

export interface EscPosPrinterOptions {
  readonly criteria: SerialDeviceCriteria;
  readonly baudRate?: number;
  readonly format?: ReceiptFormat;
  /** Id in device updates; default `printer`. */
  readonly device?: string;
  readonly replyTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly clock?: DeviceClock;
  readonly log?: (line: string) => void;
  readonly backoff?: ReconnectingSerialPortOptions['backoff'];
  readonly createLink?: ReconnectingSerialPortOptions['createLink'];
  readonly locate?: ReconnectingSerialPortOptions['locate'];
}

/** An ESC/POS receipt printer on a serial port (RS-232, USB-serial, or a pty in simulation). */
export class EscPosPrinter implements ReceiptPrinter {
  private readonly port: ReconnectingSerialPort;
  private readonly matcher: ReplyMatcher<number>;
  private readonly queue = new SerialQueue();
  private readonly tracker: HealthTracker;
  private readonly listeners = new Set<(update: DeviceUpdate) => void>();
  private readonly device: string;
  private readonly format: ReceiptFormat;
  private readonly replyTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly log: (line: string) => void;
  private pollTimer: NodeJS.Timeout | null = null;
  private last: PrinterStatus | null = null;
  private running = false;

  constructor(options: EscPosPrinterOptions) {
    this.device = options.device ?? 'printer';
    this.format = options.format ?? DEFAULT_RECEIPT_FORMAT;
    this.replyTimeoutMs = options.replyTimeoutMs ?? PRINTER_STATUS_REPLY_TIMEOUT_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? PRINTER_POLL_INTERVAL_MS;
    this.log = options.log ?? (() => undefined);
    this.tracker = new HealthTracker(options.clock ?? systemClock, (health) =>
      this.emit({ type: 'health', kind: 'printer', device: this.device, health }),
    );
    this.matcher = new ReplyMatcher<number>((b) => this.log(`${this.device}: unexpected byte 0x${b.toString(16)}`));
    this.port = new ReconnectingSerialPort({
      name: this.device,
      criteria: options.criteria,
      baudRate: options.baudRate ?? PRINTER_DEFAULT_BAUD,
      log: this.log,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.createLink ? { createLink: options.createLink } : {}),
      ...(options.locate ? { locate: options.locate } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.port.onData((chunk) => {
      for (const b of chunk) this.matcher.feed(b);
    });
    this.port.onOpen(() => void this.status());
    this.port.onClose((reason) => {
      this.matcher.cancelAll(failure('not-connected', `${this.device}: ${reason}`));
      this.tracker.set('absent', 'disconnected', reason);
    });
    await this.port.start();
    if (this.port.state !== 'open') this.tracker.set('absent', 'not-found', 'printer port not found');
    else await this.status();
    this.pollTimer = setInterval(() => void this.status(), this.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.matcher.cancelAll(failure('not-connected', `${this.device}: stopped`));
    await this.port.stop();
  }

  health(): DeviceHealth {
    return this.tracker.value;
  }

  lastStatus(): PrinterStatus | null {
    return this.last;
  }

  subscribe(listener: (update: DeviceUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
      const reply = this.matcher.expect(() => true, this.replyTimeoutMs, `DLE EOT ${n}`);
      const written = await this.port.write(statusRequest(n));
      if (!written.ok) {
        this.matcher.cancelAll(written.error);
        await reply;
        return this.failed(written.error);
      }
      const got = await reply;
      if (!got.ok) return this.failed(got.error);
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

  private failed(f: DeviceFailure): Result<never, DeviceFailure> {
    if (f.code === 'not-connected') this.tracker.set('absent', 'disconnected', f.message);
    else this.tracker.set('fault', f.code, f.message);
    return { ok: false, error: f };
  }

  private emit(update: DeviceUpdate): void {
    for (const l of this.listeners) {
      try {
        l(update);
      } catch (e) {
        this.log(`${this.device}: listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
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
