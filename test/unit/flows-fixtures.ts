/** Shared by the flows tests: card fixtures, controllable effects, a session harness wired like production. */
import { createActor, fromCallback, SimulatedClock, type Actor } from 'xstate';
import { demoStationTables } from '../../central/seed/demo-stations.js';
import { KIOSK_STATIONS } from '../../kiosk/i18n/stations.js';
import type { CardFamily, CardSnapshot, CardSummary, CardTrip } from '../../shared/card.js';
import type { TicketId } from '../../shared/ticket.js';
import { makeTicketId } from '../../shared/ticket.js';
import type { AuditEntry } from '../../shared/sync.js';
import { fallbackContext } from '../../kiosk/flows/call-slot.js';
import { EffectMissingError } from '../../kiosk/flows/effects.js';
import type { CallSessionCommand, CallSessionInput, CentralEvent } from '../../kiosk/flows/escalation.js';
import type { RaiseAlarmInput } from '../../kiosk/flows/emergency.js';
import { createKioskSessionMachine, type CallEffects } from '../../kiosk/flows/kiosk-flows.js';
import type { MaintenancePorts } from '../../kiosk/flows/maintenance-ports.js';
import type { FlowPorts } from '../../kiosk/flows/ports.js';
import type { SessionMachine, SessionOptions } from '../../kiosk/flows/session.js';
import type { SessionEvent } from '../../kiosk/flows/events.js';
import { toScreenModel } from '../../kiosk/flows/screen-model.js';
import type { ScreenModel } from '../../shared/ui-protocol.js';

export const T0 = Date.parse('2026-11-23T08:50:00+08:00');

export const CARD_NUMBER = '3105810012345677984';

export const summary: CardSummary & { readonly family: CardFamily; readonly cardNumber: string } = {
  family: 't-union',
  cardNumber: CARD_NUMBER,
  cityCode: '5810',
  validFrom: '2020-01-01',
  validUntil: '2030-12-31',
  balance: 1250,
  currency: 'CNY',
  balanceSlots: { slot0: 1250, slot1: null },
  holderType: 'normal',
  uidHash: 'ab'.repeat(32),
  aid: 'A000000632010105',
};

export function trip(kind: CardTrip['kind'], station: string, time: string, amount = 0): CardTrip {
  return { kind, mode: 'metro', amount, balanceAfter: 1250, time, cityCode: '5810', line: 1, stationNumber: 14, station, terminal: '000000000001', institution: '0000000000000000' };
}

export const snapshot: CardSnapshot = {
  ...summary,
  transactions: [{ counter: 7, amount: 400, overdraft: 0, kind: 'trip', typeCode: 9, terminal: '000000000001', time: '2026-11-23T08:40:00+08:00' }],
  trips: [trip('exit', '00030009000000', '2026-11-23T08:40:00+08:00', 400), trip('entry', '0001000E000000', '2026-11-23T08:12:00+08:00')],
  readAt: '2026-11-23T08:50:00+08:00',
  apduCount: 12,
};

export const TICKET_ID: TicketId = makeTicketId('GZ0102', '2026-11-23', 42);

type PortName = keyof FlowPorts;
interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/** Effect ports whose answers the test gives: each call waits until `resolve`/`reject` (or answers at once from `auto`). */
export class ScriptedPorts {
  readonly calls: { port: PortName; input: unknown }[] = [];
  private readonly pending = new Map<PortName, Pending[]>();

  constructor(private readonly auto: Partial<FlowPorts> = {}) {}

  asPorts(): FlowPorts {
    const make =
      (port: PortName) =>
      (input?: unknown): Promise<never> => {
        this.calls.push({ port, input });
        const a = this.auto[port] as ((i: unknown) => Promise<never>) | undefined;
        if (a) return a(input);
        return new Promise((resolve, reject) => {
          const list = this.pending.get(port) ?? [];
          list.push({ resolve: resolve as (v: unknown) => void, reject });
          this.pending.set(port, list);
        });
      };
    return {
      createTicket: make('createTicket'),
      printReceipt: make('printReceipt'),
      lookupTicketStatus: make('lookupTicketStatus'),
      lookupTicketsByCard: make('lookupTicketsByCard'),
      listFaqCategories: make('listFaqCategories'),
      searchFaq: make('searchFaq'),
      loadFaqArticle: make('loadFaqArticle'),
      saveRating: make('saveRating'),
      checkBlocklist: make('checkBlocklist'),
    };
  }

  waiting(port: PortName): number {
    return this.pending.get(port)?.length ?? 0;
  }

  /** Answers the newest waiting call of `port` (older ones belong to states already left); fails the test when none waits. */
  resolve(port: PortName, output: unknown): void {
    const p = this.pending.get(port)?.pop();
    if (!p) throw new Error(`no call of ${port} is waiting`);
    p.resolve(output);
  }

