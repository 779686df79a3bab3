import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Result } from '../../../shared/result.js';
import type { AuditEntry } from '../../../shared/sync.js';
import type { LockoutState, LockoutStore } from './lockout-store.js';
import { verifyPin } from './pin-hash.js';
import { CHALLENGE_LENGTH, readTechnicianCard, type ApduTransmit } from './technician-card.js';

/** A technician as central provisions them. */
export interface TechnicianRecord {
  readonly technicianId: string;
  readonly name: string;
  /** The card's 32-byte HMAC key, hex. */
  readonly keyHex: string;
  /** `scrypt$N$r$p$salt$hash` (see pin-hash.ts). */
  readonly pinHash: string;
  readonly active: boolean;
}

/** Technicians provisioned from central (down-synced); the kiosk never trusts a card without one. */
export interface TechnicianRegistry {
  lookup(technicianId: string): Promise<TechnicianRecord | null>;
}

export const TECHNICIAN_AUTH_FAILURE_CODES = [
  'not-technician-card',
  'card-error',
  'unknown-technician',
  'inactive',
  'card-auth-failed',
  'locked-out',
  'wrong-pin',
  'invalid-pin',
  'no-card-session',
  'store-failed',
] as const;
export type TechnicianAuthFailureCode = (typeof TECHNICIAN_AUTH_FAILURE_CODES)[number];

export interface TechnicianAuthFailure {
  readonly code: TechnicianAuthFailureCode;
  /** For the technician screen and the log; never contains a PIN or key. */
  readonly message: string;
  readonly attemptsLeft?: number;
  readonly lockedUntil?: string;
}

/** A card that proved its key; the PIN is asked next. */
export interface CardVerified {
  readonly token: string;
  readonly technicianId: string;
  readonly name: string;
}

export interface TechnicianSession {
  readonly sessionId: string;
  readonly technicianId: string;
  readonly name: string;
  readonly startedAt: string;
}

export interface TechnicianAuthDeps {
  readonly registry: TechnicianRegistry;
  readonly lockouts: LockoutStore;
  readonly recordAudit: (entry: AuditEntry) => Promise<unknown>;
  readonly now: () => Date;
  readonly random?: (n: number) => Buffer;
}

export interface TechnicianAuthConfig {
  /** Wrong PINs in a row before the card is locked out. */
  readonly maxPinAttempts: number;
  readonly lockoutMs: number;
  /** How long after the card tap the PIN may be entered. */
  readonly pinWindowMs: number;
}

export const DEFAULT_TECHNICIAN_AUTH_CONFIG: TechnicianAuthConfig = { maxPinAttempts: 5, lockoutMs: 15 * 60_000, pinWindowMs: 2 * 60_000 };

const PIN_PATTERN = /^\d{4,12}$/;

/**
 * Technician authentication: card challenge–response (the UID is never trusted), then PIN, with
 * a persistent lockout after too many wrong PINs. Every attempt, success, failure, lockout,
 * action and exit goes to the audit log.
 */
export class TechnicianAuthenticator {
  private readonly config: TechnicianAuthConfig;
  private readonly random: (n: number) => Buffer;
  private readonly pendingCards = new Map<string, { technicianId: string; name: string; expiresMs: number }>();
  private readonly sessions = new Map<string, TechnicianSession>();

  constructor(
    private readonly deps: TechnicianAuthDeps,
    config: Partial<TechnicianAuthConfig> = {},
  ) {
    this.config = { ...DEFAULT_TECHNICIAN_AUTH_CONFIG, ...config };
    this.random = deps.random ?? randomBytes;
  }

  /**
   * Runs the card part over `transmit`. `uid` (from the reader) only goes to the audit log,
   * hashed, to trace a cloned card; it decides nothing.
   */
  async presentCard(transmit: ApduTransmit, uid: string | null = null): Promise<Result<CardVerified, TechnicianAuthFailure>> {
    const uidNote = uid === null ? 'uid unknown' : `uid#${createHash('sha256').update(uid.toUpperCase()).digest('hex').slice(0, 12)}`;
    const challenge = this.random(CHALLENGE_LENGTH);
    const card = await readTechnicianCard(transmit, challenge);
    if (!card.ok) return this.refuse('unknown', card.error.code, card.error.message, uidNote);
    const { technicianId, response } = card.value;
    await this.audit(technicianId, 'maintenance.card-presented', uidNote);

    const record = await this.deps.registry.lookup(technicianId);
    if (!record) return this.refuse(technicianId, 'unknown-technician', 'this technician is not provisioned on this kiosk', uidNote);
    if (!record.active) return this.refuse(technicianId, 'inactive', 'this technician card has been withdrawn', uidNote);

    const expected = createHmac('sha256', Buffer.from(record.keyHex, 'hex')).update(challenge).update(technicianId, 'ascii').digest().subarray(0, 16);
    if (!timingSafeEqual(expected, response)) {
      return this.refuse(technicianId, 'card-auth-failed', 'the card did not prove its key (copied or wrong card)', uidNote);
    }
    const lock = await this.lockState(technicianId);
    if (!lock.ok) return lock;
    if (lock.value.lockedUntil !== null) {
      return this.refuse(technicianId, 'locked-out', `locked until ${lock.value.lockedUntil}`, uidNote, { lockedUntil: lock.value.lockedUntil });
    }
    const token = this.random(16).toString('hex');
    this.pendingCards.set(token, { technicianId, name: record.name, expiresMs: this.deps.now().getTime() + this.config.pinWindowMs });
    await this.audit(technicianId, 'maintenance.card-verified', uidNote);
    return { ok: true, value: { token, technicianId, name: record.name } };
  }

