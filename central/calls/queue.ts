/**
 * The call queue: who waits, who is rung, who talks. Pure state plus injected time, ids and
 * outputs, so that every rule is tested by stepping a {@link ManualScheduler}; the WebSocket
 * layer (`signalling.ts`) only translates frames to these calls.
 *
 * Rules (contact-centre style, see docs/calls.md):
 * - Order: emergency lane first, then by time of joining.
 * - Information calls ring the available agent idle the longest; emergency calls ring every
 *   available agent at once and take agents away from ringing information calls.
 * - An agent who lets a call ring out is set on break; the call rings the next agent.
 * - Nobody on duty (available, ringing, busy or in wrap-up): the call falls back at once
 *   (`no-agent`, or `ring-timeout` if it was already rung). Waiting past the maximum: `max-wait`.
 * - After a call the agent is in wrap-up for a while, then available (idle from that moment).
 * - A kiosk that drops keeps its place for a grace period; it resumes with the call id.
 */
import type {
  ActionResultStatus,
  AgentChosenStatus,
  AgentPresence,
  AgentView,
  CallContext,
  CallEndReason,
  CallLane,
  CentralToAgent,
  CentralToKiosk,
  FallbackReason,
  MediaGrant,
  QueueView,
} from '../../shared/call-protocol.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { Scheduler } from './scheduler.js';
import type { IceGrant } from './turn.js';

export interface QueueSettings {
  readonly ringTimeoutSeconds: number;
  readonly maxWaitSeconds: number;
  readonly wrapUpSeconds: number;
  readonly kioskReconnectGraceSeconds: number;
  /** Starting value of the handle-time average used for wait estimates. */
  readonly averageHandleSeconds: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  ringTimeoutSeconds: 20,
  maxWaitSeconds: 300,
  wrapUpSeconds: 30,
  kioskReconnectGraceSeconds: 30,
  averageHandleSeconds: 180,
};

/** A waiting entry as it is persisted (only entries not yet connected are kept). */
export interface StoredQueueEntry {
  readonly callId: string;
  readonly requestId: string;
  readonly kioskId: string;
  readonly lane: CallLane;
  readonly context: CallContext;
  readonly enqueuedAt: number;
}

/** Persistence of waiting entries and of the audit trail. Calls are fire-and-forget. */
export interface QueuePersistence {
  saveWaiting(entry: StoredQueueEntry): void;
  removeWaiting(callId: string): void;
  recordMissed(entry: StoredQueueEntry, reason: FallbackReason): void;
  audit(callId: string, actor: string, action: string, detail: string | null): void;
}

export interface QueueOutputs {
  toKiosk(kioskId: string, message: CentralToKiosk): void;
  toAgent(agentId: string, message: CentralToAgent): void;
  /** Something agents see in the queue panel changed. */
  queueChanged(): void;
  grantMedia(callId: string, kioskId: string): MediaGrant;
  /** Whether the kiosk page of this call holds a media grant still valid. */
  hasMedia(callId: string): boolean;
  revokeMedia(callId: string): void;
  /** The agent the kiosk page is to connect with changed (rung alone, or answered). */
  mediaPeerChanged(callId: string): void;
  ice(user: string): IceGrant;
}

export type QueueErrorCode = 'unknown-agent' | 'unknown-call' | 'not-offered' | 'not-your-call' | 'busy' | 'duplicate-request' | 'call-active';
export interface QueueError {
  readonly code: QueueErrorCode;
  readonly message: string;
}

type EntryState = 'waiting' | 'ringing' | 'connected';

/** A timer and when it is due, so that the queue's state can be written down and taken over. */
interface Timer {
  readonly handle: unknown;
  readonly due: number;
}

/**
 * Everything the queue holds, as plain data: what another central instance needs to carry on
 * exactly where this one stopped (timers as due times, offers as who is rung until when).
 */
