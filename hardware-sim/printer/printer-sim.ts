import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { EscPosParser, type EscPosCommand } from './escpos-parser.js';
import type { PrintedLine, PrintedReceipt } from './receipt-model.js';
import { receiptText, renderReceiptPng } from './receipt-render.js';
import { systemUnifont, type Unifont } from './unifont.js';

export type PaperLevel = 'ok' | 'near-end' | 'out';

export interface SimulatedPrinterOptions {
  /** Where each receipt lands as `receipt-NNNN.txt` and `receipt-NNNN.png`. */
  readonly receiptsDir: string;
  /** Printers with Chinese firmware that start in Chinese mode need no `FS &`; default false (strict). */
  readonly chineseModeAtPowerOn?: boolean;
  readonly font?: Unifont;
}

interface Style {
  align: 'left' | 'center' | 'right';
  bold: boolean;
  width: number;
  height: number;
}

const STATUS_BASE = 0x12;

/**
 * The printer's logic, apart from any port: bytes in, status bytes out, receipts rendered at each
 * cut. Stricter than most hardware: without Chinese mode, bytes ≥ 0x80 print as `?`; unknown
 * commands are counted; while paper is out or the cover is open, print data is dropped.
 */
export class SimulatedPrinter {
  private readonly parser = new EscPosParser();
  private readonly font: Unifont;
  private style: Style = defaultStyle();
  private chinese: boolean;
  private lineBytes: Buffer[] = [];
  private lineStyle: Style | null = null;
  private lines: PrintedLine[] = [];
  private qr = { moduleSize: 3, level: 'L' as 'L' | 'M' | 'Q' | 'H', data: null as Buffer | null };
  private receiptCount = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly receiptListeners = new Set<(r: PrintedReceipt) => void>();
  paper: PaperLevel = 'ok';
  coverOpen = false;
  /** Offline for another reason (error state): answers status but prints nothing. */
  offline = false;
  /** When false the printer answers nothing at all (hung firmware, cable with no data lines). */
  responsive = true;
  readonly unknownCommands: Buffer[] = [];
  droppedBytes = 0;

  constructor(private readonly options: SimulatedPrinterOptions) {
    this.font = options.font ?? systemUnifont();
    this.chinese = options.chineseModeAtPowerOn ?? false;
  }

  onReceipt(listener: (receipt: PrintedReceipt) => void): () => void {
    this.receiptListeners.add(listener);
    return () => this.receiptListeners.delete(listener);
  }

  /** Feeds bytes from the host; returns the bytes to send back. */
  receive(chunk: Buffer): Buffer {
    const replies: number[] = [];
    for (const command of this.parser.push(chunk)) {
      if (command.type === 'status-request') {
        const b = this.statusByte(command.n);
        if (b !== null && this.responsive) replies.push(b);
        continue;
      }
      if (!this.canPrint()) {
        this.droppedBytes += commandSize(command);
        continue;
      }
      this.apply(command);
    }
    return Buffer.from(replies);
  }

  /** Resolves when every receipt cut so far is on disk. */
  async flushed(): Promise<void> {
    await this.writes;
  }

  statusByte(n: number): number | null {
    const isOffline = this.offline || this.coverOpen || this.paper === 'out';
    switch (n) {
      case 1:
        return STATUS_BASE | (isOffline ? 0x08 : 0);
      case 2:
        return STATUS_BASE | (this.coverOpen ? 0x04 : 0) | (this.paper === 'out' ? 0x20 : 0) | (this.offline ? 0x40 : 0);
      case 4:
        return STATUS_BASE | (this.paper === 'out' ? 0x6c : this.paper === 'near-end' ? 0x0c : 0);
      default:
        return null;
    }
  }

  private canPrint(): boolean {
    return !this.offline && !this.coverOpen && this.paper !== 'out';
  }

  private apply(command: EscPosCommand): void {
    switch (command.type) {
      case 'init':
        this.endLineIfAny();
        this.style = defaultStyle();
        this.chinese = this.options.chineseModeAtPowerOn ?? false;
        break;
      case 'text':
        if (this.lineBytes.length === 0) this.lineStyle = { ...this.style };
        this.lineBytes.push(command.bytes);
        break;
      case 'newline':
        this.endLine();
        break;
      case 'align':
        this.style.align = command.align;
        break;
      case 'bold':
        this.style.bold = command.on;
        break;
      case 'size':
        this.style.width = command.width;
        this.style.height = command.height;
        break;
      case 'feed':
        this.endLineIfAny();
        break;
      case 'chinese-mode':
        this.chinese = command.on;
        break;
      case 'qr-model':
        break;
      case 'qr-size':
        this.qr.moduleSize = command.moduleSize;
        break;
      case 'qr-error-correction':
        this.qr.level = command.level;
        break;
      case 'qr-store':
        this.qr.data = command.data;
        break;
      case 'qr-print':
        if (this.qr.data && this.qr.data.length > 0) {
          this.endLineIfAny();
          this.lines.push({ kind: 'qr', data: this.qr.data.toString('utf8'), moduleSize: this.qr.moduleSize, errorCorrection: this.qr.level, align: this.style.align });
        }
        break;
      case 'cut':
        this.endLineIfAny();
        this.cut();
        break;
      case 'status-request':
        break;
      case 'unknown':
        this.unknownCommands.push(command.bytes);
        break;
    }
  }

  private decode(bytes: Buffer): string {
    if (this.chinese) return iconv.decode(bytes, 'gb18030');
    return [...bytes].map((b) => (b < 0x80 ? String.fromCharCode(b) : '?')).join('');
  }

  private endLineIfAny(): void {
    if (this.lineBytes.length > 0) this.endLine();
  }

  private endLine(): void {
    const style = this.lineStyle ?? this.style;
    this.lines.push({ kind: 'text', text: this.decode(Buffer.concat(this.lineBytes)), align: style.align, bold: style.bold, width: style.width, height: style.height });
    this.lineBytes = [];
    this.lineStyle = null;
  }

  private cut(): void {
    const lines = this.lines;
    this.lines = [];
    while (lines.length > 0 && isBlank(lines.at(-1)!)) lines.pop();
    if (lines.length === 0) return;
    this.receiptCount += 1;
    const number = this.receiptCount;
    const job = this.save(number, lines).then(
      (receipt) => {
        for (const l of this.receiptListeners) l(receipt);
      },
      (e: unknown) => console.error(`printer sim: cannot save receipt ${number}: ${e instanceof Error ? e.message : String(e)}`),
    );
    this.writes = Promise.all([this.writes, job]);
  }

  private async save(number: number, lines: readonly PrintedLine[]): Promise<PrintedReceipt> {
    const base = path.join(this.options.receiptsDir, `receipt-${String(number).padStart(4, '0')}`);
    const rendered = renderReceiptPng(this.font, lines);
    await mkdir(this.options.receiptsDir, { recursive: true });
    await writeFile(`${base}.txt`, receiptText(lines), 'utf8');
    await writeFile(`${base}.png`, rendered.png);
    return { number, lines, textPath: `${base}.txt`, pngPath: `${base}.png`, pngWidth: rendered.width, pngHeight: rendered.height };
  }
}

function defaultStyle(): Style {
  return { align: 'left', bold: false, width: 1, height: 1 };
}

function isBlank(line: PrintedLine): boolean {
  return line.kind === 'text' && line.text.trim() === '';
}

function commandSize(command: EscPosCommand): number {
  switch (command.type) {
    case 'text':
      return command.bytes.length;
    case 'qr-store':
      return command.data.length + 8;
    case 'unknown':
      return command.bytes.length;
    default:
      return 1;
  }
}
