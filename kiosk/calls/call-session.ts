/**
 * The `callSession` actor of the escalation flow: the kiosk runtime's control connection to
 * central's `/calls/kiosk` (queue, ringing, agent actions). The kiosk page never holds the
 * kiosk's credentials; it only gets a per-call media token for SDP/ICE (see docs/calls.md).
 *
 * Connection rules: the first connection must open within `connectTimeoutMs`, else the flow
 * gets `CENTRAL.OFFLINE`. A connection lost mid-call is retried (back-off 0.5 s → 4 s) and the
 * call resumed by id; lost for longer than `reconnectGraceMs`, the flow gets `CENTRAL.OFFLINE`.
 * Stopping the actor (the flow left the call for any reason) tells central to drop the call.
 */
import WebSocket from 'ws';
import { fromCallback } from 'xstate';
import {
  parseCentralFrame,
  type CallEndReason,
  type CallMedia,
  type CentralToKiosk,
  type IceServer,
  type IceTransportPolicy,
  type KioskToCentral,
  type MediaGrant,
} from '../../shared/call-protocol.js';
import type { CallSessionCommand, CallSessionInput, CentralEvent } from '../flows/escalation.js';
import { backoffDelay } from '../../shared/backoff.js';

export interface CallSessionOptions {
  /** Central's base URL, e.g. `http://127.0.0.1:8080`. */
  readonly centralUrl: string;
  readonly kioskId: string;
  readonly token: string;
  readonly connectTimeoutMs?: number;
  readonly reconnectGraceMs?: number;
  readonly log?: (line: string) => void;
}

export function wsUrlOf(httpUrl: string, path: string): string {
  const u = new URL(path, httpUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export function createCallSessionActor(options: CallSessionOptions) {
  const connectTimeoutMs = options.connectTimeoutMs ?? 8000;
  const reconnectGraceMs = options.reconnectGraceMs ?? 20_000;
  const log = options.log ?? (() => undefined);

  return fromCallback<CallSessionCommand, CallSessionInput>(({ input, sendBack, receive }) => {
    let socket: WebSocket | null = null;
    let callId: string | null = null;
    let connectedOnce = false;
    let finished = false;
    let left = false;
    let lostAt: number | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    const outbox: KioskToCentral[] = [];

    const send = (m: KioskToCentral): void => {
      if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(m));
      else outbox.push(m);
    };
    const finish = (event: CentralEvent | null): void => {
      if (finished) return;
      finished = true;
      if (event) sendBack(event);
    };

    const callMediaOf = (grant: MediaGrant, iceServers: readonly IceServer[], policy: IceTransportPolicy | undefined): CallMedia => ({
      signallingUrl: `${wsUrlOf(options.centralUrl, grant.path)}?token=${encodeURIComponent(grant.token)}`,
      iceServers,
      ...(policy ? { iceTransportPolicy: policy } : {}),
    });

    const onMessage = (m: CentralToKiosk): void => {
      switch (m.type) {
        case 'queued':
          if (m.requestId !== input.requestId && m.callId !== callId) return;
          callId = m.callId;
          sendBack({ type: 'CENTRAL.QUEUED', callId: m.callId, position: m.position, estimatedWaitSeconds: m.estimatedWaitSeconds });
          return;
        case 'ringing':
          if (m.callId !== callId && callId !== null) return;
          callId = m.callId;
          sendBack({ type: 'CENTRAL.RINGING', callId: m.callId, media: m.media ? callMediaOf(m.media, m.iceServers ?? [], m.iceTransportPolicy) : null });
          return;
        case 'connected':
          callId = m.callId;
          sendBack({
            type: 'CENTRAL.CONNECTED',
            callId: m.callId,
            agentName: m.agentName,
            media: m.media ? callMediaOf(m.media, m.iceServers, m.iceTransportPolicy) : null,
          });
          return;
        case 'ended':
          if (m.callId !== callId) return;
          finish({ type: 'CENTRAL.ENDED', reason: m.reason });
          return;
        case 'fallback':
          if (m.requestId !== input.requestId && (m.callId === null || m.callId !== callId)) return;
          finish({ type: 'CENTRAL.FALLBACK', reason: m.reason });
          return;
        case 'action':
          if (m.callId === callId) sendBack({ type: 'CENTRAL.ACTION', actionId: m.actionId, action: m.action });
          return;
        case 'error':
          log(`central refused a call message: ${m.code} ${m.message}`);
          if (m.code === 'unauthorized') finish({ type: 'CENTRAL.OFFLINE' });
          return;
      }
    };

    const connect = (): void => {
      if (finished) return;
      const ws = new WebSocket(`${wsUrlOf(options.centralUrl, '/calls/kiosk')}?kioskId=${encodeURIComponent(options.kioskId)}`, {
        headers: { authorization: `Bearer ${options.token}` },
        handshakeTimeout: connectTimeoutMs,
      });
      socket = ws;
      ws.on('open', () => {
        connectedOnce = true;
        lostAt = null;
        attempt = 0;
        ws.send(JSON.stringify(callId === null ? ({ type: 'request', requestId: input.requestId, lane: input.lane, context: input.context } satisfies KioskToCentral) : ({ type: 'resume', callId } satisfies KioskToCentral)));
        for (const m of outbox.splice(0)) ws.send(JSON.stringify(m));
      });
      ws.on('message', (data: Buffer) => {
        const parsed = parseCentralFrame<CentralToKiosk>(data.toString('utf8'));
        if (parsed.ok) onMessage(parsed.value);
        else log(`bad frame from central: ${parsed.error.code}`);
      });
      ws.on('error', (e) => log(`call connection: ${e.message}`));
      ws.on('close', () => {
        if (socket !== ws || finished || left) return;
        socket = null;
        const now = Date.now();
        lostAt ??= now;
        if (!connectedOnce ? now - lostAt >= connectTimeoutMs : now - lostAt >= reconnectGraceMs) {
          finish({ type: 'CENTRAL.OFFLINE' });
          return;
        }
        const delay = backoffDelay(++attempt, { baseMs: 500, capMs: 4000, jitter: 'none' });
        retryTimer = setTimeout(connect, delay);
      });
    };

    const firstTimer = setTimeout(() => {
      if (!connectedOnce) {
        finish({ type: 'CENTRAL.OFFLINE' });
        socket?.terminate();
      }
    }, connectTimeoutMs);
    connect();

    receive((command) => {
      switch (command.type) {
        case 'LEAVE':
          if (callId !== null) send({ type: 'leave', callId, reason: command.reason });
          left = true;
          return;
        case 'ACTION_RESULT':
          if (callId !== null) send({ type: 'action-result', callId, actionId: command.actionId, status: command.status, code: command.code });
          return;
      }
    });

    return () => {
      clearTimeout(firstTimer);
      if (retryTimer) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      if (!ws) return;
      if (!left && !finished && callId !== null && ws.readyState === WebSocket.OPEN) {
        const reason: CallEndReason = 'cancelled';
        ws.send(JSON.stringify({ type: 'leave', callId, reason } satisfies KioskToCentral));
      }
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'call over');
      else ws.terminate();
    };
  });
}
