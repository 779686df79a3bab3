/**
 * The `videoEscalation` child flow: "Talk to an agent" → queued (place and wait shown live) →
 * ringing → in call (video both ways, mute, hang up) → ended (then the session's survey rates
 * the call). When no agent can take the call — kiosk offline, nobody on duty, waited too long,
 * every agent let it ring out, the connection failed — the passenger is offered a callback and
 * always leaves with a ticket id (category `callback`, phone optional, filed through the outbox).
 *
 * Effects are named, supplied once by the composition root (`provideKioskFlows`):
 * - actor `callSession` (callback actor, kiosk/calls/call-session.ts): the control connection to
 *   central. Sends `CENTRAL.*` events here; receives `LEAVE` and `ACTION_RESULT`.
 * - actor `createTicket`: the ticket service, also used for reports an agent files in a call.
 * - actor `loadFaqArticle`: the help article an agent puts on screen (`show-faq`), from the
 *   kiosk's own copy of central's articles; null when the kiosk does not have it.
 * - action `recordAudit`: every agent action, performed or refused, goes to the outbox as an
 *   audit entry. An action, not an invoked actor: an `end-call` action ends the flow in the same
 *   step, and a child actor spawned then would never run. It must not throw.
 *
 * Agent actions are checked with `parseAgentAction`: only `show-faq`, `open-fault-report` and
 * `end-call` are performed; anything else is refused, answered `refused` and recorded.
 */
import { and, assign, enqueueActions, fromCallback, setup, type ActorRefFrom } from 'xstate';
import {
  parseAgentAction,
  type CallContext,
  type CallEndReason,
  type CallLane,
  type CallMedia,
  type CallArticle,
  type CallView,
  type FallbackReason,
} from '../../shared/call-protocol.js';
import type { AuditEntry, FaqArticle } from '../../shared/sync.js';
import { PHONE_PATTERN, type TicketCardContext } from '../../shared/ticket.js';
import type { Language } from '../../shared/ui-protocol.js';
import type { FlowExit } from './events.js';
import { EffectMissingError, missingEffect } from './effects.js';
import type { CreateTicketInput, CreateTicketOutput, FlowClock, LoadFaqArticleInput, LoadFaqArticleOutput } from './ports.js';

export interface EscalationInput {
  readonly lane: CallLane;
  /** What the agent will see (kiosk/calls/call-context.ts builds it). */
  readonly callContext: CallContext;
  /** The card read in this session, for the callback ticket (whole number goes to central only). */
  readonly card: TicketCardContext | null;
  readonly language: Language;
}

/** Events the call session actor sends to the flow. */
export type CentralEvent =
  | { readonly type: 'CENTRAL.QUEUED'; readonly callId: string; readonly position: number; readonly estimatedWaitSeconds: number }
  /** `media`: the page connects with the rung agent before the answer (null when several are rung). */
  | { readonly type: 'CENTRAL.RINGING'; readonly callId: string; readonly media: CallMedia | null }
  /** `media` null: keep the one the ringing gave. */
  | { readonly type: 'CENTRAL.CONNECTED'; readonly callId: string; readonly agentName: string; readonly media: CallMedia | null }
  | { readonly type: 'CENTRAL.ENDED'; readonly reason: CallEndReason }
  | { readonly type: 'CENTRAL.FALLBACK'; readonly reason: FallbackReason }
  | { readonly type: 'CENTRAL.ACTION'; readonly actionId: string; readonly action: unknown }
  /** Central unreachable (never connected, or lost longer than the reconnect grace). */
  | { readonly type: 'CENTRAL.OFFLINE' };

/** What the flow tells the call session actor. */
export type CallSessionCommand =
  | { readonly type: 'LEAVE'; readonly reason: CallEndReason }
  | { readonly type: 'ACTION_RESULT'; readonly actionId: string; readonly status: 'performed' | 'refused'; readonly code: string | null };

