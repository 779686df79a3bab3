/**
 * Model-based: every shortest path of every child flow, generated with @xstate/graph from the
 * machine itself, replayed against the REAL session (the child invoked, events forwarded, effects
 * answered through ports, SimulatedClock), checking at each step that the real flow is where the
 * graph says and that the passenger sees the screen that state must show; after each path, that
 * silence ends on the attract screen with no card data left (`leftAlone`).
 */
import { getShortestPaths, type StatePath } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import type { AnyActorRef, AnyMachineSnapshot, AnyStateMachine, AnyStateNode, EventObject } from 'xstate';
import { createBalanceCheckMachine } from '../../kiosk/flows/balance-check.js';
import { faqMachine } from '../../kiosk/flows/faq.js';
import { createFaultReportMachine } from '../../kiosk/flows/fault-report.js';
import type { FlowPorts } from '../../kiosk/flows/ports.js';
import type { SessionEvent } from '../../kiosk/flows/events.js';
import { createSurveyMachine } from '../../kiosk/flows/survey.js';
import { ticketStatusMachine } from '../../kiosk/flows/ticket-status.js';
import type { ScreenName } from '../../shared/ui-protocol.js';
import { CARD_NUMBER, DIAGNOSIS, sessionHarness, settle, snapshot, summary, T0, TICKET_ID, type Harness } from './flows-fixtures.js';

const deps = { clock: { now: () => T0 }, newId: () => 'draft-1' };
type EffectEvent = { readonly type: `xstate.${'done' | 'error'}.actor.${string}`; readonly output?: unknown; readonly error?: unknown };
type GraphEvent = SessionEvent | EffectEvent;
const done = (id: string, output: unknown): EffectEvent => ({ type: `xstate.done.actor.${id}`, output });
const fail = (id: string): EffectEvent => ({ type: `xstate.error.actor.${id}`, error: new Error(`${id} failed`) });

function leafIds(node: AnyStateNode): string[] {
  const children = Object.values(node.states);
  if (children.length === 0) return [node.id];
  return children.flatMap(leafIds);
}

interface FlowModel {
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly input?: unknown;
  readonly childId: string;
  /** From a fresh session to the flow's first state. */
  readonly enter: (h: Harness) => void;
  readonly events: readonly GraphEvent[];
  /** Context abstraction for the graph (keeps the state space finite). */
  readonly abstract: (ctx: Record<string, unknown>) => unknown;
  /** The screen the passenger must see in this state of the flow. */
  readonly screen: (s: AnyMachineSnapshot) => ScreenName;
  /** Where the session goes once the flow ends, by its output. */
  readonly after: (output: { next: string }) => ScreenName;
  /** States entered only by the restore rule (kiosk/flows/persistence.ts), never by an event. */
  readonly restoreOnly?: readonly string[];
}

const afterExit = (o: { next: string }): ScreenName => (o.next === 'survey' ? 'survey' : o.next === 'attract' ? 'attract' : 'menu');
const ticketRecord = { ticketId: TICKET_ID, status: 'in-progress', category: 'gate', note: null, updatedAt: '2026-11-23T10:00:00+08:00' };

