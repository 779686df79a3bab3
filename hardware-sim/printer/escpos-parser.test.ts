import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EscPosParser, type EscPosCommand } from './escpos-parser.js';

const job = Buffer.from(
  '1b40' + '1c26' + '1b6101' + '1b4501' + '1d2111' + 'b9a4b5a5' + '0a' + // init, Chinese, centre, bold, 2×, 工单 LF
    '1d286b0400314132' + '00' + '1d286b0300314306' + '1d286b0300314531' + '1d286b0500315030' + '4142' + '1d286b0300315130' + // QR "AB"
    '100404' + '1b6404' + '1d5600',
  'hex',
);

function parseAll(chunks: readonly Buffer[]): EscPosCommand[] {
  const p = new EscPosParser();
  return chunks.flatMap((c) => p.push(c));
}

describe('EscPosParser', () => {
  it('names every command of a receipt job', () => {
    expect(parseAll([job]).map((c) => c.type)).toEqual([
      'init', 'chinese-mode', 'align', 'bold', 'size', 'text', 'newline',
      'qr-model', 'qr-size', 'qr-error-correction', 'qr-store', 'qr-print', 'status-request', 'feed', 'cut',
    ]);
    const store = parseAll([job]).find((c) => c.type === 'qr-store');
    expect(store).toEqual({ type: 'qr-store', data: Buffer.from('AB') });
  });

  it('gives the same commands however the stream is split into chunks', () => {
    const whole = parseAll([job]);
    const merged = (cmds: EscPosCommand[]): unknown[] => {
      // text runs may be split across chunks; join adjacent text to compare
      const out: EscPosCommand[] = [];
      for (const c of cmds) {
        const last = out.at(-1);
        if (c.type === 'text' && last?.type === 'text') out[out.length - 1] = { type: 'text', bytes: Buffer.concat([last.bytes, c.bytes]) };
        else out.push(c);
      }
      return out;
    };
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: job.length - 1 }), { maxLength: 12 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), job.length];
        const chunks = points.slice(1).map((end, i) => job.subarray(points[i], end));
        expect(merged(parseAll(chunks))).toEqual(merged(whole));
      }),
    );
  });

  it('reports unknown commands instead of printing them', () => {
    expect(parseAll([Buffer.from('1b7a01', 'hex')])).toEqual([
      { type: 'unknown', bytes: Buffer.from('1b7a', 'hex') },
      { type: 'unknown', bytes: Buffer.from('01', 'hex') },
    ]);
  });

  it('holds an incomplete GS ( k until its declared length arrives', () => {
    const p = new EscPosParser();
    expect(p.push(Buffer.from('1d286b0800315030', 'hex'))).toEqual([]);
    expect(p.buffered).toBe(8);
    expect(p.push(Buffer.from('6162636465', 'hex'))).toEqual([{ type: 'qr-store', data: Buffer.from('abcde') }]);
  });
});
