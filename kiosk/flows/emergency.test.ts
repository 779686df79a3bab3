import { getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, type AnyMachineSnapshot, type EventObject } from 'xstate';
import type { CallContext } from '../../shared/call-protocol.js';
import type { CallScreen } from '../../shared/ui-protocol.js';
import { fallbackContext } from './call-slot.js';
import { createEmergencyMachine, type EmergencyInput, type RaiseAlarmInput } from './emergency.js';
import { createEscalationMachine, type CallSessionCommand, type CallSessionInput, type CentralEvent } from './escalation.js';

const staff = { office: { zh: 'B出口旁客服中心', en: 'Service centre by exit B' }, phone: '020-8888 1234' };
const input: EmergencyInput = { language: 'zh', card: null, staff };
const media = { signallingUrl: 'ws://127.0.0.1:1/calls/media?token=t', iceServers: [] };

function machine(clock: SimulatedClock) {
  let n = 0;
  const deps = { clock: { now: () => clock.now() }, newId: () => `alarm-${++n}` };
  return createEmergencyMachine(deps).provide({ actors: { escalation: createEscalationMachine(deps).provide({ actions: { recordAudit: () => undefined } }) } });
}

/** The walker's events: what central and the runtime can tell the flow, the passenger's taps, and the ends of its effects. */
const RAISED = 'xstate.done.actor.raiseAlarm';
const NOT_STORED = 'xstate.error.actor.raiseAlarm';
const PREPARED = 'xstate.done.actor.prepareCallContext';
/** The video call, as the walk sees it: an agent answers (snapshot in call), nobody can take it, or it ends. */
const ANSWERED = 'xstate.snapshot.escalation';
const CALL_DONE = 'xstate.done.actor.escalation';

const inCallSnapshot = { value: { call: 'connected' }, context: { lane: 'emergency', agentName: 'Li', muted: false, media, articleId: null, reportTicketId: null, endReason: null, fallbackReason: null } };
const events: EventObject[] = [
  { type: 'ALARM.STATUS', alarmId: 'alarm-1', status: 'received' },
  { type: 'ALARM.STATUS', alarmId: 'alarm-1', status: 'unreachable' },
  { type: 'ALARM.STATUS', alarmId: 'alarm-1', status: 'acknowledged', by: 'staff' },
  { type: 'ALARM.STATUS', alarmId: 'alarm-1', status: 'acknowledged', by: 'agent' },
  { type: 'ALARM.STATUS', alarmId: 'another-kiosk', status: 'acknowledged', by: 'staff' },
  { type: 'NEXT' },
  { type: 'CALL.HANGUP' },
  { type: RAISED },
  { type: NOT_STORED, error: new Error('disk gone') },
  { type: PREPARED, output: fallbackContext({ ...input, lane: 'emergency' }) },
  { type: ANSWERED, snapshot: inCallSnapshot },
  { type: CALL_DONE, output: { next: 'menu' } },
  { type: CALL_DONE, output: { next: 'survey', service: 'call', ticketId: null } },
] as EventObject[];

function possible(s: AnyMachineSnapshot): EventObject[] {
  const running = new Set(Object.keys(s.children as object));
  return events.filter((e) => {
    if (e.type === RAISED || e.type === NOT_STORED) return running.has('raiseAlarm');
    if (e.type === PREPARED) return running.has('prepareCallContext');
    if (e.type === ANSWERED) return running.has('escalation') && (s.context as { video: string }).video !== 'in-call';
    if (e.type === CALL_DONE) return running.has('escalation') && ((e as unknown as { output: { next: string } }).output.next === 'survey') === ((s.context as { video: string }).video === 'in-call');
    if (e.type === 'CALL.HANGUP') return (s.context as { video: string }).video === 'in-call';
    return true;
  });
}

const serialize = (s: AnyMachineSnapshot): string => {
  const c = s.context as { alarm: string; video: string };
  return JSON.stringify([s.value, c.alarm, c.video, s.status]);
};

