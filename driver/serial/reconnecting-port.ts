import { SerialPortStream } from '@serialport/stream';
import type { SerialBinding } from './binding.js';
import type { DeviceFailure } from '../../shared/devices.js';
import { ok, type Result } from '../../shared/result.js';
import { fail } from './failure.js';
import { bindingLocateDeps, locateSerialDevice, type SerialDeviceCriteria } from './locate.js';
import { backoffDelay } from '../../shared/backoff.js';

/** First wait after a failed open or a disconnect; doubles up to {@link RECONNECT_MAX_MS}. */
export const RECONNECT_INITIAL_MS = 250;
export const RECONNECT_MAX_MS = 5_000;

/** The part of a serialport stream this actor uses; a `SerialPortStream` over the binding satisfies it. */
export interface SerialLink {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
  write(data: Buffer, callback?: (error: Error | null | undefined) => void): boolean;
  drain(callback: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close', listener: (error?: Error & { disconnected?: boolean }) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  removeAllListeners(): this;
}

export type SerialPortState = 'stopped' | 'searching' | 'open' | 'waiting';

export interface ReconnectingSerialPortOptions {
  /** For log lines, e.g. `printer`. */
  readonly name: string;
  readonly criteria: SerialDeviceCriteria;
  readonly baudRate: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** How bytes reach the port: `systemSerialBinding()` in production, a `MemorySerialBinding` in unit tests. Required: nothing picks one for the caller. */
  readonly binding: SerialBinding;
  /** Defaults to the path, `/dev/serial/by-id` and the ports the binding lists. */
  readonly locate?: (criteria: SerialDeviceCriteria) => Promise<string | null>;
  readonly log?: (line: string) => void;
}

type Listener<T> = (value: T) => void;

/**
 * A serial port that keeps itself open: on `close` with `err.disconnected` (or a failed open) it
 * waits (capped exponential back-off), finds the device again (path, by-id, vendor/product id),
 * reopens and tells its `onOpen` listeners so they reset their parsers. Data listeners stay
 * attached across reconnects.
 */
export class ReconnectingSerialPort {
  private link: SerialLink | null = null;
  private currentPath: string | null = null;
  private stateValue: SerialPortState = 'stopped';
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly dataListeners = new Set<Listener<Buffer>>();
  private readonly openListeners = new Set<Listener<string>>();
  private readonly closeListeners = new Set<Listener<string>>();
  private readonly locate: (criteria: SerialDeviceCriteria) => Promise<string | null>;
  private readonly log: (line: string) => void;

  constructor(private readonly options: ReconnectingSerialPortOptions) {
    const deps = bindingLocateDeps(options.binding);
    this.locate = options.locate ?? ((c) => locateSerialDevice(c, deps));
    this.log = options.log ?? (() => undefined);
  }

  get state(): SerialPortState {
    return this.stateValue;
  }

  get path(): string | null {
    return this.currentPath;
  }

  /** Starts connecting; resolves after the first attempt, whether the device was there or not. */
  async start(): Promise<void> {
    if (this.stateValue !== 'stopped') return;
    this.stateValue = 'searching';
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stateValue = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const link = this.link;
    this.link = null;
    if (link?.isOpen) {
      await new Promise<void>((resolve) => link.close(() => resolve()));
    }
    link?.removeAllListeners();
  }

  onData(listener: Listener<Buffer>): () => void {
    return add(this.dataListeners, listener);
  }

  onOpen(listener: Listener<string>): () => void {
    return add(this.openListeners, listener);
  }

  /** Called with a reason (`disconnected`, `closed: …`) each time an open port goes away. */
  onClose(listener: Listener<string>): () => void {
    return add(this.closeListeners, listener);
  }

  /** Writes and waits until the OS took the bytes (`drain`). */
  write(data: Buffer): Promise<Result<void, DeviceFailure>> {
    const link = this.link;
    if (this.stateValue !== 'open' || !link?.isOpen) {
      return Promise.resolve(fail('not-connected', `${this.options.name}: port not open`));
    }
    return new Promise((resolve) => {
      link.write(data, (error) => {
        if (error) {
          resolve(fail('write-failed', `${this.options.name}: ${error.message}`));
          return;
        }
        link.drain((drainError) => {
          resolve(drainError ? fail('write-failed', `${this.options.name}: ${drainError.message}`) : ok(undefined));
        });
      });
    });
  }

  private async connect(): Promise<void> {
    if (this.stateValue === 'stopped') return;
    this.stateValue = 'searching';
    const found = await this.locate(this.options.criteria).catch(() => null);
    if (this.stateValue !== 'searching') return;
    if (found === null) {
      this.scheduleRetry('device not found');
      return;
    }
    const link: SerialLink = new SerialPortStream({ binding: this.options.binding, path: found, baudRate: this.options.baudRate, autoOpen: false });
    link.on('error', (error) => this.log(`${this.options.name}: ${error.message}`));
    const opened = await new Promise<Error | null>((resolve) => link.open(resolve));
    if (this.stateValue !== 'searching') {
      if (link.isOpen) link.close();
      return;
    }
    if (opened) {
      link.removeAllListeners();
      this.scheduleRetry(`open ${found}: ${opened.message}`);
      return;
    }
    this.link = link;
    this.currentPath = found;
    this.attempt = 0;
    this.stateValue = 'open';
    link.on('data', (chunk) => {
      for (const l of this.dataListeners) l(chunk);
    });
    link.on('close', (error) => this.handleClose(link, error));
    this.log(`${this.options.name}: open ${found}`);
    for (const l of this.openListeners) l(found);
  }

  private handleClose(link: SerialLink, error: (Error & { disconnected?: boolean }) | undefined): void {
    if (this.link !== link || this.stateValue === 'stopped') return;
    this.link = null;
    link.removeAllListeners();
    const reason = error?.disconnected === true ? 'disconnected' : `closed: ${error?.message ?? 'no reason'}`;
    for (const l of this.closeListeners) l(reason);
    this.scheduleRetry(reason);
  }

  private scheduleRetry(reason: string): void {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: RECONNECT_INITIAL_MS, maxMs: RECONNECT_MAX_MS };
    const delay = backoffDelay(this.attempt + 1, { baseMs: initialMs, capMs: maxMs, jitter: 'spread' });
    this.attempt = Math.min(this.attempt + 1, 16);
    this.stateValue = 'waiting';
    this.log(`${this.options.name}: ${reason}; retry in ${Math.round(delay)} ms`);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }
}

function add<T>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
  set.add(listener);
  return () => set.delete(listener);
}