export interface QueueSnapshot {
  readonly averageHandleSeconds: number;
  readonly entries: readonly {
    readonly stored: StoredQueueEntry;
    readonly state: EntryState;
    readonly detached: boolean;
    readonly rung: boolean;
    readonly ringing: readonly (readonly [agentId: string, due: number])[];
    readonly agentId: string | null;
    readonly connectedAt: number | null;
    readonly graceDue: number | null;
    readonly lastPosition: number;
    readonly lastEstimate: number;
  }[];
  readonly agents: readonly {
    readonly id: string;
    readonly name: string;
    readonly presence: AgentPresence;
    readonly idleSince: number;
    readonly callId: string | null;
    readonly wrapUpDue: number | null;
  }[];
}

interface Entry extends StoredQueueEntry {
  state: EntryState;
  detached: boolean;
  rung: boolean;
  readonly ringing: Map<string, Timer>;
  agentId: string | null;
  connectedAt: number | null;
  maxWaitTimer: Timer | null;
  graceTimer: Timer | null;
  lastPosition: number;
  lastEstimate: number;
}

interface Agent {
  readonly id: string;
  readonly name: string;
  presence: AgentPresence;
  idleSince: number;
  callId: string | null;
  wrapUpTimer: Timer | null;
}

const ON_DUTY: readonly AgentPresence[] = ['available', 'ringing', 'busy', 'wrap-up'];

export interface CallQueueDeps {
  readonly scheduler: Scheduler;
  readonly settings: QueueSettings;
  readonly outputs: QueueOutputs;
  readonly persistence: QueuePersistence;
  readonly newId: () => string;
}

