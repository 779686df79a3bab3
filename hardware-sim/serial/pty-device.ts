import { SerialPort } from 'serialport';
import { PtyPair } from './pty-pair.js';

export interface PtyDeviceOptions {
  /** The path the kiosk opens (a symlink to its pty), e.g. `var/dev/printer`. */
  readonly hostPath: string;
  /** The simulated device's end; default `<hostPath>.sim`. */
  readonly devicePath?: string;
  readonly baudRate?: number;
  /** Bytes from the kiosk; the returned bytes are sent back at once. */
  readonly onBytes: (chunk: Buffer) => Buffer;
}

/**
 * A simulated serial device on a real pseudo-terminal pair. `unplug()` kills the pair (the
 * kiosk's port closes with `disconnected`); `replug()` makes it again at the same paths.
 */
export class PtyDevice {
  private readonly pair: PtyPair;
  private port: SerialPort | null = null;

  constructor(private readonly options: PtyDeviceOptions) {
    this.pair = new PtyPair(options.hostPath, options.devicePath ?? `${options.hostPath}.sim`);
  }

  get hostPath(): string {
    return this.pair.hostPath;
  }

  get plugged(): boolean {
    return this.pair.running;
  }

  async start(): Promise<void> {
    await this.pair.start();
    const port = new SerialPort({ path: this.pair.devicePath, baudRate: this.options.baudRate ?? 9600, autoOpen: false });
    port.on('error', () => undefined);
    port.on('data', (chunk: Buffer) => {
      const reply = this.options.onBytes(chunk);
      if (reply.length > 0 && port.isOpen) port.write(reply);
    });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    this.port = port;
  }

  /** Unsolicited bytes to the kiosk (events); ignored while unplugged. */
  send(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      port.write(bytes, () => port.drain(() => resolve()));
    });
  }

  async stop(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    port?.removeAllListeners();
    await this.pair.stop();
  }

  unplug(): Promise<void> {
    return this.stop();
  }

  replug(): Promise<void> {
    return this.start();
  }
}
