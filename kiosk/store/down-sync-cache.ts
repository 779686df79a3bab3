import { checkRemoteSettings, type KioskConfigState, type RemoteSettings, type SettingsRules } from '../../shared/kiosk-config.js';
import type { StationDirectory, StationTable } from '../../shared/stations.js';
import type { AlarmChange, AnyChangesResponse, AnyDownChange, BlocklistEntry, FaqArticle, TechnicianCredential } from '../../shared/sync.js';
import type { TicketStatus, TicketStatusUpdate, TicketId } from '../../shared/ticket.js';
import { assertNever } from '../../shared/result.js';
import type { SqliteDriver, SqliteTx } from './sqlite-port.js';

interface FaqRow {
  id: string;
  category: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  updated_at: string;
}

/** What became of a configuration central sent: taken (its settings), or refused (why). */
export type ConfigOutcome =
  | { readonly kind: 'taken'; readonly version: number; readonly settings: RemoteSettings }
  | { readonly kind: 'refused'; readonly version: number; readonly problems: readonly string[] };

/**
 * What central sent down, kept so the kiosk works offline: ticket statuses, FAQ articles,
 * configuration, the card blocklist, with the cursor to ask from next time.
 *
 * Configuration: central sends the kiosk's whole effective configuration as one change; it is
 * checked (shared/kiosk-config.ts, against the kiosk's own file for the rules that compare two
 * settings) and, when good, replaces the cached one (`config_cache`, the last good, on disk)
 * with its version (the change's cursor); when not, the cache keeps the last good and the
 * refusal (version, reasons) is kept for the heartbeat. Listeners hear each outcome after the
 * transaction commits.
 */
export class DownSyncCache {
  private configBase: RemoteSettings = {};
  private configRules: SettingsRules = {};
  private readonly configListeners = new Set<(outcome: ConfigOutcome) => void>();
  private readonly alarmListeners = new Set<(alarm: AlarmChange['alarm']) => void>();

  constructor(
    private readonly db: SqliteDriver,
    private readonly now: () => number,
    /** Kept in step with the cached station tables, for the screens' place names. */
    private readonly stations: StationDirectory | null = null,
  ) {}

  async stationTables(): Promise<StationTable[]> {
    const rows = await this.db.all<{ body: string }>('SELECT body FROM station_cache ORDER BY city_code');
    return rows.map((r) => JSON.parse(r.body) as StationTable);
  }

  /** Fills the station directory from the cache (when the store opens). */
  async loadStations(): Promise<void> {
    if (!this.stations) return;
    for (const t of await this.stationTables()) this.stations.put(t);
  }

  async cursor(): Promise<number> {
    const row = await this.db.get<{ value: string }>(`SELECT value FROM kiosk_meta WHERE key = 'down-cursor'`);
    return row ? Number(row.value) : 0;
  }

  /** The kiosk's own settings (its config file), for the rules that compare two settings, and how strict the rules are (demo or not). */
  useConfigBase(base: RemoteSettings, rules: SettingsRules = {}): void {
    this.configBase = base;
    this.configRules = rules;
  }

  /** Called with each emergency alarm of this kiosk a person at central acknowledged. Returns the unsubscribe function. */
  onAlarm(listener: (alarm: AlarmChange['alarm']) => void): () => void {
    this.alarmListeners.add(listener);
    return () => this.alarmListeners.delete(listener);
  }

  /** Called with what became of each configuration central sent. Returns the unsubscribe function. */
  onConfig(listener: (outcome: ConfigOutcome) => void): () => void {
    this.configListeners.add(listener);
    return () => this.configListeners.delete(listener);
  }

