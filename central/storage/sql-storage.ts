import type { KioskHeartbeat, StoredHeartbeat } from '../../shared/heartbeat.js';
import type { StationTable } from '../../shared/stations.js';
import { DEFAULT_DOWN_CHANGE_TYPES, type AnyDownChange, type BlocklistEntry, type DeviceEvent, type EmergencyAlarm, type FaqArticle, type IngestAck, type IngestReject, type TechnicianCredential } from '../../shared/sync.js';
import type { Rating, Ticket, TicketCategory, TicketStatus } from '../../shared/ticket.js';
import type { TicketPriority } from '../../shared/words.js';
import { AccountStore } from '../accounts/store.js';
import { AdminStore } from '../admin/store.js';
import { countNewFacts, refreshRollups, sliceOf, type NewRating } from '../insight/rollups.js';
import { ProblemStore } from '../problems/store.js';
import type { Row, SqlDatabase, SqlExecutor, SqlParam } from './sql-database.js';
import type {
  AlarmFilter,
  AlarmStep,
  StoredAlarm,
  CallFollowUp,
  CardRevealRecord,
  CentralStorage,
  ChangesPage,
  ConfigAuditEntry,
  IngestOutcome,
  KioskRecord,
  Page,
  StatusChange,
  StoredDeviceEvent,
  StoredRating,
  StoredTicket,
  TicketFilter,
  TechnicianInfo,
  TicketActivity,
  TicketActivityKind,
  TicketHistoryEntry,
  ValidItem,
} from './types.js';

type ChangeBody = AnyDownChange extends infer C ? (C extends AnyDownChange ? Omit<C, 'cursor'> : never) : never;
type Config = Record<string, unknown>;

const GLOBAL_CONFIG_KEY = 'global-config';

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? v.toString() : JSON.stringify(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));
const num = (v: unknown): number => Number(v);

function parseJson<T>(v: unknown): T {
  return JSON.parse(str(v)) as T;
}

function toKiosk(r: Row): KioskRecord {
  return { id: str(r['id']), stationId: strOrNull(r['station_id']), tokenHash: str(r['token_hash']), createdAt: str(r['created_at']), ticketCode: strOrNull(r['ticket_code']) };
}

function toTicket(r: Row): StoredTicket {
  return {
    ...parseJson<Ticket>(r['body']),
    status: str(r['status']) as TicketStatus,
    statusNote: strOrNull(r['status_note']),
    updatedAt: str(r['updated_at']),
    receivedAt: str(r['received_at']),
    serverSeq: num(r['server_seq']),
    assignee: strOrNull(r['assignee']),
    priority: (strOrNull(r['priority']) ?? 'normal') as TicketPriority,
  };
}

function toAlarm(r: Row): StoredAlarm {
  return {
    ...parseJson<EmergencyAlarm>(r['body']),
    receivedAt: str(r['received_at']),
    state: str(r['state']) as StoredAlarm['state'],
    escalatedAt: strOrNull(r['escalated_at']),
    acknowledgedAt: strOrNull(r['acknowledged_at']),
    acknowledgedBy: strOrNull(r['acknowledged_by']),
    acknowledgedRole: strOrNull(r['acknowledged_role']),
  };
}

const TICKET_TARGETS_KEY = 'ticket-targets';
/** Statuses that close a ticket (as central/staff/ticket-work.ts counts them). */
const FINISHED: readonly TicketStatus[] = ['resolved', 'closed', 'rejected'];
/** Heartbeats further apart than this (central's default silent time, 180 s) make an outage. */
export const OUTAGE_AFTER_MS = 180_000;

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Rows per multi-row statement: 500 items × 11 columns stays far below both engines' parameter limits. */
const ROWS_PER_STATEMENT = 500;

function chunks<T>(all: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.slice(i, i + size));
  return out;
}

/** `($1, $2), ($3, $4)`; `shape` may place the row's parameters among literals. */
function placeholders(rows: number, perRow: number, shape: (p: string[]) => string[] = (p) => p): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p = Array.from({ length: perRow }, (_, i) => `$${r * perRow + i + 1}`);
    out.push(`(${shape(p).join(', ')})`);
  }
  return out.join(', ');
}

/** What a stored row says about an item the INSERT skipped; undefined when no stored row concerns it. */
function classifyExisting(existing: readonly Row[], kioskId: string, { item }: ValidItem): IngestAck | IngestReject | undefined {
  const same = existing.find((r) => str(r['id']) === item.id && str(r['kiosk_id']) === kioskId && num(r['seq']) === item.seq);
  if (same) return { id: item.id, seq: item.seq, status: 'duplicate', serverSeq: num(same['server_seq']), receivedAt: str(same['received_at']) };
  if (existing.some((r) => str(r['id']) === item.id)) {
    return { id: item.id, seq: item.seq, code: 'id-conflict', reason: 'this item id was already stored with another seq or kiosk' };
  }
  if (existing.some((r) => str(r['kiosk_id']) === kioskId && num(r['seq']) === item.seq)) {
    return { id: item.id, seq: item.seq, code: 'seq-conflict', reason: `seq ${item.seq} was already stored with another item id` };
  }
  return undefined;
}

/** Central's storage logic, written once over the `SqlDatabase` port; the engines differ only in their driver. */
export class SqlCentralStorage implements CentralStorage {
  readonly accounts: AccountStore;
  readonly admin: AdminStore;
  readonly problems: ProblemStore;
  constructor(private readonly db: SqlDatabase) {
    this.accounts = new AccountStore(db);
    this.admin = new AdminStore(db);
    this.problems = new ProblemStore(db);
  }

