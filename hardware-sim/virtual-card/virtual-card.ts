import net from 'node:net';
import { atrOf } from './atr.js';
import { CardEngine } from './engine.js';
import { decideFault, type CardFaults, type FaultAction } from './faults.js';
import { toHex } from '../../shared/bytes.js';
import type { CardImage } from './image.js';

/** A vpcd reader slot of pcscd: reader name and the TCP port the card connects to. */
export interface VpcdSlot {
  readonly reader: string;
  readonly port: number;
}

/** The two readers of Debian's vsmartcard-vpcd. Index = slot number used by the CLI and the control API. */
export const VPCD_SLOTS: readonly [VpcdSlot, VpcdSlot] = [
  { reader: 'Virtual PCD 00 00', port: 35963 },
  { reader: 'Virtual PCD 00 01', port: 35964 },
];

/** One APDU the card received and what it did. */
export interface ApduExchange {
  /** 1-based, counted from insertion, the UID pseudo-APDU included (see {@link CardFaults}). */
  readonly index: number;
  /** Hex, upper case. */
  readonly command: string;
  /** Hex sent back; empty when nothing was sent (removed, mute). */
  readonly response: string;
  /** `answer` when the card answered normally, else the fault that applied. */
  readonly outcome: FaultAction['kind'];
}

/** Why the card left the reader. */
export type CardRemovalReason = 'removed' | 'fault' | 'vpcd-closed';

export type VirtualCardErrorCode = 'vpcd-unreachable' | 'insert-timeout' | 'already-inserted';

