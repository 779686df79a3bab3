/**
 * Problems in central's database (both engines, over the `SqlDatabase` port). Every decision on
 * one scope — open a problem, or join reports to the open one — is one transaction that first
 * takes the scope's lock (on PostgreSQL a transaction-scoped advisory lock on the scope's key;
 * SQLite runs one transaction at a time), then reads what is stored. The partial unique index
 * `problems_one_open` backs it: whichever central instance gets there, one scope has at most one
 * open problem, and a ticket is linked to one problem at most (`problem_tickets.ticket_id` unique).
 */
import type { TicketCategory, TicketStatus } from '../../shared/ticket.js';
import type { Words } from '../../shared/words.js';
import type { Row, SqlDatabase, SqlExecutor, SqlParam } from '../storage/sql-database.js';
import type { ValidItem } from '../storage/types.js';
import { firstRun, ruleFor, scopeKey, type ProblemRules, type ProblemScope } from './rules.js';
import { kioskFaultTitle, stationCategoryTitle, stationWords } from './words.js';

/** Class of the per-scope advisory locks (two-key: this class, hash of the scope key). */
const PROBLEM_LOCK_CLASS = 740_304;

export type ProblemKind = ProblemScope['kind'];
export type ProblemState = 'open' | 'resolved';

/** A problem as staff get it. */
export interface StoredProblem {
  readonly id: number;
  readonly kind: ProblemKind;
  readonly state: ProblemState;
  /** What repeats where, in words. */
  readonly title: Words;
  readonly stationId: string | null;
  readonly kioskId: string | null;
  /** Where in the station the kiosk stands, as the administrators wrote it (kiosk details); null: not a kiosk's problem, or not written. */
  readonly kioskLocation: string | null;
  readonly device: string | null;
  readonly fault: string | null;
  readonly category: TicketCategory | null;
  /** The rule that opened it: this many reports within this many minutes. */
  readonly threshold: number;
  readonly windowMinutes: number;
  readonly openedAt: string;
  /** The kiosk times of the first and the latest report it holds. */
  readonly firstAt: string;
  readonly lastAt: string;
  /** Reports it holds: fault reports for a kiosk fault, tickets for a station category. */
  readonly occurrences: number;
  readonly ticketIds: readonly string[];
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
}

/** A linked passenger ticket, as the problem's page lists it. */
export interface ProblemTicket {
  readonly id: string;
  readonly kioskId: string;
  readonly category: TicketCategory;
  readonly status: TicketStatus;
  readonly createdAt: string;
  readonly description: string;
}

/** What one evaluation decided. */
export interface ProblemDecision {
  /** The problem after the decision; its `ticketIds` are all its tickets when this evaluation opened it, else only those it linked now. */
  readonly problem: StoredProblem;
  /** True: this evaluation opened it; false: reports joined the open one. */
  readonly opened: boolean;
  /** Reports (and tickets) this evaluation added. */
  readonly joinedReports: number;
  readonly joinedTickets: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? v.toString() : JSON.stringify(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));
const num = (v: unknown): number => Number(v);
const iso = (ms: number): string => new Date(ms).toISOString();
const list = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

/** A problem's row with its station's names (null: the station is not in the stations table). */
const WITH_STATION =
  'SELECT p.*, s.name_zh AS station_zh, s.name_en AS station_en, d.location AS kiosk_location FROM problems p LEFT JOIN stations s ON s.id = p.station_id LEFT JOIN kiosk_details d ON d.kiosk_id = p.kiosk_id';

function titleOf(r: Row): Words {
  const threshold = num(r['threshold']);
  const windowMinutes = num(r['window_minutes']);
  const id = strOrNull(r['station_id']);
  const zh = strOrNull(r['station_zh']);
  const en = strOrNull(r['station_en']);
  const station = id === null ? null : stationWords(id, zh !== null && en !== null ? { zh, en } : null);
  return str(r['kind']) === 'kiosk-fault'
    ? kioskFaultTitle({ kioskId: str(r['kiosk_id']), station, device: str(r['device']), fault: str(r['fault']), threshold, windowMinutes })
    : stationCategoryTitle({ station: station ?? stationWords('—', null), category: str(r['category']) as TicketCategory, threshold, windowMinutes });
}