  get engine(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  get database(): SqlDatabase {
    return this.db;
  }

  /**
   * One multi-row INSERT per table per batch (items, tickets, ticket history), in seq order, in
   * one transaction that first takes the kiosk's ingest lock. Items the bulk INSERT skipped (a
   * repeat, or an id/seq stored before) are answered from one lookup; only an item that neither
   * went in nor matches a stored row goes through the one-item path.
   */
  ingestBatch(kioskId: string, items: readonly ValidItem[], receivedAt: string): Promise<IngestOutcome> {
    if (items.length === 0) return Promise.resolve({ acks: [], rejects: [] });
    return this.db.transaction(async (q) => {
      await this.db.lockKiosk(q, kioskId);
      const outcomes = new Map<ValidItem, IngestAck | IngestReject>();
      const ordered = [...items].sort((a, b) => a.item.seq - b.item.seq);

      // Items: whatever goes in gets its server_seq in seq order.
      const inserted = new Map<string, { seq: number; serverSeq: number }>();
      for (const chunk of chunks(ordered, ROWS_PER_STATEMENT)) {
        const rows = await q.all(
          `INSERT INTO items (id, kiosk_id, seq, kind, created_at, received_at, payload) VALUES ${placeholders(chunk.length, 7)}
           ON CONFLICT DO NOTHING RETURNING id, seq, server_seq`,
          chunk.flatMap(({ item, payload }) => [item.id, kioskId, item.seq, payload.kind, item.createdAt, receivedAt, JSON.stringify(payload)]),
        );
        for (const r of rows) inserted.set(str(r['id']), { seq: num(r['seq']), serverSeq: num(r['server_seq']) });
      }
      const mine: ValidItem[] = [];
      const skipped: ValidItem[] = [];
      for (const v of ordered) {
        const row = inserted.get(v.item.id);
        if (row && row.seq === v.item.seq) {
          inserted.delete(v.item.id);
          mine.push(v);
          outcomes.set(v, { id: v.item.id, seq: v.item.seq, status: 'stored', serverSeq: row.serverSeq, receivedAt });
        } else skipped.push(v);
      }

      // Tickets of the items that went in; a ticket id stored before (or twice in this batch)
      // takes its item back out, as if it had never been stored.
      const ticketItems = mine.filter((v) => v.payload.kind === 'ticket');
      const ticketOf = (v: ValidItem): Ticket => (v.payload as { ticket: Ticket }).ticket;
      const created = new Set<string>();
      for (const chunk of chunks(ticketItems, ROWS_PER_STATEMENT)) {
        const rows = await q.all(
          `INSERT INTO tickets (id, item_id, server_seq, kiosk_id, station_id, category, description, phone, created_utc, received_at, status, status_note, updated_at, body, created_ms)
           VALUES ${placeholders(chunk.length, 12, (p) => [...p.slice(0, 10), "'open'", 'NULL', p[9]!, p[10]!, p[11]!])} ON CONFLICT DO NOTHING RETURNING item_id`,
          chunk.flatMap((v) => {
            const t = ticketOf(v);
            const serverSeq = (outcomes.get(v) as IngestAck).serverSeq;
            const created = new Date(t.createdAt);
            return [t.id, v.item.id, serverSeq, t.kioskId, t.stationId, t.category, t.description, t.phone, created.toISOString(), receivedAt, JSON.stringify(t), created.getTime()];
          }),
        );
        for (const r of rows) created.add(str(r['item_id']));
      }
      const lost = ticketItems.filter((v) => !created.has(v.item.id));
      for (const chunk of chunks(lost, ROWS_PER_STATEMENT)) {
        await q.run(`DELETE FROM items WHERE id IN (${chunk.map((_, i) => `$${i + 1}`).join(', ')})`, chunk.map((v) => v.item.id));
      }
      for (const v of lost) {
        outcomes.set(v, { id: v.item.id, seq: v.item.seq, code: 'ticket-conflict', reason: `ticket ${ticketOf(v).id} was already stored from another item` });
      }
      await this.storeAlarms(q, kioskId, mine.filter((v) => v.payload.kind === 'alarm'), receivedAt);
      await this.problems.recordFaultReports(q, kioskId, mine);
      const history = ticketItems.filter((v) => created.has(v.item.id));
      for (const chunk of chunks(history, ROWS_PER_STATEMENT)) {
        await q.run(
          `INSERT INTO ticket_history (ticket_id, status, note, actor, at) VALUES ${placeholders(chunk.length, 3, (p) => [p[0]!, "'open'", 'NULL', p[1]!, p[2]!])}`,
          chunk.flatMap((v) => [ticketOf(v).id, `kiosk:${kioskId}`, receivedAt]),
        );
      }
      // The station's day counts last: they lock the station's slice of the day until the commit,
      // and every kiosk of a busy station waits for that lock, so it is held for as little as can be.
      await this.storeInsightFacts(q, kioskId, mine.filter((v) => v.payload.kind !== 'ticket' || created.has(v.item.id)));

      // The rest: repeats and conflicts, answered from what is stored.
      const unresolved: ValidItem[] = [];
      for (const chunk of chunks(skipped, ROWS_PER_STATEMENT)) {
        const ids = chunk.map((v) => v.item.id);
        const seqs = chunk.map((v) => v.item.seq);
        const existing = await q.all(
          `SELECT id, kiosk_id, seq, server_seq, received_at FROM items
           WHERE id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')}) OR (kiosk_id = $1 AND seq IN (${seqs.map((_, i) => `$${i + 2 + ids.length}`).join(', ')}))`,
          [kioskId, ...ids, ...seqs],
        );
        for (const v of chunk) {
          const outcome = classifyExisting(existing, kioskId, v);
          if (outcome) outcomes.set(v, outcome);
          else unresolved.push(v);
        }
      }
      for (const v of unresolved) outcomes.set(v, await this.ingestItem(q, kioskId, v, receivedAt));

      const acks: IngestAck[] = [];
      const rejects: IngestReject[] = [];
      for (const v of items) {
        const outcome = outcomes.get(v);
        if (!outcome) continue;
        if ('status' in outcome) acks.push(outcome);
        else rejects.push(outcome);
        outcomes.delete(v);
      }
      return { acks, rejects };
    });
  }

  /**
   * Ratings and device events as rows of their own beside their items, for the insight views
   * (central/insight/): the kiosk's station at the time, the kiosk's time as epoch ms.
   */
  private async storeInsightFacts(q: SqlExecutor, kioskId: string, stored: readonly ValidItem[]): Promise<void> {
    const ratings = stored.filter((v) => v.payload.kind === 'rating');
    const events = stored.filter((v) => v.payload.kind === 'device-event');
    // The per-day rollups (central/insight/rollups.ts) count the tickets stored and the ratings that went in.
    const tickets = stored.flatMap((v) => (v.payload.kind === 'ticket' ? [{ createdMs: Date.parse(v.payload.ticket.createdAt), stationId: v.payload.ticket.stationId, category: v.payload.ticket.category }] : []));
    if (ratings.length === 0 && events.length === 0) return countNewFacts(q, this.db.dialect, tickets, []);
    const station = strOrNull((await q.all('SELECT station_id FROM kiosks WHERE id = $1', [kioskId]))[0]?.['station_id']);
    const newRatings: NewRating[] = [];
    for (const chunk of chunks(ratings, ROWS_PER_STATEMENT)) {
      const rows = await q.all(
        `INSERT INTO ratings (item_id, kiosk_id, station_id, score, reason, service, ticket_id, created_ms) VALUES ${placeholders(chunk.length, 8)} ON CONFLICT DO NOTHING
         RETURNING station_id, score, reason, service, created_ms`,
        chunk.flatMap(({ item, payload }) => {
          const r = (payload as { rating: Rating }).rating;
          const reason = r.reason?.trim() ?? '';
          return [item.id, kioskId, station, r.score, reason === '' ? null : reason, r.service, r.ticketId, Date.parse(r.createdAt)];
        }),
      );
      for (const r of rows) newRatings.push({ createdMs: num(r['created_ms']), stationId: strOrNull(r['station_id']), score: num(r['score']), reason: strOrNull(r['reason']), service: str(r['service']) });
    }
    for (const chunk of chunks(events, ROWS_PER_STATEMENT)) {
      await q.run(
        `INSERT INTO device_events (item_id, kiosk_id, station_id, device, event, severity, created_ms) VALUES ${placeholders(chunk.length, 7)} ON CONFLICT DO NOTHING`,
        chunk.flatMap(({ item, payload }) => {
          const e = (payload as { event: DeviceEvent }).event;
          return [item.id, kioskId, station, e.device, e.event, e.severity, Date.parse(item.createdAt)];
        }),
      );
    }
    await countNewFacts(q, this.db.dialect, tickets, newRatings);
  }

  private async ingestItem(q: SqlExecutor, kioskId: string, { item, payload }: ValidItem, receivedAt: string): Promise<IngestAck | IngestReject> {
    const isTicket = payload.kind === 'ticket';
    if (isTicket) await q.run('SAVEPOINT ingest_item');
    const inserted = await q.all(
      `INSERT INTO items (id, kiosk_id, seq, kind, created_at, received_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING server_seq`,
      [item.id, kioskId, item.seq, payload.kind, item.createdAt, receivedAt, JSON.stringify(payload)],
    );
    const first = inserted[0];
    if (first) {
      const serverSeq = num(first['server_seq']);
      if (payload.kind === 'ticket') {
        const t = payload.ticket;
        const created = await q.all(
          `INSERT INTO tickets (id, item_id, server_seq, kiosk_id, station_id, category, description, phone, created_utc, received_at, status, status_note, updated_at, body, created_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', NULL, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING id`,
          [t.id, item.id, serverSeq, t.kioskId, t.stationId, t.category, t.description, t.phone, new Date(t.createdAt).toISOString(), receivedAt, JSON.stringify(t), new Date(t.createdAt).getTime()],
        );
        if (created.length === 0) {
          await q.run('ROLLBACK TO SAVEPOINT ingest_item');
          await q.run('RELEASE SAVEPOINT ingest_item');
          return { id: item.id, seq: item.seq, code: 'ticket-conflict', reason: `ticket ${t.id} was already stored from another item` };
        }
        await q.run('INSERT INTO ticket_history (ticket_id, status, note, actor, at) VALUES ($1, $2, NULL, $3, $4)', [t.id, 'open', `kiosk:${kioskId}`, receivedAt]);
        await q.run('RELEASE SAVEPOINT ingest_item');
      }
      if (payload.kind === 'alarm') await this.storeAlarms(q, kioskId, [{ item, payload }], receivedAt);
      await this.storeInsightFacts(q, kioskId, [{ item, payload }]);
      if (payload.kind === 'device-event') await this.problems.recordFaultReports(q, kioskId, [{ item, payload }]);
      return { id: item.id, seq: item.seq, status: 'stored', serverSeq, receivedAt };
    }
    if (isTicket) await q.run('RELEASE SAVEPOINT ingest_item');
    const existing = await q.all('SELECT id, kiosk_id, seq, server_seq, received_at FROM items WHERE id = $1 OR (kiosk_id = $2 AND seq = $3)', [
      item.id,
      kioskId,
      item.seq,
    ]);
    const same = existing.find((r) => str(r['id']) === item.id && str(r['kiosk_id']) === kioskId && num(r['seq']) === item.seq);
    if (same) return { id: item.id, seq: item.seq, status: 'duplicate', serverSeq: num(same['server_seq']), receivedAt: str(same['received_at']) };
    if (existing.some((r) => str(r['id']) === item.id)) {
      return { id: item.id, seq: item.seq, code: 'id-conflict', reason: 'this item id was already stored with another seq or kiosk' };
    }
    return { id: item.id, seq: item.seq, code: 'seq-conflict', reason: `seq ${item.seq} was already stored with another item id` };
  }

  /** The alarms of items that went in: once per alarm id (a repeat under a new item id adds nothing), each with its `raised` step. */
  private async storeAlarms(q: SqlExecutor, kioskId: string, items: readonly ValidItem[], receivedAt: string): Promise<void> {
    const receivedMs = Date.parse(receivedAt);
    for (const v of items) {
      if (v.payload.kind !== 'alarm') continue;
      const a = v.payload.alarm;
      const rows = await q.all(
        `INSERT INTO alarms (id, item_id, kiosk_id, station_id, raised_at, received_at, received_ms, body, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open') ON CONFLICT DO NOTHING RETURNING id`,
        [a.id, v.item.id, kioskId, a.stationId, a.raisedAt, receivedAt, receivedMs, JSON.stringify(a)],
      );
      if (rows.length > 0) await q.run(`INSERT INTO alarm_steps (alarm_id, step, actor, role, at) VALUES ($1, 'raised', $2, 'kiosk', $3)`, [a.id, `kiosk:${kioskId}`, receivedAt]);
    }
  }

  async listAlarms(filter: AlarmFilter): Promise<StoredAlarm[]> {
    const where: string[] = [];
    const params: SqlParam[] = [filter.limit];
    if (filter.state === 'open') where.push("state IN ('open', 'escalated')");
    if (filter.state === 'escalated') where.push("state = 'escalated'");
    if (filter.stationId !== null) {
      params.push(filter.stationId);
      where.push(`station_id = $${params.length}`);
    }
    return this.db.read(async (q) =>
      (await q.all(`SELECT * FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_ms DESC, id LIMIT $1`, params)).map(toAlarm),
    );
  }

  async getAlarm(id: string): Promise<{ alarm: StoredAlarm; steps: AlarmStep[] } | null> {
    return this.db.read(async (q) => {
      const row = (await q.all('SELECT * FROM alarms WHERE id = $1', [id]))[0];
      if (!row) return null;
      const steps = (await q.all('SELECT step, actor, role, at FROM alarm_steps WHERE alarm_id = $1 ORDER BY id', [id])).map((r) => ({
        step: str(r['step']) as AlarmStep['step'],
        actor: str(r['actor']),
        role: strOrNull(r['role']),
        at: str(r['at']),
      }));
      return { alarm: toAlarm(row), steps };
    });
  }

  async acknowledgeAlarm(id: string, by: { readonly name: string; readonly role: string; readonly kind: 'staff' | 'agent' }, at: string): Promise<{ acknowledged: boolean; alarm: StoredAlarm } | null> {
    return this.db.transaction(async (q) => {
      const done = await q.all(
        `UPDATE alarms SET state = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, acknowledged_role = $4
         WHERE id = $1 AND state IN ('open', 'escalated') RETURNING *`,
        [id, at, by.name, by.role],
      );
      const row = done[0];
      if (!row) {
        const existing = (await q.all('SELECT * FROM alarms WHERE id = $1', [id]))[0];
        return existing ? { acknowledged: false, alarm: toAlarm(existing) } : null;
      }
      const alarm = toAlarm(row);
      await q.run(`INSERT INTO alarm_steps (alarm_id, step, actor, role, at) VALUES ($1, 'acknowledged', $2, $3, $4)`, [id, by.name, by.role, at]);
      await this.addChange(q, { type: 'alarm', alarm: { id, state: 'acknowledged', by: by.kind, at } }, at, { kioskId: alarm.kioskId, stationId: null });
      return { acknowledged: true, alarm };
    });
  }

  async markAlarmSeen(id: string, by: { readonly name: string; readonly role: string }, at: string): Promise<boolean | null> {
    return this.db.transaction(async (q) => {
      if ((await q.all('SELECT id FROM alarms WHERE id = $1', [id])).length === 0) return null;
      const rows = await q.all(`INSERT INTO alarm_steps (alarm_id, step, actor, role, at) VALUES ($1, 'seen', $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`, [id, by.name, by.role, at]);
      return rows.length > 0;
    });
  }

  async escalateDueAlarms(cutoffMs: number, at: string): Promise<StoredAlarm[]> {
    return this.db.transaction(async (q) => {
      const rows = await q.all(`UPDATE alarms SET state = 'escalated', escalated_at = $2 WHERE state = 'open' AND received_ms <= $1 RETURNING *`, [cutoffMs, at]);
      for (const r of rows) await q.run(`INSERT INTO alarm_steps (alarm_id, step, actor, role, at) VALUES ($1, 'escalated', 'central', NULL, $2)`, [str(r['id']), at]);
      return rows.map(toAlarm);
    });
  }

  private async addChange(q: SqlExecutor, body: ChangeBody, at: string, scope: { kioskId: string | null; stationId: string | null }): Promise<void> {
    await this.db.lockChanges(q);
    await q.run('INSERT INTO changes (type, kiosk_id, station_id, body, at) VALUES ($1, $2, $3, $4, $5)', [
      body.type,
      scope.kioskId,
      scope.stationId,
      JSON.stringify(body),
      at,
    ]);
  }

  async changesSince(kioskId: string, cursor: number, limit: number, types: readonly AnyDownChange['type'][] = DEFAULT_DOWN_CHANGE_TYPES): Promise<ChangesPage> {
    return this.db.read(async (q) => {
      const kiosk = await q.all('SELECT station_id FROM kiosks WHERE id = $1', [kioskId]);
      const stationId = kiosk[0] ? strOrNull(kiosk[0]['station_id']) : null;
      const typeList = types.map((_, i) => `$${i + 5}`).join(', ');
      const rows = await q.all(
        `SELECT id, body FROM changes
         WHERE id > $1 AND ((kiosk_id IS NULL AND station_id IS NULL) OR kiosk_id = $2 OR station_id = $3) AND type IN (${typeList || 'NULL'})
         ORDER BY id LIMIT $4`,
        [cursor, kioskId, stationId, limit + 1, ...types],
      );
      const page = rows.slice(0, limit);
      const changes = page.map((r) => ({ ...parseJson<ChangeBody>(r['body']), cursor: num(r['id']) }));
      const last = changes[changes.length - 1];
      return { changes, cursor: last ? last.cursor : cursor, more: rows.length > limit };
    });
  }

  async listTickets(filter: TicketFilter): Promise<{ tickets: StoredTicket[]; total: number }> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    const add = (clause: (p: string) => string, value: SqlParam): void => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
    if (filter.category !== undefined) add((p) => `category = ${p}`, filter.category);
    if (filter.stationId !== undefined) add((p) => `station_id = ${p}`, filter.stationId);
    if (filter.kioskId !== undefined) add((p) => `kiosk_id = ${p}`, filter.kioskId);
    if (filter.from !== undefined) add((p) => `created_utc >= ${p}`, new Date(filter.from).toISOString());
    if (filter.to !== undefined) add((p) => `created_utc <= ${p}`, new Date(filter.to).toISOString());
    if (filter.assignee !== undefined) add((p) => `assignee = ${p}`, filter.assignee);
    if (filter.priority !== undefined) add((p) => `priority = ${p}`, filter.priority);
    // Every word must occur somewhere; a word is a substring (Chinese has no spaces between words).
    for (const word of (filter.q ?? '').split(/\s+/).filter((w) => w !== '').slice(0, 8)) {
      const like = this.db.ilike;
      add(
        (p) =>
          `(tickets.description ${like} ${p} ESCAPE '\\' OR tickets.id ${like} ${p} ESCAPE '\\' OR tickets.phone ${like} ${p} ESCAPE '\\'` +
          ` OR tickets.assignee ${like} ${p} ESCAPE '\\'` +
          ` OR EXISTS (SELECT 1 FROM ticket_history h WHERE h.ticket_id = tickets.id AND h.note ${like} ${p} ESCAPE '\\')` +
          ` OR EXISTS (SELECT 1 FROM ticket_activity a WHERE a.ticket_id = tickets.id AND a.kind IN ('note', 'reopen') AND a.body ${like} ${p} ESCAPE '\\'))`,
        `%${escapeLike(word)}%`,
      );
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    return this.db.read(async (q) => {
      const count = await q.all(`SELECT COUNT(*) AS n FROM tickets ${clause}`, params);
      const rows = await q.all(`SELECT * FROM tickets ${clause} ORDER BY created_utc DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
        ...params,
        filter.limit,
        filter.offset,
      ]);
      return { tickets: rows.map(toTicket), total: num(count[0]?.['n'] ?? 0) };
    });
  }

  getTicket(id: string): Promise<{ ticket: StoredTicket; history: TicketHistoryEntry[] } | null> {
    return this.db.read(async (q) => {
      const row = (await q.all('SELECT * FROM tickets WHERE id = $1', [id]))[0];
      if (!row) return null;
      const history = await q.all('SELECT status, note, actor, at FROM ticket_history WHERE ticket_id = $1 ORDER BY id', [id]);
      return {
        ticket: toTicket(row),
        history: history.map((h) => ({ status: str(h['status']) as TicketStatus, note: strOrNull(h['note']), actor: str(h['actor']), at: str(h['at']) })),
      };
    });
  }

  changeTicketStatus(change: StatusChange): Promise<StoredTicket | null> {
    return this.db.transaction(async (q) => {
      // For the insight views: the first staff response, and the close that holds (a reopening clears it).
      const atMs = Date.parse(change.at);
      const updated = await q.all(
        `UPDATE tickets SET status = $1, status_note = $2, updated_at = $3,
           first_response_ms = COALESCE(first_response_ms, $5),
           closed_ms = CASE WHEN $7 = 1 THEN COALESCE(closed_ms, $6) ELSE NULL END
         WHERE id = $4 RETURNING *`,
        [change.status, change.note, change.at, change.ticketId, change.actor.startsWith('kiosk:') ? null : atMs, atMs, FINISHED.includes(change.status) ? 1 : 0],
      );
      const row = updated[0];
      if (!row) return null;
      await refreshRollups(q, this.db.dialect, [sliceOf('tickets', num(row['created_ms']), str(row['station_id'])), sliceOf('durations', num(row['created_ms']), null)]);
      await q.run('INSERT INTO ticket_history (ticket_id, status, note, actor, at) VALUES ($1, $2, $3, $4, $5)', [
        change.ticketId,
        change.status,
        change.note,
        change.actor,
        change.at,
      ]);
      const ticket = toTicket(row);
      await this.addChange(
        q,
        { type: 'ticket-status', update: { ticketId: change.ticketId, status: change.status, note: change.note, updatedAt: change.at } },
        change.at,
        { kioskId: ticket.kioskId, stationId: ticket.stationId },
      );
      return ticket;
    });
  }

  listTicketActivity(ticketId: string): Promise<TicketActivity[]> {
    return this.db.read(async (q) =>
      (await q.all('SELECT kind, body, actor, at FROM ticket_activity WHERE ticket_id = $1 ORDER BY id', [ticketId])).map((r) => ({
        kind: str(r['kind']) as TicketActivityKind,
        text: str(r['body']),
        actor: str(r['actor']),
        at: str(r['at']),
      })),
    );
  }

  addTicketActivity(ticketId: string, activity: TicketActivity): Promise<StoredTicket | null> {
    return this.db.transaction(async (q) => {
      const rows =
        activity.kind === 'assign'
          ? await q.all('UPDATE tickets SET assignee = $1, updated_at = $2 WHERE id = $3 RETURNING *', [activity.text === '' ? null : activity.text, activity.at, ticketId])
          : activity.kind === 'priority'
            ? await q.all('UPDATE tickets SET priority = $1, updated_at = $2 WHERE id = $3 RETURNING *', [activity.text, activity.at, ticketId])
            : await q.all('SELECT * FROM tickets WHERE id = $1', [ticketId]);
      const row = rows[0];
      if (!row) return null;
      await q.run('INSERT INTO ticket_activity (ticket_id, kind, body, actor, at) VALUES ($1, $2, $3, $4, $5)', [ticketId, activity.kind, activity.text, activity.actor, activity.at]);
      return toTicket(row);
    });
  }

  listCallFollowUps(): Promise<CallFollowUp[]> {
    return this.db.read(async (q) =>
      (await q.all('SELECT call_id, done_by, done_at, note FROM call_followups ORDER BY done_at')).map((r) => ({
        callId: str(r['call_id']),
        doneBy: str(r['done_by']),
        doneAt: str(r['done_at']),
        note: strOrNull(r['note']),
      })),
    );
  }

  putCallFollowUp(f: CallFollowUp): Promise<boolean> {
    return this.db.transaction(async (q) => (await q.run('INSERT INTO call_followups (call_id, done_by, done_at, note) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [f.callId, f.doneBy, f.doneAt, f.note])) === 1);
  }

  getTicketTargets(): Promise<Partial<Record<TicketCategory, number>>> {
    return this.db.read(async (q) => {
      const row = (await q.all('SELECT value FROM settings WHERE key = $1', [TICKET_TARGETS_KEY]))[0];
      return row ? parseJson<Partial<Record<TicketCategory, number>>>(row['value']) : {};
    });
  }

  putTicketTargets(targets: Partial<Record<TicketCategory, number>>): Promise<void> {
    return this.db.transaction(async (q) => {
      await q.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [TICKET_TARGETS_KEY, JSON.stringify(targets)]);
    });
  }

  private listItems(kind: 'rating' | 'device-event', page: Page): Promise<Row[]> {
    const params: SqlParam[] = [kind, page.limit, page.offset];
    let where = 'kind = $1';
    if (page.kioskId !== undefined) {
      params.push(page.kioskId);
      where += ` AND kiosk_id = $${params.length}`;
    }
    if (page.stationId !== undefined) {
      params.push(page.stationId);
      where += ` AND kiosk_id IN (SELECT id FROM kiosks WHERE station_id = $${params.length})`;
    }
    return this.db.read((q) => q.all(`SELECT id, kiosk_id, created_at, received_at, server_seq, payload FROM items WHERE ${where} ORDER BY server_seq DESC LIMIT $2 OFFSET $3`, params));
  }

  async listRatings(page: Page): Promise<StoredRating[]> {
    const rows = await this.listItems('rating', page);
    return rows.map((r) => ({
      ...parseJson<{ rating: Rating }>(r['payload']).rating,
      receivedAt: str(r['received_at']),
      serverSeq: num(r['server_seq']),
    }));
  }

  async listDeviceEvents(page: Page): Promise<StoredDeviceEvent[]> {
    const rows = await this.listItems('device-event', page);
    return rows.map((r) => ({
      ...parseJson<{ event: StoredDeviceEvent }>(r['payload']).event,
      itemId: str(r['id']),
      kioskId: str(r['kiosk_id']),
      createdAt: str(r['created_at']),
      receivedAt: str(r['received_at']),
      serverSeq: num(r['server_seq']),
    }));
  }

  countItems(kioskId?: string): Promise<number> {
    return this.db.read(async (q) => {
      const rows =
        kioskId === undefined
          ? await q.all('SELECT COUNT(*) AS n FROM items')
          : await q.all('SELECT COUNT(*) AS n FROM items WHERE kiosk_id = $1', [kioskId]);
      return num(rows[0]?.['n'] ?? 0);
    });
  }

  putHeartbeat(kioskId: string, heartbeat: KioskHeartbeat, receivedAt: string): Promise<void> {
    return this.db.transaction(async (q) => {
      // A gap longer than the silent time between two heartbeats is an outage, kept for the insight views.
      const previous = strOrNull((await q.all('SELECT received_at FROM kiosk_heartbeats WHERE kiosk_id = $1', [kioskId]))[0]?.['received_at']);
      const fromMs = previous === null ? NaN : Date.parse(previous);
      const toMs = Date.parse(receivedAt);
      if (toMs - fromMs > OUTAGE_AFTER_MS) await q.run('INSERT INTO kiosk_outages (kiosk_id, from_ms, to_ms) VALUES ($1, $2, $3)', [kioskId, fromMs, toMs]);
      await q.run(
        'INSERT INTO kiosk_heartbeats (kiosk_id, received_at, body) VALUES ($1, $2, $3) ON CONFLICT (kiosk_id) DO UPDATE SET received_at = excluded.received_at, body = excluded.body',
        [kioskId, receivedAt, JSON.stringify(heartbeat)],
      );
    });
  }

  listHeartbeats(): Promise<StoredHeartbeat[]> {
    return this.db.read(async (q) =>
      (await q.all('SELECT kiosk_id, received_at, body FROM kiosk_heartbeats ORDER BY kiosk_id')).map((r) => ({
        kioskId: str(r['kiosk_id']),
        receivedAt: str(r['received_at']),
        heartbeat: parseJson<KioskHeartbeat>(r['body']),
      })),
    );
  }

  listStationTables(): Promise<StationTable[]> {
    return this.db.read(async (q) => (await q.all('SELECT body FROM station_tables ORDER BY city_code')).map((r) => parseJson<StationTable>(r['body'])));
  }

  putStationTable(table: StationTable): Promise<void> {
    return this.db.transaction(async (q) => {
      await q.run(
        'INSERT INTO station_tables (city_code, body, updated_at) VALUES ($1, $2, $3) ON CONFLICT (city_code) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
        [table.cityCode, JSON.stringify(table), table.updatedAt],
      );
      await this.addChange(q, { type: 'stations', table }, table.updatedAt, { kioskId: null, stationId: null });
    });
  }

  listFaq(): Promise<FaqArticle[]> {
    return this.db.read(async (q) => (await q.all('SELECT body FROM faq ORDER BY id')).map((r) => parseJson<FaqArticle>(r['body'])));
  }

  putFaq(article: FaqArticle): Promise<void> {
    return this.db.transaction(async (q) => {
      await q.run(
        'INSERT INTO faq (id, body, updated_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
        [article.id, JSON.stringify(article), article.updatedAt],
      );
      await this.addChange(q, { type: 'faq', article, deleted: false }, article.updatedAt, { kioskId: null, stationId: null });
    });
  }

  deleteFaq(id: string, at: string): Promise<boolean> {
    return this.db.transaction(async (q) => {
      const row = (await q.all('DELETE FROM faq WHERE id = $1 RETURNING body', [id]))[0];
      if (!row) return false;
      const article = { ...parseJson<FaqArticle>(row['body']), updatedAt: at };
      await this.addChange(q, { type: 'faq', article, deleted: true }, at, { kioskId: null, stationId: null });
      return true;
    });
  }

  listTechnicians(): Promise<TechnicianInfo[]> {
    return this.db.read(async (q) => (await q.all('SELECT id, name, key_id, revoked_at, updated_at FROM technicians ORDER BY id')).map(technicianInfo));
  }

  putTechnician(t: TechnicianCredential, keyId: string): Promise<void> {
    return this.db.transaction(async (q) => {
      await q.run(
        `INSERT INTO technicians (id, name, public_key_pem, key_id, revoked_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, public_key_pem = excluded.public_key_pem, key_id = excluded.key_id,
           revoked_at = excluded.revoked_at, updated_at = excluded.updated_at`,
        [t.technicianId, t.name, t.publicKeyPem, keyId, t.revokedAt, t.updatedAt],
      );
      await this.addChange(q, { type: 'technician', technician: t }, t.updatedAt, { kioskId: null, stationId: null });
    });
  }

  revokeTechnician(technicianId: string, at: string): Promise<TechnicianInfo | null> {
    return this.db.transaction(async (q) => {
      const row = (await q.all('SELECT id, name, public_key_pem, key_id, revoked_at, updated_at FROM technicians WHERE id = $1', [technicianId]))[0];
      if (!row) return null;
      const revokedAt = row['revoked_at'] === null ? at : str(row['revoked_at']);
      await q.run('UPDATE technicians SET revoked_at = $1, updated_at = $2 WHERE id = $3', [revokedAt, at, technicianId]);
      const t: TechnicianCredential = { technicianId, name: str(row['name']), publicKeyPem: str(row['public_key_pem']), revokedAt, updatedAt: at };
      await this.addChange(q, { type: 'technician', technician: t }, at, { kioskId: null, stationId: null });
      return technicianInfo({ ...row, revoked_at: revokedAt, updated_at: at });
    });
  }

  revealCardNumber(ticketId: string, actor: string, role: string, at: string): Promise<{ readonly cardNumber: string } | 'no-card' | null> {
    return this.db.transaction(async (q) => {
      const row = (await q.all('SELECT body FROM tickets WHERE id = $1', [ticketId]))[0];
      if (!row) return null;
      const card = parseJson<Ticket>(row['body']).card;
      if (!card) return 'no-card';
      await q.run('INSERT INTO card_reveals (ticket_id, actor, role, at) VALUES ($1, $2, $3, $4)', [ticketId, actor, role, at]);
      return { cardNumber: card.cardNumber };
    });
  }

  listCardReveals(page: Omit<Page, 'kioskId'>): Promise<CardRevealRecord[]> {
    return this.db.read(async (q) =>
      (await q.all('SELECT ticket_id, actor, role, at FROM card_reveals ORDER BY id DESC LIMIT $1 OFFSET $2', [page.limit, page.offset])).map((r) => ({
        ticketId: str(r['ticket_id']),
        revealedBy: str(r['actor']),
        role: str(r['role']),
        revealedAt: str(r['at']),
      })),
    );
  }

  listBlocklist(): Promise<BlocklistEntry[]> {
    return this.db.read(async (q) =>
      (await q.all('SELECT card_number, reason FROM blocklist ORDER BY card_number')).map((r) => ({ cardNumber: str(r['card_number']), reason: str(r['reason']) })),
    );
  }

  putBlocklist(entry: BlocklistEntry, at: string): Promise<void> {
    return this.db.transaction(async (q) => {
      await q.run(
        'INSERT INTO blocklist (card_number, reason, updated_at) VALUES ($1, $2, $3) ON CONFLICT (card_number) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at',
        [entry.cardNumber, entry.reason, at],
      );
      await this.addChange(q, { type: 'blocklist', entry, deleted: false }, at, { kioskId: null, stationId: null });
    });
  }

  deleteBlocklist(cardNumber: string, at: string): Promise<boolean> {
    return this.db.transaction(async (q) => {
      const row = (await q.all('DELETE FROM blocklist WHERE card_number = $1 RETURNING reason', [cardNumber]))[0];
      if (!row) return false;
      await this.addChange(q, { type: 'blocklist', entry: { cardNumber, reason: str(row['reason']) }, deleted: true }, at, { kioskId: null, stationId: null });
      return true;
    });
  }

  private async globalConfig(q: SqlExecutor): Promise<Config> {
    const row = (await q.all('SELECT value FROM settings WHERE key = $1', [GLOBAL_CONFIG_KEY]))[0];
    return row ? parseJson<Config>(row['value']) : {};
  }

  getGlobalConfig(): Promise<Config> {
    return this.db.read((q) => this.globalConfig(q));
  }

  putGlobalConfig(config: Config, at: string, actor = 'staff'): Promise<void> {
    return this.db.transaction(async (q) => {
      await this.audit(q, { at, actor, kioskId: null, old: await this.globalConfig(q), new: config });
      await q.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [GLOBAL_CONFIG_KEY, JSON.stringify(config)]);
      for (const k of await q.all('SELECT id, config FROM kiosks ORDER BY id')) {
        await this.addChange(q, { type: 'config', config: { ...config, ...parseJson<Config>(k['config']) } }, at, { kioskId: str(k['id']), stationId: null });
      }
    });
  }

  private async audit(q: SqlExecutor, e: Omit<ConfigAuditEntry, 'id'>): Promise<void> {
    await q.run('INSERT INTO config_audit (at, actor, kiosk_id, old_config, new_config) VALUES ($1, $2, $3, $4, $5)', [
      e.at,
      e.actor,
      e.kioskId,
      JSON.stringify(e.old),
      JSON.stringify(e.new),
    ]);
  }

  listConfigAudit(page: Page, kioskId?: string | null): Promise<ConfigAuditEntry[]> {
    return this.db.read(async (q) => {
      const where = kioskId === undefined ? '' : kioskId === null ? 'WHERE kiosk_id IS NULL' : 'WHERE kiosk_id = $3';
      const params: SqlParam[] = [page.limit, page.offset, ...(typeof kioskId === 'string' ? [kioskId] : [])];
      const rows = await q.all(`SELECT id, at, actor, kiosk_id, old_config, new_config FROM config_audit ${where} ORDER BY id DESC LIMIT $1 OFFSET $2`, params);
      return rows.map((r) => ({
        id: num(r['id']),
        at: str(r['at']),
        actor: str(r['actor']),
        kioskId: strOrNull(r['kiosk_id']),
        old: parseJson<Config>(r['old_config']),
        new: parseJson<Config>(r['new_config']),
      }));
    });
  }

  getKioskConfig(kioskId: string): Promise<Config | null> {
    return this.db.read(async (q) => {
      const row = (await q.all('SELECT config FROM kiosks WHERE id = $1', [kioskId]))[0];
      return row ? parseJson<Config>(row['config']) : null;
    });
  }

  putKioskConfig(kioskId: string, config: Config, at: string, actor = 'staff'): Promise<boolean> {
    return this.db.transaction(async (q) => {
      const before = (await q.all('SELECT config FROM kiosks WHERE id = $1', [kioskId]))[0];
      if (!before) return false;
      await q.run('UPDATE kiosks SET config = $1 WHERE id = $2', [JSON.stringify(config), kioskId]);
      await this.audit(q, { at, actor, kioskId, old: parseJson<Config>(before['config']), new: config });
      await this.addChange(q, { type: 'config', config: { ...(await this.globalConfig(q)), ...config } }, at, { kioskId, stationId: null });
      return true;
    });
  }

  getKiosk(id: string): Promise<KioskRecord | null> {
    return this.db.read(async (q) => {
      const row = (await q.all('SELECT * FROM kiosks WHERE id = $1', [id]))[0];
      return row ? toKiosk(row) : null;
    });
  }

  findKioskByTokenHash(tokenHash: string): Promise<KioskRecord | null> {
    return this.db.read(async (q) => {
      const row = (await q.all('SELECT * FROM kiosks WHERE token_hash = $1', [tokenHash]))[0];
      return row ? toKiosk(row) : null;
    });
  }

  upsertKiosk(kiosk: KioskRecord): Promise<void> {
    return this.db.transaction(async (q) => {
      // Any unique conflict, not only the id's: two instances that seed the same kiosk at once on
      // PostgreSQL meet on the token's index too (the later one waits for the first and then
      // updates the row it committed).
      const inserted = await q.all(
        'INSERT INTO kiosks (id, station_id, token_hash, config, created_at, ticket_code) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id',
        [kiosk.id, kiosk.stationId, kiosk.tokenHash, '{}', kiosk.createdAt, kiosk.ticketCode ?? null],
      );
      if (inserted.length > 0) {
        await this.addChange(q, { type: 'config', config: await this.globalConfig(q) }, kiosk.createdAt, { kioskId: kiosk.id, stationId: null });
        return;
      }
      const updated = await q.all('UPDATE kiosks SET token_hash = $1, station_id = $2, ticket_code = $3 WHERE id = $4 RETURNING id', [kiosk.tokenHash, kiosk.stationId, kiosk.ticketCode ?? null, kiosk.id]);
      if (updated.length === 0) throw new Error(`kiosk ${kiosk.id} not stored: its token is another kiosk's`);
    });
  }

  listKiosks(): Promise<KioskRecord[]> {
    return this.db.read(async (q) => (await q.all('SELECT * FROM kiosks ORDER BY id')).map(toKiosk));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function technicianInfo(r: Record<string, unknown>): TechnicianInfo {
  return {
    technicianId: str(r['id']),
    name: str(r['name']),
    keyId: str(r['key_id']),
    revokedAt: r['revoked_at'] === null || r['revoked_at'] === undefined ? null : str(r['revoked_at']),
    updatedAt: str(r['updated_at']),
  };
}
