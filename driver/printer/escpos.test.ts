import { describe, expect, it } from 'vitest';
import { EscPosEncodeError, EscPosEncoder, isStatusByte, statusRequest } from './escpos.js';
import { encodeReceipt } from './receipt-bytes.js';
import { decodePrinterStatus } from './status.js';
import { receiptTime, ticketReceipt } from './ticket-receipt.js';
import type { TicketId } from '../../shared/ticket.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('EscPosEncoder', () => {
  it('initializes with ESC @ then FS & in fs-ampersand mode', () => {
    expect(hex(new EscPosEncoder({ chineseMode: 'fs-ampersand' }).initialize().bytes())).toBe('1b401c26');
    expect(hex(new EscPosEncoder({ chineseMode: 'printer-default' }).initialize().bytes())).toBe('1b40');
  });

  it('encodes alignment, bold and size', () => {
    const b = new EscPosEncoder().align('center').bold(true).size(2, 2).align('right').bold(false).size(1, 3).bytes();
    expect(hex(b)).toBe('1b6101' + '1b4501' + '1d2111' + '1b6102' + '1b4500' + '1d2102');
  });

  it('encodes Chinese as GB18030 and English as ASCII', () => {
    // 工单 = B9 A4 B5 A5 in GB2312/GB18030
    expect(hex(new EscPosEncoder().line('工单 No.1').bytes())).toBe('b9a4b5a5' + '204e6f2e31' + '0a');
    // GB18030 maps U+20AC to the two bytes A2 E3
    expect(hex(new EscPosEncoder().text('€').bytes())).toBe('a2e3');
  });

  it('turns control characters in text into ? so text cannot inject commands', () => {
    expect(hex(new EscPosEncoder().text('a\u001b@\u001dV\u0000b').bytes())).toBe('61' + '3f40' + '3f56' + '3f' + '62');
  });

  it('encodes a QR code with GS ( k: model 2, size, error correction, store, print', () => {
    const b = new EscPosEncoder().qr('AB', 5, 'Q').bytes();
    expect(hex(b)).toBe(
      '1d286b0400314132' + '00' + // fn 65 model 2
        '1d286b0300314305' + // fn 67 module size 5
        '1d286b0300314532' + // fn 69 EC Q (50)
        '1d286b0500315030' + '4142' + // fn 80 store: pL=len+3=5, m=48, "AB"
        '1d286b0300315130', // fn 81 print
    );
  });

  it('stores a long QR payload with the length split into pL pH', () => {
    const data = 'x'.repeat(300);
    const b = new EscPosEncoder().qr(data).bytes();
    const store = b.indexOf(Buffer.from([0x1d, 0x28, 0x6b, (303 & 0xff), 303 >> 8, 0x31, 0x50, 0x30]));
    expect(store).toBeGreaterThan(0);
  });

  it('refuses an empty or oversized QR payload with a typed error', () => {
    expect(() => new EscPosEncoder().qr('')).toThrow(EscPosEncodeError);
    expect(() => new EscPosEncoder().qr('y'.repeat(701))).toThrow(/1\.\.700 bytes/);
  });

  it('cuts with GS V', () => {
    expect(hex(new EscPosEncoder().cut().bytes())).toBe('1d5600');
    expect(hex(new EscPosEncoder().cut('partial').bytes())).toBe('1d5601');
  });

  it('feeds with ESC d n', () => {
    expect(hex(new EscPosEncoder().feed(3).bytes())).toBe('1b6403');
  });
});

describe('real-time status', () => {
  it('requests DLE EOT n', () => {
    expect(hex(statusRequest(1))).toBe('100401');
    expect(hex(statusRequest(2))).toBe('100402');
    expect(hex(statusRequest(4))).toBe('100404');
  });

  it('recognises status bytes by their fixed bits', () => {
    expect(isStatusByte(0x12)).toBe(true);
    expect(isStatusByte(0x1e)).toBe(true);
    expect(isStatusByte(0x72)).toBe(true);
    expect(isStatusByte(0x00)).toBe(false);
    expect(isStatusByte(0x13)).toBe(false);
    expect(isStatusByte(0x92)).toBe(false);
  });

  it('decodes online, cover open, paper near end and paper end', () => {
    expect(decodePrinterStatus(0x12, 0x12, 0x12)).toEqual({ online: true, coverOpen: false, paperOut: false, paperNearEnd: false });
    expect(decodePrinterStatus(0x1a, 0x16, 0x12)).toEqual({ online: false, coverOpen: true, paperOut: false, paperNearEnd: false });
    expect(decodePrinterStatus(0x12, 0x12, 0x1e)).toEqual({ online: true, coverOpen: false, paperOut: false, paperNearEnd: true });
    expect(decodePrinterStatus(0x1a, 0x32, 0x7e)).toEqual({ online: false, coverOpen: false, paperOut: true, paperNearEnd: true });
  });
});

describe('ticket receipt', () => {
  const receipt = ticketReceipt({
    ticketId: 'GZ0102-261123-0042-7' as TicketId,
    statusUrl: 'https://kf.example/t/GZ0102-261123-0042-7',
    station: { zh: '体育西路', en: 'Tiyu Xilu' },
    category: { zh: '闸机', en: 'Gate' },
    createdAt: '2026-11-23T06:05:00Z',
  });

  it('prints the time in the station zone', () => {
    expect(receiptTime('2026-11-23T06:05:00Z')).toBe('2026-11-23 14:05');
  });

  it('lays out title, ticket id, QR to the status URL, details and keep-this text', () => {
    const texts = receipt.blocks.flatMap((b) => (b.kind === 'text' ? [b.text] : []));
    expect(texts[0]).toBe('体育西路');
    expect(texts).toContain('GZ0102-261123-0042-7');
    expect(texts).toContain('时间 Time: 2026-11-23 14:05');
    expect(texts).toContain('类别 Category: 闸机 Gate');
    expect(texts.at(-1)).toBe('请保留此凭条\nPlease keep this receipt');
    expect(receipt.blocks.filter((b) => b.kind === 'qr')).toEqual([
      { kind: 'qr', data: 'https://kf.example/t/GZ0102-261123-0042-7', moduleSize: 6, errorCorrection: 'M', align: 'center' },
    ]);
  });

  it('encodes to one job that starts with ESC @ FS & and ends with feed and cut', () => {
    const bytes = encodeReceipt(receipt);
    expect(hex(bytes.subarray(0, 4))).toBe('1b401c26');
    expect(hex(bytes.subarray(-6))).toBe('1b64041d5600');
  });
});