describe('emergency flow, every path (shortest path to each state)', () => {
  const paths = getShortestPaths(machine(new SimulatedClock()), { input, events: possible as never, serializeState: serialize as never });

  it('reaches every alarm state, every video state and the end', () => {
    const alarms = new Set(paths.map((p) => (p.state.context as { alarm: string }).alarm));
    expect([...alarms].sort()).toEqual(['agent-answering', 'received', 'sending', 'staff-coming', 'unreachable']);
    const videos = new Set(paths.map((p) => (p.state.context as { video: string }).video));
    expect([...videos].sort()).toEqual(['calling', 'ended', 'in-call', 'no-agent']);
    expect(paths.some((p) => p.state.status === 'done')).toBe(true);
  });

  for (const path of paths) {
    const name = path.steps.map((s) => s.event.type.replace('xstate.', '') + ('status' in s.event ? `(${String(s.event.status)})` : '')).join(' → ') || '(start)';
    it(`drives the real machine: ${name}`, async () => {
      const clock = new SimulatedClock();
      clock.set(Date.UTC(2026, 11, 1, 2, 0, 0));
      const raised: RaiseAlarmInput[] = [];
      const commands: CallSessionCommand[] = [];
      let raise: { resolve: () => void; reject: (e: Error) => void } | null = null;
      let prepare: ((c: CallContext) => void) | null = null;
      let central: ((e: CentralEvent) => void) | null = null;
      const real = machine(clock).provide({
        actors: {
          raiseAlarm: fromPromise<void, RaiseAlarmInput>(({ input: i }) => {
            raised.push(i);
            return new Promise((resolve, reject) => (raise = { resolve, reject }));
          }),
          prepareCallContext: fromPromise<CallContext, EmergencyInput & { readonly lane: 'emergency' }>(() => new Promise((resolve) => (prepare = resolve))),
          escalation: createEscalationMachine({ clock: { now: () => clock.now() }, newId: () => 'r1' }).provide({
            actions: { recordAudit: () => undefined },
            actors: {
              callSession: fromCallback<CallSessionCommand, CallSessionInput>(({ sendBack, receive }) => {
                central = sendBack;
                receive((c) => commands.push(c));
                return () => (central = null);
              }),
            },
          }),
        },
      });
      const actor = createActor(real, { input, clock });
      const errors: unknown[] = [];
      actor.subscribe({ error: (e) => errors.push(e) });
      actor.start();
      const screens: CallScreen[] = [actor.getSnapshot().context.screen];
      actor.subscribe((s) => screens.push(s.context.screen));
      const settle = () => new Promise((r) => setTimeout(r, 0));
      // The guidance is there at once, before the alarm is stored or any call set up.
      expect(screens[0]!.emergency).toEqual({ staffOffice: staff.office, staffPhone: staff.phone, alarm: 'sending', video: 'calling' });
      expect(central).toBeNull();
      for (const step of path.steps) {
        const e = step.event as EventObject;
        if (e.type === RAISED) raise!.resolve();
        else if (e.type === NOT_STORED) raise!.reject(new Error('disk gone'));
        else if (e.type === PREPARED) prepare!(fallbackContext({ ...input, lane: 'emergency' }));
        else if (e.type === ANSWERED) {
          central!({ type: 'CENTRAL.RINGING', callId: 'c1', media: null });
          central!({ type: 'CENTRAL.CONNECTED', callId: 'c1', agentName: 'Li', media });
        } else if (e.type === CALL_DONE) {
          const out = (e as unknown as { output: { next: string } }).output;
          central!(out.next === 'survey' ? { type: 'CENTRAL.ENDED', reason: 'hung-up' } : { type: 'CENTRAL.FALLBACK', reason: 'no-agent' });
        } else actor.send(e as never);
        await settle();
      }
      const snap = actor.getSnapshot();
      expect(errors).toEqual([]);
      expect(serialize(snap as AnyMachineSnapshot)).toBe(serialize(path.state));
      // One alarm, raised at the moment of the press, whatever happened after.
      expect(raised).toEqual([{ alarmId: 'alarm-1', raisedAt: new Date(Date.UTC(2026, 11, 1, 2, 0, 0)).toISOString(), language: 'zh', card: null }]);
      // Every screen on the way kept the guidance, and none was ever a callback form.
      for (const s of screens) {
        expect(s.emergency?.staffPhone).toBe(staff.phone);
        expect(s.view.phase.startsWith('callback')).toBe(false);
      }
      if (path.steps.some((s) => s.event.type === 'CALL.HANGUP')) expect(commands).toContainEqual({ type: 'LEAVE', reason: 'hung-up' });
      if (snap.status === 'done') expect(snap.output).toEqual({ next: 'attract' });
      actor.stop();
    });
  }
});