export interface CallSessionInput {
  readonly requestId: string;
  readonly lane: CallLane;
  readonly context: CallContext;
}

export type EscalationPassengerEvent =
  | { readonly type: 'CALL.CANCEL' }
  | { readonly type: 'CALL.HANGUP' }
  | { readonly type: 'CALL.MUTE'; readonly muted: boolean }
  | { readonly type: 'CALL.MEDIA'; readonly state: 'connected' | 'failed' }
  | { readonly type: 'TEXT.SET'; readonly text: string }
  | { readonly type: 'KEY.PRESS'; readonly key: string }
  | { readonly type: 'KEY.BACKSPACE' }
  | { readonly type: 'SUBMIT' }
  | { readonly type: 'SKIP' }
  | { readonly type: 'NEXT' };

type LeftEvent = { readonly type: 'LEFT'; readonly reason: CallEndReason };

export type EscalationEvent = CentralEvent | EscalationPassengerEvent | LeftEvent;

export interface EscalationContext {
  readonly lane: CallLane;
  readonly callContext: CallContext;
  readonly card: TicketCardContext | null;
  readonly language: Language;
  readonly requestId: string;
  /** Made once per flow: a restored flow asks `createTicket` again with the same id. */
  readonly callbackDraftId: string;
  readonly callId: string | null;
  readonly position: number;
  readonly estimatedWaitSeconds: number;
  readonly queuedAtMs: number | null;
  readonly agentName: string;
  readonly media: CallMedia | null;
  readonly mediaUp: boolean;
  readonly muted: boolean;
  /** The article the agent put on screen: its id, and its text once the kiosk found it (null: looking, or not on this kiosk). */
  readonly articleId: string | null;
  readonly article: FaqArticle | null;
  /** The kiosk looked for `articleId` and does not have it. */
  readonly articleMissing: boolean;
  readonly reportActionId: string | null;
  readonly reportTicketId: string | null;
  readonly fallbackReason: FallbackReason | null;
  readonly endReason: CallEndReason | null;
  readonly phone: string;
  readonly ticket: CreateTicketOutput | null;
}

export interface EscalationSettings {
  /** In a call, the page must report its WebRTC connection up within this time, else `connection-failed`. */
  readonly mediaTimeoutMs: number;
}

export const DEFAULT_ESCALATION_SETTINGS: EscalationSettings = { mediaTimeoutMs: 30_000 };

export interface EscalationDeps {
  readonly clock: FlowClock;
  readonly newId: () => string;
  readonly settings?: EscalationSettings;
}

const PHONE_MAX = 11;

const callbackDescription = (reason: FallbackReason, lane: CallLane): string =>
  `Callback requested at the kiosk: no video call possible (${reason})${lane === 'emergency' ? ' — EMERGENCY lane' : ''}.`;

/**
 * The named `recordAudit` action with its entry, for `enqueue` (setup's own actions cannot name
 * their siblings in their types, so it is cast; XState resolves it by name at run time).
 */
const recordAudit = (entry: AuditEntry): never => ({ type: 'recordAudit', params: entry }) as unknown as never;