  reject(port: PortName, error: unknown = new Error(`${port} failed`)): void {
    const p = this.pending.get(port)?.pop();
    if (!p) throw new Error(`no call of ${port} is waiting`);
    p.reject(error);
  }
}

/**
 * The call's effects for a test: the control connection to central is a callback actor whose
 * `CENTRAL.*` events the test sends with {@link central}; the call context is what the session
 * knows; audits are collected.
 */
export class ScriptedCall {
  readonly commands: CallSessionCommand[] = [];
  readonly audits: AuditEntry[] = [];
  private sendBack: ((e: CentralEvent) => void) | null = null;

  asEffects(): CallEffects {
    return {
      callSession: fromCallback<CallSessionCommand, CallSessionInput>(({ sendBack, receive }) => {
        this.sendBack = sendBack;
        receive((c) => this.commands.push(c));
        return () => {
          this.sendBack = null;
        };
      }),
      prepareCallContext: (input) => Promise.resolve(fallbackContext(input)),
      recordAudit: (entry) => {
        this.audits.push(entry);
        return Promise.resolve();
      },
      raiseAlarm: (input) => {
        this.alarms.push(input);
        return this.alarmFails ? Promise.reject(new Error('disk gone')) : Promise.resolve();
      },
    };
  }

  /** Alarms the emergency flow raised. */
  readonly alarms: RaiseAlarmInput[] = [];
  /** Set to make `raiseAlarm` reject (the store could not keep it). */
  alarmFails = false;

  /** Whether a call session to central is open now. */
  get connected(): boolean {
    return this.sendBack !== null;
  }

  /** Central's answer to the running call; fails the test when no call is open. */
  central(event: CentralEvent): void {
    if (!this.sendBack) throw new Error('no call session is open');
    this.sendBack(event);
  }
}

/** Maintenance effects for passenger tests: a technician who is not there. */
export const noTechnician: MaintenancePorts = {
  verifyCard: () => Promise.resolve({ ok: false, error: { code: 'card-error' } }),
  checkPin: () => Promise.resolve({ ok: false, error: { code: 'card-error' } }),
  collectStatus: () => Promise.reject(new Error('no maintenance in this test')),
  runSelfTest: () => Promise.reject(new Error('no maintenance in this test')),
  outboxAction: () => Promise.resolve({ ok: false, error: { code: 'not-in-session' } }),
  setInService: () => Promise.resolve({ ok: false, error: { code: 'not-in-session' } }),
  exit: () => Promise.resolve(),
};

const PORT_NAMES = ['createTicket', 'printReceipt', 'lookupTicketStatus', 'lookupTicketsByCard', 'listFaqCategories', 'searchFaq', 'loadFaqArticle', 'saveRating', 'checkBlocklist'] as const;

/** The passenger effects a test gives, the others rejecting as an effect nobody provided does. */
export function someEffects(given: Partial<FlowPorts>): FlowPorts {
  const all = Object.fromEntries(PORT_NAMES.map((name) => [name, given[name] ?? (() => Promise.reject(new EffectMissingError(name)))]));
  return all as unknown as FlowPorts;
}

/** The station the flows tests diagnose cards for: the fixture card's city, 15 yuan low-balance line. */
export const DIAGNOSIS = { stationCityCode: '5810', lowBalanceThreshold: 1500 } as const;

/** Lets promise callbacks run (the ports answer through promises). */
export const settle = () => new Promise<void>((r) => setImmediate(r));

export interface Harness {
  readonly clock: SimulatedClock;
  readonly ports: ScriptedPorts;
  readonly call: ScriptedCall;
  readonly actor: Actor<SessionMachine>;
  readonly errors: unknown[];
  send(event: SessionEvent): void;
  screen(): ScreenModel;
  stop(): void;
}

export function sessionHarness(auto: Partial<FlowPorts> = {}, options: Partial<SessionOptions> = {}, maintenance: MaintenancePorts = noTechnician): Harness {
  const clock = new SimulatedClock();
  clock.set(T0);
  const ports = new ScriptedPorts(auto);
  const call = new ScriptedCall();
  let n = 0;
  const machine: SessionMachine = createKioskSessionMachine(
    { clock: { now: () => clock.now() }, newId: () => `id-${++n}`, diagnosis: DIAGNOSIS, ...options },
    { passenger: ports.asPorts(), call: call.asEffects(), maintenance },
  );
  const actor = createActor(machine, { clock });
  const errors: unknown[] = [];
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  return {
    clock,
    ports,
    call,
    actor,
    errors,
    send: (e) => actor.send(e),
    screen: () => toScreenModel(actor.getSnapshot(), clock.now()),
    stop: () => actor.stop(),
  };
}

// The screens name stations from the tables central sends down; these are the shipped ones.
for (const t of demoStationTables('2026-11-30T00:00:00.000Z')) KIOSK_STATIONS.put(t);
