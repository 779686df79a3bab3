/**
 * Model-based: every shortest path of the maintenance flow, generated with @xstate/graph from the
 * machine itself, replayed on the REAL session (maintenance slot, events forwarded, effects
 * answered through scripted ports, timeouts by SimulatedClock), checking at each step where the
 * flow is and what the screen shows. Then the paths a technician cares about, one by one.
 */
import { getShortestPaths, type StatePath } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import type { AnyActorRef, AnyMachineSnapshot, AnyStateMachine, AnyStateNode, EventObject } from 'xstate';
import type { MaintenanceStatus, SelfTestResult } from '../../shared/maintenance-protocol.js';
import { sessionHarness, settle, type Harness } from '../../test/unit/flows-fixtures.js';
import type { SessionEvent } from './events.js';
import { createMaintenanceMachine, type MaintenanceContext } from './maintenance.js';
import type { MaintenancePorts } from './maintenance-ports.js';

const TIMEOUTS = { idleTimeoutMs: 300_000, tapTimeoutMs: 60_000, pinTimeoutMs: 90_000, refusedMs: 15_000 } as const;
const DELAY_MS: Record<string, number> = { tap: TIMEOUTS.tapTimeoutMs, pin: TIMEOUTS.pinTimeoutMs, refused: TIMEOUTS.refusedMs, idle: TIMEOUTS.idleTimeoutMs };
const SESSION = { sessionId: 's-1', technicianId: 'GZ-T-0042', name: '李工' };
const STATUS: MaintenanceStatus = {
  collectedAt: '2026-11-23T00:50:00.000Z',
  inService: true,
  devices: [{ device: 'printer', state: 'ok', code: null, detail: null, since: null }],
  outbox: { depth: 1, inFlight: 0, oldestPendingAt: null, acked: 3, rejected: 1, discarded: 0, lastSuccessfulSyncAt: null, lastDownSyncAt: null, rejectedItems: [] },
  network: { sync: 'online', lastFault: null, consecutiveFailures: 0, centralReachable: true, centralUrl: null, clockOffsetMs: 12 },
  log: [],
  config: [],
};
const TEST_OK: SelfTestResult = { test: 'printer', ok: true, code: 'printed', detail: 'receipt printed', at: '2026-11-23T00:50:00.000Z' };

type PortName = keyof MaintenancePorts;

/** Ports whose answers the test gives: each call waits until `resolve`/`reject`. */
class ScriptedMaintenancePorts {
  readonly calls: { port: PortName; input: unknown }[] = [];
  private readonly pending = new Map<PortName, { resolve: (v: unknown) => void; reject: (e: unknown) => void }[]>();

  asPorts(): MaintenancePorts {
    const make =
      (port: PortName) =>
      (input?: unknown): Promise<never> => {
        this.calls.push({ port, input });
        return new Promise((resolve, reject) => {
          const list = this.pending.get(port) ?? [];
          list.push({ resolve: resolve as (v: unknown) => void, reject });
          this.pending.set(port, list);
        });
      };
    return {
      verifyCard: make('verifyCard'),
      checkPin: make('checkPin'),
      collectStatus: make('collectStatus'),
      runSelfTest: make('runSelfTest'),
      outboxAction: make('outboxAction'),
      setInService: make('setInService'),
      exit: make('exit'),
    };
  }

  resolve(port: PortName, output: unknown): void {
    const p = this.pending.get(port)?.pop();
    if (!p) throw new Error(`no call of ${port} is waiting`);
    p.resolve(output);
  }

  reject(port: PortName): void {
    const p = this.pending.get(port)?.pop();
    if (!p) throw new Error(`no call of ${port} is waiting`);
    p.reject(new Error(`${port} failed`));
  }
}

const PORT_OF: Record<string, PortName> = {
  verifyCard: 'verifyCard',
  checkPin: 'checkPin',
  collectStatus: 'collectStatus',
  runSelfTest: 'runSelfTest',
  outboxAction: 'outboxAction',
  setService: 'setInService',
  exitSession: 'exit',
};

type GraphEvent = EventObject & { readonly output?: unknown };
const done = (id: string, output: unknown): GraphEvent => ({ type: `xstate.done.actor.${id}`, output });
const fail = (id: string): GraphEvent => ({ type: `xstate.error.actor.${id}` });
const after = (delay: string, stateId: string): GraphEvent => ({ type: `xstate.after.${delay}.${stateId}` });

