import { mkdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Version of the file layout; a file of another version is ignored (the session starts fresh). */
const FORMAT = 1;

export interface SavedSession {
  /** The flows' persisted snapshot (XState `getPersistedSnapshot()`), opaque here. */
  readonly snapshot: unknown;
  /** Epoch ms when it was saved. */
  readonly savedAt: number;
}

/**
 * The session's persisted state in one JSON file, replaced atomically (write, fsync by rename):
 * a crash mid-write leaves the previous version, never half a file. Writes are serialised and
 * coalesced, so only the newest state is written when several arrive during one write; a
 * clear is queued the same way, so a later save is never deleted by an earlier clear.
 */
export class SessionFile {
  private pending: SavedSession | 'clear' | null = null;
  private writing: Promise<void> | null = null;

  constructor(private readonly path: string) {}

  /** The saved session, or null when there is none or it cannot be read (then it is also logged by the caller). */
  async load(): Promise<{ ok: true; value: SavedSession | null } | { ok: false; reason: string }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, value: null };
      return { ok: false, reason: String(e) };
    }
    try {
      const v = JSON.parse(text) as { format?: unknown; snapshot?: unknown; savedAt?: unknown };
      if (v.format !== FORMAT || typeof v.savedAt !== 'number') return { ok: false, reason: 'unknown session file format' };
      return { ok: true, value: { snapshot: v.snapshot, savedAt: v.savedAt } };
    } catch (e) {
      return { ok: false, reason: `session file is not JSON (${(e as Error).message})` };
    }
  }

  save(session: SavedSession): void {
    this.pending = session;
    this.writing ??= this.drain();
  }

  /** Resolves when everything saved so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Deletes the saved session (after any write in progress). */
  async clear(): Promise<void> {
    this.pending = 'clear';
    this.writing ??= this.drain();
    await this.flush();
  }

  private async drain(): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
      while (this.pending) {
        const s = this.pending;
        this.pending = null;
        if (s === 'clear') {
          await rm(this.path, { force: true });
          continue;
        }
        const tmp = `${this.path}.tmp`;
        // Owner-only: a half-written report holds a passenger's phone number.
        await writeFile(tmp, JSON.stringify({ format: FORMAT, ...s }), { flush: true, mode: 0o600 });
        await rename(tmp, this.path);
      }
    } finally {
      this.writing = null;
    }
  }
}
