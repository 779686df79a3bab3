import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { SimRequestError, type SimDevice } from '../daemon/sim-device.js';
import { SimulatedPrinterDevice } from '../printer/printer-device.js';
import type { PaperLevel } from '../printer/printer-sim.js';
import type { PrintedReceipt } from '../printer/receipt-model.js';
import { bodyFields, oneOf, OperationQueue, wholeNumberParam } from './request.js';

const PAPER_LEVELS: readonly PaperLevel[] = ['ok', 'near-end', 'out'];
const COVER_STATES = ['open', 'closed'] as const;

/** A receipt the simulated printer cut since the daemon started, as the control API lists it. */
export interface ReceiptEntry {
  readonly number: number;
  readonly printedAt: string;
  /** The printed text lines (QR codes as `[QR <payload>]`). */
  readonly text: string;
  readonly textUrl: string;
  readonly pngUrl: string;
  readonly pngWidth: number;
  readonly pngHeight: number;
  readonly textPath: string;
  readonly pngPath: string;
}

export interface PrinterSimState {
  /** The pty the kiosk's printer driver opens. */
  readonly hostPath: string;
  readonly plugged: boolean;
  readonly paper: PaperLevel;
  readonly coverOpen: boolean;
  readonly offline: boolean;
  readonly receiptsDir: string;
  readonly receipts: number;
  readonly latestReceipt: ReceiptEntry | null;
}

export interface PrinterSimDeviceOptions {
  readonly hostPath: string;
  readonly receiptsDir: string;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

function receiptText(receipt: PrintedReceipt): string {
  return receipt.lines.map((l) => (l.kind === 'text' ? l.text : `[QR ${l.data}]`)).join('\n');
}

async function readReceiptFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SimRequestError(410, 'receipt-gone', `${file} was deleted`);
    throw e;
  }
}

/** The simulated ESC/POS printer on a pty, as a {@link SimDevice}: paper, cover, offline, plug, receipts. */
export class PrinterSimDevice implements SimDevice {
  readonly id = 'printer';
  readonly description = 'ESC/POS receipt printer on a pseudo-terminal (socat); receipts saved as text and PNG';
  readonly device: SimulatedPrinterDevice;
  private readonly receipts: ReceiptEntry[] = [];
  private readonly queue = new OperationQueue();
  private readonly now: () => Date;

  constructor(private readonly options: PrinterSimDeviceOptions) {
    this.device = new SimulatedPrinterDevice({ hostPath: options.hostPath, receiptsDir: options.receiptsDir });
    this.now = options.now ?? (() => new Date());
    this.device.printer.onReceipt((r) => {
      this.receipts.push({
        number: r.number,
        printedAt: this.now().toISOString(),
        text: receiptText(r),
        textUrl: `/api/printer/receipts/${r.number}/text`,
        pngUrl: `/api/printer/receipts/${r.number}/png`,
        pngWidth: r.pngWidth,
        pngHeight: r.pngHeight,
        textPath: r.textPath,
        pngPath: r.pngPath,
      });
      options.log?.(`printer: receipt ${r.number} printed (${r.pngPath})`);
    });
  }

  start(): Promise<void> {
    return this.queue.run(() => this.device.start());
  }

  state(): PrinterSimState {
    const p = this.device.printer;
    return {
      hostPath: this.options.hostPath,
      plugged: this.device.link.plugged,
      paper: p.paper,
      coverOpen: p.coverOpen,
      offline: p.offline,
      receiptsDir: this.options.receiptsDir,
      receipts: this.receipts.length,
      latestReceipt: this.receipts.at(-1) ?? null,
    };
  }

  status(): unknown {
    return this.state();
  }

  setPaper(level: PaperLevel): PrinterSimState {
    this.device.printer.paper = level;
    return this.state();
  }

  setCover(state: 'open' | 'closed'): PrinterSimState {
    this.device.printer.coverOpen = state === 'open';
    return this.state();
  }

  setOffline(offline: boolean): PrinterSimState {
    this.device.printer.offline = offline;
    return this.state();
  }

  unplug(): Promise<PrinterSimState> {
    return this.queue.run(async () => {
      if (this.device.link.plugged) await this.device.link.unplug();
      return this.state();
    });
  }

  replug(): Promise<PrinterSimState> {
    return this.queue.run(async () => {
      if (!this.device.link.plugged) await this.device.link.replug();
      return this.state();
    });
  }

  listReceipts(): readonly ReceiptEntry[] {
    return this.receipts;
  }

  private receipt(param: string): ReceiptEntry {
    const n = wholeNumberParam(param, 'unknown-receipt', 'receipt');
    const entry = this.receipts.find((r) => r.number === n);
    if (!entry) throw new SimRequestError(404, 'unknown-receipt', `no receipt ${n} printed since the daemon started (${this.receipts.length} so far)`);
    return entry;
  }

  registerRoutes(app: FastifyInstance): void {
    app.get('/api/printer', () => this.state());
    app.post('/api/printer/paper', (req) => {
      const body = bodyFields(req.body, ['level'], '{ level: "ok" | "near-end" | "out" }');
      return this.setPaper(oneOf(body.level, PAPER_LEVELS, 'level'));
    });
    app.post('/api/printer/cover', (req) => {
      const body = bodyFields(req.body, ['state'], '{ state: "open" | "closed" }');
      return this.setCover(oneOf(body.state, COVER_STATES, 'state'));
    });
    app.post('/api/printer/offline', (req) => {
      const body = bodyFields(req.body, ['offline'], '{ offline: true | false }');
      if (typeof body.offline !== 'boolean') throw new SimRequestError(400, 'invalid-value', '`offline` must be true or false');
      return this.setOffline(body.offline);
    });
    app.post('/api/printer/unplug', () => this.unplug());
    app.post('/api/printer/replug', () => this.replug());
    app.get('/api/printer/receipts', () => this.listReceipts());
    app.get<{ Params: { number: string } }>('/api/printer/receipts/:number/text', async (req, reply) => {
      const entry = this.receipt(req.params.number);
      return reply.type('text/plain; charset=utf-8').send(await readReceiptFile(entry.textPath));
    });
    app.get<{ Params: { number: string } }>('/api/printer/receipts/:number/png', async (req, reply) => {
      const entry = this.receipt(req.params.number);
      return reply.type('image/png').header('cache-control', 'no-store').send(await readReceiptFile(entry.pngPath));
    });
  }

  stop(): Promise<void> {
    return this.queue.run(() => this.device.stop());
  }
}