const EVENTS: readonly GraphEvent[] = [
  { type: 'CARD.TECHNICIAN' },
  // A passenger card in the field does nothing in maintenance.
  { type: 'CARD.PRESENT' },
  { type: 'EXIT' },
  { type: 'BACK' },
  { type: 'KEY.PRESS', key: '4' } as GraphEvent,
  { type: 'KEY.PRESS', key: 'x' } as GraphEvent,
  { type: 'KEY.BACKSPACE' },
  { type: 'KEY.CLEAR' },
  { type: 'SUBMIT' },
  { type: 'MAINT.PAGE', page: 'outbox' } as GraphEvent,
  { type: 'MAINT.TEST', test: 'printer' } as GraphEvent,
  { type: 'MAINT.OUTBOX', action: 'retry', seq: 7 } as GraphEvent,
  { type: 'MAINT.SERVICE', inService: false } as GraphEvent,
  { type: 'MAINT.REFRESH' },
  done('verifyCard', { ok: true, value: { token: 't-1', technicianId: 'GZ-T-0042', name: '李工' } }),
  done('verifyCard', { ok: false, error: { code: 'card-auth-failed' } }),
  done('verifyCard', { ok: false, error: { code: 'card-blocked' } }),
  fail('verifyCard'),
  done('checkPin', { ok: true, value: SESSION }),
  done('checkPin', { ok: false, error: { code: 'wrong-pin', attemptsLeft: 4 } }),
  done('checkPin', { ok: false, error: { code: 'card-blocked' } }),
  fail('checkPin'),
  done('collectStatus', STATUS),
  fail('collectStatus'),
  done('runSelfTest', TEST_OK),
  fail('runSelfTest'),
  done('outboxAction', { ok: true, value: undefined }),
  done('outboxAction', { ok: false, error: { code: 'outbox-row-not-rejected' } }),
  done('setService', { ok: true, value: undefined }),
  fail('setService'),
  done('exitSession', undefined),
  after('tap', 'maintenance.tapCard'),
  after('pin', 'maintenance.pin'),
  after('refused', 'maintenance.refused'),
  after('idle', 'maintenance.session.timer.running'),
];

function leafIds(node: AnyStateNode): string[] {
  const children = Object.values(node.states);
  return children.length === 0 ? [node.id] : children.flatMap(leafIds);
}

function maintenanceHarness(): { h: Harness; ports: ScriptedMaintenancePorts } {
  const ports = new ScriptedMaintenancePorts();
  const real = sessionHarness({}, { maintenance: TIMEOUTS }, ports.asPorts());
  return { h: real, ports };
}

function child(h: Harness): AnyMachineSnapshot | null {
  const ref = (h.actor.getSnapshot().children as Record<string, AnyActorRef | undefined>)['maintenance'];
  return ref ? (ref.getSnapshot() as AnyMachineSnapshot) : null;
}

function replay(h: Harness, ports: ScriptedMaintenancePorts, event: GraphEvent): void {
  const m = /^xstate\.(done|error|after)\.(?:actor\.)?([^.]+)/.exec(event.type);
  if (!m) return h.send(event as SessionEvent);
  if (m[1] === 'after') return h.clock.increment(DELAY_MS[m[2]!]!);
  const port = PORT_OF[m[2]!]!;
  if (m[1] === 'done') ports.resolve(port, event.output);
  else ports.reject(port);
}

/** Context abstraction for the graph (keeps the state space finite). */
function abstract(c: MaintenanceContext): Record<string, unknown> {
  return {
    pin: Math.min(c.pin.length, 4),
    page: c.page,
    tests: c.tests.length,
    notice: c.notice?.code ?? null,
    status: c.status !== null,
    refusal: c.refusal?.code ?? null,
    pinError: c.pinError?.code ?? null,
    exit: c.exitReason,
    busy: c.busy,
  };
}

