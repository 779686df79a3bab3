/**
 * `CardReaderService` over nfc-pcsc: watches every PC/SC reader (or one named reader), reads
 * each tapped card with `readCard`, and survives readers that come and go and pcscd restarts
 * without restarting the process (../shared/DRIVERS.md, nfc-pcsc).
 */
import nfcPcsc, { type NFC, type NfcCard, type Reader } from 'nfc-pcsc';
import type { CardFamily } from '../../shared/card.js';
import type { CardReaderEvent, CardReaderHealth, CardReaderService } from '../../shared/card-reader.js';
import { toHex } from '../../shared/bytes.js';
import { FamilyMemory, readCardToEvents, REMEMBERED_ATRS, type FamilyMemorySnapshot } from './card-read-events.js';
import { CardIoError } from '../card/errors.js';
import { CardChannel, DEFAULT_COMMAND_TIMEOUT_MS } from '../card/transport.js';
import { NfcReaderTransport, pcscCode } from './nfc-transport.js';
import { PCSCD_SOCKET, pcscdAccepts } from './pcscd-socket.js';

export type CardDriverLogLevel = 'info' | 'warn' | 'error';
/** Technician log. Lines never carry card numbers or UIDs. */
export type CardDriverLog = (level: CardDriverLogLevel, message: string) => void;

export interface PcscReaderServiceOptions {
  /** Serve only this reader (exact PC/SC name); null or absent: every reader. */
  readonly readerName?: string | null;
  readonly socketPath?: string;
  readonly commandTimeoutMs?: number;
  /** How often to look for pcscd while it is down, ms. */
  readonly pcscdPollMs?: number;
  /** How long `start()` waits for the first reader to show up, ms. */
  readonly startSettleMs?: number;
  readonly now?: () => Date;
  readonly log?: CardDriverLog;
  /** The binding; nfc-pcsc's `NFC` by default. */
  readonly createNfc?: () => NFC;
  /** The station's own card family: the hint for a reader's first card (see `HostOptions.homeFamily`). */
  readonly homeFamily?: CardFamily | null;
  /** Families learned by an earlier service (see `HostOptions.remembered`). */
  readonly remembered?: FamilyMemorySnapshot;
  /**
   * Called instead of closing and rebuilding the PC/SC context in place when pcscd is lost. The
   * supervised host (`reader-host.ts`) exits here: native close can deadlock, a process exit cannot.
   */
  readonly onContextLost?: (reason: string) => void;
}

/** PC/SC "RPC transport error": this instance lost pcscd for good. */
const PCSCD_LOST = new Set(['80100013', '8010001D']);

interface ReaderSlot {
  readonly name: string;
  readonly reader: Reader;
  readonly generation: number;
  cardPresent: boolean;
  /** Every event of this reader goes through this chain, so they come out in contract order. */
  work: Promise<void>;
}

export class PcscCardReaderService implements CardReaderService {
  readonly #opts: PcscReaderServiceOptions;
  readonly #listeners = new Set<(event: CardReaderEvent) => void>();
  readonly #slots = new Map<string, ReaderSlot>();
  readonly #families: FamilyMemory;
  #nfc: NFC | null = null;
  /** Every reader of the current instance, served or not: each holds a native thread until closed. */
  #allReaders = new Set<Reader>();
  #generation = 0;
  #running = false;
  #pcscdDown: { since: string; detail: string } | null = null;
  #noReaderSince: string;
  #pollTimer: NodeJS.Timeout | null = null;
  #firstReader: (() => void) | null = null;

