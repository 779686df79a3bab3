import type { CabinetController, CabinetStatus, DeviceFailure, DeviceHealth, DeviceUpdate } from '../../shared/devices.js';
import { ok, type Result } from '../../shared/result.js';
import { systemClock, type DeviceClock } from '../serial/clock.js';
import { failure } from '../serial/failure.js';
import { HealthTracker } from '../serial/health-tracker.js';
import type { SerialDeviceCriteria } from '../serial/locate.js';
import { ReconnectingSerialPort, type ReconnectingSerialPortOptions } from '../serial/reconnecting-port.js';
import { ReplyMatcher } from '../serial/reply-matcher.js';
import { SerialQueue } from '../serial/serial-queue.js';
import { applyFields, encodeCommand, LineSplitter, parseCabinetLine, type CabinetLine } from './cabinet-protocol.js';

export const CABINET_REPLY_TIMEOUT_MS = 1_000;
export const CABINET_POLL_INTERVAL_MS = 10_000;
export const CABINET_DEFAULT_BAUD = 9600;
/** Above this the cabinet is `degraded` (`over-temperature`). */
export const CABINET_MAX_TEMPERATURE_C = 50;

export interface SerialCabinetControllerOptions {
  readonly criteria: SerialDeviceCriteria;
  readonly baudRate?: number;
  readonly device?: string;
  readonly replyTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly maxTemperatureC?: number;
  readonly clock?: DeviceClock;
  readonly log?: (line: string) => void;
  readonly backoff?: ReconnectingSerialPortOptions['backoff'];
  readonly createLink?: ReconnectingSerialPortOptions['createLink'];
  readonly locate?: ReconnectingSerialPortOptions['locate'];
}

/** The cabinet controller on a serial line (protocol in docs/devices.md). */
export class SerialCabinetController implements CabinetController {
  private readonly port: ReconnectingSerialPort;
  private readonly splitter = new LineSplitter();
  private readonly matcher: ReplyMatcher<CabinetLine>;
  private readonly queue = new SerialQueue();
  private readonly tracker: HealthTracker;
  private readonly listeners = new Set<(update: DeviceUpdate) => void>();
  private readonly device: string;
  private readonly log: (line: string) => void;
  private pollTimer: NodeJS.Timeout | null = null;
  private last: CabinetStatus | null = null;
  private badLines = 0;
  private running = false;

  constructor(private readonly options: SerialCabinetControllerOptions) {
    this.device = options.device ?? 'cabinet';
    this.log = options.log ?? (() => undefined);
    this.tracker = new HealthTracker(options.clock ?? systemClock, (health) =>
      this.emit({ type: 'health', kind: 'cabinet', device: this.device, health }),
    );
    this.matcher = new ReplyMatcher<CabinetLine>((line) => this.onUnsolicited(line));
    this.port = new ReconnectingSerialPort({
      name: this.device,
      criteria: options.criteria,
      baudRate: options.baudRate ?? CABINET_DEFAULT_BAUD,
      log: this.log,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.createLink ? { createLink: options.createLink } : {}),
      ...(options.locate ? { locate: options.locate } : {}),
    });
  }

  /** Lines dropped for a bad checksum or frame since start. */
  get droppedLines(): number {
    return this.badLines;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.port.onData((chunk) => {
      for (const text of this.splitter.push(chunk)) {
        const line = parseCabinetLine(text);
        if ('code' in line) {
          this.badLines++;
          this.log(`${this.device}: dropped line (${line.code}): ${JSON.stringify(line.line.slice(0, 80))}`);
          continue;
        }
        this.matcher.feed(line);
      }
    });
    this.port.onOpen(() => {
      this.splitter.reset();
      void this.status();
    });
    this.port.onClose((reason) => {
      this.matcher.cancelAll(failure('not-connected', `${this.device}: ${reason}`));
      this.tracker.set('absent', 'disconnected', reason);
    });
    await this.port.start();
    if (this.port.state !== 'open') this.tracker.set('absent', 'not-found', 'cabinet port not found');
    else await this.status();
    this.pollTimer = setInterval(() => void this.status(), this.options.pollIntervalMs ?? CABINET_POLL_INTERVAL_MS);
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

  lastStatus(): CabinetStatus | null {
    return this.last;
  }

  subscribe(listener: (update: DeviceUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): Promise<Result<CabinetStatus, DeviceFailure>> {
    return this.queue.run(async () => {
      const reply = this.matcher.expect((l) => l.kind === 'reply' && (l.body.startsWith('STATUS ') || l.body.startsWith('ERR')), this.options.replyTimeoutMs ?? CABINET_REPLY_TIMEOUT_MS, 'STATUS');
      const written = await this.port.write(encodeCommand('STATUS'));
      if (!written.ok) {
        this.matcher.cancelAll(written.error);
        await reply;
        return this.failed(written.error);
      }
      const got = await reply;
      if (!got.ok) return this.failed(got.error);
      const status = got.value.body.startsWith('ERR') ? null : applyFields(null, got.value.fields);
      if (!status) return this.failed(failure('bad-reply', `STATUS answered ${JSON.stringify(got.value.body.slice(0, 80))}`));
      this.update(status);
      return ok(status);
    });
  }

  private onUnsolicited(line: CabinetLine): void {
    if (line.kind !== 'event') return;
    const status = applyFields(this.last, line.fields);
    if (status) this.update(status);
    else void this.status();
  }

  private update(status: CabinetStatus): void {
    const changed = !this.last || JSON.stringify(this.last) !== JSON.stringify(status);
    this.last = status;
    const maxT = this.options.maxTemperatureC ?? CABINET_MAX_TEMPERATURE_C;
    if (status.power === 'battery') this.tracker.set('degraded', 'on-battery', `on battery, ${status.batteryPercent}%`);
    else if (status.temperatureC > maxT) this.tracker.set('degraded', 'over-temperature', `${status.temperatureC} °C`);
    else this.tracker.set('ok', null, null);
    if (changed) this.emit({ type: 'cabinet-status', device: this.device, status });
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
