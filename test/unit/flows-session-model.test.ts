/**
 * Model-based walk of the SESSION machine (kiosk/flows/session.ts), the one that holds the
 * kiosk's decisions: where each tap, card, scan and service change goes, idle reset, calls,
 * maintenance, out of service.
 *
 * 1. @xstate/graph enumerates every reachable session state (its value plus the context that
 *    steers it: card held, report dirty, in service) under every event any of its transitions
 *    names, with the child flows stood in for by stubs that end with any output the session
 *    handles. The idle timers are walked as "the deadline has come".
 * 2. A set of edges is chosen so that every transition definition of the machine is enabled by
 *    at least one (greedy, with `getTransitionData` on the walked snapshots).
 * 3. Each chosen edge (shortest path to its state, then the event) is replayed on a REAL session
 *    actor (SimulatedClock, the same machine with the same stubs); an inspector records every
 *    transition the real actor takes. The test fails if any transition definition of the
 *    machine is never taken, and names it.
 * 4. At every replayed step, properties the machine does not state are checked on what the
 *    passenger would see and what the session holds (see `checkStep`).
 */
import { getShortestPaths, type StatePath } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import {
  assign,
  createActor,
  setup,
  SimulatedClock,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type EventObject,
  type InspectionEvent,
} from 'xstate';
import type { SessionEvent } from '../../kiosk/flows/events.js';
import { LANGUAGES, type Language } from '../../shared/ui-protocol.js';
import { toScreenModel } from '../../kiosk/flows/screen-model.js';
import { createSessionMachine, type SessionContext, type SessionMachine } from '../../kiosk/flows/session.js';
import { CARD_NUMBER, DIAGNOSIS, snapshot, summary, T0, TICKET_ID } from './flows-fixtures.js';
import { allTransitions, keyOf } from './session-transitions.js';

const IDLE_MS = 90_000;
const WARNING_MS = 30_000;

/** A child flow stand-in: runs until `STUB.END`, then ends with the output it was given. */
const stubFlow = setup({
  types: { context: {} as { output: unknown }, events: {} as { type: 'STUB.END'; output: unknown }, input: {} },
}).createMachine({
  id: 'stub',
  context: { output: null },
  initial: 'running',
  states: {
    running: { on: { 'STUB.END': { target: 'ended', actions: assign({ output: ({ event }) => event.output }) } } },
    ended: { type: 'final' },
  },
  output: ({ context }) => context.output,
});

const CHILDREN = ['balanceCheck', 'faultReport', 'ticketStatus', 'faq', 'survey', 'videoEscalation', 'emergency', 'maintenance'] as const;

/** The languages the replayed kiosk offers: every one, but for the moment `checkStep` offers fewer. */
const offer: { languages: readonly Language[] } = { languages: LANGUAGES };

function sessionWithStubs(clock: { now(): number }, walk: boolean): SessionMachine {
  const base = createSessionMachine({
    clock,
    diagnosis: DIAGNOSIS,
    idleTimeoutMs: IDLE_MS,
    idleWarningMs: WARNING_MS,
    get languages() {
      return offer.languages;
    },
  });
  const actors = Object.fromEntries(CHILDREN.map((c) => [c, stubFlow]));
  // The walk has no time: an idle timer that fires is the deadline having come.
  const guards = walk ? { idleDeadlinePassed: () => true, warningDeadlinePassed: () => true } : {};
  return base.provide({ actors, guards });
}