  constructor(options: PcscReaderServiceOptions = {}) {
    this.#opts = options;
    this.#families = new FamilyMemory(REMEMBERED_ATRS, options.remembered);
    this.#noReaderSince = this.#now().toISOString();
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const firstReader = new Promise<void>((resolve) => {
      this.#firstReader = resolve;
    });
    if (!(await this.#connect())) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([firstReader, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#opts.startSettleMs ?? 1_000)))]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    this.#pollTimer = null;
    const pending = [...this.#slots.values()].map((s) => s.work);
    this.#dropInstance('stopped');
    await Promise.allSettled(pending);
  }

  subscribe(listener: (event: CardReaderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  readers(): readonly string[] {
    return [...this.#slots.keys()];
  }

  /**
   * One command to the card now on `reader`, after whatever the reader is doing with it (the
   * passenger read): `61xx`/`6Cxx` followed, answer = data + SW. For the technician card's
   * challenge–response. Rejects with `CardIoError` (`card-removed`, `timeout`, `reader-gone`…).
   */
  transmit(reader: string, apdu: Uint8Array): Promise<Uint8Array> {
    const slot = this.#slots.get(reader);
    if (!this.#running || !slot) return Promise.reject(new CardIoError('reader-gone', `no reader ${reader}`));
    if (!slot.cardPresent) return Promise.reject(new CardIoError('card-removed', `no card on ${reader}`));
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#enqueue(slot, async () => {
        try {
          if (!slot.cardPresent || this.#slots.get(reader) !== slot) throw new CardIoError('card-removed', `no card on ${reader}`);
          const channel = new CardChannel(new NfcReaderTransport(slot.reader), { commandTimeoutMs: this.#opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS });
          const r = await channel.send(apdu);
          resolve(Uint8Array.from([...r.data, r.sw >> 8, r.sw & 0xff]));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  health(): CardReaderHealth {
    if (this.#pcscdDown) return { state: 'pcscd-down', ...this.#pcscdDown };
    if (this.#slots.size > 0) return { state: 'ok', readers: this.readers() };
    return { state: 'no-reader', since: this.#noReaderSince };
  }

  #now(): Date {
    return this.#opts.now?.() ?? new Date();
  }

  #log(level: CardDriverLogLevel, message: string): void {
    this.#opts.log?.(level, message);
  }

  #emit(event: CardReaderEvent): void {
    this.#families.observe(event);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (e) {
        this.#log('error', `card-reader listener threw on ${event.type}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
  }

  /** Creates an NFC instance if pcscd answers; else marks pcscd down and polls. Never blocks the event loop. */
  async #connect(): Promise<boolean> {
    const socketPath = this.#opts.socketPath ?? PCSCD_SOCKET;
    if (!(await pcscdAccepts(socketPath))) {
      if (!this.#running) return false;
      if (!this.#pcscdDown) {
        this.#pcscdDown = { since: this.#now().toISOString(), detail: `${socketPath} does not accept connections` };
        this.#log('warn', `pcscd is down (${socketPath}); waiting for it`);
      }
      this.#schedulePoll();
      return false;
    }
    if (!this.#running) return false;
    if (this.#pcscdDown) this.#log('info', 'pcscd is back');
    this.#pcscdDown = null;
    const generation = ++this.#generation;
    const nfc = this.#opts.createNfc?.() ?? new nfcPcsc.NFC();
    this.#nfc = nfc;
    nfc.on('reader', (reader) => this.#onReader(reader, generation));
    nfc.on('error', (e) => {
      if (generation !== this.#generation) return;
      this.#log('warn', `PC/SC error: ${e.message}`);
      this.#recycle(generation, `PC/SC error ${pcscCode(e) ?? e.message}`);
    });
    return true;
  }

  #schedulePoll(): void {
    if (this.#pollTimer || !this.#running) return;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = null;
      void this.#connect();
    }, this.#opts.pcscdPollMs ?? 500);
  }

  /** The instance is dead (pcscd restarted, or its last reader ended): close it and build a new one. */
  #recycle(generation: number, reason: string): void {
    if (generation !== this.#generation || !this.#nfc) return;
    this.#log('warn', `PC/SC connection lost (${reason}); reconnecting`);
    if (this.#opts.onContextLost) {
      this.#opts.onContextLost(reason);
      return;
    }
    this.#dropInstance(reason);
    if (this.#running) this.#schedulePoll();
  }

  #dropInstance(reason: string): void {
    this.#generation++;
    const nfc = this.#nfc;
    this.#nfc = null;
    for (const slot of [...this.#slots.values()]) this.#readerGone(slot, reason);
    const readers = [...this.#allReaders];
    this.#allReaders.clear();
    for (const closable of [...readers, nfc]) {
      try {
        closable?.close();
      } catch (e) {
        this.#log('warn', `closing the PC/SC context failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  #served(name: string): boolean {
    const wanted = this.#opts.readerName;
    return wanted === undefined || wanted === null || wanted === name;
  }

  #onReader(reader: Reader, generation: number): void {
    // Listeners first, synchronously: an unhandled reader `error` would crash the process.
    reader.on('error', (e) => this.#onReaderError(reader.name, generation, e));
    reader.on('end', () => {
      this.#allReaders.delete(reader);
      this.#onReaderEnd(reader.name, generation);
    });
    if (generation !== this.#generation) {
      reader.close();
      return;
    }
    this.#allReaders.add(reader);
    if (!this.#served(reader.name)) {
      this.#log('info', `reader ${reader.name} present, not served (serving ${this.#opts.readerName ?? 'all'})`);
      return;
    }
    reader.autoProcessing = false;
    const slot: ReaderSlot = { name: reader.name, reader, generation, cardPresent: false, work: Promise.resolve() };
    this.#slots.set(reader.name, slot);
    reader.on('card', (card) => this.#onCard(slot, card));
    reader.on('card.off', () => this.#enqueue(slot, () => this.#cardGone(slot)));
    this.#log('info', `reader ${reader.name} added`);
    this.#emit({ type: 'reader-added', reader: reader.name });
    this.#firstReader?.();
    this.#firstReader = null;
  }

  #onReaderError(name: string, generation: number, e: Error): void {
    const code = pcscCode(e);
    this.#log('warn', `reader ${name}: ${e.message}`);
    if (code && PCSCD_LOST.has(code)) this.#recycle(generation, `reader ${name}: 0x${code}`);
  }

  #onReaderEnd(name: string, generation: number): void {
    if (generation !== this.#generation) return;
    const slot = this.#slots.get(name);
    if (slot && slot.generation === generation) this.#readerGone(slot, 'reader removed');
    // nfc-pcsc gives no event when pcscd dies except every reader ending: with none left, start over.
    const nfc = this.#nfc;
    if (nfc && Object.keys(readersOf(nfc)).length === 0) this.#recycle(generation, 'every reader ended');
  }

  #readerGone(slot: ReaderSlot, reason: string): void {
    if (this.#slots.get(slot.name) !== slot) return;
    this.#slots.delete(slot.name);
    if (this.#slots.size === 0) this.#noReaderSince = this.#now().toISOString();
    this.#enqueue(slot, () => {
      this.#cardGone(slot);
      this.#log('info', `reader ${slot.name} removed (${reason})`);
      this.#emit({ type: 'reader-removed', reader: slot.name, reason });
    });
  }

  #enqueue(slot: ReaderSlot, step: () => void | Promise<void>): void {
    slot.work = slot.work.then(step).catch((e: unknown) => {
      this.#log('error', `reader ${slot.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
  }

  #cardGone(slot: ReaderSlot): void {
    if (!slot.cardPresent) return;
    slot.cardPresent = false;
    this.#emit({ type: 'card-removed', reader: slot.name });
  }

  #onCard(slot: ReaderSlot, card: NfcCard): void {
    this.#enqueue(slot, async () => {
      if (this.#slots.get(slot.name) !== slot) return;
      this.#cardGone(slot);
      slot.cardPresent = true;
      const atr = card.atr ? toHex(card.atr) : '';
      this.#emit({ type: 'card-present', reader: slot.name, atr });
      await this.#read(slot);
    });
  }

  async #read(slot: ReaderSlot): Promise<void> {
    await readCardToEvents(new NfcReaderTransport(slot.reader), slot.name, {
      now: () => this.#now(),
      commandTimeoutMs: this.#opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      emit: (e) => this.#emit(e),
      log: (level, line) => this.#log(level, line),
      families: this.#families,
      homeFamily: this.#opts.homeFamily ?? null,
    });
  }
}

/** pcsclite's live reader table (nfc-pcsc exposes it as `readers`). */
function readersOf(nfc: NFC): Record<string, unknown> {
  const table = (nfc as unknown as { readers?: unknown }).readers;
  return typeof table === 'object' && table !== null ? (table as Record<string, unknown>) : {};
}