  /** Checks the PIN for a verified card; five wrong in a row lock the card out. */
  async enterPin(token: string, pin: string): Promise<Result<TechnicianSession, TechnicianAuthFailure>> {
    const pending = this.pendingCards.get(token);
    if (!pending || pending.expiresMs < this.deps.now().getTime()) {
      this.pendingCards.delete(token);
      return this.refuse(pending?.technicianId ?? 'unknown', 'no-card-session', 'tap the technician card again');
    }
    const { technicianId } = pending;
    const lock = await this.lockState(technicianId);
    if (!lock.ok) return lock;
    if (lock.value.lockedUntil !== null) {
      this.pendingCards.delete(token);
      return this.refuse(technicianId, 'locked-out', `locked until ${lock.value.lockedUntil}`, null, { lockedUntil: lock.value.lockedUntil });
    }
    const record = await this.deps.registry.lookup(technicianId);
    if (!record?.active) {
      this.pendingCards.delete(token);
      return this.refuse(technicianId, record ? 'inactive' : 'unknown-technician', 'this technician is not allowed on this kiosk');
    }
    const good = PIN_PATTERN.test(pin) && (await verifyPin(pin, record.pinHash));
    if (!good) {
      const failedPins = lock.value.failedPins + 1;
      const lockNow = failedPins >= this.config.maxPinAttempts;
      const lockedUntil = lockNow ? new Date(this.deps.now().getTime() + this.config.lockoutMs).toISOString() : null;
      const saved = await this.saveLock(technicianId, { failedPins, lockedUntil });
      if (!saved.ok) return saved;
      if (lockNow) {
        this.pendingCards.delete(token);
        await this.audit(technicianId, 'maintenance.lockout', `${failedPins} wrong PINs; locked until ${lockedUntil}`);
        return { ok: false, error: { code: 'locked-out', message: `too many wrong PINs; locked until ${lockedUntil}`, lockedUntil: lockedUntil! } };
      }
      const attemptsLeft = this.config.maxPinAttempts - failedPins;
      return this.refuse(technicianId, PIN_PATTERN.test(pin) ? 'wrong-pin' : 'invalid-pin', `wrong PIN; ${attemptsLeft} attempts left`, null, { attemptsLeft });
    }
    const saved = await this.saveLock(technicianId, { failedPins: 0, lockedUntil: null });
    if (!saved.ok) return saved;
    this.pendingCards.delete(token);
    const session: TechnicianSession = { sessionId: this.random(16).toString('hex'), technicianId, name: record.name, startedAt: this.deps.now().toISOString() };
    this.sessions.set(session.sessionId, session);
    await this.audit(technicianId, 'maintenance.entry', `session ${session.sessionId}`);
    return { ok: true, value: session };
  }

  /** Logs what a technician did in maintenance mode (test print, open queue, retry outbox…). */
  async recordAction(session: TechnicianSession, action: string, detail: string | null = null): Promise<Result<void, TechnicianAuthFailure>> {
    if (!this.sessions.has(session.sessionId)) return { ok: false, error: { code: 'no-card-session', message: 'not in maintenance mode' } };
    await this.audit(session.technicianId, `maintenance.action.${action}`, detail);
    return { ok: true, value: undefined };
  }

  async exit(session: TechnicianSession, reason: 'logout' | 'card-removed' | 'idle-timeout' | 'door-closed'): Promise<void> {
    if (!this.sessions.delete(session.sessionId)) return;
    await this.audit(session.technicianId, 'maintenance.exit', `${reason}; session ${session.sessionId}`);
  }

  private async lockState(technicianId: string): Promise<Result<LockoutState, TechnicianAuthFailure>> {
    let state: LockoutState | null;
    try {
      state = await this.deps.lockouts.get(technicianId);
    } catch (e) {
      return this.refuse(technicianId, 'store-failed', `lockout store: ${e instanceof Error ? e.message : String(e)}`);
    }
    const s = state ?? { failedPins: 0, lockedUntil: null };
    if (s.lockedUntil !== null && Date.parse(s.lockedUntil) <= this.deps.now().getTime()) {
      const cleared: LockoutState = { failedPins: 0, lockedUntil: null };
      const saved = await this.saveLock(technicianId, cleared);
      if (!saved.ok) return saved;
      await this.audit(technicianId, 'maintenance.lockout-expired', `was locked until ${s.lockedUntil}`);
      return { ok: true, value: cleared };
    }
    return { ok: true, value: s };
  }

  private async saveLock(technicianId: string, state: LockoutState): Promise<Result<void, TechnicianAuthFailure>> {
    try {
      await this.deps.lockouts.put(technicianId, state);
      return { ok: true, value: undefined };
    } catch (e) {
      return this.refuse(technicianId, 'store-failed', `lockout store: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async refuse(
    actor: string,
    code: TechnicianAuthFailureCode,
    message: string,
    note: string | null = null,
    extra: { attemptsLeft?: number; lockedUntil?: string } = {},
  ): Promise<{ ok: false; error: TechnicianAuthFailure }> {
    await this.audit(actor, 'maintenance.refused', `${code}: ${message}${note ? ` (${note})` : ''}`);
    return { ok: false, error: { code, message, ...extra } };
  }

  private async audit(actor: string, action: string, detail: string | null): Promise<void> {
    await this.deps.recordAudit({ actor, action, detail });
  }
}
