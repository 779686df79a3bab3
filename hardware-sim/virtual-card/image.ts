/**
 * The card image: everything a simulated contactless CPU card answers, as JSON
 * (`hardware-sim/card-images/<name>.json`). Hex strings may contain spaces. See docs/hardware-sim.md.
 */

/** One elementary file. Either `binary` (READ BINARY) or `records` (READ RECORD, record 1 first). */
export interface CardFileImage {
  /** Short file identifier, 1..30, for `READ BINARY/RECORD` by SFI. */
  readonly sfi?: number;
  /** 2-byte file id (hex, e.g. `0015`), for `SELECT` by FID then READ without SFI. */
  readonly fid?: string;
  readonly binary?: string;
  readonly records?: readonly string[];
}

/** Raw e-purse slots as 32-bit unsigned numbers (the card answers them as 4 bytes big-endian). */
export interface BalanceImage {
  readonly slot0: number;
  /** Absent: the card rejects `80 5C 01 02 04` with `6A 86`. */
  readonly slot1?: number;
}

/** The proprietary technician application (see docs/hardware-sim.md, "Technician card"). */
export interface TechnicianImage {
  /** Printable ASCII, answered by `80 CA 01 01 00`. */
  readonly technicianId: string;
  /** The card's ECDSA P-256 private key, PKCS#8 PEM. It signs INTERNAL AUTHENTICATE challenges and never leaves the card. */
  readonly privateKeyPem: string;
  /** The PIN the card checks itself (VERIFY), 4–8 digits. */
  readonly pin: string;
  /** Wrong PINs in a row before the card blocks (`69 83`); default 5. The count lives in the sim's card memory, across taps. */
  readonly pinTries?: number;
}

/** One application (ADF/DF) on the card. */
export interface CardApplicationImage {
  /** DF name / AID, hex, answered by `00 A4 04 00 Lc <aid> 00`. */
  readonly aid: string;
  /** 2-byte DF file id (hex, e.g. `1001`) when the family is selected by FID. */
  readonly fid?: string;
  /** SELECT response body (FCI), hex, without the status word. */
  readonly fci: string;
  /** Replaces the whole SELECT answer (data + status word), hex: for cards that answer garbage. */
  readonly selectAnswer?: string;
  readonly files?: readonly CardFileImage[];
  readonly balance?: BalanceImage;
  readonly technician?: TechnicianImage;
}

/**
 * Optional T=0-like behaviour, to test the driver's handling through the real stack:
 * - `getResponse`: a command whose answer has data answers `61 xx`; the data comes with
 *   GET RESPONSE `00 C0 00 00 xx`.
 * - `exactLe`: READ BINARY, READ RECORD and GET BALANCE with an Le other than the data's length
 *   (Le 0 included) answer `6C xx`; the reader resends with Le = xx.
 */
export interface T0Behaviour {
  readonly getResponse?: boolean;
  readonly exactLe?: boolean;
}

/** Decoded values the image stands for, so that driver tests can assert against them. */
export interface ExpectedCardValues {
  readonly family: string | null;
  readonly cardNumber?: string;
  readonly cityCode?: string | null;
  readonly validFrom?: string | null;
  readonly validUntil?: string | null;
  /** Fen, after the family's balance rule. */
  readonly balance?: number;
  readonly balanceSlots?: { readonly slot0: number; readonly slot1: number | null };
  readonly holderType?: string;
  readonly transactions?: number;
  readonly trips?: number;
  /** Diagnosis codes the kiosk should find (shared/card.ts DiagnosisCode), or the read error code. */
  readonly diagnosis?: readonly string[];
  readonly readError?: string;
  /** Anything else a test may want (e.g. the newest trip's station). */
  readonly notes?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface CardImage {
  /** File name without `.json`: lower case letters, digits, dashes. */
  readonly name: string;
  readonly description: string;
  /** UID answered to `FF CA 00 00 00`, hex (4, 7 or 10 bytes). */
  readonly uid: string;
  /** Whole ATR, hex. When absent it is built from `historicalBytes` (ISO 14443-4 form). */
  readonly atr?: string;
  /** Historical bytes for the computed ATR, hex; default none. */
  readonly historicalBytes?: string;
  /**
   * Files at the card's top level (MF), outside every application: read by SFI when no
   * application is selected (after power on or `SELECT 3F00`), e.g. Beijing's 0x04.
   */
  readonly mfFiles?: readonly CardFileImage[];
  readonly applications: readonly CardApplicationImage[];
  readonly t0?: T0Behaviour;
  /** Status word for an unknown INS, hex; default `6D00`. */
  readonly unknownInstruction?: string;
  /** Status word for an unknown CLA, hex; default `6E00`. */
  readonly unknownClass?: string;
  readonly expected: ExpectedCardValues;
}

export const CARD_IMAGE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
