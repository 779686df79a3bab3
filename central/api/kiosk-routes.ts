import type { AnyDownChange, IngestReject, IngestResponse, ChangesResponse } from '../../shared/sync.js';
import type { ValidItem } from '../storage/types.js';
import type { ApiContext, Handlers } from './context.js';
import { authenticatedKiosk } from './auth.js';
import { ItemValidator } from './validation.js';

/**
 * What else runs once a batch is stored (central/problems/: the problem detector). It is started,
 * not awaited: the kiosk is answered as soon as its items are stored. A busy station's problem
 * is decided once a round for every batch at it, under one lock shared by every instance, and a
 * kiosk's sync has no reason to wait for that (measured: the fleet's p99 on three instances halved).
 * It must not throw; the sweep picks up anything it did not decide.
 */
export type AfterIngest = (kioskId: string, stored: readonly ValidItem[]) => Promise<unknown>;

/** The kiosk side: ingest and changes. Authentication has already run (see `app.ts`). */
export function kioskHandlers(ctx: ApiContext, afterIngest?: AfterIngest): Handlers<'health' | 'ingestBatch' | 'getChanges'> {
  const validator = new ItemValidator();
  return {
    health: () => Promise.resolve({ status: 'ok', serverTime: ctx.now().toISOString(), engine: ctx.storage.engine }),

    ingestBatch: async (request): Promise<IngestResponse> => {
      const { kioskId } = request.params as { kioskId: string };
      const { items } = request.body as { items: unknown[] };
      const kiosk = authenticatedKiosk(request);
      const now = ctx.now();
      const valid: ValidItem[] = [];
      const rejects: IngestReject[] = [];
      for (const raw of items) {
        const checked = validator.check(raw, kiosk, now);
        if (checked.ok) valid.push(checked.item);
        else rejects.push(checked.reject);
      }
      const outcome = await ctx.storage.ingestBatch(kioskId, valid, ctx.now().toISOString());
      if (afterIngest && outcome.acks.some((a) => a.status === 'stored')) {
        const stored = new Set(outcome.acks.filter((a) => a.status === 'stored').map((a) => a.id));
        void afterIngest(kioskId, valid.filter((v) => stored.has(v.item.id))).catch(() => undefined);
      }
      return { acks: outcome.acks, rejects: [...rejects, ...outcome.rejects], serverTime: ctx.now().toISOString() };
    },

    getChanges: async (request): Promise<Omit<ChangesResponse, 'changes'> & { changes: readonly AnyDownChange[] }> => {
      const { kioskId } = request.params as { kioskId: string };
      const { cursor, limit, types } = request.query as { cursor: number; limit: number; types?: string };
      const page = await ctx.storage.changesSince(kioskId, cursor, limit, types === undefined ? undefined : [...new Set(types.split(','))] as AnyDownChange['type'][]);
      return { ...page, serverTime: ctx.now().toISOString() };
    },
  };
}
