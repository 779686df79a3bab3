import type { Receipt } from '../../shared/devices.js';
import { assertNever } from '../../shared/result.js';
import { EscPosEncoder, type EscPosEncoderOptions } from './escpos.js';

export interface ReceiptFormat extends EscPosEncoderOptions {
  /** Characters per line in font A at size 1: 42 on 80 mm (TM-T88), 32 on 58 mm. */
  readonly columns: number;
}

export const DEFAULT_RECEIPT_FORMAT: ReceiptFormat = { chineseMode: 'fs-ampersand', columns: 42 };

/** The whole job: init, every block, feed, cut. Throws `EscPosEncodeError` for an impossible QR payload. */
export function encodeReceipt(receipt: Receipt, format: ReceiptFormat = DEFAULT_RECEIPT_FORMAT): Buffer {
  const enc = new EscPosEncoder(format).initialize();
  for (const block of receipt.blocks) {
    switch (block.kind) {
      case 'text': {
        const size = block.size ?? 1;
        enc.align(block.align ?? 'left').bold(block.bold ?? false).size(size, size);
        for (const line of block.text.split('\n')) enc.line(line);
        if (size !== 1) enc.size(1, 1);
        if (block.bold === true) enc.bold(false);
        break;
      }
      case 'qr':
        enc.align(block.align ?? 'center').qr(block.data, block.moduleSize ?? 6, block.errorCorrection ?? 'M').line();
        break;
      case 'feed':
        enc.feed(block.lines);
        break;
      case 'rule':
        enc.align('left').line('-'.repeat(format.columns));
        break;
      default:
        assertNever(block, 'receipt block');
    }
  }
  return enc.align('left').feed(4).cut('full').bytes();
}
