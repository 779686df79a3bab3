import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Wrong-PIN count and lockout of one technician card. */
export interface LockoutState {
  readonly failedPins: number;
  /** ISO time the lockout ends, or `null` when not locked. */
  readonly lockedUntil: string | null;
}

/** Keeps lockouts across restarts. */
export interface LockoutStore {
  get(technicianId: string): Promise<LockoutState | null>;
  put(technicianId: string, state: LockoutState): Promise<void>;
}

export class MemoryLockoutStore implements LockoutStore {
  private readonly states = new Map<string, LockoutState>();

  get(technicianId: string): Promise<LockoutState | null> {
    return Promise.resolve(this.states.get(technicianId) ?? null);
  }

  put(technicianId: string, state: LockoutState): Promise<void> {
    this.states.set(technicianId, state);
    return Promise.resolve();
  }
}

/** A JSON file written atomically (temp file + rename), e.g. `var/technician-lockouts.json`. */
export class FileLockoutStore implements LockoutStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  async get(technicianId: string): Promise<LockoutState | null> {
    await this.queue.catch(() => undefined);
    return (await this.readAll())[technicianId] ?? null;
  }

  put(technicianId: string, state: LockoutState): Promise<void> {
    const next = this.queue.then(async () => {
      const all = await this.readAll();
      all[technicianId] = state;
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(all), 'utf8');
      await rename(tmp, this.file);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readAll(): Promise<Record<string, LockoutState>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return {};
    }
    const parsed: unknown = JSON.parse(text);
    const out: Record<string, LockoutState> = {};
    if (parsed && typeof parsed === 'object') {
      for (const [id, v] of Object.entries(parsed as Record<string, unknown>)) {
        const s = v as Partial<LockoutState> | null;
        if (s && typeof s.failedPins === 'number' && (s.lockedUntil === null || typeof s.lockedUntil === 'string')) out[id] = { failedPins: s.failedPins, lockedUntil: s.lockedUntil };
      }
    }
    return out;
  }
}
