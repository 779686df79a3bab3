import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toScreenModel } from '../../flows/screen-model.js';
import { createKioskSessionMachine } from '../../flows/kiosk-flows.js';
import { DIAGNOSIS, noTechnician, ScriptedCall, someEffects } from '../../../test/unit/flows-fixtures.js';
import { createFlowEngine } from './flow-engine.js';
import { createMemoryLogger } from '../logger.js';
import { SessionFile } from './session-file.js';
import { SessionHost } from './session-host.js';

const dir = await mkdtemp(join(tmpdir(), 'kiosk-flow-engine-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

function build(restored: unknown, now: () => number, logger = createMemoryLogger()) {
  const engine = createFlowEngine({
    machine: createKioskSessionMachine(
      { clock: { now }, idleTimeoutMs: 60_000, idleWarningMs: 10_000, diagnosis: DIAGNOSIS },
      { passenger: someEffects({}), call: new ScriptedCall().asEffects(), maintenance: noTechnician },
    ),
    toScreen: (s) => toScreenModel(s, now()),
    restored,
    logger,
  });
  return { engine, logger };
}

describe('runtime session over the real flows', () => {
  it('numbers screens, sends only changes, and resumes a half-written report after a restart', async () => {
    let t = Date.parse('2026-11-23T08:00:00Z');
    const now = () => t;
    const file = new SessionFile(join(dir, 'session.json'));
    const { engine } = build(null, now);
    const host = new SessionHost(engine, file, createMemoryLogger());
    const seen: string[] = [];
    host.onScreen((m) => seen.push(`${m.seq}:${m.model.screen}`));
    host.start();
    host.passengerEvent({ type: 'START' });
    host.passengerEvent({ type: 'MENU.REPORT' });
    host.passengerEvent({ type: 'REPORT.CATEGORY', category: 'gate' });
    for (const key of 'no ticket') host.passengerEvent({ type: 'KEY.PRESS', key });
    expect(host.current().model).toMatchObject({ screen: 'report-describe', text: 'no ticket' });
    expect(seen.slice(0, 3)).toEqual(['1:menu', '2:report-category', '3:report-describe']);
    const seqBefore = host.current().seq;
    host.passengerEvent({ type: 'LANG.SET', language: 'zh' });
    expect(host.current().seq).toBe(seqBefore);
    host.stop();
    await host.flush();
    engine.stop();

    t += 5_000;
    const saved = await file.load();
    expect(saved.ok && saved.value !== null).toBe(true);
    const restored = build(saved.ok ? saved.value!.snapshot : null, now);
    expect(restored.engine.screen()).toMatchObject({ screen: 'report-describe', text: 'no ticket' });
    restored.engine.stop();
  });

  it('starts fresh at the attract screen from a snapshot it cannot use, and says so in the log', () => {
    const { engine, logger } = build({ status: 'active', value: { nowhere: {} }, context: {} }, Date.now);
    expect(engine.screen().screen).toBe('attract');
    expect(logger.entries.some((e) => e.message.includes('starting fresh'))).toBe(true);
    engine.stop();
  });

  it('stamps the screen a card caused with the card event time', () => {
    const { engine } = build(null, Date.now);
    const host = new SessionHost(engine, null, createMemoryLogger());
    host.start();
    host.cardEvent({ type: 'card-present', reader: 'r', atr: '3B' }, 1234);
    expect(host.current()).toMatchObject({ causeAt: 1234 });
    host.passengerEvent({ type: 'HOME' });
    expect(host.current().causeAt).toBeNull();
    host.stop();
    engine.stop();
  });
});
