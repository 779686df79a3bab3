/** A short command APDU split into its parts (ISO 7816-4 cases 1–4). */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  /** null when the command carries no Le (cases 1 and 3); 0 means "all" (256). */
  readonly le: number | null;
}

/** Parses a short APDU; null when the length bytes do not add up. */
export function parseCommandApdu(bytes: Uint8Array): CommandApdu | null {
  if (bytes.length < 4) return null;
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (bytes.length === 4) return { cla, ins, p1, p2, data: new Uint8Array(0), le: null };
  if (bytes.length === 5) return { cla, ins, p1, p2, data: new Uint8Array(0), le: bytes[4]! };
  const lc = bytes[4]!;
  if (lc === 0) return null;
  if (bytes.length === 5 + lc) return { cla, ins, p1, p2, data: bytes.slice(5), le: null };
  if (bytes.length === 6 + lc) return { cla, ins, p1, p2, data: bytes.slice(5, 5 + lc), le: bytes[5 + lc]! };
  return null;
}

export const SW = {
  ok: 0x9000,
  endOfFile: 0x6282,
  wrongLength: 0x6700,
  incompatibleFile: 0x6981,
  securityNotSatisfied: 0x6982,
  conditionsNotSatisfied: 0x6985,
  functionNotSupported: 0x6a81,
  fileNotFound: 0x6a82,
  recordNotFound: 0x6a83,
  wrongP1P2: 0x6a86,
  dataNotFound: 0x6a88,
  wrongOffset: 0x6b00,
} as const;

export function withSw(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}