function toProblem(r: Row, ticketIds: readonly string[]): StoredProblem {
  return {
    id: num(r['id']),
    kind: str(r['kind']) as ProblemKind,
    state: str(r['state']) as ProblemState,
    title: titleOf(r),
    stationId: strOrNull(r['station_id']),
    kioskId: strOrNull(r['kiosk_id']),
    kioskLocation: strOrNull(r['kiosk_location']) || null,
    device: strOrNull(r['device']),
    fault: strOrNull(r['fault']),
    category: strOrNull(r['category']) as TicketCategory | null,
    threshold: num(r['threshold']),
    windowMinutes: num(r['window_minutes']),
    openedAt: str(r['opened_at']),
    firstAt: str(r['first_at']),
    lastAt: str(r['last_at']),
    occurrences: num(r['occurrences']),
    ticketIds,
    resolvedAt: strOrNull(r['resolved_at']),
    resolvedBy: strOrNull(r['resolved_by']),
    resolution: strOrNull(r['resolution']),
  };
}

/** A report the rule counts: its key (item id or ticket id) and its kiosk time. */
interface Report {
  readonly id: string;
  readonly atMs: number;
}

export class ProblemStore {
  constructor(private readonly db: SqlDatabase) {}

  /**
   * Inside the ingest transaction: the fault reports among the items that went in (device events
   * of severity `fault`), so the repeat rule can count them whatever happens after the commit.
   */
  async recordFaultReports(q: SqlExecutor, kioskId: string, items: readonly ValidItem[]): Promise<void> {
    for (const { item, payload } of items) {
      if (payload.kind !== 'device-event' || payload.event.severity !== 'fault') continue;
      const atMs = Date.parse(item.createdAt);
      if (Number.isNaN(atMs)) continue;
      await q.run('INSERT INTO fault_reports (item_id, kiosk_id, device, fault, at_ms, problem_id) VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT DO NOTHING', [
        item.id,
        kioskId,
        payload.event.device,
        payload.event.event,
        atMs,
      ]);
    }
  }

  /**
   * Looks at one scope's reports from `sinceMs` (kiosk time) on that no problem holds yet: joins
   * them to the scope's open problem, or opens one when a run of them reaches the rule's
   * threshold within its window (audited). null: nothing to decide.
   */
  evaluate(scope: ProblemScope, rules: ProblemRules, sinceMs: number, at: string): Promise<ProblemDecision | null> {
    const key = scopeKey(scope);
    const rule = ruleFor(scope.kind, rules);
    return this.db.transaction(async (q) => {
      if (this.db.dialect === 'postgres') await q.run(`SELECT pg_advisory_xact_lock(${PROBLEM_LOCK_CLASS}, hashtext($1))`, [key]);
      const open = (await q.all("SELECT id, last_at FROM problems WHERE scope = $1 AND state = 'open'", [key]))[0];
      const { reports, tickets } = await this.unheld(q, scope, sinceMs);
      let problemRow: Row;
      let opened = false;
      let joinReports: Report[];
      let joinTickets: Report[];
      if (open) {
        if (reports.length === 0 && tickets.length === 0) return null;
        problemRow = open;
        joinReports = reports;
        joinTickets = tickets;
      } else {
        const start = firstRun(
          reports.map((r) => r.atMs),
          rule.threshold,
          rule.windowMs,
        );
        if (start < 0) return null;
        const fromMs = reports[start]!.atMs;
        joinReports = reports.slice(start);
        // A kiosk fault's tickets: those of the same fault from a window before the run on (the
        // ticket that the first raise filed may be older than the run's first report).
        joinTickets = scope.kind === 'kiosk-fault' ? tickets.filter((t) => t.atMs >= fromMs - rule.windowMs) : joinReports;
        const stationId = scope.kind === 'kiosk-fault' ? strOrNull((await q.all('SELECT station_id FROM kiosks WHERE id = $1', [scope.kioskId]))[0]?.['station_id']) : scope.stationId;
        const inserted = await q.all(
          `INSERT INTO problems (kind, scope, station_id, kiosk_id, device, fault, category, state, threshold, window_minutes, opened_at, first_at, last_at, occurrences)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $11, 0) ON CONFLICT DO NOTHING RETURNING *`,
          [
            scope.kind,
            key,
            stationId,
            scope.kind === 'kiosk-fault' ? scope.kioskId : null,
            scope.kind === 'kiosk-fault' ? scope.device : null,
            scope.kind === 'kiosk-fault' ? scope.fault : null,
            scope.kind === 'station-category' ? scope.category : null,
            rule.threshold,
            rule.windowMinutes,
            at,
            iso(fromMs),
          ],
        );
        const row = inserted[0] ?? (await q.all("SELECT id, last_at FROM problems WHERE scope = $1 AND state = 'open'", [key]))[0];
        if (!row) throw new Error(`problem for ${key}: neither opened nor found`);
        problemRow = row;
        opened = inserted.length > 0;
      }
      const id = num(problemRow['id']);
      if (joinReports.length > 0 && scope.kind === 'kiosk-fault') {
        await q.run(`UPDATE fault_reports SET problem_id = $1 WHERE problem_id IS NULL AND item_id IN (${list(joinReports.length, 2)})`, [id, ...joinReports.map((r) => r.id)]);
      }
      // One multi-row INSERT per chunk (not one round trip per ticket): a busy station's open problem joins a whole batch at once.
      const linkedIds: string[] = [];
      for (let i = 0; i < joinTickets.length; i += LINK_CHUNK) {
        const chunk = joinTickets.slice(i, i + LINK_CHUNK);
        const values = chunk.map((_, j) => `($1, $${j + 3}, $2)`).join(', ');
        const rows = await q.all(`INSERT INTO problem_tickets (problem_id, ticket_id, linked_at) VALUES ${values} ON CONFLICT DO NOTHING RETURNING ticket_id`, [id, at, ...chunk.map((t) => t.id)]);
        linkedIds.push(...rows.map((r) => str(r['ticket_id'])));
      }
      const linked = linkedIds.length;
      const counted = scope.kind === 'kiosk-fault' ? joinReports : joinTickets;
      let lastMs = Date.parse(str(problemRow['last_at']));
      for (const r of counted) lastMs = Math.max(lastMs, r.atMs);
      await q.run('UPDATE problems SET occurrences = occurrences + $1, last_at = $2 WHERE id = $3', [scope.kind === 'kiosk-fault' ? joinReports.length : linked, iso(lastMs), id]);
      // Every linked ticket when it opens (the audit names them); on a join only those linked now, so a
      // problem holding many thousands of tickets is not read whole on each batch.
      const problem = toProblem((await q.all(`${WITH_STATION} WHERE p.id = $1`, [id]))[0]!, opened ? await this.ticketIdsOf(q, id) : linkedIds.sort());
      if (opened) {
        await q.run('INSERT INTO audit (at, account_id, actor, role, action, target, detail) VALUES ($1, NULL, $2, $3, $4, $5, $6)', [
          at,
          'central',
          'central',
          'problem-opened',
          `problem ${id}`,
          `${problem.title.zh} / ${problem.title.en}; tickets: ${problem.ticketIds.join(', ') || 'none'}`,
        ]);
      }
      return { problem, opened, joinedReports: joinReports.length, joinedTickets: linked };
    });
  }