/** The machine; `.provide({ actors, actions })` supplies `callSession`, `createTicket` and `recordAudit`. */
export function createEscalationMachine(deps: EscalationDeps) {
  const settings = deps.settings ?? DEFAULT_ESCALATION_SETTINGS;
  const actionOf = (event: EscalationEvent) => (event.type === 'CENTRAL.ACTION' ? parseAgentAction(event.action) : null);

  return setup({
    types: {
      input: {} as EscalationInput,
      context: {} as EscalationContext,
      events: {} as EscalationEvent,
      output: {} as FlowExit,
    },
    actors: {
      callSession: fromCallback<CallSessionCommand, CallSessionInput>(() => {
        throw new EffectMissingError('callSession');
      }),
      createTicket: missingEffect<CreateTicketOutput, CreateTicketInput>('createTicket'),
      loadFaqArticle: missingEffect<LoadFaqArticleOutput, LoadFaqArticleInput>('loadFaqArticle'),
    },
    delays: { mediaTimeout: settings.mediaTimeoutMs },
    actions: {
      recordAudit: (_, _entry: AuditEntry): void => {
        throw new EffectMissingError('recordAudit');
      },
      leave: enqueueActions(({ enqueue }, params: { reason: CallEndReason }) => {
        enqueue.sendTo('callSession', { type: 'LEAVE', reason: params.reason } satisfies CallSessionCommand);
        enqueue.raise({ type: 'LEFT', reason: params.reason } satisfies LeftEvent);
      }),
      /** Answers the agent's action and records it (performed or refused) through `recordAudit`. */
      settleAction: enqueueActions(({ enqueue, context, event }, params: { status: 'performed' | 'refused'; code: string | null; note: string }) => {
        if (event.type !== 'CENTRAL.ACTION') return;
        const parsed = parseAgentAction(event.action);
        const code = params.status === 'refused' && params.code === null ? (parsed.ok ? 'busy' : parsed.error.code) : params.code;
        enqueue.sendTo('callSession', { type: 'ACTION_RESULT', actionId: event.actionId, status: params.status, code } satisfies CallSessionCommand);
        enqueue(
          recordAudit({
            actor: 'agent',
            action: `call-action:${params.status}`,
            detail: JSON.stringify({ callId: context.callId, actionId: event.actionId, note: params.note, code, action: event.action }).slice(0, 2000),
          }),
        );
      }),
      /** Puts the agent's article on screen: looks it up in the kiosk's copy (the screen says so while it looks, and if it is not there). */
      showFaq: enqueueActions(({ enqueue, event }) => {
        if (event.type !== 'CENTRAL.ACTION') return;
        const a = parseAgentAction(event.action);
        if (!a.ok || a.value.type !== 'show-faq') return;
        enqueue.assign({ articleId: a.value.articleId, article: null, articleMissing: false });
        enqueue.stopChild('faqArticle');
        enqueue.spawnChild('loadFaqArticle', { id: 'faqArticle', input: { articleId: a.value.articleId } });
      }),
      faqArticleLoaded: assign(({ context, event }) => {
        const found = (event as unknown as { output?: LoadFaqArticleOutput }).output ?? null;
        return found !== null && found.id === context.articleId ? { article: found, articleMissing: false } : { article: null, articleMissing: true };
      }),
      fileAgentReport: enqueueActions(({ enqueue, context, event }) => {
        if (event.type !== 'CENTRAL.ACTION') return;
        const a = parseAgentAction(event.action);
        if (!a.ok || a.value.type !== 'open-fault-report') return;
        enqueue.assign({ reportActionId: event.actionId });
        enqueue.spawnChild('createTicket', {
          id: 'agentReport',
          input: { draftId: event.actionId, category: a.value.category, description: a.value.description, phone: null, card: context.card, language: context.language },
        });
        enqueue(recordAudit({ actor: 'agent', action: 'call-action:accepted', detail: JSON.stringify({ callId: context.callId, actionId: event.actionId, action: a.value }).slice(0, 2000) }));
      }),
      agentReportDone: enqueueActions(({ enqueue, context, event }) => {
        const ticketId = (event as unknown as { output?: CreateTicketOutput }).output?.ticketId ?? null;
        const actionId = context.reportActionId ?? '';
        enqueue.sendTo('callSession', { type: 'ACTION_RESULT', actionId, status: ticketId ? 'performed' : 'refused', code: ticketId ? `ticket:${ticketId}` : 'ticket-failed' } satisfies CallSessionCommand);
        enqueue(recordAudit({ actor: 'kiosk', action: `call-action:${ticketId ? 'performed' : 'refused'}`, detail: JSON.stringify({ callId: context.callId, actionId, ticketId }) }));
        enqueue.assign({ reportTicketId: ticketId ?? context.reportTicketId, reportActionId: null });
      }),
      // Back in the queue, the connection with the agent who was rung is over.
      takeQueued: assign(({ context, event }) =>
        event.type === 'CENTRAL.QUEUED'
          ? { callId: event.callId, position: event.position, estimatedWaitSeconds: event.estimatedWaitSeconds, queuedAtMs: context.queuedAtMs ?? deps.clock.now(), media: null }
          : {},
      ),
      takeRinging: assign(({ event }) => (event.type === 'CENTRAL.RINGING' ? { callId: event.callId, media: event.media } : {})),
      takeConnected: assign(({ context, event }) =>
        event.type === 'CENTRAL.CONNECTED' ? { callId: event.callId, agentName: event.agentName, media: event.media ?? context.media } : {},
      ),
    },
    guards: {
      phoneOk: ({ context }) => context.phone === '' || PHONE_PATTERN.test(context.phone),
      isShowFaq: ({ event }) => actionOf(event)?.ok === true && (actionOf(event) as { value: { type: string } }).value.type === 'show-faq',
      isReport: ({ event, context }) =>
        context.reportActionId === null && actionOf(event)?.ok === true && (actionOf(event) as { value: { type: string } }).value.type === 'open-fault-report',
      isEndCall: ({ event }) => actionOf(event)?.ok === true && (actionOf(event) as { value: { type: string } }).value.type === 'end-call',
      lostPeer: ({ event }) => event.type === 'CENTRAL.ENDED' && (event.reason === 'agent-lost' || event.reason === 'kiosk-lost' || event.reason === 'media-failed'),
      leftCancelled: ({ event }) => event.type === 'LEFT' && event.reason === 'cancelled',
      leftFailed: ({ event }) => event.type === 'LEFT' && event.reason === 'media-failed',
      emergencyLane: ({ context }) => context.lane === 'emergency',
    },
  }).createMachine({
    id: 'escalation',
    context: ({ input }) => ({
      lane: input.lane,
      callContext: input.callContext,
      card: input.card,
      language: input.language,
      requestId: deps.newId(),
      callbackDraftId: deps.newId(),
      callId: null,
      position: 0,
      estimatedWaitSeconds: 0,
      queuedAtMs: null,
      agentName: '',
      media: null,
      mediaUp: false,
      muted: false,
      articleId: null,
      article: null,
      articleMissing: false,
      reportActionId: null,
      reportTicketId: null,
      fallbackReason: null,
      endReason: null,
      phone: '',
      ticket: null,
    }),
    initial: 'call',
    states: {
      call: {
        invoke: {
          id: 'callSession',
          src: 'callSession',
          input: ({ context }) => ({ requestId: context.requestId, lane: context.lane, context: context.callContext }),
        },
        on: {
          // The emergency lane never becomes a callback form: its guidance stays on screen and the
          // alarm at central reaches a person (kiosk/flows/emergency.ts); the call just ends unanswered.
          'CENTRAL.FALLBACK': [
            { guard: 'emergencyLane', target: 'unanswered', actions: assign({ fallbackReason: ({ event }) => event.reason }) },
            { target: 'fallback', actions: assign({ fallbackReason: ({ event }) => event.reason }) },
          ],
          'CENTRAL.OFFLINE': [
            { guard: 'emergencyLane', target: 'unanswered', actions: assign({ fallbackReason: 'offline' }) },
            { target: 'fallback', actions: assign({ fallbackReason: 'offline' }) },
          ],
          'CENTRAL.ENDED': [
            { guard: and(['lostPeer', 'emergencyLane']), target: 'unanswered', actions: assign({ fallbackReason: 'connection-failed' }) },
            { guard: 'lostPeer', target: 'fallback', actions: assign({ fallbackReason: 'connection-failed' }) },
            { target: 'ended', actions: assign({ endReason: ({ event }) => event.reason }) },
          ],
          'CENTRAL.ACTION': { actions: { type: 'settleAction', params: { status: 'refused', code: 'not-in-call', note: 'not in a call' } } },
          LEFT: [
            { guard: 'leftCancelled', target: 'cancelled' },
            { guard: and(['leftFailed', 'emergencyLane']), target: 'unanswered', actions: assign({ fallbackReason: 'connection-failed' }) },
            { guard: 'leftFailed', target: 'fallback', actions: assign({ fallbackReason: 'connection-failed' }) },
            { target: 'ended', actions: assign({ endReason: ({ event }) => event.reason }) },
          ],
        },
        initial: 'connecting',
        states: {
          connecting: {
            on: {
              'CENTRAL.QUEUED': { target: 'queued', actions: 'takeQueued' },
              'CENTRAL.RINGING': { target: 'ringing', actions: 'takeRinging' },
              'CALL.CANCEL': { actions: { type: 'leave', params: { reason: 'cancelled' } } },
            },
          },
          queued: {
            on: {
              'CENTRAL.QUEUED': { actions: 'takeQueued' },
              'CENTRAL.RINGING': { target: 'ringing', actions: 'takeRinging' },
              'CALL.CANCEL': { actions: { type: 'leave', params: { reason: 'cancelled' } } },
            },
          },
          ringing: {
            on: {
              // After a reconnect central rings again with a fresh media grant.
              'CENTRAL.RINGING': { actions: 'takeRinging' },
              'CENTRAL.CONNECTED': { target: 'connected', actions: 'takeConnected' },
              'CENTRAL.QUEUED': { target: 'queued', actions: 'takeQueued' },
              'CALL.CANCEL': { actions: { type: 'leave', params: { reason: 'cancelled' } } },
            },
          },
          connected: {
            after: {
              mediaTimeout: { guard: ({ context }) => !context.mediaUp, actions: { type: 'leave', params: { reason: 'media-failed' } } },
            },
            on: {
              'CENTRAL.CONNECTED': { actions: 'takeConnected' },
              'CALL.MEDIA': [
                { guard: ({ event }) => event.state === 'connected', actions: assign({ mediaUp: true }) },
                { actions: { type: 'leave', params: { reason: 'media-failed' } } },
              ],
              'CALL.MUTE': { actions: assign({ muted: ({ event }) => event.muted }) },
              'CALL.HANGUP': { actions: { type: 'leave', params: { reason: 'hung-up' } } },
              'CENTRAL.ACTION': [
                {
                  guard: 'isShowFaq',
                  actions: ['showFaq', { type: 'settleAction', params: { status: 'performed', code: null, note: 'article shown' } }],
                },
                { guard: 'isReport', actions: 'fileAgentReport' },
                {
                  guard: 'isEndCall',
                  actions: [
                    { type: 'settleAction', params: { status: 'performed', code: null, note: 'call ended by agent' } },
                    { type: 'leave', params: { reason: 'end-call-action' } },
                  ],
                },
                { actions: { type: 'settleAction', params: { status: 'refused', code: null, note: 'not allowed' } } },
              ],
              'xstate.done.actor.faqArticle': { actions: 'faqArticleLoaded' },
              'xstate.error.actor.faqArticle': { actions: 'faqArticleLoaded' },
              'xstate.done.actor.agentReport': { actions: 'agentReportDone' },
              'xstate.error.actor.agentReport': { actions: 'agentReportDone' },
            },
          },
        },
      },
      fallback: {
        initial: 'offer',
        states: {
          offer: {
            on: {
              'TEXT.SET': { actions: assign({ phone: ({ event }) => event.text.replace(/\D/g, '').slice(0, PHONE_MAX) }) },
              'KEY.PRESS': { guard: ({ event, context }) => /^\d$/.test(event.key) && context.phone.length < PHONE_MAX, actions: assign({ phone: ({ context, event }) => context.phone + event.key }) },
              'KEY.BACKSPACE': { actions: assign({ phone: ({ context }) => context.phone.slice(0, -1) }) },
              SUBMIT: { guard: 'phoneOk', target: 'creating' },
              SKIP: { target: 'creating', actions: assign({ phone: '' }) },
            },
          },
          creating: {
            invoke: {
              id: 'callbackTicket',
              src: 'createTicket',
              input: ({ context }) => ({
                draftId: context.callbackDraftId,
                category: 'callback',
                description: callbackDescription(context.fallbackReason ?? 'offline', context.lane),
                phone: context.phone === '' ? null : context.phone,
                card: context.card,
                language: context.language,
              }),
              onDone: { target: 'done', actions: assign({ ticket: ({ event }) => event.output }) },
              onError: { target: 'failed' },
            },
          },
          failed: { on: { SUBMIT: { target: 'creating' }, SKIP: { target: 'creating' } } },
          done: { on: { NEXT: { target: '#escalation.leftWithTicket' } } },
        },
      },
      ended: {
        type: 'final',
      },
      cancelled: { type: 'final' },
      leftWithTicket: { type: 'final' },
      /** Emergency lane only: no agent could take the video call (`fallbackReason` says why). */
      unanswered: { type: 'final' },
    },
    output: ({ context }): FlowExit =>
      context.endReason !== null ? { next: 'survey', service: 'call', ticketId: (context.reportTicketId as FlowExitTicket) ?? null } : { next: 'menu' },
  });
}

