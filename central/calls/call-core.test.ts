import { describe, expect, it } from 'vitest';
import type { CentralToAgent, CentralToKiosk, MediaSignal } from '../../shared/call-protocol.js';
import { plainCallContext } from '../../test/support/call-context.js';
import { CallCore, hashMediaToken, type CallOutput } from './call-core.js';
import { DEFAULT_QUEUE_SETTINGS } from './queue.js';
import { ManualScheduler } from './scheduler.js';
import { NO_ICE } from './turn.js';

const context = plainCallContext('K1');

const offer: MediaSignal = { type: 'sdp', description: { type: 'offer', sdp: 'v=0' } };

/** One central's call decisions with its sockets as names: `agent-a`, `agent-b`, `kiosk`, `page`. */
function harness() {
  const clock = new ManualScheduler();
  const out: CallOutput[] = [];
  const core = new CallCore({
    scheduler: clock,
    settings: DEFAULT_QUEUE_SETTINGS,
    persistence: { saveWaiting: () => undefined, removeWaiting: () => undefined, recordMissed: () => undefined, audit: () => undefined },
    ice: NO_ICE,
    mediaTokenTtlSeconds: 900,
    sink: { output: (o) => out.push(o), changed: () => undefined },
  });
  const available = (agentId: string) => {
    core.apply({ k: 'agent-login', conn: `i.agent-${agentId}`, agentId, name: agentId.toUpperCase() });
    core.apply({ k: 'agent-msg', conn: `i.agent-${agentId}`, agentId, m: { type: 'set-status', status: 'available' } });
    clock.advance(1000);
  };
  const to = (conn: string) => out.filter((o) => o.conn === conn && o.m).map((o) => o.m as CentralToKiosk | CentralToAgent | MediaSignal);
  const peerReadies = (agentId: string) => to(`i.agent-${agentId}`).filter((m) => m.type === 'signal' && m.signal.type === 'peer-ready').length;
  const call = () => {
    core.apply({ k: 'kiosk-open', conn: 'i.kiosk', kioskId: 'K1' });
    core.apply({ k: 'kiosk-msg', conn: 'i.kiosk', kioskId: 'K1', m: { type: 'request', requestId: 'r1', lane: 'information', context } });
    const ringing = to('i.kiosk').find((m) => m.type === 'ringing');
    if (ringing?.type !== 'ringing' || !ringing.media) throw new Error('no early media grant');
    core.apply({ k: 'media-open', conn: 'i.page', tokenHash: hashMediaToken(ringing.media.token) });
    return ringing.callId;
  };
  return { clock, core, out, available, to, peerReadies, call };
}

describe('call core: the kiosk page connects with the rung agent before the answer', () => {
  it('sends peer-ready to the agent rung, relays signals both ways, and sends no second one at the answer', () => {
    const h = harness();
    h.available('a');
    const callId = h.call();
    expect(h.peerReadies('a')).toBe(1);
    h.core.apply({ k: 'agent-msg', conn: 'i.agent-a', agentId: 'a', m: { type: 'signal', callId, signal: offer } });
    expect(h.to('i.page')).toEqual([offer]);
    h.core.apply({ k: 'media-msg', conn: 'i.page', signal: { type: 'media-state', state: 'connected' } });
    expect(h.to('i.agent-a').at(-1)).toEqual({ type: 'signal', callId, signal: { type: 'media-state', state: 'connected' } });
    h.core.apply({ k: 'agent-msg', conn: 'i.agent-a', agentId: 'a', m: { type: 'answer', callId } });
    expect(h.to('i.kiosk').at(-1)).toMatchObject({ type: 'connected', callId, media: null });
    expect(h.peerReadies('a')).toBe(1);
  });

  it('refuses signals from an agent the call does not ring', () => {
    const h = harness();
    h.available('a');
    h.core.apply({ k: 'agent-login', conn: 'i.agent-b', agentId: 'b', name: 'B' });
    const callId = h.call();
    h.core.apply({ k: 'agent-msg', conn: 'i.agent-b', agentId: 'b', m: { type: 'signal', callId, signal: offer } });
    expect(h.to('i.page')).toEqual([]);
    expect(h.to('i.agent-b').at(-1)).toMatchObject({ type: 'error', code: 'not-your-call' });
  });

  it('moves the page to the next agent when the first does not answer', () => {
    const h = harness();
    h.available('a');
    h.available('b');
    const callId = h.call();
    expect([h.peerReadies('a'), h.peerReadies('b')]).toEqual([1, 0]);
    h.clock.advance(DEFAULT_QUEUE_SETTINGS.ringTimeoutSeconds * 1000);
    expect(h.to('i.agent-a')).toContainEqual({ type: 'offer-withdrawn', callId, reason: 'ring-timeout' });
    expect([h.peerReadies('a'), h.peerReadies('b')]).toEqual([1, 1]);
    h.core.apply({ k: 'agent-msg', conn: 'i.agent-a', agentId: 'a', m: { type: 'signal', callId, signal: offer } });
    expect(h.to('i.page')).toEqual([]);
    h.core.apply({ k: 'agent-msg', conn: 'i.agent-b', agentId: 'b', m: { type: 'signal', callId, signal: offer } });
    expect(h.to('i.page')).toEqual([offer]);
  });

  it('closes the page’s media socket when the ringing call is cancelled', () => {
    const h = harness();
    h.available('a');
    const callId = h.call();
    h.core.apply({ k: 'kiosk-msg', conn: 'i.kiosk', kioskId: 'K1', m: { type: 'leave', callId, reason: 'cancelled' } });
    expect(h.out.filter((o) => o.conn === 'i.page' && o.close)).toEqual([{ conn: 'i.page', close: { code: 1000, reason: 'call ended' } }]);
    h.core.apply({ k: 'media-open', conn: 'i.page2', tokenHash: 'anything' });
    expect(h.out.at(-1)).toMatchObject({ conn: 'i.page2', close: { code: 4401 } });
  });
});
