/**
 * The technician card's application: what the kiosk sends and what the card answers. The card
 * (a real applet, or the simulated one in hardware-sim) holds an ECDSA P-256 private key that
 * never leaves it and a PIN it checks and counts itself, as PIV cards do. Kiosks hold only the
 * technician's public key (enrolled at central) and verify the card's signature of a fresh
 * challenge; nothing on a kiosk lets it pass as a technician or learn a PIN.
 *
 * | step | command APDU | answer |
 * |---|---|---|
 * | SELECT the application | `00 A4 04 00 08 F0534B5445434801 00` | FCI, `90 00` |
 * | technician id | GET DATA `80 CA 01 01 00` | ASCII id, `90 00` |
 * | key id | GET DATA `80 CA 01 02 00` | SHA-256 of the public key (SubjectPublicKeyInfo DER), 32 bytes, `90 00` |
 * | PIN state | VERIFY `00 20 00 80` (no data) | `63 Cx` x tries left; `69 83` blocked; `90 00` already verified |
 * | PIN | VERIFY `00 20 00 80 08 <PIN ASCII digits, padded with FF to 8>` | `90 00`; `63 Cx` wrong, x tries left (`63 C0`: now blocked); `69 83` blocked; `6A 80` not 4–8 digits (not counted) |
 * | signature | INTERNAL AUTHENTICATE `00 88 00 00 20 <32-byte challenge> 00` | DER ECDSA-SHA256 signature of `SIGNED_PREFIX ‖ challenge`, `90 00`; `69 82` when the PIN was not verified |
 *
 * A verified PIN allows one signature; powering the card off (taking it off the reader) forgets it.
 */

/** The project's own technician application (proprietary AID, RID F0). */
export const TECHNICIAN_AID_HEX = 'F0534B5445434801';
/** GET DATA P1P2 of the technician id. */
export const TECHNICIAN_DATA_ID = 0x0101;
/** GET DATA P1P2 of the key id (SHA-256 of the public key's SubjectPublicKeyInfo DER). */
export const TECHNICIAN_DATA_KEY_ID = 0x0102;
/** VERIFY P2: the card's PIN (PIV's application PIN reference). */
export const TECHNICIAN_PIN_REFERENCE = 0x80;
/** VERIFY data: the PIN's digits in ASCII, padded with 0xFF to this length (as PIV). */
export const TECHNICIAN_PIN_BLOCK_LENGTH = 8;
/** The challenge the kiosk sends, fresh random bytes each time. */
export const TECHNICIAN_CHALLENGE_LENGTH = 32;
/** What the card signs before the challenge, so its key signs nothing else a verifier would take. */
export const TECHNICIAN_SIGNED_PREFIX = 'station-kiosk technician challenge v1\n';
/** A PIN the card accepts: 4 to 8 digits. */
export const TECHNICIAN_PIN_PATTERN = /^\d{4,8}$/;
/** Technician ids: letters, digits, dashes, at most 32. */
export const TECHNICIAN_ID_PATTERN = /^[A-Za-z0-9-]{1,32}$/;

export const TECHNICIAN_SW = {
  ok: 0x9000,
  /** `63 Cx`: wrong PIN (or PIN state asked), x tries left. */
  triesLeftBase: 0x63c0,
  securityNotSatisfied: 0x6982,
  blocked: 0x6983,
  wrongData: 0x6a80,
} as const;

/** The bytes the card signs for a challenge. */
export function technicianSignedMessage(challenge: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(TECHNICIAN_SIGNED_PREFIX, 'ascii'), challenge]);
}

/** The VERIFY data block of a PIN: ASCII digits padded with 0xFF. Throws on a PIN the card would refuse. */
export function technicianPinBlock(pin: string): Buffer {
  if (!TECHNICIAN_PIN_PATTERN.test(pin)) throw new RangeError('a PIN is 4 to 8 digits');
  const block = Buffer.alloc(TECHNICIAN_PIN_BLOCK_LENGTH, 0xff);
  block.write(pin, 0, 'ascii');
  return block;
}
