/**
 * The maintenance flow on the real session with the real parts behind its ports: the
 * technician authenticator over the simulated card engine, the registry, the kiosk store (SQLite file, audit rows in
 * the outbox), the MaintenanceService and the service-mode file. Checks what a technician sees
 * and what the audit log must hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { CardEngine, loadCardImage, type CardImage } from '../../hardware-sim/virtual-card/index.js';
import { createKioskSessionMachine } from '../../kiosk/flows/kiosk-flows.js';
import { toScreenModel } from '../../kiosk/flows/screen-model.js';
import { TechnicianAuthenticator, type TechnicianRecord } from '../../kiosk/maintenance/auth/technician-auth.js';
import { maintenancePorts, recordActionWith, type CardInField } from '../../kiosk/maintenance/flow-ports.js';
import { RecentLog } from '../../kiosk/maintenance/log-buffer.js';
import { MaintenanceService } from '../../kiosk/maintenance/maintenance-service.js';
import { FileServiceModeStore } from '../../kiosk/maintenance/service-mode.js';
import { KioskStore } from '../../kiosk/store/index.js';
import { TicketService } from '../../kiosk/tickets/index.js';
import type { MaintenanceView } from '../../shared/maintenance-protocol.js';
import { freshTechnicianCard } from '../support/technician-cards.js';
import { DIAGNOSIS, ScriptedCall, someEffects } from '../unit/flows-fixtures.js';

const T0 = Date.parse('2026-11-23T06:00:00Z');

let image: CardImage;
let record: TechnicianRecord;

/** A tap: a new power-on of the card (its PIN counter is the card's, kept across taps). */
function cardOf(img: CardImage): CardInField {
  const engine = new CardEngine(img);
  return { transmit: (apdu) => Promise.resolve(Buffer.from(engine.transmit(apdu))), uid: img.uid ?? null };
}

/** Waits until the condition holds, letting scrypt and SQLite work (event-driven, generous bound). */
async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !test(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!test()) throw new Error(`timed out waiting for ${what}`);
}

