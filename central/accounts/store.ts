/**
 * Accounts, sessions, personal API tokens, login attempts and the audit, on either engine
 * (SQLite file or PostgreSQL), through the same SqlDatabase port as the rest of central's storage.
 */
import type { Row, SqlDatabase } from '../storage/sql-database.js';
import { isRole, type Role } from './roles.js';

export interface Account {
  readonly id: string;
  /** What the person logs in with: 2–32 of a–z, 0–9, `.`, `_`, `-`. */
  readonly username: string;
  /** What other people read: the person's name. */
  readonly displayName: string;
  readonly role: Role;
  /** The station a station-staff account belongs to; null for the other roles. */
  readonly stationId: string | null;
  readonly disabledAt: string | null;
  readonly failedLogins: number;
  readonly lockedUntil: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AccountWithSecret extends Account {
  readonly passwordHash: string | null;
}

export interface SessionRow {
  readonly idHash: string;
  readonly accountId: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly accountId: string | null;
  /** The person's username (or `kiosk:ID`, `cli` for the command line). */
  readonly actor: string;
  readonly role: string;
  /** What was done, e.g. `login`, `account-add`, `PUT /v1/staff/blocklist/:cardNumber`. */
  readonly action: string;
  readonly target: string | null;
  readonly detail: string | null;
}

export interface AuditQuery {
  readonly limit: number;
  readonly offset: number;
  readonly accountId?: string;
  readonly actor?: string;
  readonly actions?: readonly string[];
  readonly from?: string;
  readonly to?: string;
}

export type NewAccount = Pick<Account, 'id' | 'username' | 'displayName' | 'role' | 'stationId'> & { readonly passwordHash: string | null };
export type AccountChange = Partial<Pick<AccountWithSecret, 'displayName' | 'role' | 'stationId' | 'passwordHash' | 'disabledAt'>>;

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** How a field is read from its column: text, text or null, a number. */
type Kind = 'text' | 'text?' | 'number';
type Columns = Readonly<Record<string, readonly [column: string, kind: Kind]>>;
type Read<C extends Columns> = { -readonly [F in keyof C]: C[F][1] extends 'text' ? string : C[F][1] extends 'number' ? number : string | null };

/** Each stored row's fields: the column each is kept in and how it is read. One table per row serves its SELECT list and its reading. */
const ACCOUNT = { id: ['id', 'text'], username: ['username', 'text'], displayName: ['display_name', 'text'], role: ['role', 'text'], stationId: ['station_id', 'text?'], passwordHash: ['password_hash', 'text?'], disabledAt: ['disabled_at', 'text?'], failedLogins: ['failed_logins', 'number'], lockedUntil: ['locked_until', 'text?'], createdAt: ['created_at', 'text'], updatedAt: ['updated_at', 'text'] } as const satisfies Columns;
const SESSION = { idHash: ['id_hash', 'text'], accountId: ['account_id', 'text'], csrfToken: ['csrf_token', 'text'], createdAt: ['created_at', 'text'], lastSeenAt: ['last_seen_at', 'text'], expiresAt: ['expires_at', 'text'], revokedAt: ['revoked_at', 'text?'] } as const satisfies Columns;
const AUDIT = { id: ['id', 'number'], at: ['at', 'text'], accountId: ['account_id', 'text?'], actor: ['actor', 'text'], role: ['role', 'text'], action: ['action', 'text'], target: ['target', 'text?'], detail: ['detail', 'text?'] } as const satisfies Columns;

/** The SELECT list of a row's columns, each prefixed by a table alias when given. */
const selectList = (columns: Columns, alias = ''): string => Object.values(columns).map(([c]) => `${alias}${c}`).join(', ');

function fromRow<C extends Columns>(r: Row, columns: C): Read<C> {
  const read = (v: unknown, kind: Kind): string | number | null => (kind === 'number' ? Number(v) : kind === 'text?' && (v === null || v === undefined) ? null : str(v));
  return Object.fromEntries(Object.entries(columns).map(([field, [column, kind]]) => [field, read(r[column], kind)])) as Read<C>;
}

function toAccount(r: Row): AccountWithSecret {
  const account = fromRow(r, ACCOUNT);
  if (!isRole(account.role)) throw new Error(`account ${account.username} has an unknown role ${account.role}`);
  return { ...account, role: account.role };
}

export const withoutSecret = ({ passwordHash: _, ...account }: AccountWithSecret): Account => account;

/** The count a `SELECT COUNT(*) AS n …` answered. */
const countOf = (rows: readonly Row[]): number => Number(rows[0]?.['n'] ?? 0);

export class AccountStore {
  constructor(private readonly db: SqlDatabase) {}

