import type { CabinetController, CabinetStatus, DeviceFailure } from '../../shared/devices.js';
import { ok, type Result } from '../../shared/result.js';
import { failure } from '../serial/failure.js';
import { SerialDevice, type SerialDeviceOptions } from '../serial/serial-device.js';
import { applyFields, encodeCommand, LineSplitter, parseCabinetLine, type CabinetLine } from './cabinet-protocol.js';

export const CABINET_REPLY_TIMEOUT_MS = 1_000;
export const CABINET_POLL_INTERVAL_MS = 10_000;
export const CABINET_DEFAULT_BAUD = 9600;
/** Above this the cabinet is `degraded` (`over-temperature`). */
export const CABINET_MAX_TEMPERATURE_C = 50;

export interface SerialCabinetControllerOptions extends SerialDeviceOptions {
  readonly maxTemperatureC?: number;
}

/** The cabinet controller on a serial line (protocol in docs/devices.md). */
export class SerialCabinetController extends SerialDevice<CabinetLine, CabinetStatus> implements CabinetController {
  private readonly splitter = new LineSplitter();
  private readonly maxTemperatureC: number;
  private badLines = 0;

  constructor(options: SerialCabinetControllerOptions) {
    super(options, {
      kind: 'cabinet',
      baudRate: CABINET_DEFAULT_BAUD,
      replyTimeoutMs: CABINET_REPLY_TIMEOUT_MS,
      pollIntervalMs: CABINET_POLL_INTERVAL_MS,
    });
    this.maxTemperatureC = options.maxTemperatureC ?? CABINET_MAX_TEMPERATURE_C;
  }

  /** Lines dropped for a bad checksum or frame since start. */
  get droppedLines(): number {
    return this.badLines;
  }

  status(): Promise<Result<CabinetStatus, DeviceFailure>> {
    return this.queue.run(async () => {
      const got = await this.request(encodeCommand('STATUS'), (l) => l.kind === 'reply' && (l.body.startsWith('STATUS ') || l.body.startsWith('ERR')), 'STATUS');
      if (!got.ok) return got;
      const status = got.value.body.startsWith('ERR') ? null : applyFields(null, got.value.fields);
      if (!status) return this.failed(failure('bad-reply', `STATUS answered ${JSON.stringify(got.value.body.slice(0, 80))}`));
      this.update(status);
      return ok(status);
    });
  }

  protected receive(chunk: Buffer): void {
    for (const text of this.splitter.push(chunk)) {
      const line = parseCabinetLine(text);
      if ('code' in line) {
        this.badLines++;
        this.log(`${this.device}: dropped line (${line.code}): ${JSON.stringify(line.line.slice(0, 80))}`);
        continue;
      }
      this.matcher.feed(line);
    }
  }

  protected override reopened(): void {
    this.splitter.reset();
  }

  protected unsolicited(line: CabinetLine): void {
    if (line.kind !== 'event') return;
    const status = applyFields(this.last, line.fields);
    if (status) this.update(status);
    else void this.status();
  }

  private update(status: CabinetStatus): void {
    const changed = !this.last || JSON.stringify(this.last) !== JSON.stringify(status);
    this.last = status;
    if (status.power === 'battery') this.tracker.set('degraded', 'on-battery', `on battery, ${status.batteryPercent}%`);
    else if (status.temperatureC > this.maxTemperatureC) this.tracker.set('degraded', 'over-temperature', `${status.temperatureC} °C`);
    else this.tracker.set('ok', null, null);
    if (changed) this.emit({ type: 'cabinet-status', device: this.device, status });
  }
}
