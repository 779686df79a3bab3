import { describe, expect, it } from 'vitest';
import type { CentralToAgent, CentralToKiosk } from '../../shared/call-protocol.js';
import { plainCallContext } from '../../test/support/call-context.js';
import { CallQueue, DEFAULT_QUEUE_SETTINGS, type QueuePersistence, type StoredQueueEntry } from './queue.js';
import { ManualScheduler } from './scheduler.js';

const context = (kioskId: string) => plainCallContext(kioskId);

function harness(settings = DEFAULT_QUEUE_SETTINGS) {
  const clock = new ManualScheduler();
  const kiosk: { kioskId: string; m: CentralToKiosk }[] = [];
  const agent: { agentId: string; m: CentralToAgent }[] = [];
  const waiting = new Map<string, StoredQueueEntry>();
  const missed: { callId: string; reason: string }[] = [];
  const audit: string[] = [];
  const persistence: QueuePersistence = {
    saveWaiting: (e) => waiting.set(e.callId, e),
    removeWaiting: (id) => waiting.delete(id),
    recordMissed: (e, reason) => missed.push({ callId: e.callId, reason }),
    audit: (callId, actor, action) => audit.push(`${actor} ${action}`),
  };
  let n = 0;
  const granted = new Set<string>();
  const peerChanges: string[] = [];
  const queue = new CallQueue({
    scheduler: clock,
    settings,
    persistence,
    newId: () => `call-${++n}`,
    outputs: {
      toKiosk: (kioskId, m) => kiosk.push({ kioskId, m }),
      toAgent: (agentId, m) => agent.push({ agentId, m }),
      queueChanged: () => undefined,
      grantMedia: (callId) => {
        granted.add(callId);
        return { path: '/calls/media', token: `t-${callId}`, expiresAt: '' };
      },
      hasMedia: (callId) => granted.has(callId),
      revokeMedia: (callId) => granted.delete(callId),
      mediaPeerChanged: (callId) => peerChanges.push(`${callId} ${queue.mediaPeerOf(callId)}`),
      ice: () => ({ iceServers: [], iceTransportPolicy: 'all' }),
    },
  });
  const lastTo = (kioskId: string) => kiosk.filter((k) => k.kioskId === kioskId).at(-1)?.m;
  const offersTo = (agentId: string) => agent.filter((a) => a.agentId === agentId && a.m.type === 'offer').map((a) => (a.m as { callId: string }).callId);
  const request = (kioskId: string, lane: 'information' | 'emergency' = 'information') => {
    const r = queue.request(kioskId, `req-${kioskId}`, lane, context(kioskId));
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  };
  const available = (id: string) => {
    queue.agentLoggedIn(id, id.toUpperCase());
    expect(queue.setAgentStatus(id, 'available').ok).toBe(true);
    clock.advance(1000);
  };
  return { clock, queue, kiosk, agent, waiting, missed, audit, lastTo, offersTo, request, available, granted, peerChanges };
}

