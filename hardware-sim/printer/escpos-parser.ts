/** One command the simulated printer understood from its byte stream. */
export type EscPosCommand =
  | { readonly type: 'text'; readonly bytes: Buffer }
  | { readonly type: 'newline' }
  | { readonly type: 'init' }
  | { readonly type: 'align'; readonly align: 'left' | 'center' | 'right' }
  | { readonly type: 'bold'; readonly on: boolean }
  | { readonly type: 'size'; readonly width: number; readonly height: number }
  | { readonly type: 'feed'; readonly lines: number }
  | { readonly type: 'chinese-mode'; readonly on: boolean }
  | { readonly type: 'qr-model'; readonly model: number }
  | { readonly type: 'qr-size'; readonly moduleSize: number }
  | { readonly type: 'qr-error-correction'; readonly level: 'L' | 'M' | 'Q' | 'H' }
  | { readonly type: 'qr-store'; readonly data: Buffer }
  | { readonly type: 'qr-print' }
  | { readonly type: 'cut'; readonly partial: boolean }
  | { readonly type: 'status-request'; readonly n: number }
  | { readonly type: 'unknown'; readonly bytes: Buffer };

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const LF = 0x0a;
const CR = 0x0d;
const EC_LEVELS = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' } as const;

type Step = { readonly command: EscPosCommand | null; readonly length: number } | 'incomplete';

/**
 * A streaming ESC/POS parser: feed it chunks as they come off the serial line; it returns the
 * commands completed so far and keeps a partial command for the next chunk. Commands it does not
 * know come out as `unknown` (two bytes for ESC/GS/FS x), so a test can insist there are none.
 */
export class EscPosParser {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): EscPosCommand[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: EscPosCommand[] = [];
    let offset = 0;
    while (offset < this.pending.length) {
      const step = parseAt(this.pending, offset);
      if (step === 'incomplete') break;
      if (step.command) out.push(step.command);
      offset += step.length;
    }
    this.pending = this.pending.subarray(offset);
    return out;
  }

  /** Bytes held back waiting for the rest of a command. */
  get buffered(): number {
    return this.pending.length;
  }
}

function parseAt(buf: Buffer, at: number): Step {
  const b = buf[at]!;
  const need = (n: number): boolean => at + n <= buf.length;
  const byte = (i: number): number => buf[at + i]!;
  if (b === LF) return { command: { type: 'newline' }, length: 1 };
  if (b === CR) return { command: null, length: 1 };
  if (b === DLE) {
    if (!need(3)) return 'incomplete';
    if (byte(1) === 0x04) return { command: { type: 'status-request', n: byte(2) }, length: 3 };
    return { command: { type: 'unknown', bytes: buf.subarray(at, at + 2) }, length: 2 };
  }
  if (b === ESC) {
    if (!need(2)) return 'incomplete';
    switch (byte(1)) {
      case 0x40:
        return { command: { type: 'init' }, length: 2 };
      case 0x61:
        if (!need(3)) return 'incomplete';
        return { command: { type: 'align', align: (['left', 'center', 'right'] as const)[byte(2) % 48 % 3] ?? 'left' }, length: 3 };
      case 0x45:
        if (!need(3)) return 'incomplete';
        return { command: { type: 'bold', on: (byte(2) & 1) === 1 }, length: 3 };
      case 0x64:
        if (!need(3)) return 'incomplete';
        return { command: { type: 'feed', lines: byte(2) }, length: 3 };
      default:
        return { command: { type: 'unknown', bytes: buf.subarray(at, at + 2) }, length: 2 };
    }
  }
  if (b === FS) {
    if (!need(2)) return 'incomplete';
    if (byte(1) === 0x26) return { command: { type: 'chinese-mode', on: true }, length: 2 };
    if (byte(1) === 0x2e) return { command: { type: 'chinese-mode', on: false }, length: 2 };
    return { command: { type: 'unknown', bytes: buf.subarray(at, at + 2) }, length: 2 };
  }
  if (b === GS) {
    if (!need(2)) return 'incomplete';
    switch (byte(1)) {
      case 0x21:
        if (!need(3)) return 'incomplete';
        return { command: { type: 'size', width: (byte(2) >> 4) + 1, height: (byte(2) & 0x0f) + 1 }, length: 3 };
      case 0x56: {
        if (!need(3)) return 'incomplete';
        const m = byte(2);
        if (m === 65 || m === 66) {
          if (!need(4)) return 'incomplete';
          return { command: { type: 'cut', partial: m === 66 }, length: 4 };
        }
        return { command: { type: 'cut', partial: m === 1 || m === 49 }, length: 3 };
      }
      case 0x28:
        return parseGsParen(buf, at);
      default:
        return { command: { type: 'unknown', bytes: buf.subarray(at, at + 2) }, length: 2 };
    }
  }
  if (b < 0x20 || b === 0x7f) return { command: { type: 'unknown', bytes: buf.subarray(at, at + 1) }, length: 1 };
  let end = at;
  while (end < buf.length && buf[end]! >= 0x20 && buf[end] !== 0x7f) end++;
  return { command: { type: 'text', bytes: Buffer.from(buf.subarray(at, end)) }, length: end - at };
}

/** `GS ( fn pL pH …`: the length pL + 256·pH counts the bytes after pH. */
function parseGsParen(buf: Buffer, at: number): Step {
  if (at + 5 > buf.length) return 'incomplete';
  const fnLetter = buf[at + 2]!;
  const len = buf[at + 3]! + 256 * buf[at + 4]!;
  const total = 5 + len;
  if (at + total > buf.length) return 'incomplete';
  const body = buf.subarray(at + 5, at + total);
  const unknown: Step = { command: { type: 'unknown', bytes: Buffer.from(buf.subarray(at, at + total)) }, length: total };
  if (fnLetter !== 0x6b || body[0] !== 0x31 || body.length < 2) return unknown;
  switch (body[1]) {
    case 0x41:
      return { command: { type: 'qr-model', model: (body[2] ?? 50) - 48 }, length: total };
    case 0x43:
      return { command: { type: 'qr-size', moduleSize: body[2] ?? 3 }, length: total };
    case 0x45: {
      const level = EC_LEVELS[(body[2] ?? 48) as keyof typeof EC_LEVELS];
      return level ? { command: { type: 'qr-error-correction', level }, length: total } : unknown;
    }
    case 0x50:
      return { command: { type: 'qr-store', data: Buffer.from(body.subarray(3)) }, length: total };
    case 0x51:
      return { command: { type: 'qr-print' }, length: total };
    default:
      return unknown;
  }
}