/** A sample of each event type the machine names, with the payload it needs. */
const SAMPLES: Record<string, readonly EventObject[]> = {
  'LANG.SET': [{ type: 'LANG.SET', language: 'en' } as EventObject],
  'TEXT.LARGE': [{ type: 'TEXT.LARGE', on: true } as EventObject],
  'REPORT.CATEGORY': [{ type: 'REPORT.CATEGORY', category: 'gate' } as EventObject],
  'TEXT.SET': [{ type: 'TEXT.SET', text: '闸机' } as EventObject],
  'KEY.PRESS': [{ type: 'KEY.PRESS', key: '1' } as EventObject],
  'PHRASE.ADD': [{ type: 'PHRASE.ADD', phraseId: 'gate-no-open' } as EventObject],
  'STATUS.SELECT': [{ type: 'STATUS.SELECT', ticketId: TICKET_ID } as EventObject],
  'FAQ.CATEGORY': [{ type: 'FAQ.CATEGORY', categoryId: 'cards' } as EventObject],
  'FAQ.SEARCH': [{ type: 'FAQ.SEARCH', query: 'refund' } as EventObject],
  'FAQ.OPEN': [{ type: 'FAQ.OPEN', articleId: 'a1' } as EventObject],
  RATE: [{ type: 'RATE', score: 4 } as EventObject],
  'SURVEY.REASON': [{ type: 'SURVEY.REASON', reasonId: 'clear' } as EventObject],
  'SCAN.CODE': [{ type: 'SCAN.CODE', code: TICKET_ID } as EventObject],
  'CARD.SUMMARY': [{ type: 'CARD.SUMMARY', summary } as EventObject],
  'CARD.READ': [{ type: 'CARD.READ', snapshot } as EventObject],
  'CARD.ERROR': [{ type: 'CARD.ERROR', error: { code: 'unreadable-card', message: 'bad status word' } } as EventObject],
  'CALL.MUTE': [{ type: 'CALL.MUTE', muted: true } as EventObject],
  'CALL.MEDIA': [{ type: 'CALL.MEDIA', state: 'connected' } as EventObject],
  'SERVICE.CHANGED': [{ type: 'SERVICE.CHANGED', inService: false } as EventObject, { type: 'SERVICE.CHANGED', inService: true } as EventObject],
  'REPORT.DRAFT': [{ type: 'REPORT.DRAFT', dirty: true } as EventObject, { type: 'REPORT.DRAFT', dirty: false } as EventObject],
  'CARD.DIAGNOSED': [{ type: 'CARD.DIAGNOSED', codes: ['low-balance'] } as EventObject],
  'ALARM.STATUS': [{ type: 'ALARM.STATUS', alarmId: 'a1', status: 'acknowledged', by: 'staff' } as EventObject],
};
const EXITS = [{ next: 'menu' }, { next: 'attract' }, { next: 'survey', service: 'balance', ticketId: null }];
const DONE_OUTPUTS: Record<string, readonly unknown[]> = {
  videoEscalation: [{ outcome: 'completed', ticketId: TICKET_ID }],
  survey: [{ next: 'attract' }],
  emergency: [{ next: 'attract' }],
  maintenance: [undefined],
};

/** The events worth trying in a walked state: every type the machine names, child ends only while that child runs. */
function eventsFor(types: readonly string[]) {
  return (s: AnyMachineSnapshot): EventObject[] => {
    const running = new Set(Object.keys(s.children as object));
    const out: EventObject[] = [];
    for (const type of types) {
      if (type === '*' || type === '') continue;
      const done = /^xstate\.done\.actor\.(.+)$/.exec(type);
      if (done) {
        if (running.has(done[1]!)) for (const output of DONE_OUTPUTS[done[1]!] ?? EXITS) out.push({ type, output } as EventObject);
        continue;
      }
      const after = /^xstate\.after\.[^.]+\.(.+)$/.exec(type);
      if (after) {
        if ([...s._nodes].some((n) => n.id === after[1])) out.push({ type });
        continue;
      }
      if (/^xstate\./.test(type)) continue;
      out.push(...(SAMPLES[type] ?? [{ type }]));
    }
    // Something no transition names: only the maintenance wildcard takes it.
    out.push({ type: 'MAINT.REFRESH' });
    return out;
  };
}

