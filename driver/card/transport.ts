/**
 * APDU transport and channel. The transport moves raw bytes to a card (nfc-pcsc in
 * production, a script in unit tests); the channel adds what ISO 7816-4 asks of a reader:
 * per-command timeouts, `61 xx` GET RESPONSE, `6C xx` resend, SW1SW2 split, and an APDU count.
 */
import { CardIoError } from './errors.js';
import { concatBytes, toHex } from './bytes.js';

/**
 * Moves one command APDU to the card and back. Rejects with `CardIoError` for anything the card
 * or reader did; any other rejection is a bug and propagates as such.
 */
export interface ApduTransport {
  /** Resolves with the raw response: data followed by SW1 SW2 (a well-behaved card sends at least 2 bytes). */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

/** A response split into data and status word. */
export interface ApduResponse {
  readonly data: Uint8Array;
  /** SW1SW2 as one number, e.g. 0x9000. */
  readonly sw: number;
}

export const SW_OK = 0x9000;
export const SW_FILE_NOT_FOUND = 0x6a82;
export const SW_RECORD_NOT_FOUND = 0x6a83;
export const SW_SECURITY = 0x6982;

/** Default per-command deadline: a real card answers in tens of milliseconds. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
/** Longest `61 xx` chain accepted before the card is called unreadable. */
const MAX_CHAINED_RESPONSES = 16;

export const swHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');

export interface CardChannelOptions {
  readonly commandTimeoutMs?: number;
}

/** One card session: sends commands, follows `61xx`/`6Cxx`, counts every APDU sent. */
export class CardChannel {
  #count = 0;
  readonly #timeoutMs: number;

  constructor(
    private readonly transport: ApduTransport,
    options: CardChannelOptions = {},
  ) {
    this.#timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  /** APDUs exchanged so far, GET RESPONSE and resends included. */
  get apduCount(): number {
    return this.#count;
  }

  /** Sends `command` and returns data + SW, whatever the SW. Throws `CardIoError`. */
  async send(command: Uint8Array): Promise<ApduResponse> {
    let response = await this.#once(command);
    if (response.sw >> 8 === 0x6c) {
      const resend = Uint8Array.from(command);
      resend[resend.length - 1] = response.sw & 0xff;
      response = await this.#once(resend);
    }
    let data = response.data;
    for (let i = 0; response.sw >> 8 === 0x61; i++) {
      if (i >= MAX_CHAINED_RESPONSES) throw new CardIoError('unreadable-card', 'card keeps answering 61xx', toHex(command));
      response = await this.#once(Uint8Array.of(0x00, 0xc0, 0x00, 0x00, response.sw & 0xff));
      data = concatBytes(data, response.data);
    }
    return { data, sw: response.sw };
  }

  async #once(command: Uint8Array): Promise<ApduResponse> {
    this.#count++;
    const raw = await withTimeout(this.transport.transmit(command), this.#timeoutMs, command);
    if (raw.length === 0) throw new CardIoError('card-removed', 'card gave an empty answer (left the field)', toHex(command));
    if (raw.length < 2) throw new CardIoError('unreadable-card', `answer of ${raw.length} byte, no status word`, toHex(raw));
    const sw = (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!;
    return { data: raw.subarray(0, raw.length - 2), sw };
  }
}

function withTimeout(p: Promise<Uint8Array>, ms: number, command: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CardIoError('timeout', `no answer in ${ms} ms`, toHex(command))), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