describe('model: maintenance', () => {
  const machine = createMaintenanceMachine({ clock: { now: () => Date.parse('2026-11-23T00:50:00.000Z') }, ...TIMEOUTS });
  const paths = getShortestPaths(machine as AnyStateMachine, {
    events: (s): EventObject[] =>
      EVENTS.filter((e) => {
        const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(e.type);
        if (m) return [...(s as AnyMachineSnapshot)._nodes].some((n) => n.invoke.some((inv) => inv.id === m[2]));
        const a = /^xstate\.after\.[^.]+\.(.+)$/.exec(e.type);
        return !a || [...(s as AnyMachineSnapshot)._nodes].some((n) => n.id === a[1]);
      }),
    serializeState: (s) => JSON.stringify({ v: s.value as unknown, st: s.status, ...abstract(s.context as MaintenanceContext) }),
  }) as unknown as StatePath<AnyMachineSnapshot, GraphEvent>[];

  it('the graph reaches every state of the flow', () => {
    const reached = new Set(paths.flatMap((p) => [...p.state._nodes].filter((n) => n.type === 'atomic' || n.type === 'final').map((n) => n.id)));
    // `routing` is transient (eventless): it only picks the first page from the input.
    expect(leafIds(machine.root).filter((id) => !reached.has(id) && !id.endsWith('.routing'))).toEqual([]);
    expect(paths.length).toBeGreaterThan(40);
  });

  it.each(paths.map((p, i) => [i, p.steps.map((s) => s.event.type.replace('xstate.', '')).join(' → ') || '(initial)', p] as const))(
    'path %i: %s',
    async (_i, _name, path) => {
      const { h, ports } = maintenanceHarness();
      try {
        h.send({ type: 'MAINTENANCE.ENTER' });
        await settle();
        for (const step of path.steps) {
          replay(h, ports, step.event);
          await settle();
          const expected = step.state;
          if (expected.status === 'done') {
            expect(child(h)).toBeNull();
            expect(h.screen().screen).toBe('attract');
            expect(JSON.stringify(h.actor.getSnapshot().context)).not.toContain('GZ-T-0042');
            break;
          }
          expect(child(h)?.value).toEqual(expected.value);
          expect(abstract(child(h)!.context as MaintenanceContext)).toEqual(abstract(expected.context as MaintenanceContext));
          const screen = h.screen();
          const ctx = expected.context as MaintenanceContext;
          expect(screen).toMatchObject({ screen: 'maintenance', page: ctx.phase });
          expect(JSON.stringify(screen)).not.toContain('4444');
        }
        expect(h.errors).toEqual([]);
      } finally {
        h.stop();
      }
    },
  );
});

