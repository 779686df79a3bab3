/**
 * The part of nfc-pcsc 0.8 the card driver uses (the package ships no types). Checked against
 * node_modules/nfc-pcsc/src/{NFC,Reader,errors}.js.
 */
declare module 'nfc-pcsc' {
  import { EventEmitter } from 'node:events';

  /** Error classes of nfc-pcsc; `previous` is the pcsclite error that caused it. */
  export class BaseError extends Error {
    code: string | null;
    previous?: Error;
  }
  export class TransmitError extends BaseError {}
  export class ConnectError extends BaseError {}

  export interface NfcCard {
    atr?: Buffer;
    standard?: 'TAG_ISO_14443_3' | 'TAG_ISO_14443_4';
    uid?: string;
  }

  export interface NfcLogger {
    log(...args: unknown[]): void;
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  }

  export class Reader extends EventEmitter {
    readonly name: string;
    autoProcessing: boolean;
    card: NfcCard | null;
    /** Throws synchronously when no card is connected. */
    transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
    close(): void;
    on(event: 'card', listener: (card: NfcCard) => void): this;
    on(event: 'card.off', listener: (card: NfcCard) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'end', listener: () => void): this;
  }

  export class NFC extends EventEmitter {
    constructor(logger?: NfcLogger);
    close(): void;
    on(event: 'reader', listener: (reader: Reader) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }
}