  /** False when the username is taken. */
  async add(a: NewAccount, at: string): Promise<boolean> {
    return this.db.transaction(async (q) => {
      const n = await q.run(
        `INSERT INTO accounts (id, username, display_name, role, station_id, password_hash, failed_logins, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7) ON CONFLICT DO NOTHING`,
        [a.id, a.username, a.displayName, a.role, a.stationId, a.passwordHash, at],
      );
      return n === 1;
    });
  }

  async byUsername(username: string): Promise<AccountWithSecret | null> {
    return this.oneAccount('username', username);
  }

  async byId(id: string): Promise<AccountWithSecret | null> {
    return this.oneAccount('id', id);
  }

  private async oneAccount(column: 'id' | 'username', value: string): Promise<AccountWithSecret | null> {
    const rows = await this.db.read((q) => q.all(`SELECT ${selectList(ACCOUNT)} FROM accounts WHERE ${column} = $1`, [value]));
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async list(): Promise<Account[]> {
    const rows = await this.db.read((q) => q.all(`SELECT ${selectList(ACCOUNT)} FROM accounts ORDER BY username`));
    return rows.map((r) => withoutSecret(toAccount(r)));
  }

  /** Applies the change; a new password or a disable also ends every session and (disable) every API token. False for an unknown id. */
  async change(id: string, change: AccountChange, at: string): Promise<boolean> {
    return this.db.transaction(async (q) => {
      const sets: string[] = ['updated_at = $2'];
      const params: (string | null)[] = [id, at];
      const col = { displayName: 'display_name', role: 'role', stationId: 'station_id', passwordHash: 'password_hash', disabledAt: 'disabled_at' } as const;
      for (const [k, c] of Object.entries(col) as [keyof AccountChange, string][]) {
        if (change[k] === undefined) continue;
        params.push(change[k]);
        sets.push(`${c} = $${params.length}`);
      }
      if (change.passwordHash !== undefined) sets.push('failed_logins = 0', 'locked_until = NULL');
      const n = await q.run(`UPDATE accounts SET ${sets.join(', ')} WHERE id = $1`, params);
      if (n === 0) return false;
      if (change.passwordHash !== undefined || change.disabledAt || change.role !== undefined) {
        await q.run('UPDATE account_sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [id, at]);
      }
      if (change.disabledAt) await q.run('UPDATE account_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [id, at]);
      return true;
    });
  }

  /** Counts a failed login; from `threshold` failures on, the account is locked until `lockUntil`. Returns the count. */
  async failedLogin(id: string, threshold: number, lockUntil: string): Promise<{ failures: number; lockedUntil: string | null }> {
    return this.db.transaction(async (q) => {
      const rows = await q.all('UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins', [id]);
      const failures = Number(rows[0]?.['failed_logins'] ?? 0);
      if (failures >= threshold) {
        await q.run('UPDATE accounts SET locked_until = $2, failed_logins = 0 WHERE id = $1', [id, lockUntil]);
        return { failures, lockedUntil: lockUntil };
      }
      return { failures, lockedUntil: null };
    });
  }

  async succeededLogin(id: string): Promise<void> {
    await this.db.transaction((q) => q.run('UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1', [id]));
  }

  /** Unlocks an account now (an administrator's reset). */
  async unlock(id: string): Promise<void> {
    await this.succeededLogin(id);
  }

  // ---- sessions ------------------------------------------------------------------------

  async addSession(s: Omit<SessionRow, 'revokedAt'>): Promise<void> {
    await this.db.transaction((q) =>
      q.run('INSERT INTO account_sessions (id_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        s.idHash,
        s.accountId,
        s.csrfToken,
        s.createdAt,
        s.lastSeenAt,
        s.expiresAt,
      ]),
    );
  }

  async session(idHash: string): Promise<SessionRow | null> {
    const rows = await this.db.read((q) => q.all(`SELECT ${selectList(SESSION)} FROM account_sessions WHERE id_hash = $1`, [idHash]));
    return rows[0] ? fromRow(rows[0], SESSION) : null;
  }

  async touchSession(idHash: string, at: string): Promise<void> {
    await this.db.transaction((q) => q.run('UPDATE account_sessions SET last_seen_at = $2 WHERE id_hash = $1', [idHash, at]));
  }

  async revokeSession(idHash: string, at: string): Promise<void> {
    await this.db.transaction((q) => q.run('UPDATE account_sessions SET revoked_at = $2 WHERE id_hash = $1 AND revoked_at IS NULL', [idHash, at]));
  }

  /**
   * Removes sessions that can no longer be used: expired before `before`, revoked before it, or
   * without a request since `idleBefore`. Returns how many.
   */
  async pruneSessions(before: string, idleBefore: string = before): Promise<number> {
    return this.db.transaction((q) => q.run('DELETE FROM account_sessions WHERE expires_at < $1 OR revoked_at < $1 OR last_seen_at < $2', [before, idleBefore]));
  }

  async sessionCount(): Promise<number> {
    const rows = await this.db.read((q) => q.all('SELECT COUNT(*) AS n FROM account_sessions'));
    return countOf(rows);
  }

  // ---- personal API tokens ---------------------------------------------------------------

  /** False when this token hash is held already (by anyone: then nothing changes). */
  async addToken(accountId: string, tokenHash: string, label: string, at: string): Promise<boolean> {
    return (await this.db.transaction((q) => q.run('INSERT INTO account_tokens (token_hash, account_id, label, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [tokenHash, accountId, label, at]))) === 1;
  }

  /** The enabled account an unrevoked token belongs to. */
  async byToken(tokenHash: string): Promise<AccountWithSecret | null> {
    const rows = await this.db.read((q) =>
      q.all(
        `SELECT ${selectList(ACCOUNT, 'a.')} FROM account_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL`,
        [tokenHash],
      ),
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async revokeTokens(accountId: string, at: string): Promise<number> {
    return this.db.transaction((q) => q.run('UPDATE account_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [accountId, at]));
  }

  async tokenCount(accountId: string): Promise<number> {
    const rows = await this.db.read((q) => q.all('SELECT COUNT(*) AS n FROM account_tokens WHERE account_id = $1 AND revoked_at IS NULL', [accountId]));
    return countOf(rows);
  }

  // ---- login attempts per address ----------------------------------------------------------

  /** Records an attempt from `address` and returns how many there were since `since` (this one included). */
  async loginAttempt(address: string, at: string, since: string): Promise<number> {
    return this.db.transaction(async (q) => {
      await q.run('DELETE FROM login_attempts WHERE at < $1', [since]);
      await q.run('INSERT INTO login_attempts (address, at) VALUES ($1, $2)', [address, at]);
      const rows = await q.all('SELECT COUNT(*) AS n FROM login_attempts WHERE address = $1 AND at >= $2', [address, since]);
      return countOf(rows);
    });
  }

  // ---- audit ------------------------------------------------------------------------------

  async audit(e: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.db.transaction((q) =>
      q.run('INSERT INTO audit (at, account_id, actor, role, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)', [e.at, e.accountId, e.actor, e.role, e.action, e.target, e.detail]),
    );
  }

  /** The audit, newest first, narrowed to a person (`actor`), actions and a time span (`from` inclusive, `to` exclusive, ISO). */
  async listAudit(page: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: (string | number)[] = [page.limit, page.offset];
    const add = (sql: (n: string) => string, v: string): void => {
      params.push(v);
      where.push(sql(`$${params.length}`));
    };
    if (page.accountId !== undefined) add((n) => `account_id = ${n}`, page.accountId);
    if (page.actor !== undefined) add((n) => `actor = ${n}`, page.actor);
    if (page.actions !== undefined && page.actions.length > 0) {
      const marks = page.actions.map((a) => {
        params.push(a);
        return `$${params.length}`;
      });
      where.push(`action IN (${marks.join(', ')})`);
    }
    if (page.from !== undefined) add((n) => `at >= ${n}`, page.from);
    if (page.to !== undefined) add((n) => `at < ${n}`, page.to);
    const rows = await this.db.read((q) => q.all(`SELECT ${selectList(AUDIT)} FROM audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $1 OFFSET $2`, params));
    return rows.map((r) => fromRow(r, AUDIT));
  }
}
