/** Errors of the card driver. Every one carries a `CardReadErrorCode` so callers can branch on it. */
import type { CardTransmitErrorCode } from '../../shared/card-reader.js';

/** What can go wrong while exchanging APDUs (detection-level codes come later, in `readCard`). */
export type CardIoErrorCode = CardTransmitErrorCode;

/** An APDU exchange failed. Thrown by transports and the channel; turned into a `CardReadError` by `readCard`. */
export class CardIoError extends Error {
  override readonly name = 'CardIoError';
  constructor(
    readonly code: CardIoErrorCode,
    message: string,
    readonly detail?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A decoder refused bytes: garbage, short data or an invalid required field. */
export interface DecodeError {
  readonly code: 'unreadable-card';
  /** Which field or file, e.g. `0x15 card number`. */
  readonly field: string;
  readonly message: string;
}

export const decodeError = (field: string, message: string): DecodeError => ({ code: 'unreadable-card', field, message });
