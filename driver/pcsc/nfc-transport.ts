/** `ApduTransport` over one nfc-pcsc reader, with PC/SC errors mapped to card-driver codes. */
import type { Reader } from 'nfc-pcsc';
import { CardIoError, type CardIoErrorCode } from '../card/errors.js';
import type { ApduTransport } from '../card/transport.js';

/** Large enough for any answer of these cards (too small gives "Insufficient buffer 0x80100008"). */
const RESPONSE_MAX_LENGTH = 1024;

/** PC/SC return codes that mean the card left the field. */
const CARD_GONE = new Set(['80100069', '8010000C', '80100016', '80100017']);
/** PC/SC return codes that mean the reader or pcscd went away. */
const READER_GONE = new Set(['80100009', '80100013', '8010001D', '80100003', '8010002E']);

/** The PC/SC return code (8 hex digits, upper case) inside an error or its causes, if any. */
export function pcscCode(e: unknown): string | null {
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 4; depth++) {
    const m = /0x([0-9a-f]{8})/i.exec(x.message);
    if (m) return m[1]!.toUpperCase();
    x = (x as { previous?: unknown }).previous ?? x.cause;
  }
  return null;
}

export function cardIoErrorOf(e: unknown): CardIoError {
  if (e instanceof CardIoError) return e;
  const code = pcscCode(e);
  const message = e instanceof Error ? e.message : String(e);
  let kind: CardIoErrorCode = 'unreadable-card';
  if ((e as { code?: unknown } | null)?.code === 'card_not_connected' || (code && CARD_GONE.has(code))) kind = 'card-removed';
  else if (code && READER_GONE.has(code)) kind = 'reader-gone';
  return new CardIoError(kind, message, code ? `0x${code}` : undefined, { cause: e });
}

export class NfcReaderTransport implements ApduTransport {
  constructor(private readonly reader: Reader) {}

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    try {
      const response = await this.reader.transmit(Buffer.from(command), RESPONSE_MAX_LENGTH);
      return Uint8Array.from(response);
    } catch (e) {
      throw cardIoErrorOf(e);
    }
  }
}
