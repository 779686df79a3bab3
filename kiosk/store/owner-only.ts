import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Creates `dir` (and its parents) and makes it owner-only (0700): the kiosk's data folder holds
 * tickets with phone and card numbers, the UI key, the technician registry.
 */
export async function ownerOnlyDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Writes a file atomically (temp file, flush, rename) with mode 0600. */
export async function writeOwnerOnly(file: string, data: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600, flush: true });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
