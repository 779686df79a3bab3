/**
 * A screenshot of a whole X display, the way a person in front of the screen sees it: `xwd -root`
 * (x11-apps) read here (XWD: a big-endian header, a colour map, then the pixels), written as PNG.
 */
import { execFile } from 'node:child_process';
import { PNG } from 'pngjs';

export interface XScreenshot {
  readonly width: number;
  readonly height: number;
  /** [r, g, b] of one pixel. */
  rgb(x: number, y: number): readonly [number, number, number];
  png(): Buffer;
}

function shiftOf(mask: number): number {
  let s = 0;
  while (mask !== 0 && (mask & 1) === 0) {
    mask >>>= 1;
    s += 1;
  }
  return s;
}

export function parseXwd(buf: Buffer): XScreenshot {
  const f = (i: number) => buf.readUInt32BE(i * 4);
  const headerSize = f(0);
  const width = f(4);
  const height = f(5);
  const byteOrder = f(7);
  const bitsPerPixel = f(11);
  const bytesPerLine = f(12);
  const [rm, gm, bm] = [f(14), f(15), f(16)];
  const ncolors = f(19);
  if (bitsPerPixel !== 32 && bitsPerPixel !== 24) throw new Error(`unsupported XWD: ${bitsPerPixel} bits per pixel`);
  const data = headerSize + ncolors * 12;
  const bpp = bitsPerPixel / 8;
  const [rs, gs, bs] = [shiftOf(rm), shiftOf(gm), shiftOf(bm)];
  const pixel = (x: number, y: number): number => {
    const at = data + y * bytesPerLine + x * bpp;
    if (bpp === 4) return byteOrder === 0 ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
    return byteOrder === 0 ? buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) : (buf[at]! << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
  };
  const rgb = (x: number, y: number): [number, number, number] => {
    const v = pixel(x, y);
    return [((v & rm) >>> rs) & 0xff, ((v & gm) >>> gs) & 0xff, ((v & bm) >>> bs) & 0xff];
  };
  return {
    width,
    height,
    rgb,
    png() {
      const png = new PNG({ width, height });
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const [r, g, b] = rgb(x, y);
          const i = (y * width + x) * 4;
          png.data[i] = r;
          png.data[i + 1] = g;
          png.data[i + 2] = b;
          png.data[i + 3] = 255;
        }
      }
      return PNG.sync.write(png);
    },
  };
}

export function captureXDisplay(display: string): Promise<XScreenshot> {
  return new Promise((resolve, reject) => {
    execFile('xwd', ['-root', '-silent', '-display', display], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(new Error(`xwd on ${display}: ${error.message}`));
      else {
        try {
          resolve(parseXwd(stdout));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
  });
}