const serialize = (s: AnyMachineSnapshot): string => {
  const c = s.context as SessionContext;
  return JSON.stringify({ v: s.value as unknown, card: c.card === null ? null : 'trips' in c.card ? 'read' : 'summary', dirty: c.reportDirty, svc: c.inService, st: s.status });
};

interface Replay {
  readonly actor: ReturnType<typeof createActor<SessionMachine>>;
  readonly clock: SimulatedClock;
  readonly taken: Set<string>;
}

/** `lag`: how far the flows' clock is behind the timers' (a timer that wakes early). */
function realSession(taken: Set<string>, lag: { ms: number } = { ms: 0 }): Replay {
  const clock = new SimulatedClock();
  clock.set(T0);
  const machine = sessionWithStubs({ now: () => clock.now() - lag.ms }, false);
  let root: AnyActorRef | null = null;
  const actor = createActor(machine, {
    clock,
    inspect: (e: InspectionEvent) => {
      if (e.type === '@xstate.microstep' && e.actorRef === root) for (const t of e._transitions) taken.add(keyOf(t));
    },
  });
  root = actor;
  actor.start();
  return { actor, clock, taken };
}

/** One walked event on the real session: passenger/runtime events are sent, child ends come from the child, timers from the clock. */
function replayStep(r: Replay, event: EventObject): void {
  const done = /^xstate\.done\.actor\.(.+)$/.exec(event.type);
  if (done) {
    const child = (r.actor.getSnapshot().children as Record<string, AnyActorRef | undefined>)[done[1]!];
    if (!child) throw new Error(`no running child ${done[1]}`);
    child.send({ type: 'STUB.END', output: (event as { output?: unknown }).output });
    return;
  }
  if (event.type.startsWith('xstate.after.')) {
    const c = r.actor.getSnapshot().context;
    const deadline = event.type.includes('untilWarningDeadline') ? c.warningDeadline : c.idleDeadline;
    r.clock.increment(Math.max(0, (deadline ?? r.clock.now()) - r.clock.now()));
    return;
  }
  r.actor.send(event as SessionEvent);
}

const PASSENGER_EVENTS: readonly SessionEvent[] = [
  { type: 'START' },
  { type: 'TOUCH' },
  { type: 'MENU.BALANCE' },
  { type: 'MENU.REPORT' },
  { type: 'MENU.STATUS' },
  { type: 'MENU.FAQ' },
  { type: 'MENU.CALL' },
  { type: 'CALL.EMERGENCY' },
  { type: 'CARD.PRESENT' },
  { type: 'CARD.READ', snapshot },
  { type: 'SCAN.CODE', code: TICKET_ID },
  { type: 'HOME' },
];

/**
 * What must hold after every step, whatever the machine says:
 * - no card data is held or shown on the attract screen or while out of service (nor after an
 *   idle reset, which lands there);
 * - while a call runs, no amount of silence resets the session;
 * - out of service, nothing a passenger does, taps or scans changes anything;
 * - a language the kiosk does not offer changes nothing, in any state (not the state, not the
 *   context: neither the language nor the countdown).
 */
