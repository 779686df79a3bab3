/** What survives a runtime restart: the restore rule, card scrubbing, idempotent ticket creation. */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, type Actor } from 'xstate';
import { persistableSnapshot, persistSession, restoreSession, startSessionActor, type PersistedSession } from '../../kiosk/flows/persistence.js';
import type { CreateTicketInput, CreateTicketOutput, FlowPorts } from '../../kiosk/flows/ports.js';
import { toScreenModel } from '../../kiosk/flows/screen-model.js';
import { createKioskSessionMachine } from '../../kiosk/flows/kiosk-flows.js';
import type { SessionMachine } from '../../kiosk/flows/session.js';
import { CARD_NUMBER, DIAGNOSIS, noTechnician, ScriptedCall, sessionHarness, someEffects, settle, snapshot, summary, T0, TICKET_ID, type Harness } from './flows-fixtures.js';

const stops: (() => void)[] = [];
afterEach(() => {
  while (stops.length) stops.pop()!();
});

function harness(auto: Partial<FlowPorts> = {}): Harness {
  const h = sessionHarness(auto);
  stops.push(() => h.stop());
  return h;
}

/** A ticket store that dedupes on draftId, as the createTicket port must. */
class DraftStore {
  readonly tickets = new Map<string, CreateTicketOutput>();
  create(input: CreateTicketInput): CreateTicketOutput {
    const existing = this.tickets.get(input.draftId);
    if (existing) return existing;
    const t = { ticketId: TICKET_ID, statusUrl: `https://help.example/t/${TICKET_ID}`, createdAt: '2026-11-23T08:50:00+08:00' };
    this.tickets.set(input.draftId, t);
    return t;
  }
}

function restart(saved: unknown, at: number, ports: Partial<FlowPorts>): { actor: Actor<SessionMachine>; clock: SimulatedClock; errors: unknown[] } {
  const clock = new SimulatedClock();
  clock.set(at);
  const errors: unknown[] = [];
  const machine = createKioskSessionMachine(
    { clock: { now: () => clock.now() }, diagnosis: DIAGNOSIS },
    { passenger: someEffects(ports), call: new ScriptedCall().asEffects(), maintenance: noTechnician },
  );
  const actor = startSessionActor(machine, { clock, restored: restoreSession(saved, at), onError: (e) => errors.push(e) });
  stops.push(() => actor.stop());
  return { actor, clock, errors };
}

/** Through a JSON file, as the runtime saves it. */
const roundTrip = (p: PersistedSession | null): unknown => JSON.parse(JSON.stringify(p)) as unknown;

function writeReport(h: Harness): void {
  h.send({ type: 'START' });
  h.send({ type: 'MENU.REPORT' });
  h.send({ type: 'REPORT.CATEGORY', category: 'gate' });
  h.send({ type: 'TEXT.SET', text: 'Gate 3 is stuck' });
}

describe('persist', () => {
  it('keeps nothing outside the report flow (a balance screen is not saved)', () => {
    const h = harness();
    expect(persistSession(h.actor, T0)).toBeNull();
    h.send({ type: 'CARD.PRESENT' });
    h.send({ type: 'CARD.SUMMARY', summary });
    expect(persistSession(h.actor, T0)).toBeNull();
  });

  it('never writes the card number, not even in a pending createTicket input', () => {
    const h = harness({ checkBlocklist: () => Promise.resolve(null) });
    h.send({ type: 'CARD.PRESENT' });
    h.send({ type: 'CARD.SUMMARY', summary });
    writeReport(h);
    h.send({ type: 'NEXT' });
    h.send({ type: 'SKIP' });
    expect(h.screen()).toMatchObject({ screen: 'report-review', card: { maskedNumber: '3105 **** **** 7984' } });
    h.send({ type: 'SUBMIT' });
    const saved = JSON.stringify(persistSession(h.actor, T0));
    expect(saved).toContain('Gate 3 is stuck');
    expect(saved).not.toContain(CARD_NUMBER);
    expect(saved).not.toContain('3105 **** **** 7984');
  });
});

describe('persistableSnapshot (what the runtime writes from getPersistedSnapshot)', () => {
  const balanceStrings = ['12.50', '1250', '00030009000000', '0001000E000000', CARD_NUMBER];

  it('a snapshot taken on the balance screen becomes null: no card number, balance or trip is written', async () => {
    const h = harness({ checkBlocklist: () => Promise.resolve(null) });
    h.send({ type: 'CARD.PRESENT' });
    h.send({ type: 'CARD.SUMMARY', summary });
    h.send({ type: 'CARD.READ', snapshot });
    await settle();
    expect(h.screen()).toMatchObject({ screen: 'balance' });
    const raw = JSON.stringify(h.actor.getPersistedSnapshot());
    // The live snapshot does hold the card: that is what must not reach the disk.
    expect(raw).toContain(CARD_NUMBER);
    expect(raw).toContain('00030009000000');
    const safe = persistableSnapshot(h.actor.getPersistedSnapshot());
    expect(safe).toBeNull();
    const written = JSON.stringify(safe);
    for (const s of balanceStrings) expect(written).not.toContain(s);
  });

  it('a report filed after a full card read keeps the report and drops every card detail', async () => {
    const h = harness({ checkBlocklist: () => Promise.resolve(null) });
    h.send({ type: 'CARD.PRESENT' });
    h.send({ type: 'CARD.SUMMARY', summary });
    h.send({ type: 'CARD.READ', snapshot });
    await settle();
    writeReport(h);
    const safe = persistableSnapshot(h.actor.getPersistedSnapshot());
    const written = JSON.stringify(safe);
    expect(written).toContain('Gate 3 is stuck');
    for (const s of [...balanceStrings, '3105 **** **** 7984']) expect(written).not.toContain(s);
    // What was written restores (through JSON, as the file holds it).
    expect(restoreSession({ format: 1, savedAt: T0, snapshot: JSON.parse(written) as unknown }, T0)).toMatchObject({ kind: 'resumed', state: 'report-warning' });
  });

  it.each([null, undefined, 42, 'x', [], { status: 'done', value: { active: { flow: 'report' } } }, { status: 'active', value: 'attract' }])('gives null for %j', (v) => {
    expect(persistableSnapshot(v)).toBeNull();
  });
});