  /** The scope's reports and tickets from `sinceMs` on that no problem holds, oldest first. */
  private async unheld(q: SqlExecutor, scope: ProblemScope, sinceMs: number): Promise<{ reports: Report[]; tickets: Report[] }> {
    if (scope.kind === 'station-category') {
      const rows = await q.all(
        `SELECT id, created_utc FROM tickets t WHERE station_id = $1 AND category = $2 AND status <> 'rejected' AND created_utc >= $3
         AND NOT EXISTS (SELECT 1 FROM problem_tickets l WHERE l.ticket_id = t.id) ORDER BY created_utc, id`,
        [scope.stationId, scope.category, iso(sinceMs)],
      );
      const tickets = rows.map((r) => ({ id: str(r['id']), atMs: Date.parse(str(r['created_utc'])) }));
      return { reports: tickets, tickets };
    }
    const reports = (
      await q.all('SELECT item_id, at_ms FROM fault_reports WHERE kiosk_id = $1 AND device = $2 AND fault = $3 AND problem_id IS NULL AND at_ms >= $4 ORDER BY at_ms, item_id', [
        scope.kioskId,
        scope.device,
        scope.fault,
        sinceMs,
      ])
    ).map((r) => ({ id: str(r['item_id']), atMs: num(r['at_ms']) }));
    const faultKey = `${scope.device}:${scope.fault}`;
    const tickets = (
      await q.all(
        `SELECT id, created_utc, body FROM tickets t WHERE kiosk_id = $1 AND category = 'device-fault' AND created_utc >= $2
         AND NOT EXISTS (SELECT 1 FROM problem_tickets l WHERE l.ticket_id = t.id) ORDER BY created_utc, id`,
        [scope.kioskId, iso(sinceMs - ruleWindowSlackMs)],
      )
    )
      .filter((r) => (JSON.parse(str(r['body'])) as { faultKey?: string }).faultKey === faultKey)
      .map((r) => ({ id: str(r['id']), atMs: Date.parse(str(r['created_utc'])) }));
    return { reports, tickets };
  }