function checkStep(r: Replay, step: string): void {
  const s = r.actor.getSnapshot();
  {
    const other = LANGUAGES.find((l) => l !== s.context.language)!;
    offer.languages = [s.context.language];
    try {
      r.actor.send({ type: 'LANG.SET', language: other });
    } finally {
      offer.languages = LANGUAGES;
    }
    const after = r.actor.getSnapshot();
    expect(JSON.stringify(after.value), `${step}: ${other} not offered`).toBe(JSON.stringify(s.value));
    expect(after.context, `${step}: ${other} not offered`).toEqual(s.context);
  }
  if (s.matches('attract') || s.matches('outOfService')) {
    // (Screens of the child flows need the real flows: the stand-ins have no screen. These two have no child.)
    const shown = JSON.stringify(toScreenModel(s, r.clock.now()));
    expect(s.context.card, step).toBeNull();
    expect(s.context.diagnosisCodes, step).toEqual([]);
    expect(shown, step).not.toContain(CARD_NUMBER);
    expect(shown, step).not.toContain('7984');
  }
  if (s.matches({ active: { flow: 'call' } })) {
    r.clock.increment(10 * IDLE_MS);
    const after = r.actor.getSnapshot();
    expect(after.matches({ active: { flow: 'call' } }), `${step}: a call survives silence`).toBe(true);
    expect(after.matches({ active: { idle: 'paused' } }), step).toBe(true);
  }
  if (s.matches({ active: { flow: 'emergency' } })) {
    // Nothing but the emergency's own end leaves it: not silence, not another tap, card or scan.
    const child = (s.children as Record<string, AnyActorRef | undefined>)['emergency'];
    r.clock.increment(10 * IDLE_MS);
    // (Card events are left out: they change the card the session holds, which the walk compares.)
    for (const e of PASSENGER_EVENTS) if (!e.type.startsWith('CARD.')) r.actor.send(e);
    r.actor.send({ type: 'EXIT' });
    const after = r.actor.getSnapshot();
    expect(after.matches({ active: { flow: 'emergency' } }), `${step}: an emergency survives silence and every other tap`).toBe(true);
    expect((after.children as Record<string, AnyActorRef | undefined>)['emergency'], `${step}: the same emergency (no second alarm)`).toBe(child);
    expect(after.matches({ active: { idle: 'paused' } }), step).toBe(true);
    expect(toScreenModel(after, r.clock.now()), step).toMatchObject({ screen: 'call', emergency: { alarm: 'sending' }, chrome: { canGoHome: false, canGoBack: false } });
  }
  if (s.matches('outOfService')) {
    const before = JSON.stringify(s.value);
    for (const e of PASSENGER_EVENTS) r.actor.send(e);
    const after = r.actor.getSnapshot();
    expect(JSON.stringify(after.value), `${step}: out of service`).toBe(before);
    expect(Object.keys(after.children), step).toEqual([]);
    expect(toScreenModel(after, r.clock.now()), step).toMatchObject({ screen: 'maintenance', page: 'out-of-service' });
  }
}

const walkMachine = sessionWithStubs({ now: () => T0 }, true);
const definitions = allTransitions(walkMachine);
const types = [...new Set([...definitions.values()].map((d) => String(d.eventType)))];
const paths = getShortestPaths(walkMachine, { events: eventsFor(types) as never, serializeState: serialize as never }) as unknown as StatePath<AnyMachineSnapshot, EventObject>[];

/** Greedy: for each transition definition, the first walked (state, event) that enables it. */
function chooseEdges(): { path: StatePath<AnyMachineSnapshot, EventObject>; event: EventObject | null }[] {
  const uncovered = new Set(definitions.keys());
  const chosen: { path: StatePath<AnyMachineSnapshot, EventObject>; event: EventObject | null }[] = [];
  const events = eventsFor(types);
  const sorted = [...paths].sort((a, b) => a.steps.length - b.steps.length);
  for (const path of sorted) {
    // The path itself (its eventless and entry transitions).
    chosen.push({ path, event: null });
    for (const event of events(path.state)) {
      const enabled = (walkMachine.getTransitionData(path.state as never, event as never) ?? []) as AnyTransitionDefinition[];
      const fresh = enabled.map(keyOf).filter((k) => uncovered.has(k));
      if (fresh.length === 0) continue;
      for (const k of fresh) uncovered.delete(k);
      chosen.push({ path, event });
    }
  }
  return chosen;
}

