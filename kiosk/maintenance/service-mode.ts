import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Whether passengers may use the kiosk, as a technician last set it. */
export interface ServiceMode {
  readonly inService: boolean;
  /** ISO 8601; null when never changed. */
  readonly changedAt: string | null;
  /** Technician id; null when never changed. */
  readonly changedBy: string | null;
}

export const IN_SERVICE: ServiceMode = { inService: true, changedAt: null, changedBy: null };

/** Persists the service mode so a restart keeps an out-of-service kiosk out of service. */
export interface ServiceModeStore {
  get(): Promise<ServiceMode>;
  set(mode: ServiceMode): Promise<void>;
}

/** A JSON file written atomically (temp file + rename), e.g. `var/service-mode.json`. */
export class FileServiceModeStore implements ServiceModeStore {
  private cached: ServiceMode | null = null;

  constructor(private readonly file: string) {}

  async get(): Promise<ServiceMode> {
    if (this.cached) return this.cached;
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return IN_SERVICE;
      throw e;
    }
    const v = JSON.parse(text) as Partial<ServiceMode> | null;
    if (!v || typeof v.inService !== 'boolean') throw new Error(`${this.file}: not a service mode record`);
    this.cached = { inService: v.inService, changedAt: typeof v.changedAt === 'string' ? v.changedAt : null, changedBy: typeof v.changedBy === 'string' ? v.changedBy : null };
    return this.cached;
  }

  async set(mode: ServiceMode): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(mode), 'utf8');
    await rename(tmp, this.file);
    this.cached = mode;
  }
}
