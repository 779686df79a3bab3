import { getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, waitFor } from 'xstate';
import { plainCallContext } from '../../test/support/call-context.js';
import type { AuditEntry, FaqArticle } from '../../shared/sync.js';
import type { TicketId } from '../../shared/ticket.js';
import { callViewOf, createEscalationMachine, type CallSessionCommand, type CallSessionInput, type EscalationEvent, type EscalationInput } from './escalation.js';
import type { CreateTicketInput, CreateTicketOutput, LoadFaqArticleInput, LoadFaqArticleOutput } from './ports.js';

const MEDIA_TIMEOUT = 30_000;
const context = plainCallContext('GZ0102');
const input: EscalationInput = { lane: 'information', callContext: context, card: null, language: 'zh' };
const media = { signallingUrl: 'ws://127.0.0.1:1/calls/media?token=t', iceServers: [] };

/** The kiosk's copy of central's help articles: one article. */
const ARTICLE: FaqArticle = {
  id: 'card-expired',
  category: 'card',
  title: { zh: '卡片过期了怎么办？', en: 'My card has expired' },
  body: { zh: '第一段。\n\n第二段。', en: 'First paragraph.\n\nSecond paragraph.' },
  updatedAt: '2026-11-30T00:00:00.000Z',
};

function newMachine(clock: SimulatedClock, audits: AuditEntry[] = []) {
  let n = 0;
  return createEscalationMachine({
    clock: { now: () => clock.now() },
    newId: () => `id-${++n}`,
    settings: { mediaTimeoutMs: MEDIA_TIMEOUT },
  }).provide({
    actors: {
      loadFaqArticle: fromPromise<LoadFaqArticleOutput, LoadFaqArticleInput>(({ input: i }) => Promise.resolve(i.articleId === ARTICLE.id ? ARTICLE : null)),
    },
    actions: {
      recordAudit: (_, entry) => {
        audits.push(entry);
      },
    },
  });
}

const MEDIA_AFTER = 'xstate.after.mediaTimeout.escalation.call.connected';
const TICKET_DONE = 'xstate.done.actor.callbackTicket';
const TICKET_ERROR = 'xstate.error.actor.callbackTicket';
const REPORT_DONE = 'xstate.done.actor.agentReport';
const ticketOut: CreateTicketOutput = { ticketId: 'GZ0102-261123-0001-4' as TicketId, statusUrl: 'http://x/t/GZ0102-261123-0001-4', createdAt: '' };

/** Every event the flow can receive, as the graph walker sends them. */
const events = [
  { type: 'CENTRAL.QUEUED', callId: 'c1', position: 2, estimatedWaitSeconds: 120 },
  { type: 'CENTRAL.RINGING', callId: 'c1', media: null },
  { type: 'CENTRAL.CONNECTED', callId: 'c1', agentName: 'Li', media },
  { type: 'CENTRAL.ENDED', reason: 'hung-up' },
  { type: 'CENTRAL.ENDED', reason: 'agent-lost' },
  ...(['no-agent', 'max-wait', 'ring-timeout', 'expired'] as const).map((reason) => ({ type: 'CENTRAL.FALLBACK', reason }) as const),
  { type: 'CENTRAL.OFFLINE' },
  { type: 'CENTRAL.ACTION', actionId: 'a-faq', action: { type: 'show-faq', articleId: 'card-expired' } },
  { type: 'CENTRAL.ACTION', actionId: 'a-bad', action: { type: 'format-disk' } },
  { type: 'CENTRAL.ACTION', actionId: 'a-end', action: { type: 'end-call' } },
  { type: 'CENTRAL.ACTION', actionId: 'a-rep', action: { type: 'open-fault-report', category: 'gate', description: 'gate 3 stuck' } },
  { type: 'CALL.CANCEL' },
  { type: 'CALL.HANGUP' },
  { type: 'CALL.MUTE', muted: true },
  { type: 'CALL.MEDIA', state: 'connected' },
  { type: 'CALL.MEDIA', state: 'failed' },
  { type: MEDIA_AFTER },
  { type: 'KEY.PRESS', key: '1' },
  { type: 'TEXT.SET', text: '13800138000' },
  { type: 'SUBMIT' },
  { type: 'SKIP' },
  { type: 'NEXT' },
  { type: TICKET_DONE, output: ticketOut },
  { type: TICKET_ERROR, error: new Error('disk full') },
  { type: REPORT_DONE, output: ticketOut },
] as unknown as EscalationEvent[];

type Snap = {
  value: unknown;
  context: { fallbackReason: unknown; endReason: unknown; mediaUp: boolean; muted: boolean; phone: string; ticket: unknown; articleId: unknown; reportTicketId: unknown; reportActionId: unknown };
};
const serializeState = (s: Snap) =>
  JSON.stringify([
    s.value,
    s.context.fallbackReason,
    s.context.endReason,
    s.context.mediaUp,
    s.context.phone.length > 0 && s.context.phone.length < 11,
    s.context.ticket !== null,
    s.context.articleId !== null,
    s.context.reportTicketId !== null,
    s.context.reportActionId !== null,
  ]);