export class CallQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly agents = new Map<string, Agent>();
  private averageHandleSeconds: number;

  constructor(private readonly deps: CallQueueDeps) {
    this.averageHandleSeconds = deps.settings.averageHandleSeconds;
  }

  // ---- agents ------------------------------------------------------------------------

  /** An agent's console connected and logged in; starts on break until they choose. */
  agentLoggedIn(agentId: string, name: string): AgentPresence {
    const existing = this.agents.get(agentId);
    if (existing) {
      if (existing.presence === 'logged-out') return this.setPresence(existing, 'on-break', 'logged-in');
      // A console that came back (a reload, or its central instance gone) sees the offers still
      // ringing for it: the same offers, not new rings.
      for (const entry of this.entries.values()) {
        if (entry.ringing.has(agentId)) this.deps.outputs.toAgent(agentId, { type: 'offer', callId: entry.callId, lane: entry.lane, context: entry.context });
      }
      return existing.presence;
    }
    const agent: Agent = { id: agentId, name, presence: 'on-break', idleSince: this.now(), callId: null, wrapUpTimer: null };
    this.agents.set(agentId, agent);
    this.deps.persistence.audit('-', `agent:${agentId}`, 'login', null);
    this.deps.outputs.queueChanged();
    return agent.presence;
  }

  setAgentStatus(agentId: string, status: AgentChosenStatus): Result<AgentPresence, QueueError> {
    const agent = this.agents.get(agentId);
    if (!agent) return err({ code: 'unknown-agent', message: 'log in first' });
    if (agent.presence === 'busy') return err({ code: 'busy', message: 'hang up first' });
    if (agent.presence === 'ringing') this.withdrawAgentOffers(agent, 'left');
    this.clearTimer(agent.wrapUpTimer);
    agent.wrapUpTimer = null;
    if (status === 'available' && agent.presence !== 'available') agent.idleSince = this.now();
    this.setPresence(agent, status, 'chosen');
    this.deps.persistence.audit('-', `agent:${agentId}`, `status:${status}`, null);
    this.afterChange();
    return ok(agent.presence);
  }

  /** The console's socket closed. A call in progress ends; a ringing offer goes to someone else. */
  agentDisconnected(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    if (agent.presence === 'ringing') this.withdrawAgentOffers(agent, 'left');
    if (agent.callId) {
      const entry = this.entries.get(agent.callId);
      if (entry) this.endCall(entry, 'agent-lost', `agent:${agentId}`);
    }
    this.clearTimer(agent.wrapUpTimer);
    agent.presence = 'logged-out';
    agent.callId = null;
    this.afterChange();
  }

  answer(agentId: string, callId: string): Result<null, QueueError> {
    const agent = this.agents.get(agentId);
    const entry = this.entries.get(callId);
    if (!agent) return err({ code: 'unknown-agent', message: 'log in first' });
    if (!entry) return err({ code: 'unknown-call', message: 'that call is gone' });
    if (entry.state !== 'ringing' || !entry.ringing.has(agentId)) return err({ code: 'not-offered', message: 'that call is not ringing for you' });
    for (const [otherId, timer] of entry.ringing) {
      this.clearTimer(timer);
      if (otherId === agentId) continue;
      const other = this.agents.get(otherId);
      if (other && other.presence === 'ringing') {
        this.setPresence(other, 'available', 'answered-elsewhere');
        this.deps.outputs.toAgent(otherId, { type: 'offer-withdrawn', callId, reason: 'answered-elsewhere' });
      }
    }
    entry.ringing.clear();
    this.clearTimer(entry.maxWaitTimer);
    entry.state = 'connected';
    entry.agentId = agentId;
    entry.connectedAt = this.now();
    agent.callId = callId;
    this.setPresence(agent, 'busy', 'answered');
    this.deps.persistence.removeWaiting(callId);
    this.deps.persistence.audit(callId, `agent:${agentId}`, 'answer', null);
    // The page connected with this agent while it rang: it keeps the grant `ringing` gave it.
    const media = this.deps.outputs.hasMedia(callId) ? null : this.deps.outputs.grantMedia(callId, entry.kioskId);
    this.deps.outputs.toKiosk(entry.kioskId, {
      type: 'connected',
      callId,
      agentName: agent.name,
      media,
      ...this.deps.outputs.ice(entry.kioskId),
    });
    this.deps.outputs.toAgent(agentId, { type: 'connected', callId, context: entry.context, ...this.deps.outputs.ice(`agent-${agentId}`) });
    this.deps.outputs.mediaPeerChanged(callId);
    this.afterChange();
    return ok(null);
  }

  hangUp(agentId: string, callId: string): Result<null, QueueError> {
    const entry = this.entries.get(callId);
    if (!entry || entry.state !== 'connected') return err({ code: 'unknown-call', message: 'no such call in progress' });
    if (entry.agentId !== agentId) return err({ code: 'not-your-call', message: 'not your call' });
    this.endCall(entry, 'hung-up', `agent:${agentId}`);
    this.afterChange();
    return ok(null);
  }

  /** Which call an agent is talking on, if any. */
  callOfAgent(agentId: string): string | null {
    return this.agents.get(agentId)?.callId ?? null;
  }

  /**
   * The agent the kiosk page exchanges SDP and ICE with: the agent of a connected call, or the one
   * agent an information call rings (they connect before the answer, sending nothing). Null while
   * the call waits or rings several agents.
   */
  mediaPeerOf(callId: string): string | null {
    const entry = this.entries.get(callId);
    if (!entry) return null;
    if (entry.state === 'connected') return entry.agentId;
    return this.connectsWhileRinging(entry) ? ([...entry.ringing.keys()][0] ?? null) : null;
  }

  kioskOfCall(callId: string): string | null {
    return this.entries.get(callId)?.kioskId ?? null;
  }

  // ---- kiosks ------------------------------------------------------------------------

  /**
   * A kiosk asks for an agent. One active call per kiosk: while it has a call waiting, ringing or
   * connected, another request is refused with `call-active` (the kiosk resumes or leaves that call).
   */
  request(kioskId: string, requestId: string, lane: CallLane, context: CallContext): Result<string, QueueError> {
    for (const e of this.entries.values()) {
      if (e.kioskId !== kioskId) continue;
      if (e.requestId === requestId) return err({ code: 'duplicate-request', message: 'already queued' });
      return err({ code: 'call-active', message: `this kiosk already has a call (${e.callId}, ${e.detached ? 'detached' : e.state}); resume or leave it before asking again` });
    }
    const callId = this.deps.newId();
    const stored: StoredQueueEntry = { callId, requestId, kioskId, lane, context, enqueuedAt: this.now() };
    if (!this.anyOnDuty()) {
      this.deps.persistence.audit(callId, `kiosk:${kioskId}`, 'fallback:no-agent', lane);
      this.deps.outputs.toKiosk(kioskId, { type: 'fallback', requestId, callId: null, reason: 'no-agent' });
      return ok(callId);
    }
    this.track(stored, false);
    this.deps.persistence.saveWaiting(stored);
    this.deps.persistence.audit(callId, `kiosk:${kioskId}`, 'request', lane);
    this.afterChange();
    return ok(callId);
  }

  /** After a reconnect (or a central restart). False: central does not hold that call. */
  resume(kioskId: string, callId: string): boolean {
    const entry = this.entries.get(callId);
    if (!entry || entry.kioskId !== kioskId) {
      this.deps.outputs.toKiosk(kioskId, { type: 'fallback', requestId: null, callId, reason: 'expired' });
      return false;
    }
    entry.detached = false;
    this.clearTimer(entry.graceTimer);
    entry.graceTimer = null;
    entry.lastPosition = 0;
    this.deps.persistence.audit(callId, `kiosk:${kioskId}`, 'resume', null);
    if (entry.state === 'connected') {
      const agent = entry.agentId ? this.agents.get(entry.agentId) : undefined;
      this.deps.outputs.toKiosk(kioskId, {
        type: 'connected',
        callId,
        agentName: agent?.name ?? '',
        media: this.deps.outputs.grantMedia(callId, kioskId),
        ...this.deps.outputs.ice(kioskId),
      });
    }
    this.afterChange();
    return true;
  }

  leave(kioskId: string, callId: string, reason: CallEndReason): Result<null, QueueError> {
    const entry = this.entries.get(callId);
    if (!entry || entry.kioskId !== kioskId) return err({ code: 'unknown-call', message: 'no such call' });
    if (entry.state === 'connected') this.endCall(entry, reason, `kiosk:${kioskId}`);
    else this.dropWaiting(entry, reason);
    this.afterChange();
    return ok(null);
  }

  /** The kiosk's control socket closed: its entries keep their place for the grace period. */
  kioskDetached(kioskId: string): void {
    this.kiosksDetached([kioskId]);
  }

  /** Several kiosks' sockets closed at once (their central instance is gone): all detach before anyone is rung. */
  kiosksDetached(kioskIds: readonly string[]): void {
    for (const entry of this.entries.values()) {
      if (!kioskIds.includes(entry.kioskId) || entry.detached) continue;
      this.detach(entry);
    }
    this.afterChange();
  }

  /** Entries read back from the store after a restart: they wait, detached, for their kiosk. */
  restore(stored: readonly StoredQueueEntry[]): void {
    for (const s of stored) {
      if (this.entries.has(s.callId)) continue;
      this.detach(this.track(s, true));
    }
    this.afterChange();
  }

  // ---- actions -------------------------------------------------------------------------

  /** Relays an agent action to the kiosk and records it. The kiosk decides whether it is allowed. */
  agentAction(agentId: string, callId: string, action: unknown): Result<string, QueueError> {
    const entry = this.entries.get(callId);
    if (!entry || entry.state !== 'connected' || entry.agentId !== agentId) return err({ code: 'not-your-call', message: 'no call of yours with that id' });
    const actionId = this.deps.newId();
    this.deps.persistence.audit(callId, `agent:${agentId}`, 'action', JSON.stringify({ actionId, action }).slice(0, 4096));
    this.deps.outputs.toKiosk(entry.kioskId, { type: 'action', callId, actionId, action });
    return ok(actionId);
  }

  actionResult(kioskId: string, callId: string, actionId: string, status: ActionResultStatus, code: string | null): void {
    const entry = this.entries.get(callId);
    if (!entry || entry.kioskId !== kioskId) return;
    this.deps.persistence.audit(callId, `kiosk:${kioskId}`, `action-${status}`, JSON.stringify({ actionId, code }));
    if (entry.agentId) this.deps.outputs.toAgent(entry.agentId, { type: 'action-result', callId, actionId, status, code });
  }

  // ---- views ---------------------------------------------------------------------------

  view(): { entries: QueueView[]; agents: AgentView[] } {
    return {
      entries: this.ordered().map((e) => ({
        callId: e.callId,
        lane: e.lane,
        kioskId: e.kioskId,
        stationName: e.context.stationName,
        location: e.context.location ?? null,
        queuedAt: new Date(e.enqueuedAt).toISOString(),
        state: e.detached ? 'detached' : e.state,
        agentName: e.agentId ? (this.agents.get(e.agentId)?.name ?? null) : null,
      })),
      agents: [...this.agents.values()].map((a) => ({ id: a.id, name: a.name, presence: a.presence })),
    };
  }

  presenceOf(agentId: string): AgentPresence | null {
    return this.agents.get(agentId)?.presence ?? null;
  }

  /** Stops every timer (central shutting down). Waiting entries stay in the store. */
  close(): void {
    for (const e of this.entries.values()) {
      this.clearTimer(e.maxWaitTimer);
      this.clearTimer(e.graceTimer);
      for (const t of e.ringing.values()) this.clearTimer(t);
    }
    for (const a of this.agents.values()) this.clearTimer(a.wrapUpTimer);
  }

  // ---- internals ---------------------------------------------------------------------

  private now(): number {
    return this.deps.scheduler.now();
  }

  private clearTimer(timer: Timer | null | undefined): void {
    if (timer) this.deps.scheduler.clearTimeout(timer.handle);
  }

  private timer(fn: () => void, ms: number): Timer {
    const delay = Math.max(0, ms);
    return { handle: this.deps.scheduler.setTimeout(fn, delay), due: this.now() + delay };
  }

  /** The queue's whole state as plain data (see {@link QueueSnapshot}). */
  snapshot(): QueueSnapshot {
    return {
      averageHandleSeconds: this.averageHandleSeconds,
      entries: [...this.entries.values()].map((e) => ({
        stored: { callId: e.callId, requestId: e.requestId, kioskId: e.kioskId, lane: e.lane, context: e.context, enqueuedAt: e.enqueuedAt },
        state: e.state,
        detached: e.detached,
        rung: e.rung,
        ringing: [...e.ringing].map(([agentId, t]) => [agentId, t.due] as const),
        agentId: e.agentId,
        connectedAt: e.connectedAt,
        graceDue: e.graceTimer?.due ?? null,
        lastPosition: e.lastPosition,
        lastEstimate: e.lastEstimate,
      })),
      agents: [...this.agents.values()].map((a) => ({ id: a.id, name: a.name, presence: a.presence, idleSince: a.idleSince, callId: a.callId, wrapUpDue: a.wrapUpTimer?.due ?? null })),
    };
  }

  /**
   * Takes over a queue from its snapshot (another instance held it): the same entries, offers,
   * agents and timers (each due when it was due; one already past fires at once). Sends nothing.
   */
  takeOver(s: QueueSnapshot): void {
    this.close();
    this.entries.clear();
    this.agents.clear();
    this.averageHandleSeconds = s.averageHandleSeconds;
    for (const a of s.agents) {
      const agent: Agent = { id: a.id, name: a.name, presence: a.presence, idleSince: a.idleSince, callId: a.callId, wrapUpTimer: null };
      this.agents.set(a.id, agent);
      if (a.wrapUpDue !== null) this.armWrapUp(agent, a.wrapUpDue - this.now());
    }
    for (const e of s.entries) {
      const entry = this.track(e.stored, e.detached);
      entry.state = e.state;
      entry.rung = e.rung;
      entry.agentId = e.agentId;
      entry.connectedAt = e.connectedAt;
      entry.lastPosition = e.lastPosition;
      entry.lastEstimate = e.lastEstimate;
      if (e.state === 'connected') {
        this.clearTimer(entry.maxWaitTimer);
        entry.maxWaitTimer = null;
      }
      for (const [agentId, due] of e.ringing) {
        const agent = this.agents.get(agentId);
        if (agent) entry.ringing.set(agentId, this.timer(() => this.ringTimedOut(entry, agent), due - this.now()));
      }
      if (e.graceDue !== null) this.armGrace(entry, e.graceDue - this.now());
    }
  }

  private track(stored: StoredQueueEntry, detached: boolean): Entry {
    const entry: Entry = {
      ...stored,
      state: 'waiting',
      detached,
      rung: false,
      ringing: new Map(),
      agentId: null,
      connectedAt: null,
      maxWaitTimer: null,
      graceTimer: null,
      lastPosition: 0,
      lastEstimate: -1,
    };
    const remaining = stored.enqueuedAt + this.deps.settings.maxWaitSeconds * 1000 - this.now();
    entry.maxWaitTimer = this.timer(() => {
      entry.maxWaitTimer = null;
      if (this.entries.get(entry.callId) === entry && entry.state !== 'connected') {
        this.fallback(entry, 'max-wait');
        this.afterChange();
      }
    }, remaining);
    this.entries.set(entry.callId, entry);
    return entry;
  }

  private detach(entry: Entry): void {
    entry.detached = true;
    if (entry.state === 'ringing') this.withdrawEntryOffers(entry, 'left');
    this.armGrace(entry, this.deps.settings.kioskReconnectGraceSeconds * 1000);
  }

  private armGrace(entry: Entry, ms: number): void {
    this.clearTimer(entry.graceTimer);
    entry.graceTimer = this.timer(() => {
      entry.graceTimer = null;
      if (this.entries.get(entry.callId) !== entry || !entry.detached) return;
      if (entry.state === 'connected') this.endCall(entry, 'kiosk-lost', 'central');
      else {
        this.deps.persistence.recordMissed(entry, 'expired');
        this.dropWaiting(entry, 'kiosk-lost');
      }
      this.afterChange();
    }, ms);
  }

  private ordered(): Entry[] {
    return [...this.entries.values()].sort((a, b) => (a.lane === b.lane ? a.enqueuedAt - b.enqueuedAt : a.lane === 'emergency' ? -1 : 1));
  }

  private anyOnDuty(): boolean {
    for (const a of this.agents.values()) if (ON_DUTY.includes(a.presence)) return true;
    return false;
  }

  private available(): Agent[] {
    return [...this.agents.values()].filter((a) => a.presence === 'available').sort((a, b) => a.idleSince - b.idleSince);
  }

  private setPresence(agent: Agent, presence: AgentPresence, reason: string | null): AgentPresence {
    agent.presence = presence;
    this.deps.outputs.toAgent(agent.id, { type: 'presence', presence, reason });
    return presence;
  }

  private ring(entry: Entry, agent: Agent): void {
    entry.state = 'ringing';
    entry.rung = true;
    agent.presence = 'ringing';
    this.deps.outputs.toAgent(agent.id, { type: 'presence', presence: 'ringing', reason: null });
    const early = entry.lane === 'information' ? this.deps.outputs.ice(`agent-${agent.id}`) : {};
    this.deps.outputs.toAgent(agent.id, { type: 'offer', callId: entry.callId, lane: entry.lane, context: entry.context, ...early });
    this.deps.persistence.audit(entry.callId, `agent:${agent.id}`, 'ring', null);
    entry.ringing.set(agent.id, this.timer(() => this.ringTimedOut(entry, agent), this.deps.settings.ringTimeoutSeconds * 1000));
    if (this.connectsWhileRinging(entry)) this.deps.outputs.mediaPeerChanged(entry.callId);
  }

  /** An information call rings one agent at a time: the kiosk page may connect with that agent before the answer. */
  private connectsWhileRinging(entry: Entry): boolean {
    return entry.state === 'ringing' && entry.lane === 'information' && entry.ringing.size === 1;
  }

  private ringTimedOut(entry: Entry, agent: Agent): void {
    if (!entry.ringing.has(agent.id)) return;
    entry.ringing.delete(agent.id);
    this.deps.outputs.toAgent(agent.id, { type: 'offer-withdrawn', callId: entry.callId, reason: 'ring-timeout' });
    this.setPresence(agent, 'on-break', 'no-answer');
    this.deps.persistence.audit(entry.callId, `agent:${agent.id}`, 'ring-timeout', 'set on break');
    if (entry.ringing.size === 0) entry.state = 'waiting';
    this.afterChange();
  }

  /** Takes every offer of this agent back (no penalty) and returns the entries to waiting. */
  private withdrawAgentOffers(agent: Agent, reason: 'left' | 'answered-elsewhere'): void {
    for (const entry of this.entries.values()) {
      const timer = entry.ringing.get(agent.id);
      if (timer === undefined) continue;
      this.clearTimer(timer);
      entry.ringing.delete(agent.id);
      if (entry.ringing.size === 0) entry.state = 'waiting';
      this.deps.outputs.toAgent(agent.id, { type: 'offer-withdrawn', callId: entry.callId, reason });
    }
  }

  private withdrawEntryOffers(entry: Entry, reason: 'left' | 'answered-elsewhere'): void {
    for (const [agentId, timer] of entry.ringing) {
      this.clearTimer(timer);
      const agent = this.agents.get(agentId);
      this.deps.outputs.toAgent(agentId, { type: 'offer-withdrawn', callId: entry.callId, reason });
      if (agent && agent.presence === 'ringing') this.setPresence(agent, 'available', 'withdrawn');
    }
    entry.ringing.clear();
    if (entry.state === 'ringing') entry.state = 'waiting';
  }

  private fallback(entry: Entry, reason: FallbackReason): void {
    this.withdrawEntryOffers(entry, 'left');
    this.clearTimer(entry.maxWaitTimer);
    this.clearTimer(entry.graceTimer);
    this.entries.delete(entry.callId);
    this.deps.outputs.revokeMedia(entry.callId);
    this.deps.persistence.removeWaiting(entry.callId);
    this.deps.persistence.audit(entry.callId, 'central', `fallback:${reason}`, null);
    if (entry.detached) this.deps.persistence.recordMissed(entry, reason);
    else this.deps.outputs.toKiosk(entry.kioskId, { type: 'fallback', requestId: entry.requestId, callId: entry.callId, reason });
  }

  private dropWaiting(entry: Entry, reason: CallEndReason): void {
    this.withdrawEntryOffers(entry, 'left');
    this.clearTimer(entry.maxWaitTimer);
    this.clearTimer(entry.graceTimer);
    this.entries.delete(entry.callId);
    this.deps.outputs.revokeMedia(entry.callId);
    this.deps.persistence.removeWaiting(entry.callId);
    this.deps.persistence.audit(entry.callId, `kiosk:${entry.kioskId}`, `left:${reason}`, null);
  }

  private endCall(entry: Entry, reason: CallEndReason, by: string): void {
    this.entries.delete(entry.callId);
    this.clearTimer(entry.graceTimer);
    this.deps.outputs.revokeMedia(entry.callId);
    this.deps.persistence.audit(entry.callId, by, `end:${reason}`, null);
    if (entry.connectedAt !== null) {
      const seconds = (this.now() - entry.connectedAt) / 1000;
      this.averageHandleSeconds = 0.8 * this.averageHandleSeconds + 0.2 * Math.max(30, seconds);
    }
    if (!entry.detached) this.deps.outputs.toKiosk(entry.kioskId, { type: 'ended', callId: entry.callId, reason });
    const agent = entry.agentId ? this.agents.get(entry.agentId) : undefined;
    if (!agent || agent.callId !== entry.callId) return;
    agent.callId = null;
    this.deps.outputs.toAgent(agent.id, { type: 'ended', callId: entry.callId, reason });
    if (agent.presence !== 'busy') return;
    this.setPresence(agent, 'wrap-up', reason);
    this.armWrapUp(agent, this.deps.settings.wrapUpSeconds * 1000);
  }

  private armWrapUp(agent: Agent, ms: number): void {
    agent.wrapUpTimer = this.timer(() => {
      agent.wrapUpTimer = null;
      if (agent.presence !== 'wrap-up') return;
      agent.idleSince = this.now();
      this.setPresence(agent, 'available', 'wrap-up-over');
      this.afterChange();
    }, ms);
  }

  /** Rings who can be rung, falls back who cannot be served, tells kiosks their place. */
  private afterChange(): void {
    this.dispatch();
    if (!this.anyOnDuty()) {
      for (const entry of this.ordered()) {
        // A detached entry waits for its kiosk (or its grace period) first.
        if (entry.state === 'connected' || entry.detached) continue;
        this.fallback(entry, entry.rung ? 'ring-timeout' : 'no-agent');
      }
    }
    this.announcePositions();
    this.deps.outputs.queueChanged();
  }

  private dispatch(): void {
    const order = this.ordered().filter((e) => !e.detached && e.state !== 'connected');
    const emergencies = order.filter((e) => e.lane === 'emergency');
    if (emergencies.length > 0) {
      // Agents ringing for an information call are taken for the emergency.
      for (const e of order) if (e.lane === 'information' && e.state === 'ringing') this.withdrawEntryOffers(e, 'left');
    }
    for (const entry of order) {
      const free = this.available();
      if (free.length === 0) return;
      if (entry.lane === 'emergency') {
        for (const agent of free) this.ring(entry, agent);
        continue;
      }
      if (entry.state === 'ringing') continue;
      this.ring(entry, free[0]!);
    }
  }

  private announcePositions(): void {
    const waiting = this.ordered().filter((e) => e.state !== 'connected');
    const onDuty = Math.max(1, [...this.agents.values()].filter((a) => ON_DUTY.includes(a.presence)).length);
    waiting.forEach((entry, index) => {
      const position = index + 1;
      const estimate = Math.ceil((position * this.averageHandleSeconds) / onDuty);
      if (entry.detached) return;
      if (entry.state === 'ringing' && entry.lastPosition !== -1) {
        entry.lastPosition = -1;
        const early = this.connectsWhileRinging(entry) ? { media: this.deps.outputs.grantMedia(entry.callId, entry.kioskId), ...this.deps.outputs.ice(entry.kioskId) } : {};
        this.deps.outputs.toKiosk(entry.kioskId, { type: 'ringing', callId: entry.callId, agents: entry.ringing.size, ...early });
        return;
      }
      if (entry.state === 'ringing') return;
      if (position === entry.lastPosition && estimate === entry.lastEstimate) return;
      entry.lastPosition = position;
      entry.lastEstimate = estimate;
      this.deps.outputs.toKiosk(entry.kioskId, {
        type: 'queued',
        requestId: entry.requestId,
        callId: entry.callId,
        lane: entry.lane,
        position,
        estimatedWaitSeconds: estimate,
        queuedAt: new Date(entry.enqueuedAt).toISOString(),
      });
    });
  }
}