describe('restore', () => {
  it('a half-written report resumes behind the idle warning, and still times out', () => {
    const h = harness();
    writeReport(h);
    const saved = roundTrip(persistSession(h.actor, h.clock.now()));
    h.stop();
    const r = restart(saved, T0 + 3 * 60_000, {});
    expect(toScreenModel(r.actor.getSnapshot(), r.clock.now())).toMatchObject({ screen: 'idle-warning', secondsLeft: 30 });
    r.clock.increment(30_000);
    expect(toScreenModel(r.actor.getSnapshot(), r.clock.now()).screen).toBe('attract');
    expect(r.errors).toEqual([]);
  });

  it('continue after a restore brings the text back with a fresh countdown', () => {
    const h = harness();
    writeReport(h);
    const saved = roundTrip(persistSession(h.actor, h.clock.now()));
    h.stop();
    const r = restart(saved, T0 + 60_000, {});
    r.actor.send({ type: 'IDLE.CONTINUE' });
    expect(toScreenModel(r.actor.getSnapshot(), r.clock.now())).toMatchObject({ screen: 'report-describe', text: 'Gate 3 is stuck', chrome: { idleSecondsLeft: 90 } });
  });

  it('a report older than 10 minutes, an empty report, and garbage start fresh', () => {
    const h = harness();
    writeReport(h);
    const saved = roundTrip(persistSession(h.actor, h.clock.now()));
    expect(restoreSession(saved, T0 + 10 * 60_000 + 1)).toEqual({ kind: 'fresh', reason: 'too-old' });
    expect(restoreSession(saved, T0 + 10 * 60_000).kind).toBe('resumed');

    const empty = harness();
    empty.send({ type: 'START' });
    empty.send({ type: 'MENU.REPORT' });
    expect(restoreSession(roundTrip(persistSession(empty.actor, T0)), T0 + 1000)).toEqual({ kind: 'fresh', reason: 'report-empty' });

    for (const junk of [undefined, null]) expect(restoreSession(junk, T0)).toEqual({ kind: 'fresh', reason: 'nothing-saved' });
    for (const junk of [42, 'x', [], { format: 2 }, { format: 1, savedAt: 1, snapshot: { status: 'active', value: 'attract', context: {}, children: {} } }]) {
      expect(restoreSession(junk, T0).kind).toBe('fresh');
    }
  });

  it('a ticket in flight when the runtime died is created once: the same draft id is sent again', async () => {
    const store = new DraftStore();
    const h = harness();
    writeReport(h);
    h.send({ type: 'NEXT' });
    h.send({ type: 'SKIP' });
    h.send({ type: 'SUBMIT' });
    const first = h.ports.calls.find((c) => c.port === 'createTicket')!.input as CreateTicketInput;
    store.create(first); // it reached the store, the answer never came back
    const saved = roundTrip(persistSession(h.actor, h.clock.now()));
    h.stop();

    const seen: CreateTicketInput[] = [];
    const r = restart(saved, T0 + 30_000, {
      createTicket: (input) => {
        seen.push(input);
        return Promise.resolve(store.create(input));
      },
      printReceipt: () => new Promise(() => undefined),
    });
    await settle();
    expect(seen.map((i) => i.draftId)).toEqual([first.draftId]);
    expect(store.tickets.size).toBe(1);
    expect(toScreenModel(r.actor.getSnapshot(), r.clock.now())).toMatchObject({ screen: 'report-done', ticketId: TICKET_ID });
    expect(r.errors).toEqual([]);
  });

  it('a receipt that was printing is not printed again by the restart', async () => {
    const h = harness();
    writeReport(h);
    h.send({ type: 'NEXT' });
    h.send({ type: 'SKIP' });
    h.send({ type: 'SUBMIT' });
    h.ports.resolve('createTicket', { ticketId: TICKET_ID, statusUrl: `https://help.example/t/${TICKET_ID}`, createdAt: '2026-11-23T08:50:00+08:00' });
    await settle();
    expect(h.screen()).toMatchObject({ screen: 'report-done', receipt: 'printing' });
    const saved = roundTrip(persistSession(h.actor, h.clock.now()));
    h.stop();

    let prints = 0;
    const r = restart(saved, T0 + 30_000, {
      printReceipt: () => {
        prints++;
        return Promise.resolve({ printed: true });
      },
    });
    await settle();
    expect(prints).toBe(0);
    expect(toScreenModel(r.actor.getSnapshot(), r.clock.now())).toMatchObject({ screen: 'report-done', ticketId: TICKET_ID, receipt: 'unknown' });
    r.actor.send({ type: 'RECEIPT.RETRY' });
    await settle();
    expect(prints).toBe(1);
    expect(toScreenModel(r.actor.getSnapshot(), r.clock.now())).toMatchObject({ screen: 'report-done', receipt: 'printed' });
  });
});
