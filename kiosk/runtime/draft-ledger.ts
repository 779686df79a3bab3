import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CreateTicketOutput } from '../flows/ports.js';

const KEEP = 200;

/**
 * Which ticket each report draft became (`draftId` → ticket), so that a flow restored after a
 * crash that asks again for the same draft gets the same ticket and no second one. A small JSON
 * file beside the store, newest entries kept.
 */
export class DraftLedger {
  private entries = new Map<string, CreateTicketOutput>();

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<DraftLedger> {
    const ledger = new DraftLedger(path);
    try {
      const raw = JSON.parse(await readFile(path, 'utf8')) as unknown;
      if (Array.isArray(raw)) {
        for (const e of raw) {
          if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'object' && e[1] !== null) ledger.entries.set(e[0], e[1] as CreateTicketOutput);
        }
      }
    } catch {
      // no ledger yet, or unreadable: start empty (the worst case is the window it was meant to close)
    }
    return ledger;
  }

  get(draftId: string): CreateTicketOutput | undefined {
    return this.entries.get(draftId);
  }

  async put(draftId: string, output: CreateTicketOutput): Promise<void> {
    this.entries.set(draftId, output);
    while (this.entries.size > KEEP) this.entries.delete(this.entries.keys().next().value as string);
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, JSON.stringify([...this.entries]), { flush: true });
    await rename(tmp, this.path);
  }
}
