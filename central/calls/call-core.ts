/**
 * The decisions of the call service, apart from any socket: which connection is a kiosk's, an
 * agent's or a call's media page, what each frame does to the {@link CallQueue}, who gets which
 * message. Connections are names (`<instance>.<n>`), so the sockets may be held by this process
 * (`signalling.ts`) or by another central instance (`pg-cluster.ts` carries events and messages
 * between them through PostgreSQL). One core decides at a time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AgentToCentral, CentralToAgent, CentralToKiosk, KioskToCentral, MediaGrant, MediaSignal } from '../../shared/call-protocol.js';
import { uuidv7 } from '../../shared/ids.js';
import { CallQueue, type QueuePersistence, type QueueSettings, type QueueSnapshot } from './queue.js';
import type { Scheduler } from './scheduler.js';
import { iceGrantFor, type IceConfig } from './turn.js';

/** WebSocket close codes used by the call endpoints. */
export const CLOSE = { unauthorized: 4401, replaced: 4409, loginTimeout: 4408 } as const;

/** What a socket did, as plain data (it may travel between instances). */
export type CallEvent =
  | { readonly k: 'kiosk-open'; readonly conn: string; readonly kioskId: string }
  | { readonly k: 'kiosk-msg'; readonly conn: string; readonly kioskId: string; readonly m: KioskToCentral }
  | { readonly k: 'kiosk-close'; readonly conn: string; readonly kioskId: string }
  | { readonly k: 'agent-login'; readonly conn: string; readonly agentId: string; readonly name: string }
  | { readonly k: 'agent-msg'; readonly conn: string; readonly agentId: string; readonly m: AgentToCentral }
  | { readonly k: 'agent-close'; readonly conn: string; readonly agentId: string }
  | { readonly k: 'media-open'; readonly conn: string; readonly tokenHash: string }
  | { readonly k: 'media-msg'; readonly conn: string; readonly signal: MediaSignal }
  | { readonly k: 'media-close'; readonly conn: string }
  /** Every connection of that instance is gone (it stopped answering). */
  | { readonly k: 'instance-gone'; readonly instance: string };

/** What to do to a socket. */
export interface CallOutput {
  readonly conn: string;
  readonly m?: CentralToKiosk | CentralToAgent | MediaSignal;
  readonly close?: { readonly code: number; readonly reason: string };
}

export interface CoreSink {
  output(o: CallOutput): void;
  /** Something changed that agents see in the queue panel, or a timer decided something. */
  changed(): void;
}

export interface CoreSnapshot {
  readonly queue: QueueSnapshot;
  readonly kiosks: readonly (readonly [kioskId: string, conn: string])[];
  readonly agents: readonly (readonly [agentId: string, conn: string])[];
  readonly media: readonly MediaSession[];
}

interface MediaSession {
  readonly callId: string;
  readonly kioskId: string;
  readonly tokenHash: string;
  readonly expiresAt: number;
  conn: string | null;
  /** The agent last told `peer-ready` for this page's connection (it has made, or is making, the offer). */
  peerAgent: string | null;
}

export interface CallCoreDeps {
  readonly scheduler: Scheduler;
  readonly settings: QueueSettings;
  readonly persistence: QueuePersistence;
  readonly ice: IceConfig;
  readonly mediaTokenTtlSeconds: number;
  readonly sink: CoreSink;
}

export function hashMediaToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The instance part of a connection name. */
export function instanceOf(conn: string): string {
  return conn.slice(0, conn.lastIndexOf('.'));
}

export class CallCore {
  readonly queue: CallQueue;
  private readonly kioskConns = new Map<string, string>();
  private readonly agentConns = new Map<string, string>();
  private readonly media = new Map<string, MediaSession>();
  private broadcastDue = false;

