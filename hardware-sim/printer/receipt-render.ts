import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import type { PrintedLine } from './receipt-model.js';
import { GLYPH_HEIGHT, type Unifont } from './unifont.js';

/** 80 mm paper at 203 dpi: 576 printable dots. */
export const PAPER_WIDTH_DOTS = 576;
const MARGIN = 8;
const LINE_GAP = 4;
const QR_QUIET_MODULES = 4;

/** The receipt as text: one line per printed line, a QR as `[QR <payload>]`. */
export function receiptText(lines: readonly PrintedLine[]): string {
  return lines.map((l) => (l.kind === 'text' ? l.text : `[QR ${l.data}]`)).join('\n') + '\n';
}

interface Bitmap {
  readonly width: number;
  readonly height: number;
  readonly ink: (x: number, y: number) => boolean;
}

function textBitmap(font: Unifont, line: Extract<PrintedLine, { kind: 'text' }>): Bitmap {
  const glyphs = [...line.text].map((ch) => font.glyph(ch.codePointAt(0)!));
  const sx = line.width;
  const sy = line.height;
  const offsets: number[] = [];
  let w = 0;
  for (const g of glyphs) {
    offsets.push(w);
    w += g.width;
  }
  return {
    width: w * sx + (line.bold ? 1 : 0),
    height: GLYPH_HEIGHT * sy,
    ink: (x, y) => {
      const gy = Math.floor(y / sy);
      const hit = (px: number): boolean => {
        const gx = Math.floor(px / sx);
        let i = offsets.length - 1;
        while (i > 0 && offsets[i]! > gx) i--;
        const g = glyphs[i];
        return g !== undefined && gx - offsets[i]! < g.width && g.ink(gx - offsets[i]!, gy);
      };
      return hit(x) || (line.bold && x > 0 && hit(x - 1));
    },
  };
}

function qrBitmap(line: Extract<PrintedLine, { kind: 'qr' }>): Bitmap {
  const modules = QRCode.create(line.data, { errorCorrectionLevel: line.errorCorrection }).modules;
  const unit = line.moduleSize;
  const span = (modules.size + 2 * QR_QUIET_MODULES) * unit;
  return {
    width: span,
    height: span,
    ink: (x, y) => {
      const col = Math.floor(x / unit) - QR_QUIET_MODULES;
      const row = Math.floor(y / unit) - QR_QUIET_MODULES;
      return row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.get(row, col) === 1;
    },
  };
}

export interface RenderedReceipt {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

/** Draws the receipt black on white, Unifont text (Chinese included) and QR modules from the received payload. */
export function renderReceiptPng(font: Unifont, lines: readonly PrintedLine[]): RenderedReceipt {
  const placed: { bitmap: Bitmap; x: number; y: number }[] = [];
  let y = MARGIN;
  for (const line of lines) {
    const bitmap = line.kind === 'text' ? textBitmap(font, line) : qrBitmap(line);
    const room = PAPER_WIDTH_DOTS - 2 * MARGIN;
    const x =
      line.align === 'center' ? MARGIN + Math.max(0, Math.floor((room - bitmap.width) / 2)) : line.align === 'right' ? MARGIN + Math.max(0, room - bitmap.width) : MARGIN;
    placed.push({ bitmap, x, y });
    y += bitmap.height + LINE_GAP;
  }
  const height = y + MARGIN;
  const png = new PNG({ width: PAPER_WIDTH_DOTS, height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const data = Buffer.alloc(PAPER_WIDTH_DOTS * height, 0xff);
  for (const { bitmap, x, y: top } of placed) {
    for (let by = 0; by < bitmap.height; by++) {
      for (let bx = 0; bx < bitmap.width && x + bx < PAPER_WIDTH_DOTS; bx++) {
        if (bitmap.ink(bx, by)) data[(top + by) * PAPER_WIDTH_DOTS + x + bx] = 0;
      }
    }
  }
  png.data = data;
  return { png: PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }), width: PAPER_WIDTH_DOTS, height };
}