describe('maintenance session with real parts', () => {
  let dir: string;
  let store: KioskStore;
  let clock: SimulatedClock;
  let card: CardInField | null;
  let actor: ReturnType<typeof start>;
  let log: RecentLog;

  function start(serviceFile: string) {
    const now = () => new Date(clock.now());
    const tickets = new TicketService(store, { kioskId: 'GZ0102', kioskCode: 'GZ0102', stationId: 'GZ-TIYUXILU' });
    const auth = new TechnicianAuthenticator({
      registry: { lookup: (id) => Promise.resolve(id === record.technicianId ? record : null) },
      recordAudit: (e) => tickets.recordAudit(e),
      now,
    });
    const service = new MaintenanceService({
      recordAction: recordActionWith(auth),
      devices: [{ name: 'printer', health: () => ({ state: 'fault', code: 'paper-out', detail: 'roll paper end', since: '2026-11-23T05:00:00.000Z' }) }],
      cardReader: { health: () => ({ state: 'ok', readers: ['Virtual PCD 00 00'] }) },
      outbox: store.outbox,
      syncHealth: () => ({ state: 'offline', lastFault: { code: 'unreachable', message: 'connect ECONNREFUSED' }, consecutiveFailures: 3 }),
      probeCentral: () => Promise.resolve(false),
      centralUrl: 'http://127.0.0.1:9',
      config: () => Promise.resolve({ kioskId: 'GZ0102', central: { url: 'http://127.0.0.1:9', token: 'secret-token-value' } }),
      log,
      serviceMode: new FileServiceModeStore(serviceFile),
      selfTests: { printer: () => Promise.resolve({ ok: false, code: 'paper-out', detail: 'roll paper end' }) },
      now,
    });
    const machine = createKioskSessionMachine(
      { clock: { now: () => clock.now() }, diagnosis: DIAGNOSIS },
      { passenger: someEffects({}), call: new ScriptedCall().asEffects(), maintenance: maintenancePorts({ auth, service, cardInField: () => card }) },
    );
    const a = createActor(machine, { clock });
    a.start();
    return a;
  }

  const view = (): MaintenanceView | undefined => {
    const m = toScreenModel(actor.getSnapshot(), clock.now());
    return m.screen === 'maintenance' ? m.view : undefined;
  };
  const screen = () => toScreenModel(actor.getSnapshot(), clock.now()).screen;
  const audit = async () => (await store.outbox.list({ limit: 1000 })).flatMap((e) => (e.payload.kind === 'audit' ? [e.payload.entry] : []));
  const tap = (c: CardInField) => {
    card = c;
    actor.send({ type: 'CARD.TECHNICIAN' });
  };
  const typePin = (pin: string) => {
    for (const key of pin) actor.send({ type: 'KEY.PRESS', key });
    actor.send({ type: 'SUBMIT' });
  };

  beforeEach(async () => {
    const fresh = freshTechnicianCard();
    image = fresh.image;
    record = fresh.record();
    dir = mkdtempSync(path.join(tmpdir(), 'maint-session-'));
    clock = new SimulatedClock();
    clock.set(T0);
    store = await KioskStore.open({ path: path.join(dir, 'kiosk.db'), now: () => clock.now() });
    log = new RecentLog(() => new Date(clock.now()));
    card = null;
    actor = start(path.join(dir, 'service.json'));
  });

  afterEach(async () => {
    actor.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('card + PIN → status pages → self-test → out of service (persisted) → leave: everything audited, nothing left', async () => {
    log.tee().info('card read 3105810012345677984 for 13812345678');
    tap(cardOf(image));
    await until(() => view()?.phase === 'pin', 'PIN pad');
    typePin('482913');
    await until(() => view()?.phase === 'session' && (view() as { status: unknown }).status !== null, 'status');
    const v = view();
    if (v?.phase !== 'session') throw new Error('not in session');
    expect(v.technicianName).toBe('李工');
    expect(v.status?.devices).toEqual([
      { device: 'card-reader', unit: 1, state: 'ok', code: null, detail: 'Virtual PCD 00 00', since: null },
      { device: 'printer', state: 'fault', code: 'paper-out', detail: 'roll paper end', since: '2026-11-23T05:00:00.000Z' },
    ]);
    expect(v.status?.network).toMatchObject({ sync: 'offline', centralReachable: false, lastFault: 'unreachable: connect ECONNREFUSED' });
    expect(v.status?.config).toContainEqual({ key: 'central.token', value: '••••' });
    expect(JSON.stringify(v)).not.toMatch(/secret-token-value|3105810012345677984|13812345678|482913/);

    actor.send({ type: 'MAINT.TEST', test: 'printer' });
    await until(() => (view() as { tests?: unknown[] }).tests?.length === 1, 'test result');
    expect(view()).toMatchObject({ tests: [{ test: 'printer', ok: false, code: 'paper-out' }] });

    actor.send({ type: 'MAINT.SERVICE', inService: false });
    await until(() => (view() as { status?: { inService: boolean } }).status?.inService === false, 'out of service');
    expect(await new FileServiceModeStore(path.join(dir, 'service.json')).get()).toEqual({ inService: false, changedAt: '2026-11-23T06:00:00.000Z', changedBy: 'GZ-T-0042' });

    actor.send({ type: 'EXIT' });
    await until(() => screen() === 'attract', 'attract');
    expect(JSON.stringify(actor.getSnapshot())).not.toMatch(/GZ-T-0042|李工/);

    const actions = (await audit()).map((a) => a.action);
    expect(actions).toEqual([
      'maintenance.card-presented',
      'maintenance.card-verified',
      'maintenance.entry',
      'maintenance.action.self-test.printer',
      'maintenance.action.out-of-service',
      'maintenance.exit',
    ]);
    expect((await audit()).every((a) => a.actor === 'GZ-T-0042')).toBe(true);
    expect(JSON.stringify(await audit())).not.toMatch(/482913|04EC0042/);
  });

  it('a clone without the key and a passenger card are refused; nobody gets in', async () => {
    // Same UID, technician id and PIN, but not the card's private key.
    const clone: CardImage = { ...freshTechnicianCard().image, uid: image.uid };
    tap(cardOf(clone));
    await until(() => view()?.phase === 'refused', 'refused');
    expect(view()).toEqual({ phase: 'refused', refusal: { code: 'card-auth-failed' } });
    actor.send({ type: 'BACK' });
    await until(() => screen() === 'attract', 'attract');

    tap(cardOf(await loadCardImage('t-union-guangzhou-ok')));
    await until(() => view()?.phase === 'refused', 'refused');
    expect(view()).toEqual({ phase: 'refused', refusal: { code: 'not-technician-card' } });
    const refused = (await audit()).filter((a) => a.action === 'maintenance.refused').map((a) => a.detail?.split(':')[0]);
    expect(refused).toEqual(['card-auth-failed', 'not-technician-card']);
    expect((await audit()).some((a) => a.action === 'maintenance.entry')).toBe(false);
  });

  it('wrong PINs show the attempts the card has left, the fifth blocks the card, and the card stays blocked across a kiosk restart', async () => {
    tap(cardOf(image));
    await until(() => view()?.phase === 'pin', 'PIN pad');
    for (let left = 4; left >= 1; left--) {
      typePin('000000');
      await until(() => (view() as { error?: { attemptsLeft: number } | null }).error?.attemptsLeft === left, `${left} attempts left`);
    }
    typePin('000000');
    await until(() => view()?.phase === 'refused', 'card blocked');
    expect(view()).toEqual({ phase: 'refused', refusal: { code: 'card-blocked' } });

    actor.stop();
    clock.increment(60 * 60_000);
    actor = start(path.join(dir, 'service.json'));
    tap(cardOf(image));
    await until(() => view()?.phase === 'refused', 'still blocked');
    expect(view()).toEqual({ phase: 'refused', refusal: { code: 'card-blocked' } });
    expect((await audit()).filter((a) => a.action === 'maintenance.card-blocked')).toHaveLength(1);
  });

  it('retry and discard of rejected outbox rows are audited under the technician; a wrong row is refused', async () => {
    const tickets = new TicketService(store, { kioskId: 'GZ0102', kioskCode: 'GZ0102', stationId: 'GZ-TIYUXILU' });
    await tickets.recordTelemetry({ a: 1 });
    await tickets.recordTelemetry({ a: 2 });
    const batch = await store.outbox.claimBatch(10);
    await store.outbox.settle(batch, [], batch.map((e) => ({ id: e.id, seq: e.seq, code: 'invalid-item', reason: 'test reject' })));
    const [first, second] = batch;

    tap(cardOf(image));
    await until(() => view()?.phase === 'pin', 'PIN pad');
    typePin('482913');
    await until(() => (view() as { status?: { outbox: { rejected: number } } }).status?.outbox.rejected === 2, 'two rejected rows');
    expect((view() as unknown as { status: { outbox: { rejectedItems: unknown[] } } }).status.outbox.rejectedItems).toEqual([
      { seq: second!.seq, kind: 'telemetry', code: 'invalid-item', reason: 'test reject', createdAt: second!.createdAt },
      { seq: first!.seq, kind: 'telemetry', code: 'invalid-item', reason: 'test reject', createdAt: first!.createdAt },
    ]);

    actor.send({ type: 'MAINT.PAGE', page: 'outbox' });
    actor.send({ type: 'MAINT.OUTBOX', action: 'retry', seq: first!.seq });
    await until(() => (view() as { notice?: { code: string } | null }).notice?.code === 'outbox-updated' && (view() as { busy: unknown }).busy === null, 'retried');
    actor.send({ type: 'MAINT.OUTBOX', action: 'discard', seq: second!.seq });
    await until(() => (view() as { status?: { outbox: { discarded: number } } }).status?.outbox.discarded === 1 && (view() as { busy: unknown }).busy === null, 'discarded');
    actor.send({ type: 'MAINT.OUTBOX', action: 'retry', seq: 999 });
    await until(() => (view() as { notice?: { code: string } | null }).notice?.code === 'outbox-row-not-found' && (view() as { busy: unknown }).busy === null, 'refused');

    const stats = await store.outbox.stats();
    expect(stats).toMatchObject({ rejected: 0, discarded: 1 });
    const actions = (await audit()).filter((a) => a.action.includes('outbox'));
    expect(actions.map((a) => [a.action, a.actor])).toEqual(
      expect.arrayContaining([
        ['maintenance.action.outbox-retry', 'GZ-T-0042'],
        ['maintenance.action.outbox-discard', 'GZ-T-0042'],
      ]),
    );
    expect(actions.find((a) => a.action === 'maintenance.action.outbox-retry' && a.detail?.includes('999'))?.detail).toBe('seq 999: outbox-row-not-found');
  });
});
