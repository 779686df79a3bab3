import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SerialBinding } from './binding.js';

/**
 * How to find a serial device again after it was unplugged: its last path, a stable
 * `/dev/serial/by-id` name, or USB vendor/product ids (as `SerialPort.list()` reports them,
 * lower-case hex without `0x`). Tried in that order.
 */
export interface SerialDeviceCriteria {
  readonly path?: string;
  /** A substring of the link name in `/dev/serial/by-id`, e.g. `usb-1a86_USB_Serial`. */
  readonly byIdContains?: string;
  readonly vendorId?: string;
  readonly productId?: string;
}

export interface SerialPortListing {
  readonly path: string;
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
}

export interface LocateDeps {
  readonly list: () => Promise<readonly SerialPortListing[]>;
  readonly byIdDir: string;
  readonly exists: (p: string) => Promise<boolean>;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Where to look with a binding: the file system for paths, and the ports the binding lists. */
export function bindingLocateDeps(binding: SerialBinding): LocateDeps {
  const list = (): Promise<readonly SerialPortListing[]> => binding.list();
  return {
    list,
    byIdDir: '/dev/serial/by-id',
    exists: async (p) => (await exists(p)) || (await list().catch(() => [])).some((port) => port.path === p),
  };
}

/** The path to open now, or `null` when the device is not there. */
export async function locateSerialDevice(criteria: SerialDeviceCriteria, deps: LocateDeps): Promise<string | null> {
  if (criteria.path !== undefined && (await deps.exists(criteria.path))) return criteria.path;
  if (criteria.byIdContains !== undefined) {
    const names = await readdir(deps.byIdDir).catch(() => [] as string[]);
    const hit = names.find((n) => n.includes(criteria.byIdContains!));
    if (hit !== undefined) return realpath(path.join(deps.byIdDir, hit)).catch(() => null);
  }
  if (criteria.vendorId !== undefined && criteria.productId !== undefined) {
    const vid = criteria.vendorId.toLowerCase();
    const pid = criteria.productId.toLowerCase();
    const ports = await deps.list().catch(() => [] as SerialPortListing[]);
    const hit = ports.find((p) => p.vendorId?.toLowerCase() === vid && p.productId?.toLowerCase() === pid);
    if (hit) return hit.path;
  }
  return null;
}