describe('maintenance paths', () => {
  async function enterSession(h: Harness, ports: ScriptedMaintenancePorts): Promise<void> {
    h.send({ type: 'CARD.TECHNICIAN' });
    await settle();
    ports.resolve('verifyCard', { ok: true, value: { token: 't-1', technicianId: 'GZ-T-0042', name: '李工' } });
    await settle();
    for (const key of '482913') h.send({ type: 'KEY.PRESS', key });
    h.send({ type: 'SUBMIT' });
    await settle();
    expect(ports.calls.at(-1)).toEqual({ port: 'checkPin', input: { token: 't-1', pin: '482913' } });
    ports.resolve('checkPin', { ok: true, value: SESSION });
    await settle();
  }

  it('shows the PIN pad with a digit count only, the attempts left after a wrong PIN, and never the digits', async () => {
    const { h, ports } = maintenanceHarness();
    try {
      h.send({ type: 'MAINTENANCE.ENTER' });
      expect(h.screen()).toMatchObject({ screen: 'maintenance', view: { phase: 'tap-card' } });
      h.send({ type: 'CARD.PRESENT' });
      expect(h.screen()).toMatchObject({ screen: 'maintenance', view: { phase: 'tap-card' } });
      h.send({ type: 'CARD.TECHNICIAN' });
      await settle();
      ports.resolve('verifyCard', { ok: true, value: { token: 't-1', technicianId: 'GZ-T-0042', name: '李工' } });
      await settle();
      for (const key of '9731') h.send({ type: 'KEY.PRESS', key });
      expect(h.screen()).toMatchObject({ view: { phase: 'pin', technicianName: '李工', digits: 4, error: null } });
      expect(JSON.stringify(h.screen())).not.toContain('9731');
      h.send({ type: 'SUBMIT' });
      await settle();
      ports.resolve('checkPin', { ok: false, error: { code: 'wrong-pin', attemptsLeft: 2 } });
      await settle();
      expect(h.screen()).toMatchObject({ view: { phase: 'pin', digits: 0, error: { code: 'wrong-pin', attemptsLeft: 2 } } });
    } finally {
      h.stop();
    }
  });

  it('shows a card blocked by too many wrong PINs, then returns to passengers', async () => {
    const { h, ports } = maintenanceHarness();
    try {
      h.send({ type: 'CARD.TECHNICIAN' });
      expect(h.screen()).toMatchObject({ screen: 'maintenance', view: { phase: 'verifying' } });
      await settle();
      ports.resolve('verifyCard', { ok: false, error: { code: 'card-blocked' } });
      await settle();
      expect(h.screen()).toMatchObject({ view: { phase: 'refused', refusal: { code: 'card-blocked' } } });
      h.clock.increment(TIMEOUTS.refusedMs);
      await settle();
      expect(h.screen().screen).toBe('attract');
    } finally {
      h.stop();
    }
  });

  it('runs a self-test and shows its result, then leaves: exit audited as logout, nothing of the session left', async () => {
    const { h, ports } = maintenanceHarness();
    try {
      await enterSession(h, ports);
      ports.resolve('collectStatus', STATUS);
      await settle();
      expect(h.screen()).toMatchObject({ view: { phase: 'session', status: { inService: true }, busy: null } });
      h.send({ type: 'MAINT.TEST', test: 'printer' });
      expect(h.screen()).toMatchObject({ view: { busy: 'test:printer' } });
      await settle();
      expect(ports.calls.at(-1)).toEqual({ port: 'runSelfTest', input: { session: SESSION, test: 'printer' } });
      ports.resolve('runSelfTest', TEST_OK);
      await settle();
      expect(h.screen()).toMatchObject({ view: { tests: [TEST_OK], busy: null } });
      h.send({ type: 'EXIT' });
      await settle();
      expect(ports.calls.at(-1)).toEqual({ port: 'exit', input: { session: SESSION, reason: 'logout' } });
      ports.resolve('exit', undefined);
      await settle();
      expect(h.screen().screen).toBe('attract');
      expect(JSON.stringify(h.actor.getSnapshot().context)).not.toMatch(/GZ-T-0042|李工|482913/);
    } finally {
      h.stop();
    }
  });

  it('ends the session after the idle timeout, restarted by every technician action', async () => {
    const { h, ports } = maintenanceHarness();
    try {
      await enterSession(h, ports);
      ports.resolve('collectStatus', STATUS);
      await settle();
      h.clock.increment(TIMEOUTS.idleTimeoutMs - 1000);
      h.send({ type: 'MAINT.PAGE', page: 'log' });
      h.clock.increment(TIMEOUTS.idleTimeoutMs - 1000);
      await settle();
      expect(h.screen()).toMatchObject({ view: { phase: 'session', page: 'log' } });
      h.clock.increment(1000);
      await settle();
      expect(ports.calls.at(-1)).toEqual({ port: 'exit', input: { session: SESSION, reason: 'idle-timeout' } });
      ports.resolve('exit', undefined);
      await settle();
      expect(h.screen().screen).toBe('attract');
    } finally {
      h.stop();
    }
  });

  it('takes the kiosk out of service and reports a refused outbox action without leaving the page', async () => {
    const { h, ports } = maintenanceHarness();
    try {
      await enterSession(h, ports);
      ports.resolve('collectStatus', STATUS);
      await settle();
      h.send({ type: 'MAINT.SERVICE', inService: false });
      await settle();
      expect(ports.calls.at(-1)).toEqual({ port: 'setInService', input: { session: SESSION, inService: false } });
      ports.resolve('setInService', { ok: true, value: undefined });
      await settle();
      ports.resolve('collectStatus', { ...STATUS, inService: false });
      await settle();
      expect(h.screen()).toMatchObject({ view: { status: { inService: false }, notice: { ok: true, code: 'service-changed' } } });
      h.send({ type: 'MAINT.PAGE', page: 'outbox' });
      h.send({ type: 'MAINT.OUTBOX', action: 'discard', seq: 9 });
      await settle();
      ports.resolve('outboxAction', { ok: false, error: { code: 'outbox-row-not-rejected' } });
      await settle();
      ports.resolve('collectStatus', STATUS);
      await settle();
      expect(h.screen()).toMatchObject({ view: { page: 'outbox', notice: { ok: false, code: 'outbox-row-not-rejected' } } });
    } finally {
      h.stop();
    }
  });
});