const models: FlowModel[] = [
  {
    name: 'balanceCheck',
    machine: createBalanceCheckMachine({ ...deps, diagnosis: DIAGNOSIS }),
    input: { start: 'wait' },
    childId: 'balanceCheck',
    enter: (h) => {
      h.send({ type: 'START' });
      h.send({ type: 'MENU.BALANCE' });
    },
    events: [
      { type: 'CARD.PRESENT' },
      { type: 'CARD.SUMMARY', summary },
      { type: 'CARD.READ', snapshot },
      { type: 'CARD.ERROR', error: { code: 'unreadable-card', message: 'bad status word' } },
      { type: 'CARD.REMOVED' },
      { type: 'BACK' },
      { type: 'NEXT' },
      done('checkBlocklist', null),
      done('checkBlocklist', { reason: 'reported lost' }),
      fail('checkBlocklist'),
    ],
    abstract: (c) => ({ s: c['summary'] !== null, r: c['snapshot'] !== null, e: (c['error'] as { code?: string } | null)?.code ?? null, d: c['diagnoses'] }),
    screen: (s) =>
      s.matches('wait') ? 'card-wait' : s.matches('reading') ? 'card-reading' : s.matches('error') ? 'card-error' : 'balance',
    after: afterExit,
  },
  {
    name: 'faultReport',
    machine: createFaultReportMachine(deps),
    input: { language: 'zh', card: null },
    childId: 'faultReport',
    enter: (h) => {
      h.send({ type: 'START' });
      h.send({ type: 'MENU.REPORT' });
    },
    events: [
      { type: 'REPORT.CATEGORY', category: 'gate' },
      { type: 'TEXT.SET', text: '闸机坏了' },
      { type: 'KEY.CLEAR' },
      { type: 'PHRASE.ADD', phraseId: 'gate-no-open' },
      { type: 'TEXT.SET', text: '13800138000' },
      { type: 'TEXT.SET', text: '12345' },
      { type: 'NEXT' },
      { type: 'SKIP' },
      { type: 'SUBMIT' },
      { type: 'BACK' },
      { type: 'RECEIPT.RETRY' },
      { type: 'CARD.SUMMARY', summary },
      { type: 'CARD.REMOVED' },
      done('createTicket', { ticketId: TICKET_ID, statusUrl: `https://help.example/t/${TICKET_ID}`, createdAt: '2026-11-23T08:50:00+08:00' }),
      fail('createTicket'),
      done('printReceipt', { printed: true }),
      fail('printReceipt'),
    ],
    abstract: (c) => ({
      cat: c['category'],
      d: (c['description'] as string).length > 0,
      p: c['phone'] === '' ? '' : /^1[3-9]\d{9}$/.test(c['phone'] as string) ? 'ok' : 'bad',
      pe: c['phoneError'],
      card: c['card'] !== null,
      se: c['submitError'],
      t: c['ticket'] !== null,
      r: c['receipt'],
    }),
    screen: (s) =>
      s.matches('category')
        ? 'report-category'
        : s.matches('describe')
          ? 'report-describe'
          : s.matches('phone')
            ? 'report-phone'
            : s.matches('submitted')
              ? 'report-done'
              : 'report-review',
    after: afterExit,
    restoreOnly: ['faultReport.submitted.unknown'],
  },
  {
    name: 'ticketStatus',
    machine: ticketStatusMachine,
    childId: 'ticketStatus',
    enter: (h) => {
      h.send({ type: 'START' });
      h.send({ type: 'MENU.STATUS' });
    },
    events: [
      { type: 'TEXT.SET', text: TICKET_ID },
      { type: 'TEXT.SET', text: 'GZ0102-261123-0042-0' },
      { type: 'SUBMIT' },
      { type: 'SCAN.CODE', code: `https://help.example/t/${TICKET_ID}` },
      { type: 'SCAN.CODE', code: 'not a ticket' },
      { type: 'CARD.SUMMARY', summary },
      { type: 'STATUS.SELECT', ticketId: TICKET_ID },
      { type: 'BACK' },
      { type: 'NEXT' },
      done('lookupTicketStatus', ticketRecord),
      done('lookupTicketStatus', null),
      fail('lookupTicketStatus'),
      done('lookupTicketsByCard', []),
      done('lookupTicketsByCard', [ticketRecord]),
      done('lookupTicketsByCard', [ticketRecord, { ...ticketRecord, ticketId: 'GZ0102-261122-0007-0' }]),
      fail('lookupTicketsByCard'),
    ],
    abstract: (c) => ({ t: c['text'], e: c['error'], l: (c['list'] as unknown[]).length, r: c['result'] !== null }),
    screen: (s) => (s.matches('result') ? 'status-result' : s.matches('list') ? 'status-list' : 'status-entry'),
    after: afterExit,
  },
  {
    name: 'faq',
    machine: faqMachine,
    input: { language: 'en' },
    childId: 'faq',
    enter: (h) => {
      h.send({ type: 'START' });
      h.send({ type: 'MENU.FAQ' });
    },
    events: [
      { type: 'FAQ.CATEGORY', categoryId: 'cards' },
      { type: 'FAQ.SEARCH', query: 'refund' },
      { type: 'FAQ.OPEN', articleId: 'a1' },
      { type: 'BACK' },
      { type: 'NEXT' },
      done('listFaqCategories', [{ id: 'cards', title: { zh: '卡片', en: 'Cards' } }]),
      fail('listFaqCategories'),
      done('searchFaq', [{ id: 'a1', category: 'cards', title: { zh: '退款', en: 'Refunds' }, body: { zh: '到客服中心', en: 'At the service centre' }, updatedAt: '2026-11-01T00:00:00Z' }]),
      fail('searchFaq'),
    ],
    abstract: (c) => ({ c: c['categories'] === null ? null : (c['categories'] as unknown[]).length, id: c['categoryId'], q: c['query'], a: c['articles'] === null ? null : (c['articles'] as unknown[]).length, o: c['articleId'], e: c['error'] }),
    screen: (s) => (s.matches('article') ? 'faq-article' : s.matches('list') ? 'faq-list' : 'faq-categories'),
    after: afterExit,
  },
  {
    name: 'survey',
    machine: createSurveyMachine(deps),
    input: { service: 'faq', ticketId: null },
    childId: 'survey',
    // A survey is reached after a service: here after an FAQ article.
    enter: (h) => {
      h.send({ type: 'START' });
      h.send({ type: 'MENU.FAQ' });
      h.ports.resolve('listFaqCategories', [{ id: 'cards', title: { zh: '卡片', en: 'Cards' } }]);
    },
    events: [
      { type: 'RATE', score: 4 },
      { type: 'RATE', score: 1 },
      { type: 'SURVEY.REASON', reasonId: 'clear' },
      { type: 'SURVEY.REASON', reasonId: 'no-such-reason' },
      { type: 'SUBMIT' },
      { type: 'SKIP' },
      { type: 'BACK' },
      { type: 'NEXT' },
      done('saveRating', undefined),
      fail('saveRating'),
    ],
    abstract: (c) => ({ s: c['score'], r: c['reason'], v: c['saved'] }),
    screen: () => 'survey',
    after: () => 'attract',
  },
];