describe('model: the session machine', () => {
  const edges = chooseEdges();

  it('the walk reaches every state of the session', () => {
    const reached = new Set(paths.flatMap((p) => [...p.state._nodes].filter((n) => n.type === 'atomic').map((n) => n.id)));
    const leaves: string[] = [];
    const visit = (n: AnyStateNode) => (Object.keys(n.states).length === 0 ? leaves.push(n.id) : Object.values(n.states).forEach(visit));
    visit(walkMachine.root);
    // `expired` is transient (eventless): it decides between the warning and the reset at once.
    expect(leaves.filter((id) => !reached.has(id) && id !== 'session.active.idle.expired')).toEqual([]);
    expect(paths.length).toBeGreaterThan(50);
  });

  it(`replays ${edges.length} edges on the real session: each of its ${definitions.size} transitions is taken at least once, and every step keeps the properties`, { timeout: 120_000 }, () => {
    const taken = new Set<string>();
    for (const { path, event } of edges) {
      const r = realSession(taken);
      try {
        const names: string[] = [];
        for (const step of path.steps) {
          replayStep(r, step.event);
          names.push(step.event.type);
          expect(serialize(r.actor.getSnapshot() as AnyMachineSnapshot), names.join(' → ')).toBe(serialize(step.state));
          checkStep(r, names.join(' → '));
        }
        if (event) {
          replayStep(r, event);
          names.push(event.type);
          checkStep(r, names.join(' → '));
        }
        expect(r.actor.getSnapshot().status).not.toBe('error');
      } finally {
        r.actor.stop();
      }
    }
    // A touch in the middle of a countdown moves the deadline: the timer that wakes at the old
    // one finds it not passed and waits again (counting, then the same in the warning).
    const lag = { ms: 0 };
    const r = realSession(taken, lag);
    r.actor.send({ type: 'START' });
    r.actor.send({ type: 'MENU.REPORT' });
    r.actor.send({ type: 'REPORT.DRAFT', dirty: true });
    r.clock.increment(IDLE_MS / 2);
    r.actor.send({ type: 'TOUCH' });
    r.clock.increment(IDLE_MS / 2);
    expect(r.actor.getSnapshot().matches({ active: { idle: 'counting' } })).toBe(true);
    r.clock.increment(IDLE_MS / 2);
    expect(r.actor.getSnapshot().matches({ active: { idle: 'warning' } })).toBe(true);
    r.actor.send({ type: 'SESSION.RESTORED' });
    // The warning's timer wakes before the flows' clock reaches the deadline: it waits again.
    lag.ms = 5_000;
    r.clock.increment(WARNING_MS);
    expect(r.actor.getSnapshot().matches({ active: { idle: 'warning' } })).toBe(true);
    lag.ms = 0;
    r.clock.increment(WARNING_MS);
    expect(r.actor.getSnapshot().matches('attract')).toBe(true);
    checkStep(r, 'idle reset after the warning');
    // The emergency button during the warning: the call pauses the countdown like any call.
    r.actor.send({ type: 'START' });
    r.actor.send({ type: 'MENU.REPORT' });
    r.actor.send({ type: 'REPORT.DRAFT', dirty: true });
    r.clock.increment(IDLE_MS);
    expect(r.actor.getSnapshot().matches({ active: { idle: 'warning' } })).toBe(true);
    r.actor.send({ type: 'CALL.EMERGENCY' });
    expect(r.actor.getSnapshot().matches({ active: { flow: 'emergency' } })).toBe(true);
    checkStep(r, 'emergency call from the idle warning');
    // Out of service in the middle of a session, and back.
    r.actor.send({ type: 'SERVICE.CHANGED', inService: false });
    expect(r.actor.getSnapshot().matches('outOfService')).toBe(true);
    checkStep(r, 'out of service during a call');
    r.actor.send({ type: 'SERVICE.CHANGED', inService: true });
    expect(r.actor.getSnapshot().matches('attract')).toBe(true);
    r.actor.stop();

    const never = [...definitions.keys()].filter((k) => !taken.has(k));
    expect(never).toEqual(NOT_TAKEN_BY_DESIGN);
  });
});

/** Transitions no sequence of events can take, with the reason (kept empty when none). */
const NOT_TAKEN_BY_DESIGN: string[] = [];