  constructor(private readonly deps: CallCoreDeps) {
    this.queue = new CallQueue({
      scheduler: deps.scheduler,
      settings: deps.settings,
      persistence: deps.persistence,
      newId: () => uuidv7(deps.scheduler.now()),
      outputs: {
        toKiosk: (kioskId, m) => this.to(this.kioskConns.get(kioskId), m),
        toAgent: (agentId, m) => this.to(this.agentConns.get(agentId), m),
        queueChanged: () => {
          this.broadcastDue = true;
          deps.sink.changed();
        },
        grantMedia: (callId, kioskId) => this.grantMedia(callId, kioskId),
        hasMedia: (callId) => {
          const session = this.media.get(callId);
          return session !== undefined && session.expiresAt > deps.scheduler.now();
        },
        revokeMedia: (callId) => this.revokeMedia(callId),
        mediaPeerChanged: (callId) => this.mediaPeerChanged(callId),
        ice: (user) => iceGrantFor(deps.ice, user, deps.scheduler.now()),
      },
    });
  }

  apply(e: CallEvent): void {
    switch (e.k) {
      case 'kiosk-open': {
        const previous = this.kioskConns.get(e.kioskId);
        this.kioskConns.set(e.kioskId, e.conn);
        if (previous !== undefined && previous !== e.conn) this.closeConn(previous, CLOSE.replaced, 'replaced by a newer connection');
        return;
      }
      case 'kiosk-msg':
        if (this.kioskConns.get(e.kioskId) === e.conn) this.kioskMessage(e.kioskId, e.conn, e.m);
        return;
      case 'kiosk-close':
        if (this.kioskConns.get(e.kioskId) !== e.conn) return;
        this.kioskConns.delete(e.kioskId);
        this.queue.kioskDetached(e.kioskId);
        return;
      case 'agent-login': {
        const previous = this.agentConns.get(e.agentId);
        this.agentConns.set(e.agentId, e.conn);
        if (previous !== undefined && previous !== e.conn) this.closeConn(previous, CLOSE.replaced, 'logged in elsewhere');
        const presence = this.queue.agentLoggedIn(e.agentId, e.name);
        this.to(e.conn, { type: 'welcome', agentId: e.agentId, name: e.name, presence });
        this.to(e.conn, this.queueMessage());
        return;
      }
      case 'agent-msg':
        if (this.agentConns.get(e.agentId) === e.conn) this.agentMessage(e.agentId, e.conn, e.m);
        return;
      case 'agent-close':
        if (this.agentConns.get(e.agentId) !== e.conn) return;
        this.agentConns.delete(e.agentId);
        this.queue.agentDisconnected(e.agentId);
        return;
      case 'media-open':
        return this.mediaOpened(e.conn, e.tokenHash);
      case 'media-msg': {
        const session = [...this.media.values()].find((s) => s.conn === e.conn);
        const agentId = session ? this.queue.mediaPeerOf(session.callId) : null;
        if (session && agentId) this.to(this.agentConns.get(agentId), { type: 'signal', callId: session.callId, signal: e.signal });
        return;
      }
      case 'media-close':
        for (const s of this.media.values()) if (s.conn === e.conn) s.conn = null;
        return;
      case 'instance-gone': {
        const gone = (conn: string): boolean => instanceOf(conn) === e.instance;
        // Kiosks first: their entries keep their place (detached) before agents' leaving is counted.
        const kiosks = [...this.kioskConns].filter(([, conn]) => gone(conn)).map(([kioskId]) => kioskId);
        for (const kioskId of kiosks) this.kioskConns.delete(kioskId);
        if (kiosks.length > 0) this.queue.kiosksDetached(kiosks);
        for (const [agentId, conn] of [...this.agentConns]) if (gone(conn)) this.apply({ k: 'agent-close', conn, agentId });
        for (const s of this.media.values()) if (s.conn !== null && gone(s.conn)) s.conn = null;
        return;
      }
    }
  }

  /** Instances that hold a connection this core knows of. */
  instances(): Set<string> {
    const out = new Set<string>();
    for (const conn of [...this.kioskConns.values(), ...this.agentConns.values()]) out.add(instanceOf(conn));
    for (const s of this.media.values()) if (s.conn !== null) out.add(instanceOf(s.conn));
    return out;
  }

  /** Sends the queue panel to every agent when something in it changed since the last time. */
  flushBroadcast(): void {
    if (!this.broadcastDue) return;
    this.broadcastDue = false;
    const message = this.queueMessage();
    for (const conn of this.agentConns.values()) this.to(conn, message);
  }

  snapshot(): CoreSnapshot {
    return { queue: this.queue.snapshot(), kiosks: [...this.kioskConns], agents: [...this.agentConns], media: [...this.media.values()].map((s) => ({ ...s })) };
  }

