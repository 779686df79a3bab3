/**
 * An in-memory serial binding, as strict as the interface it implements (serialport's
 * `BindingInterface`): opening a port that does not exist or is already open fails, an
 * overlapping write or read is refused, every call on a closed port fails with `Port is not
 * open`, a read in progress when the port closes fails with `canceled: true`, and unplugging
 * the device fails a read with a plain error (which the stream reports as `disconnected`). The
 * device on the other end gets each write whole and answers with bytes.
 */
import type { BindingInterface, BindingPortInterface, OpenOptions, PortInfo, PortStatus, SetOptions, UpdateOptions } from '@serialport/bindings-interface' with { 'resolution-mode': 'require' };

/** The other end of an in-memory port: the bytes the kiosk wrote in, the bytes it answers out. */
export type MemorySerialDevice = (written: Buffer) => Buffer;

export interface MemoryPortInfo {
  readonly vendorId?: string;
  readonly productId?: string;
}

interface PortRecord {
  readonly info: PortInfo;
  readonly device: MemorySerialDevice;
  open: MemorySerialPort | null;
}

const canceled = (what: string): Error => Object.assign(new Error(`${what} canceled: the port was closed`), { canceled: true });

export class MemorySerialBinding implements BindingInterface<MemorySerialPort> {
  readonly #ports = new Map<string, PortRecord>();

  /** Plugs a device in at `path`. */
  createPort(path: string, device: MemorySerialDevice, info: MemoryPortInfo = {}): void {
    if (this.#ports.has(path)) throw new Error(`a port ${path} exists already`);
    this.#ports.set(path, {
      info: { path, manufacturer: undefined, serialNumber: undefined, pnpId: undefined, locationId: undefined, vendorId: info.vendorId, productId: info.productId },
      device,
      open: null,
    });
  }

  /** Unplugs the device at `path`: an open port on it fails its reads and writes as disconnected. */
  removePort(path: string): void {
    const record = this.#ports.get(path);
    this.#ports.delete(path);
    record?.open?.unplugged();
  }

  /** Bytes the device sends without being asked (events), to the open port at `path`. */
  emitData(path: string, bytes: Buffer): void {
    this.#ports.get(path)?.open?.deliver(bytes);
  }

  list(): Promise<PortInfo[]> {
    return Promise.resolve([...this.#ports.values()].map((r) => ({ ...r.info })));
  }

  open(options: OpenOptions): Promise<MemorySerialPort> {
    if (!options || typeof options !== 'object') return Promise.reject(new TypeError('"options" is not an object'));
    if (!options.path) return Promise.reject(new TypeError('"path" is not a valid port'));
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) return Promise.reject(new TypeError('"baudRate" must be a positive integer'));
    const record = this.#ports.get(options.path);
    if (!record) return Promise.reject(new Error(`No such file or directory, cannot open ${options.path}`));
    if (record.open?.isOpen && (options.lock ?? true)) return Promise.reject(new Error('Resource temporarily unavailable Cannot lock port'));
    const port = new MemorySerialPort(options, record.device, () => {
      if (record.open === port) record.open = null;
    });
    record.open = port;
    return Promise.resolve(port);
  }
}

export class MemorySerialPort implements BindingPortInterface {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;
  #gone = false;
  #incoming: Buffer[] = [];
  #read: { buffer: Buffer; offset: number; length: number; resolve: (r: { buffer: Buffer; bytesRead: number }) => void; reject: (e: Error) => void } | null = null;
  #writing = false;

  constructor(
    options: OpenOptions,
    private readonly device: MemorySerialDevice,
    private readonly released: () => void,
  ) {
    this.openOptions = {
      dataBits: 8,
      lock: true,
      stopBits: 1,
      parity: 'none',
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: true,
      ...options,
    };
  }

  close(): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('Port is not open'));
    this.isOpen = false;
    this.released();
    const read = this.#read;
    this.#read = null;
    read?.reject(canceled('read'));
    return Promise.resolve();
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!Buffer.isBuffer(buffer)) return Promise.reject(new TypeError('"buffer" is not a Buffer'));
    if (!Number.isInteger(offset) || offset < 0) return Promise.reject(new TypeError(`"offset" is not an integer ≥ 0, got "${offset}"`));
    if (!Number.isInteger(length) || length < 1 || offset + length > buffer.length) return Promise.reject(new TypeError(`"length" does not fit the buffer, got "${length}"`));
    if (!this.isOpen) return Promise.reject(new Error('Port is not open'));
    if (this.#read) return Promise.reject(new Error('Overlapping reads are not supported'));
    if (this.#gone) return Promise.reject(new Error('device disconnected'));
    return new Promise((resolve, reject) => {
      this.#read = { buffer, offset, length, resolve, reject };
      this.#serveRead();
    });
  }

  write(buffer: Buffer): Promise<void> {
    if (!Buffer.isBuffer(buffer)) return Promise.reject(new TypeError('"buffer" is not a Buffer'));
    if (!this.isOpen) return Promise.reject(new Error('Port is not open'));
    if (this.#writing) return Promise.reject(new Error('Overlapping writes are not supported: the caller must wait for the previous write'));
    if (this.#gone) return Promise.reject(new Error('device disconnected'));
    this.#writing = true;
    const data = Buffer.from(buffer);
    return new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.#writing = false;
        if (!this.isOpen) return reject(canceled('write'));
        if (this.#gone) return reject(new Error('device disconnected'));
        resolve();
        if (data.length === 0) return;
        const answer = this.device(data);
        if (answer.length > 0) setImmediate(() => this.deliver(answer));
      });
    });
  }

  update(options: UpdateOptions): Promise<void> {
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) return Promise.reject(new TypeError('"options.baudRate" must be a positive integer'));
    if (!this.isOpen) return Promise.reject(new Error('Port is not open'));
    this.openOptions.baudRate = options.baudRate;
    return Promise.resolve();
  }

  set(_options: SetOptions): Promise<void> {
    return this.isOpen ? Promise.resolve() : Promise.reject(new Error('Port is not open'));
  }

  get(): Promise<PortStatus> {
    return this.isOpen ? Promise.resolve({ cts: true, dsr: false, dcd: false }) : Promise.reject(new Error('Port is not open'));
  }

  getBaudRate(): Promise<{ baudRate: number }> {
    return this.isOpen ? Promise.resolve({ baudRate: this.openOptions.baudRate }) : Promise.reject(new Error('Port is not open'));
  }

  flush(): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('Port is not open'));
    this.#incoming = [];
    return Promise.resolve();
  }

  drain(): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('Port is not open'));
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** @internal Bytes from the device. */
  deliver(bytes: Buffer): void {
    if (!this.isOpen || this.#gone) return;
    this.#incoming.push(Buffer.from(bytes));
    this.#serveRead();
  }

  /** @internal The device was unplugged. */
  unplugged(): void {
    this.#gone = true;
    const read = this.#read;
    this.#read = null;
    read?.reject(new Error('device disconnected'));
  }

  #serveRead(): void {
    const read = this.#read;
    if (!read || this.#incoming.length === 0) return;
    this.#read = null;
    const chunk = this.#incoming[0]!;
    const n = Math.min(read.length, chunk.length);
    chunk.copy(read.buffer, read.offset, 0, n);
    if (n === chunk.length) this.#incoming.shift();
    else this.#incoming[0] = chunk.subarray(n);
    read.resolve({ buffer: read.buffer, bytesRead: n });
  }
}
