import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeOwnerOnly } from '../../store/owner-only.js';

const BOOT_ID_FILE = '/proc/sys/kernel/random/boot_id';

async function bootId(): Promise<string> {
  try {
    return (await readFile(BOOT_ID_FILE, 'utf8')).trim();
  } catch {
    return 'no-boot-id';
  }
}

/**
 * The kiosk UI socket's key for this boot of the machine: kept in `<dataDir>/ui-key.json`
 * (owner-only) beside the boot id, so that a runtime restart keeps it (the open kiosk page
 * reconnects) and a reboot makes a new one.
 */
export async function bootUiKey(dataDir: string): Promise<string> {
  const file = join(dataDir, 'ui-key.json');
  const boot = await bootId();
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { boot?: unknown; key?: unknown };
    if (saved.boot === boot && typeof saved.key === 'string' && /^[A-Za-z0-9_-]{43}$/.test(saved.key)) return saved.key;
  } catch {
    // missing or unreadable: make a new one
  }
  const key = randomBytes(32).toString('base64url');
  await writeOwnerOnly(file, JSON.stringify({ boot, key }) + '\n');
  return key;
}
