// The power cut for the crash tests: builds the LD_PRELOAD shim (test/support/power-loss/power-loss.c)
// with the system's C compiler, and replays its undo journal backwards after the writer was
// SIGKILLed, so each file loses what was written to it after its last fsync (all of it, or a
// random tail of it: a disk may have written some of those blocks before the power went).
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('./power-loss/power-loss.c', import.meta.url));

/** Compiles the shim into `dir`; returns the path of the shared object. */
export function buildPowerLossShim(dir: string): string {
  const out = join(dir, 'power-loss.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-o', out, SOURCE, '-ldl', '-lpthread'], { stdio: 'pipe' });
  return out;
}

/** Environment that makes a child process record its writes under `dataDir` into `journal`. */
export function powerLossEnv(shim: string, dataDir: string, journal: string): NodeJS.ProcessEnv {
  return { LD_PRELOAD: shim, POWER_LOSS_DIR: dataDir, POWER_LOSS_JOURNAL: journal };
}

interface UndoRecord {
  readonly type: 'W' | 'T';
  readonly at: number;
  readonly offset: number;
  readonly sizeBefore: number;
  readonly bytes: Buffer;
}

interface FileJournal {
  readonly records: UndoRecord[];
  /** Records starting before this journal byte are durable. */
  durableBefore: number;
}

function parse(journal: Buffer): Map<string, FileJournal> {
  const files = new Map<string, FileJournal>();
  let p = 0;
  const need = (n: number): boolean => p + n <= journal.length;
  while (need(5)) {
    const at = p;
    const type = String.fromCharCode(journal[p]!);
    const pathLen = journal.readUInt32LE(p + 1);
    if (!need(5 + pathLen + 8)) break;
    const path = journal.toString('utf8', p + 5, p + 5 + pathLen);
    const a = Number(journal.readBigInt64LE(p + 5 + pathLen));
    p += 5 + pathLen + 8;
    const file = files.get(path) ?? { records: [], durableBefore: 0 };
    files.set(path, file);
    if (type === 'S') {
      file.durableBefore = Math.max(file.durableBefore, a);
      continue;
    }
    if (type !== 'W' && type !== 'T') throw new Error(`power-loss journal: unknown record ${JSON.stringify(type)} at byte ${at}`);
    if (!need(12)) break;
    const sizeBefore = Number(journal.readBigInt64LE(p));
    const n = journal.readUInt32LE(p + 8);
    if (!need(12 + n)) break; // cut by the kill before the real call: nothing to undo
    file.records.push({ type, at, offset: a, sizeBefore, bytes: journal.subarray(p + 12, p + 12 + n) });
    p += 12 + n;
  }
  return files;
}

export interface PowerCut {
  /** Files that had writes after their last sync. */
  readonly files: number;
  /** Writes and truncations after the last sync, and how many of them the cut undid. */
  readonly unsynced: number;
  readonly undone: number;
}

/**
 * Applies the power cut to the files recorded in `journal` and deletes the journal and any
 * SQLite `-shm` file under `dataDir`. `keep(n)` says how many of a file's n unsynced writes
 * reached the disk anyway, in order (default 0: all of them are lost).
 */
export function powerCut(journal: string, dataDir: string, keep: (unsynced: number) => number = () => 0): PowerCut {
  const files = existsSync(journal) ? parse(readFileSync(journal)) : new Map<string, FileJournal>();
  let unsynced = 0;
  let undone = 0;
  let touched = 0;
  for (const [path, file] of files) {
    const after = file.records.filter((r) => r.at >= file.durableBefore);
    if (after.length === 0) continue;
    touched++;
    unsynced += after.length;
    const kept = Math.max(0, Math.min(after.length, keep(after.length)));
    const lost = after.slice(kept).reverse();
    if (lost.length === 0 || !existsSync(path)) continue;
    const fd = openSync(path, 'r+');
    try {
      for (const r of lost) {
        // W: the bytes that were at `offset`; T: the bytes cut off from `offset` (the new size).
        // Later records are already undone, so the size now is what this call left: put the size back too.
        if (r.bytes.length > 0) writeSync(fd, r.bytes, 0, r.bytes.length, r.offset);
        ftruncateSync(fd, r.sizeBefore);
        undone++;
      }
    } finally {
      closeSync(fd);
    }
  }
  rmSync(journal, { force: true });
  for (const path of files.keys()) if (existsSync(`${path}-shm`)) rmSync(`${path}-shm`, { force: true });
  return { files: touched, unsynced, undone };
}
