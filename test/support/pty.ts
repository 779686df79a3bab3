import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { socatAvailable } from '../../hardware-sim/serial/pty-pair.js';

/** Fails the suite with a clear message when socat is missing (the pty tests need it). */
export function requireSocat(): void {
  if (!socatAvailable()) throw new Error('socat not found in PATH: the serial device tests need it (apt-get install socat, or bash scripts/setup.sh --test)');
}

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

export async function tempDir(prefix: string): Promise<TempDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `kiosk-${prefix}-`));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Resolves with the first value `subscribe` delivers that `accept` takes, or rejects after `timeoutMs`. */
export function nextMatching<T>(subscribe: (listener: (value: T) => void) => () => void, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = subscribe((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}