describe('videoEscalation flow, every path (shortest path to each state)', () => {
  const clock = new SimulatedClock();
  // Effect completions and timers only where they can happen in the real machine.
  const possible = (s: { context: { reportActionId: string | null }; matches: (v: never) => boolean }) =>
    events.filter((e) => {
      const type: string = e.type;
      if (type === REPORT_DONE) return s.context.reportActionId !== null;
      if (type === TICKET_DONE || type === TICKET_ERROR) return s.matches({ fallback: 'creating' } as never);
      if (type === MEDIA_AFTER) return s.matches({ call: 'connected' } as never);
      return true;
    });
  const paths = getShortestPaths(newMachine(clock), { input, events: possible as never, serializeState: serializeState });

  it('reaches every final state, every fallback reason and every agent action', () => {
    const ends = new Set(paths.map((p) => p.state.context.endReason));
    for (const r of ['hung-up', 'end-call-action']) expect(ends).toContain(r);
    expect(paths.some((p) => p.state.context.articleId !== null)).toBe(true);
    expect(paths.some((p) => p.state.context.reportTicketId !== null)).toBe(true);
    const finals = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    for (const v of ['ended', 'cancelled', 'leftWithTicket']) expect(finals).toContain(JSON.stringify(v));
    const reasons = new Set(paths.map((p) => p.state.context.fallbackReason));
    for (const r of ['offline', 'no-agent', 'max-wait', 'ring-timeout', 'connection-failed', 'expired']) expect(reasons).toContain(r);
  });

  for (const path of paths) {
    const name = path.steps.map((s) => s.event.type.replace('xstate.', '') + ('actionId' in s.event ? `(${String(s.event.actionId)})` : '')).join(' → ') || '(start)';
    it(`drives the real machine: ${name}`, async () => {
      const sim = new SimulatedClock();
      const commands: CallSessionCommand[] = [];
      const audits: AuditEntry[] = [];
      const tickets: CreateTicketInput[] = [];
      let failNextTicket = false;
      const machine = newMachine(sim, audits).provide({
        actors: {
          callSession: fromCallback<CallSessionCommand, CallSessionInput>(({ receive }) => {
            receive((c) => commands.push(c));
            return () => undefined;
          }),
          createTicket: fromPromise<CreateTicketOutput, CreateTicketInput>(({ input: i }) => {
            tickets.push(i);
            return failNextTicket ? Promise.reject(new Error('disk full')) : Promise.resolve(ticketOut);
          }),
        },
      });
      const actor = createActor(machine, { input, clock: sim });
      const errors: unknown[] = [];
      actor.subscribe({ error: (e) => errors.push(e) });
      actor.start();
      for (const [i, step] of path.steps.entries()) {
        const event = step.event;
        const type: string = event.type;
        const next: string | undefined = path.steps[i + 1]?.event.type;
        if (type === MEDIA_AFTER) sim.increment(MEDIA_TIMEOUT);
        else if (type === TICKET_DONE || type === TICKET_ERROR) await waitFor(actor, (s) => !s.matches({ fallback: 'creating' }));
        else if (type === REPORT_DONE) await waitFor(actor, (s) => s.context.reportTicketId !== null);
        else {
          failNextTicket = next === TICKET_ERROR;
          actor.send(event);
        }
      }
      const snap = actor.getSnapshot();
      expect(errors).toEqual([]);
      expect(serializeState(snap)).toBe(serializeState(path.state));

      // What the passenger sees is always a valid screen.
      const view = callViewOf(snap);
      if (snap.matches({ fallback: 'done' }) || snap.value === 'leftWithTicket') {
        expect(view).toMatchObject({ phase: 'callback-done', ticketId: ticketOut.ticketId });
        expect(tickets.at(-1)).toMatchObject({ category: 'callback', draftId: 'id-2' });
      }
      if (snap.matches({ fallback: 'offer' })) expect(view.phase).toBe('callback-offer');

      // Every agent action got an answer and an audit entry; only the allowed ones were performed.
      const actions = path.steps.filter((s) => s.event.type === 'CENTRAL.ACTION').map((s) => s.event as Extract<EscalationEvent, { type: 'CENTRAL.ACTION' }>);
      for (const a of actions) {
        const results = commands.filter((c) => c.type === 'ACTION_RESULT' && c.actionId === a.actionId);
        if (a.actionId === 'a-rep' && results.length === 0) continue; // its ticket is still being filed
        expect(results.length, `answer for ${a.actionId}`).toBe(1);
        if (a.actionId === 'a-bad') expect(results[0]).toMatchObject({ status: 'refused', code: 'unknown-action' });
      }
      expect(audits.length).toBeGreaterThanOrEqual(actions.length);
      if (actions.some((a) => a.actionId === 'a-bad')) expect(audits.map((a) => a.action)).toContain('call-action:refused');

      // Leaving the call always tells central why.
      if (snap.value === 'cancelled') expect(commands).toContainEqual({ type: 'LEAVE', reason: 'cancelled' });
      if (snap.value === 'ended' && path.steps.some((s) => s.event.type === 'CALL.HANGUP')) expect(commands).toContainEqual({ type: 'LEAVE', reason: 'hung-up' });
      if (snap.status === 'done') expect(snap.output).toEqual(snap.value === 'ended' ? { next: 'survey', service: 'call', ticketId: snap.context.reportTicketId } : { next: 'menu' });
      actor.stop();
    });
  }
});

