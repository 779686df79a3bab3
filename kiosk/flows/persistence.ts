/**
 * What of a session survives a runtime restart, and how it comes back.
 *
 * Persist (`persistSession`, call after every transition): only a session in the report flow
 * is worth keeping; anything else gives null (the runtime deletes its saved copy). The card is
 * stripped from everything saved (session, report, a pending `createTicket` input): card data
 * never goes to disk, and the card must be tapped again anyway.
 *
 * Restore (`restoreSession(persisted, now)`), the explicit rule:
 * - a report the passenger changed less than {@link REPORT_RESUME_MS} ago resumes;
 *   - half-written (category chosen, not submitted): it comes back behind the idle warning
 *     ("Are you still there? discarded in N s"), since the passenger may have left;
 *   - being submitted: `createTicket` runs again with the same `draftId` (the port dedupes);
 *   - submitted: the ticket id screen comes back; a receipt that was printing is `unknown`
 *     (never printed twice by a restart; the passenger can ask to print again);
 * - everything else starts fresh at the attract screen: balance screens (tap again), FAQ,
 *   status, survey, calls, a report older than the limit, an unreadable file.
 *
 * After starting an actor from a restored snapshot, send `SESSION.RESTORED` (re-arms the idle
 * timers, which XState does not persist): `startSessionActor` does both.
 */
import { createActor, type Actor } from 'xstate';
import type { SessionMachine, SessionSnapshot } from './session.js';
import { IDLE_TIMEOUT_MS, IDLE_WARNING_MS } from './session.js';

export const REPORT_RESUME_MS = 10 * 60_000;
export const PERSISTED_SESSION_FORMAT = 1;

/** What the runtime writes to its session file. */
export interface PersistedSession {
  readonly format: typeof PERSISTED_SESSION_FORMAT;
  /** Epoch ms of the flows' clock. */
  readonly savedAt: number;
  /** XState's persisted snapshot of the session, card data removed. */
  readonly snapshot: unknown;
}

export type RestoreOutcome =
  | { readonly kind: 'resumed'; readonly snapshot: unknown; readonly state: 'report-warning' | 'report-submitting' | 'report-submitted' }
  | { readonly kind: 'fresh'; readonly reason: 'nothing-saved' | 'not-a-report' | 'report-empty' | 'too-old' | 'unreadable' };

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys whose values are card data wherever they appear (the session's card, a child's read, a ticket input's card). */
const CARD_KEYS = new Set(['card', 'cardNumber', 'trips', 'transactions', 'recentTrips']);

function scrubCards(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(scrubCards);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, CARD_KEYS.has(k) ? null : scrubCards(x)]));
}

/**
 * What of an XState persisted session snapshot (`actor.getPersistedSnapshot()`) may be written
 * to disk: the snapshot with every card detail removed while the session is in the report flow,
 * else null — the runtime then deletes its saved copy. A balance screen, FAQ, status lookup,
 * survey or call is never saved. Pure; never throws (anything unrecognised gives null).
 */
export function persistableSnapshot(persisted: unknown): unknown {
  if (!isObj(persisted) || persisted['status'] !== 'active' || !isObj(persisted['value'])) return null;
  const active = persisted['value']['active'];
  if (!isObj(active) || active['flow'] !== 'report') return null;
  return scrubCards(persisted);
}

/** The session as it may be saved, or null when this state is not kept (see the module rule). */
export function persistSession(actor: Actor<SessionMachine>, now: number): PersistedSession | null {
  const snapshot: SessionSnapshot = actor.getSnapshot();
  if (snapshot.status !== 'active' || !snapshot.matches({ active: { flow: 'report' } })) return null;
  const safe = persistableSnapshot(actor.getPersistedSnapshot());
  return safe === null ? null : { format: PERSISTED_SESSION_FORMAT, savedAt: now, snapshot: safe };
}

export interface RestoreOptions {
  readonly idleTimeoutMs?: number;
  readonly idleWarningMs?: number;
  readonly reportResumeMs?: number;
}

