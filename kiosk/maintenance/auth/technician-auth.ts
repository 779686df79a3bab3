import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { Result } from '../../../shared/result.js';
import type { AuditEntry } from '../../../shared/sync.js';
import { TECHNICIAN_PIN_PATTERN, technicianSignedMessage } from '../../../shared/technician-card.js';
import { CHALLENGE_LENGTH, identifyTechnicianCard, signOnCard, verifyPinOnCard, type ApduTransmit } from './technician-card.js';

/** A technician as central enrols them: a public key, never a secret. */
export interface TechnicianRecord {
  readonly technicianId: string;
  readonly name: string;
  /** The card's ECDSA P-256 public key, SubjectPublicKeyInfo PEM. */
  readonly publicKeyPem: string;
  /** Revoked at central: the card is refused whatever it proves. */
  readonly revoked: boolean;
}

/** Technicians enrolled at central (down-synced); the kiosk never trusts a card without one. */
export interface TechnicianRegistry {
  lookup(technicianId: string): Promise<TechnicianRecord | null>;
}

export const TECHNICIAN_AUTH_FAILURE_CODES = [
  'not-technician-card',
  'card-error',
  'unknown-technician',
  'revoked',
  'card-auth-failed',
  'card-blocked',
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
  /** Wrong PINs the card still allows before it blocks (`wrong-pin`). */
  readonly attemptsLeft?: number;
}

/** A card that named an enrolled technician and a key that matches; the PIN is asked next. */
export interface CardVerified {
  readonly token: string;
  readonly technicianId: string;
  readonly name: string;
  /** Wrong PINs the card allows before it blocks. */
  readonly pinTriesLeft: number;
}

export interface TechnicianSession {
  readonly sessionId: string;
  readonly technicianId: string;
  readonly name: string;
  readonly startedAt: string;
}

export interface TechnicianAuthDeps {
  readonly registry: TechnicianRegistry;
  readonly recordAudit: (entry: AuditEntry) => Promise<unknown>;
  readonly now: () => Date;
  readonly random?: (n: number) => Buffer;
}

export interface TechnicianAuthConfig {
  /** How long after the card tap the PIN may be entered. */
  readonly pinWindowMs: number;
}

export const DEFAULT_TECHNICIAN_AUTH_CONFIG: TechnicianAuthConfig = { pinWindowMs: 2 * 60_000 };

interface PendingCard {
  readonly technicianId: string;
  readonly keyId: string;
  readonly name: string;
  readonly expiresMs: number;
}

