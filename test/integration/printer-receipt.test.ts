import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EscPosPrinter } from '../../driver/printer/escpos-printer.js';
import { ticketReceipt } from '../../driver/printer/ticket-receipt.js';
import type { PrintedReceipt } from '../../hardware-sim/printer/receipt-model.js';
import { SimulatedPrinterDevice } from '../../hardware-sim/printer/printer-device.js';
import type { TicketId } from '../../shared/ticket.js';
import { nextMatching, requireSocat, tempDir, type TempDir } from '../support/pty.js';
import { systemSerialBinding } from '../../driver/serial/binding.js';

const statusUrl = 'https://kf.metro.example/t/GZ0102-261123-0042-7';
const receipt = ticketReceipt({
  ticketId: 'GZ0102-261123-0042-7' as TicketId,
  statusUrl,
  station: { zh: '体育西路', en: 'Tiyu Xilu' },
  category: { zh: '闸机', en: 'Gate' },
  createdAt: '2026-11-23T06:05:00Z',
});

describe('ESC/POS printer over a real pseudo-terminal', () => {
  let dir: TempDir;
  let sim: SimulatedPrinterDevice;
  let printer: EscPosPrinter;

  beforeAll(async () => {
    requireSocat();
    dir = await tempDir('printer');
    sim = new SimulatedPrinterDevice({ hostPath: path.join(dir.path, 'printer'), receiptsDir: path.join(dir.path, 'receipts') });
    await sim.start();
    printer = new EscPosPrinter({ criteria: { path: sim.link.hostPath }, binding: systemSerialBinding(), backoff: { initialMs: 50, maxMs: 500 } });
    await printer.start();
  });

  afterAll(async () => {
    await printer?.stop();
    await sim?.stop();
    await dir?.remove();
  });

  it('reads status as healthy', async () => {
    const status = await printer.status();
    expect(status).toEqual({ ok: true, value: { online: true, paperOut: false, paperNearEnd: false, coverOpen: false } });
    expect(printer.health().state).toBe('ok');
  });

  it('prints a ticket receipt that the sim renders to text and PNG', async () => {
    const printed = nextMatching<PrintedReceipt>((l) => sim.printer.onReceipt(l), () => true, 'a receipt');
    const result = await printer.print(receipt);
    expect(result.ok).toBe(true);
    const got = await printed;

    const text = await readFile(got.textPath, 'utf8');
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    expect(lines[0]).toBe('体育西路');
    expect(lines[1]).toBe('Tiyu Xilu');
    expect(lines).toContain('GZ0102-261123-0042-7');
    expect(lines).toContain(`[QR ${statusUrl}]`);
    expect(lines).toContain('车站 Station: 体育西路 Tiyu Xilu');
    expect(lines).toContain('时间 Time: 2026-11-23 14:05');
    expect(lines).toContain('类别 Category: 闸机 Gate');
    expect(lines.slice(-2)).toEqual(['请保留此凭条', 'Please keep this receipt']);
    expect(sim.printer.unknownCommands).toEqual([]);

    const ticketLine = got.lines.find((l) => l.kind === 'text' && l.text === 'GZ0102-261123-0042-7');
    expect(ticketLine).toMatchObject({ bold: true, width: 2, height: 2, align: 'center' });
    const qr = got.lines.find((l) => l.kind === 'qr');
    expect(qr).toEqual({ kind: 'qr', data: statusUrl, moduleSize: 6, errorCorrection: 'M', align: 'center' });

    const png = PNG.sync.read(await readFile(got.pngPath));
    expect(png.width).toBe(576);
    expect(png.height).toBeGreaterThan(400);
    expect(png.height).toBeLessThan(3000);
    const qrIndex = got.lines.findIndex((l) => l.kind === 'qr');
    const dark = (x: number, y: number): boolean => png.data[(y * png.width + x) * 4]! < 128;
    // The QR sits centred below the title lines: count dark pixels in a central band there.
    let darkInQrBand = 0;
    let darkInMargin = 0;
    const bandTop = 8 + qrIndex * 20;
    for (let y = bandTop; y < bandTop + 200; y++) {
      for (let x = 200; x < 376; x++) if (dark(x, y)) darkInQrBand++;
      for (let x = 0; x < 8; x++) if (dark(x, y)) darkInMargin++;
    }
    expect(darkInQrBand).toBeGreaterThan(2000);
    expect(darkInMargin).toBe(0);
  });

  it('renders Chinese glyphs from Unifont: the title row has ink', async () => {
    const printed = nextMatching<PrintedReceipt>((l) => sim.printer.onReceipt(l), () => true, 'a receipt');
    expect((await printer.print({ blocks: [{ kind: 'text', text: '工', align: 'left' }] })).ok).toBe(true);
    const got = await printed;
    const png = PNG.sync.read(await readFile(got.pngPath));
    // U+5DE5 工 in Unifont is 0000 0000 7FFC 0100 ×10 FFFE 0000 0000: row 13 is the bottom bar FFFE
    const row = 8 + 13;
    const ink = [...Array(16).keys()].map((x) => (png.data[(row * png.width + 8 + x) * 4]! < 128 ? 1 : 0)).join('');
    expect(ink).toBe('1111111111111110');
  });

  it('refuses to print when paper is out, and prints nothing', async () => {
    sim.printer.paper = 'out';
    let receipts = 0;
    const off = sim.printer.onReceipt(() => receipts++);
    const result = await printer.print(receipt);
    off();
    expect(result).toEqual({ ok: false, error: { code: 'paper-out', message: 'printer reports roll paper end' } });
    expect(printer.health()).toMatchObject({ state: 'fault', code: 'paper-out' });
    expect(receipts).toBe(0);
    sim.printer.paper = 'ok';
  });

  it('refuses with cover-open, and reports paper near end after a print', async () => {
    sim.printer.coverOpen = true;
    expect(await printer.print(receipt)).toMatchObject({ ok: false, error: { code: 'cover-open' } });
    sim.printer.coverOpen = false;
    sim.printer.paper = 'near-end';
    const result = await printer.print(receipt);
    expect(result).toMatchObject({ ok: true, value: { statusAfter: { paperNearEnd: true, paperOut: false } } });
    expect(printer.health()).toMatchObject({ state: 'degraded', code: 'paper-near-end' });
    sim.printer.paper = 'ok';
  });

  it('reports no-reply when the printer stops answering, and recovers', async () => {
    sim.printer.responsive = false;
    const result = await printer.status();
    expect(result).toMatchObject({ ok: false, error: { code: 'no-reply' } });
    expect(printer.health()).toMatchObject({ state: 'fault', code: 'no-reply' });
    sim.printer.responsive = true;
    expect((await printer.status()).ok).toBe(true);
    expect(printer.health().state).toBe('ok');
  });

  it('refuses an impossible QR payload with invalid-request before touching the port', async () => {
    const result = await printer.print({ blocks: [{ kind: 'qr', data: 'x'.repeat(800) }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });
});