describe('call queue', () => {
  it('falls back at once when no agent is on duty', () => {
    const h = harness();
    h.request('K1');
    expect(h.lastTo('K1')).toMatchObject({ type: 'fallback', reason: 'no-agent' });
    expect(h.waiting.size).toBe(0);
  });

  it('rings the agent idle the longest, and tells the next kiosk its place', () => {
    const h = harness();
    h.available('a');
    h.available('b');
    const c1 = h.request('K1');
    expect(h.offersTo('a')).toEqual([c1]);
    expect(h.lastTo('K1')).toMatchObject({ type: 'ringing', callId: c1 });
    const c2 = h.request('K2');
    expect(h.offersTo('b')).toEqual([c2]);
    h.request('K3');
    expect(h.lastTo('K3')).toMatchObject({ type: 'queued', position: 3 });
    expect(h.waiting.size).toBe(3);
  });

  it('sets an agent who does not answer on break and rings the next one', () => {
    const h = harness();
    h.available('a');
    h.available('b');
    const c1 = h.request('K1');
    expect(h.offersTo('a')).toEqual([c1]);
    h.clock.advance(DEFAULT_QUEUE_SETTINGS.ringTimeoutSeconds * 1000);
    expect(h.queue.presenceOf('a')).toBe('on-break');
    expect(h.agent.filter((x) => x.agentId === 'a').map((x) => x.m)).toContainEqual({ type: 'presence', presence: 'on-break', reason: 'no-answer' });
    expect(h.offersTo('b')).toEqual([c1]);
    expect(h.queue.answer('b', c1).ok).toBe(true);
    // The page keeps the media grant its ringing gave it.
    expect(h.lastTo('K1')).toMatchObject({ type: 'connected', agentName: 'B', media: null });
    expect(h.waiting.size).toBe(0);
  });

  it('falls back with ring-timeout when every agent let it ring out', () => {
    const h = harness();
    h.available('a');
    h.available('b');
    h.request('K1');
    h.clock.advance(DEFAULT_QUEUE_SETTINGS.ringTimeoutSeconds * 1000 * 2);
    expect(h.lastTo('K1')).toMatchObject({ type: 'fallback', reason: 'ring-timeout' });
    expect(h.queue.presenceOf('a')).toBe('on-break');
    expect(h.queue.presenceOf('b')).toBe('on-break');
  });

  it('puts emergencies first and rings every available agent at once', () => {
    const h = harness();
    h.available('a');
    h.queue.answer('a', h.request('K0'));
    h.available('b');
    h.available('c');
    const info = h.request('K1');
    expect(h.offersTo('b')).toEqual([info]);
    const sos = h.request('K2', 'emergency');
    // b is taken off the information call; b and c both ring for the emergency
    expect(h.offersTo('b')).toEqual([info, sos]);
    expect(h.offersTo('c')).toEqual([sos]);
    expect(h.lastTo('K1')).toMatchObject({ type: 'queued', position: 2 });
    expect(h.queue.view().entries.map((e) => e.lane)).toEqual(['emergency', 'information', 'information']);
    expect(h.queue.answer('c', sos).ok).toBe(true);
    expect(h.agent.filter((x) => x.agentId === 'b').map((x) => x.m)).toContainEqual({ type: 'offer-withdrawn', callId: sos, reason: 'answered-elsewhere' });
    expect(h.offersTo('b').at(-1)).toBe(info);
    expect(h.queue.answer('b', sos)).toMatchObject({ ok: false, error: { code: 'not-offered' } });
  });

  it('ends a waiting call after the maximum wait', () => {
    const h = harness();
    h.available('a');
    h.queue.answer('a', h.request('K0'));
    h.request('K1');
    h.clock.advance(DEFAULT_QUEUE_SETTINGS.maxWaitSeconds * 1000);
    expect(h.lastTo('K1')).toMatchObject({ type: 'fallback', reason: 'max-wait' });
    expect(h.waiting.size).toBe(0);
  });

  it('gives an agent wrap-up time after a call, then the next caller', () => {
    const h = harness();
    h.available('a');
    const c0 = h.request('K0');
    h.queue.answer('a', c0);
    const c1 = h.request('K1');
    expect(h.queue.hangUp('a', c0).ok).toBe(true);
    expect(h.lastTo('K0')).toEqual({ type: 'ended', callId: c0, reason: 'hung-up' });
    expect(h.queue.presenceOf('a')).toBe('wrap-up');
    expect(h.offersTo('a')).toEqual([c0]);
    h.clock.advance(DEFAULT_QUEUE_SETTINGS.wrapUpSeconds * 1000);
    expect(h.offersTo('a')).toEqual([c0, c1]);
  });

  it('keeps a dropped kiosk’s place for the grace period and resumes it', () => {
    const h = harness();
    h.available('a');
    h.queue.answer('a', h.request('K0'));
    const c1 = h.request('K1');
    const c2 = h.request('K2');
    h.queue.kioskDetached('K1');
    h.clock.advance(5000);
    expect(h.queue.resume('K1', c1)).toBe(true);
    expect(h.lastTo('K1')).toMatchObject({ type: 'queued', callId: c1, position: 1 });
    h.queue.kioskDetached('K2');
    h.clock.advance(DEFAULT_QUEUE_SETTINGS.kioskReconnectGraceSeconds * 1000);
    expect(h.missed).toEqual([{ callId: c2, reason: 'expired' }]);
    expect(h.queue.resume('K2', c2)).toBe(false);
    expect(h.lastTo('K2')).toMatchObject({ type: 'fallback', reason: 'expired' });
  });

  it('restores persisted entries after a restart, detached until their kiosk resumes', () => {
    const first = harness();
    first.available('a');
    first.queue.answer('a', first.request('K0'));
    const c1 = first.request('K1');
    const stored = [...first.waiting.values()];
    const second = harness();
    second.available('b');
    second.queue.restore(stored);
    expect(second.offersTo('b')).toEqual([]);
    expect(second.queue.resume('K1', c1)).toBe(true);
    expect(second.offersTo('b')).toEqual([c1]);
  });

  it('relays agent actions only on the agent’s own call, and records them', () => {
    const h = harness();
    h.available('a');
    h.available('b');
    const c = h.request('K1');
    h.queue.answer('a', c);
    expect(h.queue.agentAction('b', c, { type: 'end-call' })).toMatchObject({ ok: false, error: { code: 'not-your-call' } });
    const r = h.queue.agentAction('a', c, { type: 'format-disk' });
    expect(r.ok).toBe(true);
    expect(h.lastTo('K1')).toMatchObject({ type: 'action', callId: c, action: { type: 'format-disk' } });
    h.queue.actionResult('K1', c, r.ok ? r.value : '', 'refused', 'unknown-action');
    expect(h.agent.at(-1)?.m).toMatchObject({ type: 'action-result', status: 'refused', code: 'unknown-action' });
    expect(h.audit).toEqual(expect.arrayContaining(['agent:a action', 'kiosk:K1 action-refused']));
  });

  it('ends the call when the agent’s console drops', () => {
    const h = harness();
    h.available('a');
    const c = h.request('K1');
    h.queue.answer('a', c);
    h.queue.agentDisconnected('a');
    expect(h.lastTo('K1')).toEqual({ type: 'ended', callId: c, reason: 'agent-lost' });
  });

  it('lets the kiosk page connect with the one agent an information call rings, and keeps that grant at the answer', () => {
    const h = harness();
    h.available('a');
    h.available('b');
    const c = h.request('K1');
    expect(h.lastTo('K1')).toMatchObject({ type: 'ringing', callId: c, agents: 1, media: { path: '/calls/media', token: `t-${c}` }, iceServers: [] });
    expect(h.agent.find((x) => x.m.type === 'offer')?.m).toMatchObject({ type: 'offer', callId: c, iceServers: [] });
    expect(h.queue.mediaPeerOf(c)).toBe('a');
    expect(h.peerChanges).toEqual([`${c} a`]);
    // Not answered: the next agent is rung alone and becomes the page's peer.
    h.clock.advance(DEFAULT_QUEUE_SETTINGS.ringTimeoutSeconds * 1000);
    expect(h.queue.mediaPeerOf(c)).toBe('b');
    expect(h.peerChanges).toEqual([`${c} a`, `${c} b`]);
    expect(h.queue.answer('b', c).ok).toBe(true);
    expect(h.lastTo('K1')).toMatchObject({ type: 'connected', callId: c, agentName: 'B', media: null });
    expect(h.queue.mediaPeerOf(c)).toBe('b');
  });

  it('rings an emergency on every agent with no early media, and grants it at the answer', () => {
    const h = harness();
    h.available('a');
    h.available('b');
    const c = h.request('K1', 'emergency');
    const ringing = h.lastTo('K1');
    expect(ringing).toMatchObject({ type: 'ringing', callId: c, agents: 2 });
    expect(ringing).not.toHaveProperty('media');
    expect(h.agent.filter((x) => x.m.type === 'offer').every((x) => !('iceServers' in x.m))).toBe(true);
    expect(h.queue.mediaPeerOf(c)).toBeNull();
    h.queue.answer('a', c);
    expect(h.lastTo('K1')).toMatchObject({ type: 'connected', callId: c, media: { token: `t-${c}` } });
    expect(h.queue.mediaPeerOf(c)).toBe('a');
  });

  it('revokes the early media grant when a ringing call leaves or falls back', () => {
    const h = harness();
    h.available('a');
    const c = h.request('K1');
    expect(h.granted.has(c)).toBe(true);
    h.queue.leave('K1', c, 'cancelled');
    expect(h.granted.has(c)).toBe(false);
    expect(h.queue.mediaPeerOf(c)).toBeNull();
  });
});
