/**
 * The production `CardReaderService`: the PC/SC stack (nfc-pcsc, `PcscCardReaderService`) runs
 * in a child process (`reader-host.ts`) that this class starts, watches and restarts. A child that
 * exits (pcscd restarted, a native fault) is replaced once pcscd answers again; a hung child is
 * killed. The parent's event loop never waits on a native PC/SC call.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CardReaderEvent, CardReaderHealth, CardReaderService } from '../../shared/card-reader.js';
import { CardIoError, type CardIoErrorCode } from '../card/errors.js';
import type { HostCommand, HostMessage, HostOptions } from './host-protocol.js';
import { FamilyMemory, REMEMBERED_ATRS } from './card-read-events.js';
import type { CardDriverLog } from './reader-service.js';
import { backoffDelay } from '../../shared/backoff.js';
import { fromHex, toHex } from '../../shared/bytes.js';

export interface SupervisedReaderServiceOptions extends HostOptions {
  readonly log?: CardDriverLog;
  readonly now?: () => Date;
  /** How long `start()` waits for the host to report, ms. */
  readonly startTimeoutMs?: number;
}

/** The host runs as this file does: compiled JavaScript on plain Node, or TypeScript through tsx. */
const COMPILED = import.meta.url.endsWith('.js');
const HOST = fileURLToPath(new URL(COMPILED ? './reader-host.js' : './reader-host.ts', import.meta.url));
const HOST_EXEC_ARGV = COMPILED ? [] : ['--import', 'tsx'];
const PROJECT_ROOT = fileURLToPath(new URL(COMPILED ? '../../../../' : '../../', import.meta.url));
const STOP_GRACE_MS = 2_000;
const RESTART_MIN_MS = 300;
const RESTART_MAX_MS = 5_000;
/** A `transmit` the host has not answered in this time fails with `timeout`. */
const TRANSMIT_TIMEOUT_MS = 10_000;

export class SupervisedCardReaderService implements CardReaderService {
  readonly #opts: SupervisedReaderServiceOptions;
  readonly #listeners = new Set<(event: CardReaderEvent) => void>();
  #child: ChildProcess | null = null;
  #running = false;
  #readers: readonly string[] = [];
  #health: CardReaderHealth;
  /** Readers with a card on them, so a dying host still ends each tap with `card-removed`. */
  readonly #cards = new Set<string>();
  /** Readers whose tap has not ended with `card-read` or `card-error` yet. */
  readonly #reading = new Set<string>();
  /** What the host learned of card families, mirrored from its events; handed to the next host. */
  readonly #families: FamilyMemory;
  /** Restarts since the host last came up. */
  #restarts = 0;
  #restartTimer: NodeJS.Timeout | null = null;
  #nextTransmit = 1;
  readonly #transmits = new Map<number, { resolve: (r: Uint8Array) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(options: SupervisedReaderServiceOptions = {}) {
    this.#opts = options;
    this.#families = new FamilyMemory(REMEMBERED_ATRS, options.remembered);
    this.#health = { state: 'no-reader', since: this.#now() };
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#spawn();
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
  }

  subscribe(listener: (event: CardReaderEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  readers(): readonly string[] {
    return this.#readers;
  }

  health(): CardReaderHealth {
    return this.#health;
  }

  /** One command to the card on `reader`, run by the host after its current read (see `PcscCardReaderService.transmit`). */
  transmit(reader: string, apdu: Uint8Array): Promise<Uint8Array> {
    const child = this.#child;
    if (!child?.connected) return Promise.reject(new CardIoError('reader-gone', 'the card reader host is not running'));
    const id = this.#nextTransmit++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => this.#settleTransmit(id, new CardIoError('timeout', `the reader host did not answer in ${TRANSMIT_TIMEOUT_MS} ms`)), TRANSMIT_TIMEOUT_MS);
      this.#transmits.set(id, { resolve, reject, timer });
      child.send({ type: 'transmit', id, reader, apdu: toHex(apdu) } satisfies HostCommand);
    });
  }

  #settleTransmit(id: number, outcome: Uint8Array | Error): void {
    const pending = this.#transmits.get(id);
    if (!pending) return;
    this.#transmits.delete(id);
    clearTimeout(pending.timer);
    if (outcome instanceof Error) pending.reject(outcome);
    else pending.resolve(outcome);
  }

  #now(): string {
    return (this.#opts.now?.() ?? new Date()).toISOString();
  }

  #emit(event: CardReaderEvent): void {
    if (event.type === 'card-present') {
      this.#cards.add(event.reader);
      this.#reading.add(event.reader);
    }
    // The host's memory of families, mirrored here so that a restarted host starts with it.
    this.#families.observe(event);
    if (event.type === 'card-read' || event.type === 'card-error') this.#reading.delete(event.reader);
    if (event.type === 'card-removed') this.#cards.delete(event.reader);
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (e) {
        this.#opts.log?.('error', `card-reader listener threw on ${event.type}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    }
  }

  #spawn(): Promise<void> {
    const { log: _log, now: _now, startTimeoutMs, ...hostOptions } = this.#opts;
    const child = fork(HOST, [], {
      cwd: PROJECT_ROOT,
      execArgv: HOST_EXEC_ARGV,
      env: { ...process.env, KIOSK_CARD_HOST_OPTIONS: JSON.stringify({ ...hostOptions, remembered: this.#families.snapshot() } satisfies HostOptions) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2_000);
    });
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, startTimeoutMs ?? 20_000);
      const started = (): void => {
        clearTimeout(timer);
        resolve();
      };
      child.on('message', (m: HostMessage) => {
        switch (m.type) {
          case 'event':
            this.#emit(m.event);
            break;
          case 'state':
            this.#readers = m.readers;
            this.#health = m.health;
            break;
          case 'log':
            this.#opts.log?.(m.level, m.message);
            break;
          case 'started':
            this.#restarts = 0;
            started();
            break;
          case 'transmit-result':
            this.#settleTransmit(m.id, m.ok ? fromHex(m.response) : new CardIoError(m.code as CardIoErrorCode, m.message));
            break;
        }
      });
      child.on('error', (e) => this.#opts.log?.('error', `card reader host: ${e.message}`));
      child.on('exit', (code, signal) => {
        started();
        if (this.#child === child) this.#child = null;
        this.#hostGone(`reader host exited (${signal ?? code})`);
        if (!this.#running) return;
        const delay = backoffDelay(++this.#restarts, { baseMs: RESTART_MIN_MS, capMs: RESTART_MAX_MS, jitter: 'none' });
        this.#opts.log?.('warn', `card reader host exited (${signal ?? code}); restarting in ${delay} ms${stderr ? `; stderr: ${stderr.trim()}` : ''}`);
        this.#restartTimer = setTimeout(() => {
          this.#restartTimer = null;
          if (this.#running) void this.#spawn();
        }, delay);
      });
    });
  }

  #hostGone(reason: string): void {
    for (const id of [...this.#transmits.keys()]) this.#settleTransmit(id, new CardIoError('reader-gone', reason));
    for (const reader of [...this.#reading]) this.#emit({ type: 'card-error', reader, error: { code: 'reader-gone', message: `the reader went away during the read (${reason})` } });
    for (const reader of [...this.#cards]) this.#emit({ type: 'card-removed', reader });
    for (const reader of this.#readers) this.#emit({ type: 'reader-removed', reader, reason });
    this.#readers = [];
    if (this.#health.state === 'ok') this.#health = { state: 'no-reader', since: this.#now() };
  }
}