describe('videoEscalation details', () => {
  it('shows the live place in the queue and counts the wait from the kiosk clock', () => {
    const clock = new SimulatedClock();
    clock.set(1_000_000);
    const actor = createActor(
      newMachine(clock).provide({ actors: { callSession: fromCallback(() => () => undefined) } }),
      { input, clock },
    ).start();
    actor.send({ type: 'CENTRAL.QUEUED', callId: 'c1', position: 3, estimatedWaitSeconds: 180 });
    clock.increment(5000);
    actor.send({ type: 'CENTRAL.QUEUED', callId: 'c1', position: 2, estimatedWaitSeconds: 120 });
    expect(callViewOf(actor.getSnapshot())).toEqual({ phase: 'queued', lane: 'information', position: 2, estimatedWaitSeconds: 120, queuedAtMs: 1_000_000 });
    actor.stop();
  });

  it('refuses a phone number that is not a mainland mobile, and takes a valid one', () => {
    const clock = new SimulatedClock();
    const actor = createActor(newMachine(clock).provide({ actors: { callSession: fromCallback(() => () => undefined) } }), { input, clock }).start();
    actor.send({ type: 'CENTRAL.OFFLINE' });
    actor.send({ type: 'TEXT.SET', text: '12345' });
    actor.send({ type: 'SUBMIT' });
    expect(callViewOf(actor.getSnapshot())).toEqual({ phase: 'callback-offer', reason: 'offline', phone: '12345', phoneValid: false });
    actor.send({ type: 'TEXT.SET', text: '138 0013 8000' });
    expect(callViewOf(actor.getSnapshot())).toMatchObject({ phone: '13800138000', phoneValid: true });
    actor.stop();
  });

  it('puts the article the agent chose on screen in both languages, and says so when the kiosk does not have it', async () => {
    const clock = new SimulatedClock();
    const actor = createActor(newMachine(clock).provide({ actors: { callSession: fromCallback(() => () => undefined) } }), { input, clock }).start();
    actor.send({ type: 'CENTRAL.RINGING', callId: 'c1', media: null });
    actor.send({ type: 'CENTRAL.CONNECTED', callId: 'c1', agentName: 'Li', media });
    actor.send({ type: 'CENTRAL.ACTION', actionId: 'a1', action: { type: 'show-faq', articleId: 'card-expired' } });
    expect(callViewOf(actor.getSnapshot())).toMatchObject({ phase: 'in-call', article: { id: 'card-expired', state: 'loading' } });
    await waitFor(actor, (s) => s.context.article !== null);
    expect(callViewOf(actor.getSnapshot())).toMatchObject({ phase: 'in-call', article: { id: 'card-expired', state: 'shown', title: ARTICLE.title, body: ARTICLE.body } });

    actor.send({ type: 'CENTRAL.ACTION', actionId: 'a2', action: { type: 'show-faq', articleId: 'no-such-article' } });
    await waitFor(actor, (s) => s.context.articleMissing);
    expect(callViewOf(actor.getSnapshot())).toMatchObject({ phase: 'in-call', article: { id: 'no-such-article', state: 'missing' } });
    actor.stop();
  });

  it('keeps the media channel the ringing gave into the call, and drops it when the call goes back to the queue', () => {
    const clock = new SimulatedClock();
    const actor = createActor(newMachine(clock).provide({ actors: { callSession: fromCallback(() => () => undefined) } }), { input, clock }).start();
    const early = { signallingUrl: 'ws://127.0.0.1:1/calls/media?token=early', iceServers: [] };
    actor.send({ type: 'CENTRAL.RINGING', callId: 'c1', media: early });
    expect(callViewOf(actor.getSnapshot())).toEqual({ phase: 'ringing', lane: 'information', media: early });
    // The agent let it ring out: back in the queue, no channel; rung again with a new one.
    actor.send({ type: 'CENTRAL.QUEUED', callId: 'c1', position: 1, estimatedWaitSeconds: 60 });
    expect(actor.getSnapshot().context.media).toBeNull();
    actor.send({ type: 'CENTRAL.RINGING', callId: 'c1', media: early });
    // Central rang again after a reconnect, with a fresh grant.
    actor.send({ type: 'CENTRAL.RINGING', callId: 'c1', media });
    expect(callViewOf(actor.getSnapshot())).toMatchObject({ phase: 'ringing', media });
    actor.send({ type: 'CENTRAL.CONNECTED', callId: 'c1', agentName: 'Li', media: null });
    expect(callViewOf(actor.getSnapshot())).toMatchObject({ phase: 'in-call', agentName: 'Li', media });
    actor.stop();
  });
});
