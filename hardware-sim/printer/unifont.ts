import { readFileSync } from 'node:fs';

export const UNIFONT_HEX_PATH = '/usr/share/unifont/unifont.hex';
export const GLYPH_HEIGHT = 16;

/** One bitmap glyph: 8 or 16 px wide, 16 px high, rows top to bottom, bit 7 (of the row's first byte) leftmost. */
export interface Glyph {
  readonly width: 8 | 16;
  readonly rows: Uint8Array;
  /** Is the pixel at (x, y) inked? */
  readonly ink: (x: number, y: number) => boolean;
}

export class UnifontError extends Error {
  readonly code = 'font-missing';
}

/**
 * GNU Unifont in its `.hex` form: one line per code point, `CODEPOINT:HEX`, where HEX is 32
 * digits (8×16 glyph) or 64 digits (16×16 glyph). Parsed once, lazily per code point.
 */
export class Unifont {
  private readonly hexByCodePoint = new Map<number, string>();
  private readonly cache = new Map<number, Glyph | null>();

  constructor(source: string) {
    for (const line of source.split('\n')) {
      const colon = line.indexOf(':');
      if (colon < 4) continue;
      const cp = parseInt(line.slice(0, colon), 16);
      const hex = line.slice(colon + 1).trim();
      if (Number.isFinite(cp) && (hex.length === 32 || hex.length === 64)) this.hexByCodePoint.set(cp, hex);
    }
  }

  static load(path = UNIFONT_HEX_PATH): Unifont {
    let source: string;
    try {
      source = readFileSync(path, 'latin1');
    } catch (e) {
      throw new UnifontError(`cannot read ${path} (apt-get install unifont): ${e instanceof Error ? e.message : String(e)}`);
    }
    return new Unifont(source);
  }

  get size(): number {
    return this.hexByCodePoint.size;
  }

  /** The glyph, or the replacement glyph (U+FFFD) when the font has none. */
  glyph(codePoint: number): Glyph {
    return this.find(codePoint) ?? this.find(0xfffd) ?? BLANK;
  }

  private find(codePoint: number): Glyph | null {
    const cached = this.cache.get(codePoint);
    if (cached !== undefined) return cached;
    const hex = this.hexByCodePoint.get(codePoint);
    const glyph = hex === undefined ? null : toGlyph(hex);
    this.cache.set(codePoint, glyph);
    return glyph;
  }
}

function toGlyph(hex: string): Glyph {
  const rows = Uint8Array.from(Buffer.from(hex, 'hex'));
  const width = hex.length === 64 ? 16 : 8;
  const bytesPerRow = width / 8;
  return {
    width,
    rows,
    ink: (x, y) => {
      const byte = rows[y * bytesPerRow + (x >> 3)] ?? 0;
      return (byte & (0x80 >> (x & 7))) !== 0;
    },
  };
}

const BLANK: Glyph = { width: 8, rows: new Uint8Array(16), ink: () => false };

let shared: Unifont | null = null;

/** The system Unifont, read once per process. */
export function systemUnifont(): Unifont {
  shared ??= Unifont.load();
  return shared;
}