export class VirtualCardError extends Error {
  override readonly name = 'VirtualCardError';
  constructor(
    readonly code: VirtualCardErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export interface VirtualCardOptions {
  readonly faults?: CardFaults;
  /** Diagnostic lines (connections, removals, socket errors). Default: silent. */
  readonly log?: (line: string) => void;
}

export interface InsertOptions {
  /** vpcd port; default 35963 ("Virtual PCD 00 00"). */
  readonly port?: number;
  readonly host?: string;
  /** How long to wait for pcscd to ask the ATR; default 10 s. */
  readonly timeoutMs?: number;
}

/** Cards of this process by `host:port`: one card per slot. */
const occupied = new Map<string, VirtualCard>();

/**
 * A simulated contactless card that pcscd sees through its vpcd reader. It connects to vpcd
 * as the card (2-byte big-endian length + payload frames) and answers with a {@link CardEngine},
 * applying its scripted {@link CardFaults}.
 */
export class VirtualCard {
  /** Called after each APDU is handled (answered or not). Must not throw. */
  onApdu?: (exchange: ApduExchange) => void;
  /** Called once per insertion when the card leaves the reader. Must not throw. */
  onRemoved?: (reason: CardRemovalReason) => void;

  private readonly engine: CardEngine;
  private readonly atr: Uint8Array;
  private readonly log: (line: string) => void;
  private faultsValue: CardFaults | undefined;
  private socket: net.Socket | null = null;
  private slotKey: string | null = null;
  private received = Buffer.alloc(0);
  private work: Promise<void> = Promise.resolve();
  private apduCount = 0;
  private muted = false;
  private removing = false;
  private removedByFault = false;
  private seenByPcscd = false;
  private readonly log_: ApduExchange[] = [];
  private closedWaiters: ((reason: CardRemovalReason) => void)[] = [];
  private atrAsked: (() => void) | null = null;
  private pendingTimers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(
    readonly image: CardImage,
    options: VirtualCardOptions = {},
  ) {
    this.engine = new CardEngine(image);
    this.atr = atrOf(image);
    this.faultsValue = options.faults;
    this.log = options.log ?? (() => undefined);
  }

  /** Every APDU exchanged since the last {@link insert}. */
  get apduLog(): readonly ApduExchange[] {
    return this.log_;
  }

  get inserted(): boolean {
    return this.socket !== null;
  }

  get faults(): CardFaults | undefined {
    return this.faultsValue;
  }

  /** Replaces the faults; APDU numbering continues from the current insertion. */
  setFaults(faults: CardFaults | undefined): void {
    this.faultsValue = faults;
  }

  /**
   * Puts the card on the reader: connects to vpcd (first removing another card of this process
   * from the same slot) and resolves when pcscd asked for the ATR, i.e. saw the card. pcscd
   * reports it to clients at its next poll. Rejects with {@link VirtualCardError}.
   */
  async insert(options: InsertOptions = {}): Promise<void> {
    if (this.socket) throw new VirtualCardError('already-inserted', `card ${this.image.name} is already on a reader`);
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? VPCD_SLOTS[0].port;
    const key = `${host}:${port}`;
    const previous = occupied.get(key);
    if (previous) await previous.remove();
    this.log_.length = 0;
    this.apduCount = 0;
    this.muted = false;
    this.removing = false;
    this.removedByFault = false;
    this.seenByPcscd = false;
    this.received = Buffer.alloc(0);
    this.work = Promise.resolve();

    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.slotKey = key;
    occupied.set(key, this);
    this.attach(socket);

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => finish(new VirtualCardError('insert-timeout', `pcscd did not ask ${key} for the ATR within ${options.timeoutMs ?? 10_000} ms`)), options.timeoutMs ?? 10_000);
      const finish = (error?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.atrAsked = null;
        if (error) {
          socket.destroy();
          if (this.socket === socket) this.socket = null;
          if (occupied.get(key) === this) occupied.delete(key);
          reject(error);
        } else resolve();
      };
      this.atrAsked = () => finish();
      socket.once('error', (e: NodeJS.ErrnoException) =>
        finish(new VirtualCardError('vpcd-unreachable', `cannot reach vpcd at ${key} (${e.code ?? e.message}); is pcscd running? (bash scripts/pcscd.sh ensure)`, e)),
      );
      socket.once('close', () => finish(new VirtualCardError('vpcd-unreachable', `vpcd at ${key} closed the connection`)));
    });
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      while (this.received.length >= 2) {
        const n = this.received.readUInt16BE(0);
        if (this.received.length < 2 + n) break;
        const frame = Uint8Array.from(this.received.subarray(2, 2 + n));
        this.received = this.received.subarray(2 + n);
        this.work = this.work.then(() => this.handle(socket, frame));
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => this.log(`${this.image.name}: vpcd socket error ${e.code ?? e.message}`));
    socket.on('close', () => {
      const reason: CardRemovalReason = this.removedByFault ? 'fault' : this.removing ? 'removed' : 'vpcd-closed';
      if (this.socket === socket) this.socket = null;
      if (this.slotKey && occupied.get(this.slotKey) === this) occupied.delete(this.slotKey);
      for (const t of this.pendingTimers) {
        clearTimeout(t.timer);
        t.resolve();
      }
      this.pendingTimers.clear();
      const waiters = this.closedWaiters;
      this.closedWaiters = [];
      for (const w of waiters) w(reason);
      if (!this.seenByPcscd) return;
      this.seenByPcscd = false;
      this.log(`${this.image.name}: left the reader (${reason})`);
      this.onRemoved?.(reason);
    });
  }

  private send(socket: net.Socket, payload: Uint8Array): void {
    if (socket.destroyed || !socket.writable) return;
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length, 0);
    socket.write(Buffer.concat([header, payload]));
  }

  private delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pendingTimers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.pendingTimers.add(entry);
    });
  }

  private async handle(socket: net.Socket, frame: Uint8Array): Promise<void> {
    if (socket.destroyed) return;
    if (frame.length === 1) {
      switch (frame[0]) {
        case 0x00:
        case 0x01:
        case 0x02:
          this.engine.reset();
          return;
        case 0x04:
          this.send(socket, this.atr);
          this.seenByPcscd = true;
          this.atrAsked?.();
          return;
        default:
          break;
      }
    }
    if (this.muted) return;
    const index = ++this.apduCount;
    const command = toHex(frame);
    const { action, delayMs } = decideFault(this.faultsValue, index, command);
    const record = (response: Uint8Array | null): void => {
      const exchange: ApduExchange = { index, command, response: response ? toHex(response) : '', outcome: action.kind };
      this.log_.push(exchange);
      this.onApdu?.(exchange);
    };
    if (action.kind === 'remove') {
      record(null);
      this.removedByFault = true;
      socket.destroy();
      return;
    }
    if (action.kind === 'mute') {
      this.muted = true;
      record(null);
      return;
    }
    const answer = this.engine.transmit(frame);
    await this.delay(delayMs);
    if (socket.destroyed) return;
    const response = action.kind === 'garbage' ? action.bytes : action.kind === 'short' ? answer.subarray(0, 1) : answer;
    record(response);
    this.send(socket, response);
  }

  /** Takes the card off the reader (closes the socket); resolves once closed. Idempotent. */
  remove(): Promise<CardRemovalReason | null> {
    const socket = this.socket;
    if (!socket) return Promise.resolve(null);
    this.removing = true;
    const closed = this.waitForRemoval();
    socket.destroy();
    return closed;
  }

  /** Resolves when the card leaves the reader (by {@link remove}, a fault, or vpcd closing); null if not inserted. */
  waitForRemoval(): Promise<CardRemovalReason | null> {
    if (!this.socket) return Promise.resolve(null);
    return new Promise((resolve) => this.closedWaiters.push(resolve));
  }
}
