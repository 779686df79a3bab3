/**
 * Each video call's outcome for the insight views, in central's own database (`call_sessions`):
 * when it was offered, answered and ended, and whether it was answered, abandoned by the
 * passenger or left unanswered (no agent, or none in time). Written from the call queue's audit
 * events (central/calls/queue.ts) in their order; each write is idempotent, so an event seen
 * twice (a restart, a failover) changes nothing. Each write also counts the call's station and
 * day again into the per-day rollup, in the same transaction.
 */
import type { SqlDatabase } from '../storage/sql-database.js';
import { refreshRollups, sliceOf } from './rollups.js';

/** One event the call queue audits: who did what to which call, when (epoch ms). */
export interface CallEvent {
  readonly callId: string;
  readonly actor: string;
  readonly action: string;
  readonly detail: string | null;
  readonly atMs: number;
}

const OFFER = `INSERT INTO call_sessions (call_id, kiosk_id, station_id, lane, offered_ms, answered_ms, ended_ms, outcome)
  VALUES ($1, $2, (SELECT station_id FROM kiosks WHERE id = $2), $3, $4, NULL, $5, $6) ON CONFLICT DO NOTHING`;

/** Records call events in order; `flush()` waits for those given so far. */
export class CallSessionRecorder {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: SqlDatabase,
    private readonly onError: (e: Error) => void,
  ) {}

  record(e: CallEvent): void {
    const write = this.writeFor(e);
    if (!write) return;
    this.chain = this.chain.then(() =>
      this.db
        .transaction(async (q) => {
          await q.run(write.sql, write.params);
          // The call's day at its station, counted again (central/insight/rollups.ts).
          const row = (await q.all('SELECT offered_ms, station_id FROM call_sessions WHERE call_id = $1', [e.callId]))[0];
          if (row) {
            const station = typeof row['station_id'] === 'string' ? row['station_id'] : null;
            await refreshRollups(q, this.db.dialect, [sliceOf('calls', Number(row['offered_ms']), station), sliceOf('waits', Number(row['offered_ms']), station)]);
          }
        })
        .then(() => undefined)
        .catch((err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err)))),
    );
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private writeFor(e: CallEvent): { sql: string; params: (string | number | null)[] } | null {
    const kiosk = /^kiosk:(.+)$/.exec(e.actor)?.[1] ?? null;
    const lane = e.detail === 'emergency' ? 'emergency' : 'information';
    if (e.action === 'request' && kiosk !== null) return { sql: OFFER, params: [e.callId, kiosk, lane, e.atMs, null, 'waiting'] };
    // No agent on duty when the passenger asked: offered and at once unanswered.
    if (e.action === 'fallback:no-agent' && kiosk !== null) return { sql: OFFER, params: [e.callId, kiosk, lane, e.atMs, e.atMs, 'unanswered'] };
    if (e.action === 'answer') return { sql: `UPDATE call_sessions SET answered_ms = $2, outcome = 'answered' WHERE call_id = $1 AND outcome = 'waiting'`, params: [e.callId, e.atMs] };
    if (e.action.startsWith('fallback:')) return { sql: `UPDATE call_sessions SET ended_ms = $2, outcome = 'unanswered' WHERE call_id = $1 AND outcome = 'waiting'`, params: [e.callId, e.atMs] };
    if (e.action.startsWith('left:')) return { sql: `UPDATE call_sessions SET ended_ms = $2, outcome = 'abandoned' WHERE call_id = $1 AND outcome = 'waiting'`, params: [e.callId, e.atMs] };
    if (e.action.startsWith('end:')) {
      return {
        sql: `UPDATE call_sessions SET ended_ms = COALESCE(ended_ms, $2), outcome = CASE WHEN outcome = 'waiting' THEN 'abandoned' ELSE outcome END WHERE call_id = $1`,
        params: [e.callId, e.atMs],
      };
    }
    return null;
  }
}
