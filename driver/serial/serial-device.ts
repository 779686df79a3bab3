import type { DeviceFailure, DeviceHealth, DeviceKind, DeviceUpdate } from '../../shared/devices.js';
import type { Result } from '../../shared/result.js';
import { systemClock, type DeviceClock } from './clock.js';
import { failure } from './failure.js';
import { HealthTracker } from './health-tracker.js';
import type { SerialDeviceCriteria } from './locate.js';
import { ReconnectingSerialPort, type ReconnectingSerialPortOptions } from './reconnecting-port.js';
import { ReplyMatcher } from './reply-matcher.js';
import { SerialQueue } from './serial-queue.js';

/** What every polled serial device driver takes; a missing value falls back to the driver's default. */
export interface SerialDeviceOptions {
  readonly criteria: SerialDeviceCriteria;
  /** How bytes reach the port (see `binding.ts`); required. */
  readonly binding: ReconnectingSerialPortOptions['binding'];
  readonly baudRate?: number;
  /** Id in device updates; default the device kind (`printer`, `cabinet`). */
  readonly device?: string;
  readonly replyTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly clock?: DeviceClock;
  readonly log?: (line: string) => void;
  readonly backoff?: ReconnectingSerialPortOptions['backoff'];
  readonly locate?: ReconnectingSerialPortOptions['locate'];
}

/** One driver's kind and defaults. */
export interface SerialDeviceDefaults {
  readonly kind: DeviceKind;
  readonly baudRate: number;
  readonly replyTimeoutMs: number;
  readonly pollIntervalMs: number;
}

/**
 * A device that answers requests on a {@link ReconnectingSerialPort} and is polled for its status:
 * owns the port, the reply matcher, the one-request-at-a-time queue, the health and the
 * subscribers. On every open (first and after a reconnect) and every poll it asks `status()`;
 * on a close it fails pending requests with `not-connected` and reports the device `absent`.
 * A driver supplies how bytes become frames, what to do with unsolicited frames, and `status()`.
 */
export abstract class SerialDevice<Frame, Status> {
  protected readonly port: ReconnectingSerialPort;
  protected readonly matcher: ReplyMatcher<Frame>;
  protected readonly queue = new SerialQueue();
  protected readonly tracker: HealthTracker;
  protected readonly device: string;
  protected readonly replyTimeoutMs: number;
  protected readonly log: (line: string) => void;
  protected last: Status | null = null;
  private readonly kind: DeviceKind;
  private readonly pollIntervalMs: number;
  private readonly listeners = new Set<(update: DeviceUpdate) => void>();
  private pollTimer: NodeJS.Timeout | null = null;
  private running = false;
  /** Removes the port listeners `start()` added, so a stop + start does not add them twice. */
  private detach: (() => void)[] = [];

  protected constructor(options: SerialDeviceOptions, defaults: SerialDeviceDefaults) {
    this.kind = defaults.kind;
    this.device = options.device ?? defaults.kind;
    this.replyTimeoutMs = options.replyTimeoutMs ?? defaults.replyTimeoutMs;
    this.pollIntervalMs = options.pollIntervalMs ?? defaults.pollIntervalMs;
    this.log = options.log ?? (() => undefined);
    this.tracker = new HealthTracker(options.clock ?? systemClock, (health) =>
      this.emit({ type: 'health', kind: this.kind, device: this.device, health }),
    );
    this.matcher = new ReplyMatcher<Frame>((frame) => this.unsolicited(frame));
    this.port = new ReconnectingSerialPort({
      name: this.device,
      criteria: options.criteria,
      baudRate: options.baudRate ?? defaults.baudRate,
      binding: options.binding,
      log: this.log,
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.locate ? { locate: options.locate } : {}),
    });
  }

  /** Asks the device now; updates health, `lastStatus()` and the subscribers. */
  abstract status(): Promise<Result<Status, DeviceFailure>>;

  /** Bytes as they arrive; complete frames go to `matcher.feed`. */
  protected abstract receive(chunk: Buffer): void;

  /** A frame no request was waiting for. */
  protected abstract unsolicited(frame: Frame): void;

  /** The port just (re)opened, before `status()` is asked: drop half-parsed input. */
  protected reopened(): void {
    return;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.detach = [
      this.port.onData((chunk) => this.receive(chunk)),
      this.port.onOpen(() => {
        this.reopened();
        void this.status();
      }),
      this.port.onClose((reason) => {
        this.matcher.cancelAll(failure('not-connected', `${this.device}: ${reason}`));
        this.tracker.set('absent', 'disconnected', reason);
      }),
    ];
    await this.port.start();
    if (this.port.state !== 'open') this.tracker.set('absent', 'not-found', `${this.kind} port not found`);
    else await this.status();
    this.pollTimer = setInterval(() => void this.status(), this.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.matcher.cancelAll(failure('not-connected', `${this.device}: stopped`));
    await this.port.stop();
    for (const off of this.detach.splice(0)) off();
  }

  health(): DeviceHealth {
    return this.tracker.value;
  }

  lastStatus(): Status | null {
    return this.last;
  }

  subscribe(listener: (update: DeviceUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Writes one request and waits (up to the reply timeout) for the first frame `accept` takes.
   * A failed write or a missing reply is recorded in the health through {@link failed}.
   * Call it inside `queue.run` so that replies cannot cross.
   */
  protected async request(data: Buffer, accept: (frame: Frame) => boolean, what: string): Promise<Result<Frame, DeviceFailure>> {
    const reply = this.matcher.expect(accept, this.replyTimeoutMs, what);
    const written = await this.port.write(data);
    if (!written.ok) {
      this.matcher.cancelAll(written.error);
      await reply;
      return this.failed(written.error);
    }
    const got = await reply;
    return got.ok ? got : this.failed(got.error);
  }

  /** Records a failed request in the health (`absent` when not connected, else `fault`) and returns it. */
  protected failed(f: DeviceFailure): Result<never, DeviceFailure> {
    if (f.code === 'not-connected') this.tracker.set('absent', 'disconnected', f.message);
    else this.tracker.set('fault', f.code, f.message);
    return { ok: false, error: f };
  }

  protected emit(update: DeviceUpdate): void {
    for (const l of this.listeners) {
      try {
        l(update);
      } catch (e) {
        this.log(`${this.device}: listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
