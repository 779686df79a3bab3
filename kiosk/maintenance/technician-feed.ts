import { err, ok, type Result } from '../../shared/result.js';
import { isTechnicianCredential, type TechnicianChange } from '../../shared/sync.js';
import type { SqliteTechnicianRegistry } from './technician-registry.js';

export interface TechnicianFeedOptions {
  /** Central's base URL, e.g. `http://127.0.0.1:8081`. */
  readonly centralUrl: string;
  readonly kioskId: string;
  readonly token: string;
  readonly registry: SqliteTechnicianRegistry;
  readonly fetch?: typeof fetch;
  readonly pageSize?: number;
  readonly timeoutMs?: number;
}

export interface TechnicianFeedFailure {
  readonly code: 'unreachable' | 'http-error' | 'bad-answer';
  readonly message: string;
}

/**
 * Pulls `technician` changes from central's change feed (`types=technician`) into a separate
 * registry file. A malformed page changes nothing.
 *
 * @deprecated The kiosk's `SyncWorker` now asks for technician changes with the rest of the
 * feed and keeps them in the kiosk store; use `new StoreTechnicianRegistry(store.caches)` and
 * drop this feed. Kept working so existing callers compile and behave as before.
 */
export class TechnicianFeed {
  constructor(private readonly options: TechnicianFeedOptions) {}

  async pull(): Promise<Result<{ readonly applied: number }, TechnicianFeedFailure>> {
    const o = this.options;
    const doFetch = o.fetch ?? fetch;
    let applied = 0;
    for (let page = 0; page < 1000; page++) {
      const cursor = await o.registry.cursor();
      const url = `${o.centralUrl.replace(/\/$/, '')}/v1/kiosks/${encodeURIComponent(o.kioskId)}/changes?cursor=${cursor}&limit=${o.pageSize ?? 100}&types=technician`;
      let res: Response;
      try {
        res = await doFetch(url, { headers: { authorization: `Bearer ${o.token}` }, signal: AbortSignal.timeout(o.timeoutMs ?? 10_000) });
      } catch (e) {
        return err({ code: 'unreachable', message: e instanceof Error ? e.message : String(e) });
      }
      if (!res.ok) return err({ code: 'http-error', message: `central answered ${res.status}` });
      const body: unknown = await res.json().catch(() => null);
      const parsed = asTechnicianPage(body);
      if (!parsed) return err({ code: 'bad-answer', message: 'the technician page is malformed' });
      await o.registry.apply(parsed.changes, parsed.cursor);
      applied += parsed.changes.length;
      if (!parsed.more || parsed.changes.length === 0) break;
    }
    return ok({ applied });
  }
}

function asTechnicianPage(v: unknown): { changes: TechnicianChange[]; cursor: number; more: boolean } | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o['changes']) || !Number.isSafeInteger(o['cursor']) || typeof o['more'] !== 'boolean') return null;
  const changes: TechnicianChange[] = [];
  for (const c of o['changes'] as unknown[]) {
    const ch = c as Record<string, unknown> | null;
    if (!ch || ch['type'] !== 'technician' || !Number.isSafeInteger(ch['cursor']) || !isTechnicianCredential(ch['technician'])) return null;
    changes.push(ch as unknown as TechnicianChange);
  }
  return { changes, cursor: o['cursor'] as number, more: o['more'] };
}
