/**
 * One PC/SC reader seen directly through libpcsclite (@pokusew/pcsclite), below the kiosk's own
 * driver: for hw tests that check what pcscd itself sees of a virtual card. Waits are
 * event-driven (reader `status` events), each with a bound.
 */
import pcsclite from '@pokusew/pcsclite';
import { fromHex, toHex } from '../../shared/bytes.js';

type PcscLite = ReturnType<typeof pcsclite>;
type Reader = Parameters<Parameters<PcscLite['on']>[1]>[0] & { name: string };

export class RawPcscReader {
  private state = 0;
  private atr: Buffer | null = null;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];
  private protocol = 2;

  constructor(readonly reader: Reader) {
    reader.on('status', (status: { state: number; atr?: Buffer }) => {
      this.state = status.state;
      this.atr = status.atr && status.atr.length > 0 ? status.atr : null;
      this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
    });
    reader.on('error', () => undefined);
  }

  get present(): boolean {
    return (this.state & this.reader.SCARD_STATE_PRESENT) !== 0;
  }
  get empty(): boolean {
    return (this.state & this.reader.SCARD_STATE_EMPTY) !== 0;
  }
  get currentAtr(): string | null {
    return this.atr ? toHex(this.atr) : null;
  }

  until(test: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.reader.connect({ share_mode: this.reader.SCARD_SHARE_SHARED }, (err: Error | null, protocol?: number) => {
        if (err) return reject(err);
        this.protocol = protocol ?? 2;
        resolve();
      }),
    );
  }

  /** The whole answer, SW1SW2 included. Bound, so it can be handed on as a transmit function. */
  readonly transmit = (apdu: Uint8Array): Promise<Buffer> =>
    new Promise((resolve, reject) =>
      this.reader.transmit(Buffer.from(apdu), 1024, this.protocol, (err: Error | null, data?: Buffer) => (err ? reject(err) : resolve(data ?? Buffer.alloc(0)))),
    );

  /** `transmit` with hex in and out (upper case), for readable assertions. */
  async transmitHex(hex: string): Promise<string> {
    return toHex(await this.transmit(fromHex(hex)));
  }

  disconnect(): Promise<void> {
    if (!this.reader.connected) return Promise.resolve();
    return new Promise((resolve) => this.reader.disconnect(this.reader.SCARD_LEAVE_CARD, () => resolve()));
  }
}

/** Opens libpcsclite and waits for the named reader and its first status; `close()` releases it. */
export async function openRawReader(name: string): Promise<{ reader: RawPcscReader; close: () => void }> {
  const pcsc = pcsclite();
  pcsc.on('error', () => undefined);
  const reader = await new Promise<RawPcscReader>((resolve) =>
    pcsc.on('reader', (r: Reader) => {
      if (r.name === name) resolve(new RawPcscReader(r));
      else r.on('error', () => undefined);
    }),
  );
  await reader.until(() => reader.empty || reader.present, 'first reader status');
  return { reader, close: () => pcsc.close() };
}