type FlowExitTicket = Extract<FlowExit, { next: 'survey' }>['ticketId'];

export type EscalationMachine = ReturnType<typeof createEscalationMachine>;
export type EscalationActor = ActorRefFrom<EscalationMachine>;

function articleViewOf(c: EscalationContext): CallArticle | null {
  if (c.articleId === null) return null;
  if (c.article !== null) return { id: c.articleId, state: 'shown', title: c.article.title, body: c.article.body };
  return { id: c.articleId, state: c.articleMissing ? 'missing' : 'loading' };
}

/** The call screen for the UI (`view` of the `call` screen model), from a snapshot of this flow. */
export function callViewOf(snapshot: { value: unknown; context: EscalationContext }): CallView {
  const c = snapshot.context;
  const v = snapshot.value;
  const inner = typeof v === 'object' && v !== null ? Object.values(v as Record<string, unknown>)[0] : null;
  if (v === 'ended' || v === 'cancelled') return { phase: 'ended', reason: c.endReason ?? 'cancelled', reportTicketId: c.reportTicketId };
  if (v === 'leftWithTicket' && c.ticket) return { phase: 'callback-done', ticketId: c.ticket.ticketId, statusUrl: c.ticket.statusUrl };
  const reason = c.fallbackReason ?? 'offline';
  if (typeof v === 'object' && v !== null && 'fallback' in v) {
    switch (inner) {
      case 'creating':
        return { phase: 'callback-creating', reason };
      case 'failed':
        return { phase: 'callback-failed', reason };
      case 'done':
        return c.ticket ? { phase: 'callback-done', ticketId: c.ticket.ticketId, statusUrl: c.ticket.statusUrl } : { phase: 'callback-creating', reason };
      default:
        return { phase: 'callback-offer', reason, phone: c.phone, phoneValid: c.phone === '' || PHONE_PATTERN.test(c.phone) };
    }
  }
  switch (inner) {
    case 'queued':
      return { phase: 'queued', lane: c.lane, position: c.position, estimatedWaitSeconds: c.estimatedWaitSeconds, queuedAtMs: c.queuedAtMs ?? 0 };
    case 'ringing':
      return { phase: 'ringing', lane: c.lane, media: c.media };
    case 'connected':
      return c.media
        ? { phase: 'in-call', lane: c.lane, agentName: c.agentName, muted: c.muted, media: c.media, article: articleViewOf(c), reportTicketId: c.reportTicketId }
        : { phase: 'ringing', lane: c.lane, media: null };
    default:
      return { phase: 'connecting', lane: c.lane };
  }
}