/** Brings a survey model's session into the survey (FAQ → article → NEXT). */
async function enterSurvey(h: Harness): Promise<void> {
  await settle();
  h.send({ type: 'FAQ.CATEGORY', categoryId: 'cards' });
  h.ports.resolve('searchFaq', [{ id: 'a1', category: 'cards', title: { zh: '退款', en: 'Refunds' }, body: { zh: '到客服中心', en: 'At the service centre' }, updatedAt: '2026-11-01T00:00:00Z' }]);
  await settle();
  h.send({ type: 'FAQ.OPEN', articleId: 'a1' });
  h.send({ type: 'NEXT' });
}

/**
 * A property the report machine does not state: a submission that ends (the passenger left the
 * `submitting` screen) ends with the ticket id the store gave, with the way to follow it, or with
 * the failure explained and the report kept to try again — never on a screen without either.
 */
function reportSubmissionEnded(h: Harness): void {
  const screen = h.screen();
  const report = childSnapshot(h, 'faultReport');
  if (report?.matches('submitting')) return;
  if (screen.screen === 'report-done') {
    expect(screen.ticketId).toBe(TICKET_ID);
    expect(screen.statusUrl).toContain(TICKET_ID);
    return;
  }
  expect(screen).toMatchObject({ screen: 'report-review', submitting: false });
  if (screen.screen === 'report-review') expect(['submit-failed', 'storage-full']).toContain(screen.error);
  if (screen.screen === 'report-review') expect(screen.description.length).toBeGreaterThan(0);
}