  takeOver(s: CoreSnapshot): void {
    this.queue.takeOver(s.queue);
    for (const [k, c] of s.kiosks) this.kioskConns.set(k, c);
    for (const [a, c] of s.agents) this.agentConns.set(a, c);
    for (const m of s.media) this.media.set(m.callId, { ...m });
  }

  close(): void {
    this.queue.close();
  }

  // ---- internals ---------------------------------------------------------------------

  private to(conn: string | undefined | null, m: CentralToKiosk | CentralToAgent | MediaSignal): void {
    if (conn) this.deps.sink.output({ conn, m });
  }

  private closeConn(conn: string, code: number, reason: string): void {
    this.deps.sink.output({ conn, close: { code, reason } });
  }

  private queueMessage(): CentralToAgent {
    return { type: 'queue', serverTime: new Date(this.deps.scheduler.now()).toISOString(), ...this.queue.view() };
  }

  private kioskMessage(kioskId: string, conn: string, m: KioskToCentral): void {
    const fail = (code: string, message: string): void => this.to(conn, { type: 'error', code, message });
    switch (m.type) {
      case 'request': {
        const r = this.queue.request(kioskId, m.requestId, m.lane, m.context);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
      case 'resume':
        this.queue.resume(kioskId, m.callId);
        return;
      case 'leave': {
        const r = this.queue.leave(kioskId, m.callId, m.reason);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
      case 'action-result':
        this.queue.actionResult(kioskId, m.callId, m.actionId, m.status, m.code);
        return;
    }
  }

  private agentMessage(agentId: string, conn: string, m: AgentToCentral): void {
    const fail = (code: string, message: string): void => this.to(conn, { type: 'error', code, message });
    switch (m.type) {
      case 'set-status': {
        const r = this.queue.setAgentStatus(agentId, m.status);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
      case 'answer': {
        const r = this.queue.answer(agentId, m.callId);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
      case 'hang-up': {
        const r = this.queue.hangUp(agentId, m.callId);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
      case 'signal': {
        if (this.queue.mediaPeerOf(m.callId) !== agentId) return fail('not-your-call', 'no call of yours with that id');
        this.to(this.media.get(m.callId)?.conn, m.signal);
        return;
      }
      case 'action': {
        const r = this.queue.agentAction(agentId, m.callId, m.action);
        if (!r.ok) fail(r.error.code, r.error.message);
        return;
      }
    }
  }

  private grantMedia(callId: string, kioskId: string): MediaGrant {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = this.deps.scheduler.now() + this.deps.mediaTokenTtlSeconds * 1000;
    const previous = this.media.get(callId);
    this.media.set(callId, { callId, kioskId, tokenHash: hashMediaToken(token), expiresAt, conn: previous?.conn ?? null, peerAgent: previous?.peerAgent ?? null });
    return { path: '/calls/media', token, expiresAt: new Date(expiresAt).toISOString() };
  }

  private revokeMedia(callId: string): void {
    const session = this.media.get(callId);
    this.media.delete(callId);
    if (session?.conn) this.closeConn(session.conn, 1000, 'call ended');
  }

  private mediaOpened(conn: string, tokenHash: string): void {
    const session = [...this.media.values()].find((s) => sameHash(s.tokenHash, tokenHash));
    if (!session || session.expiresAt < this.deps.scheduler.now()) {
      this.closeConn(conn, CLOSE.unauthorized, 'unknown or expired media token');
      return;
    }
    const previous = session.conn;
    session.conn = conn;
    if (previous !== null && previous !== conn) this.closeConn(previous, CLOSE.replaced, 'page reloaded');
    // A page that joins (again) needs a fresh offer from its peer.
    session.peerAgent = null;
    this.mediaPeerChanged(session.callId);
  }

  /** Tells the agent the page is to connect with now to make an offer, once per page connection and agent. */
  private mediaPeerChanged(callId: string): void {
    const session = this.media.get(callId);
    const agentId = this.queue.mediaPeerOf(callId);
    if (!session || session.conn === null || agentId === null || session.peerAgent === agentId) return;
    session.peerAgent = agentId;
    this.to(this.agentConns.get(agentId), { type: 'signal', callId, signal: { type: 'peer-ready' } });
  }
}