  private async ticketIdsOf(q: SqlExecutor, problemId: number): Promise<string[]> {
    return (await q.all('SELECT ticket_id FROM problem_tickets WHERE problem_id = $1 ORDER BY ticket_id', [problemId])).map((r) => str(r['ticket_id']));
  }

  /**
   * The scopes with reports from `sinceMs` on that no problem holds yet (for the sweep): each
   * kiosk's faults, and each station's tickets of the watched categories.
   */
  async scopesWithUnheldReports(sinceMs: number, categories: readonly TicketCategory[]): Promise<ProblemScope[]> {
    return this.db.read(async (q) => {
      const faults = await q.all('SELECT DISTINCT kiosk_id, device, fault FROM fault_reports WHERE problem_id IS NULL AND at_ms >= $1 ORDER BY kiosk_id, device, fault', [sinceMs]);
      const scopes: ProblemScope[] = faults.map((r) => ({ kind: 'kiosk-fault', kioskId: str(r['kiosk_id']), device: str(r['device']), fault: str(r['fault']) }));
      if (categories.length > 0) {
        const rows = await q.all(
          `SELECT DISTINCT station_id, category FROM tickets t WHERE created_utc >= $1 AND status <> 'rejected' AND category IN (${list(categories.length, 2)})
           AND NOT EXISTS (SELECT 1 FROM problem_tickets l WHERE l.ticket_id = t.id) ORDER BY station_id, category`,
          [iso(sinceMs), ...categories],
        );
        for (const r of rows) scopes.push({ kind: 'station-category', stationId: str(r['station_id']), category: str(r['category']) as TicketCategory });
      }
      return scopes;
    });
  }

  /** Problems newest first: open ones only, or all; `stationId` limits them to one station. */
  async list(filter: { readonly open: boolean; readonly limit: number; readonly stationId?: string }): Promise<StoredProblem[]> {
    return this.db.read(async (q) => {
      const where: string[] = [];
      const params: SqlParam[] = [filter.limit];
      if (filter.open) where.push("p.state = 'open'");
      if (filter.stationId !== undefined) {
        params.push(filter.stationId);
        where.push(`p.station_id = $${params.length}`);
      }
      const rows = await q.all(`${WITH_STATION} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.id DESC LIMIT $1`, params);
      const out: StoredProblem[] = [];
      for (const r of rows) out.push(toProblem(r, await this.ticketIdsOf(q, num(r['id']))));
      return out;
    });
  }

  async get(id: number): Promise<{ problem: StoredProblem; tickets: ProblemTicket[] } | null> {
    return this.db.read(async (q) => {
      const row = (await q.all(`${WITH_STATION} WHERE p.id = $1`, [id]))[0];
      if (!row) return null;
      const tickets = (
        await q.all(
          `SELECT t.id, t.kiosk_id, t.category, t.status, t.created_utc, t.description FROM problem_tickets l JOIN tickets t ON t.id = l.ticket_id
           WHERE l.problem_id = $1 ORDER BY t.created_utc, t.id`,
          [id],
        )
      ).map((r) => ({
        id: str(r['id']),
        kioskId: str(r['kiosk_id']),
        category: str(r['category']) as TicketCategory,
        status: str(r['status']) as TicketStatus,
        createdAt: str(r['created_utc']),
        description: str(r['description']),
      }));
      return { problem: toProblem(row, tickets.map((t) => t.id).sort()), tickets };
    });
  }

  /**
   * Marks an open problem resolved by a person, in one conditional UPDATE (two at once: one wins).
   * null: no such problem; `resolved: false`: it already was (the answer says by whom).
   */
  async resolve(id: number, by: string, note: string | null, at: string): Promise<{ resolved: boolean; problem: StoredProblem } | null> {
    return this.db.transaction(async (q) => {
      const done = await q.run("UPDATE problems SET state = 'resolved', resolved_at = $2, resolved_by = $3, resolution = $4 WHERE id = $1 AND state = 'open'", [id, at, by, note]);
      const row = (await q.all(`${WITH_STATION} WHERE p.id = $1`, [id]))[0];
      if (!row) return null;
      return { resolved: done === 1, problem: toProblem(row, await this.ticketIdsOf(q, id)) };
    });
  }
}

/** Tickets linked per INSERT (3 parameters each: well within both engines' limits). */
const LINK_CHUNK = 500;

/** How far before the horizon a kiosk fault's tickets are looked for (the first raise's ticket may precede its report by a moment). */
const ruleWindowSlackMs = 60_000;