/**
 * A property no machine states: wherever a path leaves the passenger, silence ends on the attract
 * screen, with no card number or card digits on it and no card held by the session.
 */
function leftAlone(h: Harness): void {
  for (let i = 0; i < 6; i++) h.clock.increment(5 * 60_000);
  const s = h.actor.getSnapshot();
  expect(h.screen().screen).toBe('attract');
  expect(s.context.card).toBeNull();
  const shown = JSON.stringify(h.screen());
  expect(shown).not.toContain(CARD_NUMBER);
  expect(shown).not.toContain(CARD_NUMBER.slice(-4));
}

function childSnapshot(h: Harness, id: string): AnyMachineSnapshot | null {
  const ref = (h.actor.getSnapshot().children as Record<string, AnyActorRef | undefined>)[id];
  return ref ? (ref.getSnapshot() as AnyMachineSnapshot) : null;
}

/** Replays one graph step on the real session: passenger/card events are sent, effect results answered. */
function replay(h: Harness, event: EventObject): void {
  const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event.type);
  if (!m) {
    h.send(event as SessionEvent);
    return;
  }
  const port = m[2] as keyof FlowPorts;
  if (m[1] === 'done') h.ports.resolve(port, (event as { output?: unknown }).output);
  else h.ports.reject(port);
}

for (const model of models) {
  describe(`model: ${model.name}`, () => {
    // Pure traversal has no parent to tell: the child→session notices are checked on the real session.
    const pure = model.machine.provide({ actions: { tellSession: () => undefined, draftChanged: () => undefined } });
    const paths = getShortestPaths(pure, {
      ...(model.input === undefined ? {} : { input: model.input }),
      // An effect's answer only exists while its state runs it.
      events: (s): EventObject[] =>
        model.events.filter((e) => {
          const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(e.type);
          return !m || [...(s as AnyMachineSnapshot)._nodes].some((n) => n.invoke.some((inv) => inv.id === m[2]));
        }),
      serializeState: (s) => {
        const ctx = s.context as Record<string, unknown>;
        return JSON.stringify({ v: s.value as unknown, c: model.abstract(ctx), x: ctx['exit'], st: s.status });
      },
    }) as unknown as StatePath<AnyMachineSnapshot, EventObject>[];

    it('the graph reaches every state of the flow', () => {
      const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
      const all = leafIds(model.machine.root);
      const reachedLeaves = new Set(
        paths.flatMap((p) => [...(p.state)._nodes].filter((n) => n.type === 'atomic' || n.type === 'final').map((n) => n.id)),
      );
      // routing states are transient (eventless) and never rest
      expect(all.filter((id) => !reachedLeaves.has(id) && !id.endsWith('.routing') && !(model.restoreOnly ?? []).includes(id))).toEqual([]);
      expect(reached.size).toBeGreaterThan(1);
    });

    it.each(paths.map((p, i) => [i, p.steps.map((s) => s.event.type).join(' → ') || '(initial)', p] as const))(
      'path %i: %s',
      async (_i, _name, path) => {
        const h = sessionHarness();
        try {
          model.enter(h);
          await settle();
          if (model.name === 'survey') await enterSurvey(h);
          for (const step of path.steps) {
            const wasSubmitting = childSnapshot(h, model.childId)?.matches('submitting') === true && model.name === 'faultReport';
            replay(h, step.event);
            await settle();
            if (wasSubmitting) reportSubmissionEnded(h);
            const expected = step.state;
            if (expected.status === 'done') {
              expect(childSnapshot(h, model.childId)).toBeNull();
              expect(h.screen().screen).toBe(model.after(expected.output as { next: string }));
              break;
            }
            const real = childSnapshot(h, model.childId);
            expect(real?.value).toEqual(expected.value);
            expect(h.screen().screen).toBe(model.screen(expected));
          }
          leftAlone(h);
          expect(h.errors).toEqual([]);
        } finally {
          h.stop();
        }
      },
    );
  });
}