/** SHA-256 of a public key's SubjectPublicKeyInfo DER, hex: what the card answers to GET DATA key id. */
export function technicianKeyId(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * Technician authentication with no secret on the kiosk: the card names its technician and key,
 * checks the PIN itself (counting wrong ones and blocking, as PIV cards do), and after a good PIN
 * signs a fresh random challenge with its ECDSA P-256 key; the kiosk verifies that signature with
 * the public key central enrolled, and refuses a revoked technician. PIN tries on one card run one
 * at a time. Every attempt, success, refusal, action and exit goes to the audit log.
 */
export class TechnicianAuthenticator {
  private readonly config: TechnicianAuthConfig;
  private readonly random: (n: number) => Buffer;
  private readonly pendingCards = new Map<string, PendingCard>();
  private readonly sessions = new Map<string, TechnicianSession>();
  /** The tail of each card's queue of PIN tries, by technician id and key id. */
  private readonly cardQueues = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: TechnicianAuthDeps,
    config: Partial<TechnicianAuthConfig> = {},
  ) {
    this.config = { ...DEFAULT_TECHNICIAN_AUTH_CONFIG, ...config };
    this.random = deps.random ?? randomBytes;
  }

  /**
   * Reads the card over `transmit`: its technician, key and PIN state. `uid` (from the reader)
   * only goes to the audit log, hashed, to trace a copied card; it decides nothing.
   */
  async presentCard(transmit: ApduTransmit, uid: string | null = null): Promise<Result<CardVerified, TechnicianAuthFailure>> {
    const uidNote = uid === null ? 'uid unknown' : `uid#${createHash('sha256').update(uid.toUpperCase()).digest('hex').slice(0, 12)}`;
    const card = await identifyTechnicianCard(transmit);
    if (!card.ok) return this.refuse('unknown', card.error.code, card.error.message, uidNote);
    const { technicianId, keyId, pin } = card.value;
    await this.audit(technicianId, 'maintenance.card-presented', uidNote);

    const record = await this.enrolled(technicianId, keyId, uidNote);
    if (!record.ok) return record;
    if (pin.blocked) return this.refuse(technicianId, 'card-blocked', 'the card is blocked after too many wrong PINs', uidNote);
    const token = this.random(16).toString('hex');
    this.pendingCards.set(token, { technicianId, keyId, name: record.value.name, expiresMs: this.deps.now().getTime() + this.config.pinWindowMs });
    await this.audit(technicianId, 'maintenance.card-verified', `${uidNote}; ${pin.triesLeft} PIN tries left on the card`);
    return { ok: true, value: { token, technicianId, name: record.value.name, pinTriesLeft: pin.triesLeft } };
  }

  /**
   * Sends the PIN to the card in the field (the same card that was presented), and after the
   * card accepts it, verifies the card's signature of a fresh challenge. Tries on one card run
   * one after the other, never interleaved.
   */
  enterPin(token: string, pin: string, transmit: ApduTransmit): Promise<Result<TechnicianSession, TechnicianAuthFailure>> {
    const pending = this.pendingCards.get(token);
    if (!pending) return this.refuse('unknown', 'no-card-session', 'tap the technician card again');
    return this.oneAtATime(`${pending.technicianId}/${pending.keyId}`, () => this.tryPin(token, pin, transmit));
  }

  private async tryPin(token: string, pin: string, transmit: ApduTransmit): Promise<Result<TechnicianSession, TechnicianAuthFailure>> {
    const pending = this.pendingCards.get(token);
    if (!pending || pending.expiresMs < this.deps.now().getTime()) {
      this.pendingCards.delete(token);
      return this.refuse(pending?.technicianId ?? 'unknown', 'no-card-session', 'tap the technician card again');
    }
    const { technicianId } = pending;
    if (!TECHNICIAN_PIN_PATTERN.test(pin)) {
      return this.refuse(technicianId, 'invalid-pin', 'a PIN is 4 to 8 digits (not sent to the card)');
    }
    const record = await this.enrolled(technicianId, pending.keyId, null);
    if (!record.ok) {
      this.pendingCards.delete(token);
      return record;
    }
    const card = await identifyTechnicianCard(transmit);
    if (!card.ok || card.value.technicianId !== technicianId || card.value.keyId !== pending.keyId) {
      this.pendingCards.delete(token);
      return this.refuse(technicianId, 'no-card-session', 'the tapped card is no longer on the reader; tap it again');
    }
    const answer = await verifyPinOnCard(transmit, pin);
    if (!answer.ok) return this.refuse(technicianId, answer.error.code, answer.error.message);
    if (answer.value.kind === 'blocked') {
      this.pendingCards.delete(token);
      await this.audit(technicianId, 'maintenance.card-blocked', 'the card blocked itself after too many wrong PINs');
      return this.refuse(technicianId, 'card-blocked', 'the card is blocked after too many wrong PINs');
    }
    if (answer.value.kind === 'wrong') {
      const attemptsLeft = answer.value.triesLeft;
      return this.refuse(technicianId, 'wrong-pin', `wrong PIN; ${attemptsLeft} attempts left on the card`, null, { attemptsLeft });
    }
    const challenge = this.random(CHALLENGE_LENGTH);
    const signature = await signOnCard(transmit, challenge);
    this.pendingCards.delete(token);
    if (!signature.ok) return this.refuse(technicianId, 'card-auth-failed', `the card did not sign the challenge (${signature.error.message})`);
    if (!verifySignature(record.value.publicKeyPem, challenge, signature.value)) {
      return this.refuse(technicianId, 'card-auth-failed', 'the card did not prove the enrolled key (copied or wrong card)');
    }
    const session: TechnicianSession = { sessionId: this.random(16).toString('hex'), technicianId, name: record.value.name, startedAt: this.deps.now().toISOString() };
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

  /** Runs `fn` after every earlier try on the same card has finished. */
  private oneAtATime<T>(card: string, fn: () => Promise<T>): Promise<T> {
    const before = this.cardQueues.get(card) ?? Promise.resolve();
    const run = before.then(fn);
    const after = run.then(
      () => undefined,
      () => undefined,
    );
    this.cardQueues.set(card, after);
    void after.then(() => {
      if (this.cardQueues.get(card) === after) this.cardQueues.delete(card);
    });
    return run;
  }

  /** The enrolled, unrevoked technician whose key is the card's. */
  private async enrolled(technicianId: string, keyId: string, note: string | null): Promise<Result<TechnicianRecord, TechnicianAuthFailure>> {
    let record: TechnicianRecord | null;
    try {
      record = await this.deps.registry.lookup(technicianId);
    } catch (e) {
      return this.refuse(technicianId, 'store-failed', `technician registry: ${e instanceof Error ? e.message : String(e)}`, note);
    }
    if (!record) return this.refuse(technicianId, 'unknown-technician', 'this technician is not enrolled', note);
    if (record.revoked) return this.refuse(technicianId, 'revoked', 'this technician has been revoked', note);
    let enrolledKeyId: string;
    try {
      enrolledKeyId = technicianKeyId(record.publicKeyPem);
    } catch {
      return this.refuse(technicianId, 'store-failed', 'the enrolled public key does not parse', note);
    }
    if (enrolledKeyId !== keyId) return this.refuse(technicianId, 'card-auth-failed', 'the card holds another key than the enrolled one', note);
    return { ok: true, value: record };
  }

  private async refuse(
    actor: string,
    code: TechnicianAuthFailureCode,
    message: string,
    note: string | null = null,
    extra: { attemptsLeft?: number } = {},
  ): Promise<{ ok: false; error: TechnicianAuthFailure }> {
    await this.audit(actor, 'maintenance.refused', `${code}: ${message}${note ? ` (${note})` : ''}`);
    return { ok: false, error: { code, message, ...extra } };
  }

  private async audit(actor: string, action: string, detail: string | null): Promise<void> {
    await this.deps.recordAudit({ actor, action, detail });
  }
}

/** Whether `signature` (DER) is the enrolled key's ECDSA-SHA256 signature of the challenge message. */
function verifySignature(publicKeyPem: string, challenge: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', technicianSignedMessage(challenge), { key: publicKeyPem, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