  /** Applies one page of changes and moves the cursor, in one transaction: all of it or none. */
  apply(page: AnyChangesResponse): Promise<number> {
    const at = new Date(this.now()).toISOString();
    const tables = page.changes.flatMap((c) => (c.type === 'stations' ? [c.table] : []));
    const alarms = page.changes.flatMap((c) => (c.type === 'alarm' ? [c.alarm] : []));
    const outcomes: ConfigOutcome[] = [];
    return this.db.transaction(async (tx) => {
      for (const change of page.changes) {
        if (change.type === 'config') outcomes.push(await this.applyConfig(tx, change.cursor, change.config, at));
        else await applyChange(tx, change);
      }
      await tx.run(`INSERT INTO kiosk_meta (key, value) VALUES ('down-cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(page.cursor)]);
      await tx.run(`INSERT INTO kiosk_meta (key, value) VALUES ('last-down-sync-at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [at]);
      return page.changes.length;
    }).then((n) => {
      for (const t of tables) this.stations?.put(t);
      for (const o of outcomes) for (const l of [...this.configListeners]) l(o);
      for (const a of alarms) for (const l of [...this.alarmListeners]) l(a);
      return n;
    });
  }

  private async applyConfig(tx: SqliteTx, version: number, config: Readonly<Record<string, unknown>>, at: string): Promise<ConfigOutcome> {
    const check = checkRemoteSettings(config, this.configBase, this.configRules);
    if (!check.ok) {
      const rejected: KioskConfigState['rejected'] = { version, problems: check.problems, at };
      await tx.run(`INSERT INTO kiosk_meta (key, value) VALUES ('config-rejected', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [JSON.stringify(rejected)]);
      return { kind: 'refused', version, problems: check.problems };
    }
    await tx.run('DELETE FROM config_cache');
    for (const [key, value] of Object.entries(check.settings)) {
      await tx.run('INSERT INTO config_cache (key, value) VALUES (?, ?)', [key, JSON.stringify(value ?? null)]);
    }
    await tx.run(`INSERT INTO kiosk_meta (key, value) VALUES ('config-version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(version)]);
    await tx.run(`DELETE FROM kiosk_meta WHERE key = 'config-rejected'`);
    return { kind: 'taken', version, settings: check.settings };
  }

  /** The version of the configuration in use and the last one refused since (for the heartbeat). */
  async configState(): Promise<KioskConfigState> {
    const rows = await this.db.all<{ key: string; value: string }>(`SELECT key, value FROM kiosk_meta WHERE key IN ('config-version', 'config-rejected')`);
    const get = (k: string) => rows.find((r) => r.key === k)?.value;
    const version = get('config-version');
    const rejected = get('config-rejected');
    return { version: version === undefined ? null : Number(version), rejected: rejected === undefined ? null : (JSON.parse(rejected) as KioskConfigState['rejected']) };
  }

  async ticketStatus(ticketId: string): Promise<TicketStatusUpdate | null> {
    const row = await this.db.get<{ ticket_id: string; status: string; note: string | null; updated_at: string }>(
      'SELECT ticket_id, status, note, updated_at FROM ticket_status_cache WHERE ticket_id = ?',
      [ticketId],
    );
    return row ? { ticketId: row.ticket_id as TicketId, status: row.status as TicketStatus, note: row.note, updatedAt: row.updated_at } : null;
  }

  async faqArticles(): Promise<FaqArticle[]> {
    const rows = await this.db.all<FaqRow>('SELECT * FROM faq_cache ORDER BY category, id');
    return rows.map((r) => ({
      id: r.id,
      category: r.category,
      title: { zh: r.title_zh, en: r.title_en },
      body: { zh: r.body_zh, en: r.body_en },
      updatedAt: r.updated_at,
    }));
  }

  /** The last good configuration central sent (checked when it came), or {} before any. */
  async config(): Promise<RemoteSettings> {
    const rows = await this.db.all<{ key: string; value: string }>('SELECT key, value FROM config_cache ORDER BY key');
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  /** A technician central enrolled (their card's public key, revoked or not), or null. */
  async technician(technicianId: string): Promise<TechnicianCredential | null> {
    const r = await this.db.get<{ id: string; name: string; public_key_pem: string; revoked_at: string | null; updated_at: string }>(
      'SELECT id, name, public_key_pem, revoked_at, updated_at FROM technicians WHERE id = ?',
      [technicianId],
    );
    return r ? { technicianId: r.id, name: r.name, publicKeyPem: r.public_key_pem, revokedAt: r.revoked_at, updatedAt: r.updated_at } : null;
  }

  async technicianCount(): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM technicians'))?.n ?? 0;
  }

  /** The blocklist entry for a card number (as the family prints it), or null. */
  async blocked(cardNumber: string): Promise<BlocklistEntry | null> {
    const row = await this.db.get<{ card_number: string; reason: string }>('SELECT card_number, reason FROM blocklist_cache WHERE card_number = ?', [cardNumber]);
    return row ? { cardNumber: row.card_number, reason: row.reason } : null;
  }
}

async function applyChange(tx: SqliteTx, change: AnyDownChange): Promise<void> {
  switch (change.type) {
    case 'ticket-status': {
      const u = change.update;
      await tx.run(
        `INSERT INTO ticket_status_cache (ticket_id, status, note, updated_at, cursor) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (ticket_id) DO UPDATE SET status = excluded.status, note = excluded.note, updated_at = excluded.updated_at, cursor = excluded.cursor
         WHERE excluded.cursor >= ticket_status_cache.cursor`,
        [u.ticketId, u.status, u.note, u.updatedAt, change.cursor],
      );
      return;
    }
    case 'faq': {
      const a = change.article;
      if (change.deleted) {
        await tx.run('DELETE FROM faq_cache WHERE id = ?', [a.id]);
        return;
      }
      await tx.run(
        `INSERT INTO faq_cache (id, category, title_zh, title_en, body_zh, body_en, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET category = excluded.category, title_zh = excluded.title_zh, title_en = excluded.title_en,
           body_zh = excluded.body_zh, body_en = excluded.body_en, updated_at = excluded.updated_at`,
        [a.id, a.category, a.title.zh, a.title.en, a.body.zh, a.body.en, a.updatedAt],
      );
      return;
    }
    case 'config':
      throw new Error('configuration changes are applied by DownSyncCache.applyConfig');
    case 'blocklist':
      if (change.deleted) await tx.run('DELETE FROM blocklist_cache WHERE card_number = ?', [change.entry.cardNumber]);
      else
        await tx.run('INSERT INTO blocklist_cache (card_number, reason) VALUES (?, ?) ON CONFLICT (card_number) DO UPDATE SET reason = excluded.reason', [
          change.entry.cardNumber,
          change.entry.reason,
        ]);
      return;
    case 'technician': {
      const t = change.technician;
      await tx.run(
        `INSERT INTO technicians (id, name, public_key_pem, revoked_at, updated_at, cursor) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, public_key_pem = excluded.public_key_pem, revoked_at = excluded.revoked_at,
           updated_at = excluded.updated_at, cursor = excluded.cursor WHERE excluded.cursor >= technicians.cursor`,
        [t.technicianId, t.name, t.publicKeyPem, t.revokedAt, t.updatedAt, change.cursor],
      );
      return;
    }
    case 'alarm':
      // Nothing to keep: the running emergency is told after the commit (`onAlarm`).
      return;
    case 'stations':
      await tx.run('INSERT INTO station_cache (city_code, body) VALUES (?, ?) ON CONFLICT (city_code) DO UPDATE SET body = excluded.body', [
        change.table.cityCode,
        JSON.stringify(change.table),
      ]);
      return;
    default:
      assertNever(change, 'down-sync change');
  }
}
