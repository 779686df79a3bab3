import iconv from 'iconv-lite';
import type { ReceiptAlign } from '../../shared/devices.js';

/** ESC/POS command bytes used by the kiosk (Epson ESC/POS reference; GB18030 Chinese firmware). */
export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

/** `DLE EOT n` real-time status requests. */
export const STATUS_PRINTER = 1;
export const STATUS_OFFLINE_CAUSE = 2;
export const STATUS_ROLL_PAPER = 4;

/** Longest QR payload the encoder accepts (bytes); well inside model 2's capacity at level M. */
export const QR_MAX_BYTES = 700;

const ALIGN: Record<ReceiptAlign, number> = { left: 0, center: 1, right: 2 };
const QR_EC = { L: 48, M: 49, Q: 50, H: 51 } as const;

export type ChineseMode = 'fs-ampersand' | 'printer-default';

export interface EscPosEncoderOptions {
  /**
   * `fs-ampersand`: send `FS &` after `ESC @` so the printer reads double-byte GB18030 (Epson
   * TM-T88 Chinese models, most Xprinter). `printer-default`: the printer is in Chinese mode at
   * power on and `FS &` is left out.
   */
  readonly chineseMode: ChineseMode;
}

export class EscPosEncodeError extends Error {
  readonly code = 'invalid-request';
}

/** A byte-exact ESC/POS builder. Each method appends one command; `bytes()` returns them. */
export class EscPosEncoder {
  private readonly chunks: Buffer[] = [];

  constructor(private readonly options: EscPosEncoderOptions = { chineseMode: 'fs-ampersand' }) {}

  /** `ESC @`, then `FS &` in `fs-ampersand` mode. */
  initialize(): this {
    this.push([ESC, 0x40]);
    if (this.options.chineseMode === 'fs-ampersand') this.push([FS, 0x26]);
    return this;
  }

  /** `ESC a n`. */
  align(align: ReceiptAlign): this {
    return this.push([ESC, 0x61, ALIGN[align]]);
  }

  /** `ESC E n`. */
  bold(on: boolean): this {
    return this.push([ESC, 0x45, on ? 1 : 0]);
  }

  /** `GS ! n`: width and height multipliers 1..8 in the high and low nibble (minus one). */
  size(width: number, height: number): this {
    const w = clampInt(width, 1, 8) - 1;
    const h = clampInt(height, 1, 8) - 1;
    return this.push([GS, 0x21, (w << 4) | h]);
  }

  /** Text encoded as GB18030. Control characters other than newline become `?` so text cannot smuggle commands. */
  text(text: string): this {
    const safe = [...text.replace(/\r\n?/g, '\n')].map((ch) => (isControl(ch) ? '?' : ch)).join('');
    this.chunks.push(iconv.encode(safe, 'gb18030'));
    return this;
  }

  line(text = ''): this {
    return this.text(text).push([LF]);
  }

  /** `ESC d n`: print and feed n lines. */
  feed(lines: number): this {
    return this.push([ESC, 0x64, clampInt(lines, 0, 255)]);
  }

  /**
   * QR code with `GS ( k`: select model 2 (fn 65), module size (fn 67), error correction
   * (fn 69), store the data (fn 80), print it (fn 81).
   */
  qr(data: string, moduleSize = 6, errorCorrection: keyof typeof QR_EC = 'M'): this {
    const payload = Buffer.from(data, 'utf8');
    if (payload.length === 0 || payload.length > QR_MAX_BYTES) {
      throw new EscPosEncodeError(`QR payload must be 1..${QR_MAX_BYTES} bytes, got ${payload.length}`);
    }
    const storeLen = payload.length + 3;
    this.push([GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
    this.push([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, clampInt(moduleSize, 1, 16)]);
    this.push([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, QR_EC[errorCorrection]]);
    this.push([GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30]);
    this.chunks.push(payload);
    return this.push([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]);
  }

  /** `GS V 0` full cut or `GS V 1` partial cut. */
  cut(kind: 'full' | 'partial' = 'full'): this {
    return this.push([GS, 0x56, kind === 'full' ? 0 : 1]);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private push(bytes: readonly number[]): this {
    this.chunks.push(Buffer.from(bytes));
    return this;
  }
}

/** `DLE EOT n`. */
export function statusRequest(n: typeof STATUS_PRINTER | typeof STATUS_OFFLINE_CAUSE | typeof STATUS_ROLL_PAPER): Buffer {
  return Buffer.from([DLE, EOT, n]);
}

/** A real-time status byte has bit 1 and bit 4 set and bits 0 and 7 clear (`0xx1xx10`). */
export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

function isControl(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (c < 0x20 && c !== 0x0a) || c === 0x7f;
}

function clampInt(n: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.round(n)));
}