/** Applies the restore rule to what was saved (untrusted: it came from a file). Never throws. */
export function restoreSession(saved: unknown, now: number, options: RestoreOptions = {}): RestoreOutcome {
  if (saved === null || saved === undefined) return { kind: 'fresh', reason: 'nothing-saved' };
  if (!isObj(saved) || saved['format'] !== PERSISTED_SESSION_FORMAT || typeof saved['savedAt'] !== 'number') return { kind: 'fresh', reason: 'unreadable' };
  const snap = saved['snapshot'];
  if (!isObj(snap) || snap['status'] !== 'active' || !isObj(snap['value']) || !isObj(snap['context']) || !isObj(snap['children'])) {
    return { kind: 'fresh', reason: 'unreadable' };
  }
  const active = snap['value']['active'];
  if (!isObj(active) || active['flow'] !== 'report') return { kind: 'fresh', reason: 'not-a-report' };
  const reportEntry = snap['children']['faultReport'];
  const report = isObj(reportEntry) ? reportEntry['snapshot'] : undefined;
  if (!isObj(reportEntry) || !isObj(report) || !isObj(report['context']) || report['status'] !== 'active') return { kind: 'fresh', reason: 'unreadable' };
  const rc = report['context'];
  const updatedAt = rc['updatedAt'];
  if (typeof updatedAt !== 'number' || now - updatedAt > (options.reportResumeMs ?? REPORT_RESUME_MS) || now < updatedAt - 60_000) {
    return { kind: 'fresh', reason: 'too-old' };
  }
  const value = report['value'];
  const idleMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const counting = (state: 'report-submitting' | 'report-submitted', reportPatch: Json): RestoreOutcome => ({
    kind: 'resumed',
    state,
    snapshot: withSession(snap, { active: { flow: 'report', idle: 'counting' } }, { idleDeadline: now + idleMs, warningDeadline: null, card: null }, reportEntry, reportPatch),
  });
  if (value === 'submitting') return counting('report-submitting', {});
  if (isObj(value) && 'submitted' in value) {
    if (value['submitted'] !== 'printing') return counting('report-submitted', {});
    const children = isObj(report['children']) ? report['children'] : {};
    const kept = Object.fromEntries(Object.entries(children).filter(([, c]) => !(isObj(c) && c['src'] === 'printReceipt')));
    return counting('report-submitted', { value: { submitted: 'unknown' }, context: { ...rc, receipt: 'unknown' }, children: kept });
  }
  if (rc['category'] === null || rc['category'] === undefined) return { kind: 'fresh', reason: 'report-empty' };
  return {
    kind: 'resumed',
    state: 'report-warning',
    snapshot: withSession(
      snap,
      { active: { flow: 'report', idle: 'warning' } },
      { idleDeadline: null, warningDeadline: now + (options.idleWarningMs ?? IDLE_WARNING_MS), reportDirty: true, card: null },
      reportEntry,
      {},
    ),
  };
}

function withSession(snap: Json, value: Json, contextPatch: Json, reportEntry: Json, reportPatch: Json): Json {
  const report = reportEntry['snapshot'] as Json;
  return {
    ...snap,
    value,
    context: { ...(snap['context'] as Json), ...contextPatch },
    children: { ...(snap['children'] as Json), faultReport: { ...reportEntry, snapshot: { ...report, ...reportPatch } } },
  };
}

export interface StartSessionOptions {
  readonly clock: { setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown; clearTimeout(id: unknown): void };
  readonly restored?: RestoreOutcome;
  /** Errors of the session or any child flow (a child with no `onError`): logged by the runtime, never thrown. */
  readonly onError: (error: unknown) => void;
}

/** Creates and starts the session actor, from a restored snapshot when there is one. */
export function startSessionActor(machine: SessionMachine, options: StartSessionOptions): Actor<SessionMachine> {
  const snapshot = options.restored?.kind === 'resumed' ? options.restored.snapshot : undefined;
  const actor = createActor(machine, {
    clock: options.clock,
    ...(snapshot === undefined ? {} : { snapshot: snapshot as ReturnType<Actor<SessionMachine>['getPersistedSnapshot']> }),
  });
  actor.subscribe({ error: options.onError });
  actor.start();
  if (snapshot !== undefined) actor.send({ type: 'SESSION.RESTORED' });
  return actor;
}
