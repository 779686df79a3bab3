/**
 * Free space for the kiosk's data folder. Below `minFreeBytes` the outbox takes no new ticket
 * (the passenger is told plainly and keeps what they typed) and the fault monitor gets a
 * `storage` device fault (the device-fault alarm); what is stored already stays as it is. Above
 * it again, both clear by themselves.
 */
import { statfs } from 'node:fs/promises';
import type { DeviceHealth } from '../../shared/devices.js';

/** Room kept for SQLite's journal and for what the kiosk must still write (a ticket is ~2 kB). */
export const DEFAULT_MIN_FREE_BYTES = 16 * 1024 * 1024;

export interface StorageGuardOptions {
  readonly dir: string;
  readonly minFreeBytes?: number;
  /** Told when the state changes (`storage` device health for the fault monitor). */
  readonly onChange?: (health: DeviceHealth) => void;
  readonly now?: () => Date;
  readonly freeBytes?: (dir: string) => Promise<number>;
}

async function statfsFree(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

export class StorageGuard {
  readonly #o: StorageGuardOptions;
  #full: boolean | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Free bytes at the last look. */
  lastFreeBytes: number | null = null;

  constructor(options: StorageGuardOptions) {
    this.#o = options;
  }

  get minFreeBytes(): number {
    return this.#o.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  }

  /** Looks now: true when there is room for a new ticket. */
  async hasRoom(): Promise<boolean> {
    let free: number;
    try {
      free = await (this.#o.freeBytes ?? statfsFree)(this.#o.dir);
    } catch {
      return true; // cannot tell: let SQLite decide (a full disk still fails cleanly there)
    }
    this.lastFreeBytes = free;
    this.#set(free < this.minFreeBytes, free);
    return !this.#full;
  }

  /** Says the disk is full now (SQLite answered SQLITE_FULL). */
  reportFull(): void {
    this.#set(true, this.lastFreeBytes ?? 0);
  }

  start(periodMs = 15_000): void {
    void this.hasRoom();
    this.#timer ??= setInterval(() => void this.hasRoom(), periodMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #set(full: boolean, free: number): void {
    if (full === this.#full) return;
    this.#full = full;
    const since = (this.#o.now?.() ?? new Date()).toISOString();
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    this.#o.onChange?.(
      full
        ? { state: 'fault', code: 'disk-full', detail: `${mb(free)} free on the data folder's filesystem, under the ${mb(this.minFreeBytes)} the outbox needs; new tickets are refused`, since }
        : { state: 'ok', code: null, detail: null, since },
    );
  }
}

/** SQLite's "database or disk is full" (SQLITE_FULL), however the driver wraps it. */
export function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /SQLITE_FULL|database or disk is full|ENOSPC/.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
