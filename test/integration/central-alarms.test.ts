/**
 * Emergency alarms at central, on both engines: stored once per alarm however often the kiosk
 * sends it, acknowledged once with the person (the kiosk learns it through its changes), hostile
 * input refused with a clear 4xx and nothing stored, and on PostgreSQL two central instances on
 * one schema escalate an unacknowledged alarm exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCentral } from '../../central/server.js';
import { ENGINES, KIOSKS, STAFF_TOKEN, startTestCentral, uniqueStorage, type CentralFixture } from '../support/central.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';

const K = KIOSKS.a;
const ALARM_ID = '019a6b1c-3f10-7abc-8def-0123456789ab';
const alarmItem = (id: string, seq: number, alarmId = ALARM_ID, extra: Record<string, unknown> = {}) => ({
  id,
  seq,
  createdAt: new Date().toISOString(),
  payload: { kind: 'alarm', alarm: { id: alarmId, kioskId: K.id, stationId: K.stationId, raisedAt: new Date().toISOString(), language: 'zh', card: null, ...extra } },
});

let fixture: CentralFixture | null = null;
afterEach(async () => {
  await fixture?.dispose();
  fixture = null;
});

async function call(url: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(ENGINES)('emergency alarms at central (%s)', (engine) => {
  it('stores an alarm once, lists it open, acknowledges it once with the person, and tells the kiosk', async () => {
    fixture = await startTestCentral(engine);
    const url = fixture.central.url;
    const first = await call(url, 'POST', `/v1/kiosks/${K.id}/batches`, K.token, { items: [alarmItem('019a6b1c-3f10-7abc-8def-000000000001', 1)] });
    expect(first.status).toBe(200);
    expect(first.body['acks']).toMatchObject([{ status: 'stored' }]);
    // The same item again, and the same alarm under another item: still one alarm.
    await call(url, 'POST', `/v1/kiosks/${K.id}/batches`, K.token, { items: [alarmItem('019a6b1c-3f10-7abc-8def-000000000001', 1)] });
    await call(url, 'POST', `/v1/kiosks/${K.id}/batches`, K.token, { items: [alarmItem('019a6b1c-3f10-7abc-8def-000000000002', 2)] });
    const open = await call(url, 'GET', '/v1/staff/alarms', STAFF_TOKEN);
    expect(open.status).toBe(200);
    expect(open.body['alarms']).toMatchObject([{ id: ALARM_ID, kioskId: K.id, stationId: K.stationId, state: 'open', acknowledgedBy: null }]);
    expect(await call(url, 'POST', `/v1/staff/alarms/${ALARM_ID}/seen`, STAFF_TOKEN)).toMatchObject({ status: 200, body: { first: true } });
    expect(await call(url, 'POST', `/v1/staff/alarms/${ALARM_ID}/seen`, STAFF_TOKEN)).toMatchObject({ status: 200, body: { first: false } });
    const ack = await call(url, 'POST', `/v1/staff/alarms/${ALARM_ID}/acknowledge`, STAFF_TOKEN);
    expect(ack.status).toBe(200);
    const who = (ack.body['alarm'] as { acknowledgedBy: string }).acknowledgedBy;
    expect(who).toBeTruthy();
    expect(ack.body['steps']).toMatchObject([
      { step: 'raised', actor: `kiosk:${K.id}` },
      { step: 'seen', actor: who },
      { step: 'acknowledged', actor: who },
    ]);
    const again = await call(url, 'POST', `/v1/staff/alarms/${ALARM_ID}/acknowledge`, STAFF_TOKEN);
    expect(again.status).toBe(409);
    expect((again.body['error'] as { code: string }).code).toBe('already-acknowledged');
    expect((await call(url, 'GET', '/v1/staff/alarms', STAFF_TOKEN)).body['alarms']).toEqual([]);
    // The kiosk that raised it gets the acknowledgement when it asks for alarm changes; another kiosk never does.
    const changes = await call(url, 'GET', `/v1/kiosks/${K.id}/changes?types=alarm`, K.token);
    expect(changes.body['changes']).toMatchObject([{ type: 'alarm', alarm: { id: ALARM_ID, state: 'acknowledged', by: 'staff' } }]);
    expect((await call(url, 'GET', `/v1/kiosks/${KIOSKS.c.id}/changes?types=alarm`, KIOSKS.c.token)).body['changes']).toEqual([]);
    expect((await call(url, 'GET', `/v1/kiosks/${K.id}/changes`, K.token)).body['changes']).not.toContainEqual(expect.objectContaining({ type: 'alarm' }));
  });

  it('hostile input: a clear 4xx and nothing stored', async () => {
    fixture = await startTestCentral(engine);
    const url = fixture.central.url;
    const bad = await call(url, 'POST', `/v1/kiosks/${K.id}/batches`, K.token, {
      items: [
        alarmItem('019a6b1c-3f10-7abc-8def-000000000011', 1, ALARM_ID, { stationId: "x'); DROP TABLE alarms; --" }),
        alarmItem('019a6b1c-3f10-7abc-8def-000000000012', 2, ALARM_ID, { card: { family: 't-union', masked: '3104998877665544', balance: 1, diagnosis: [] } }),
        alarmItem('019a6b1c-3f10-7abc-8def-000000000013', 3, '<script>alert(1)</script>'),
        alarmItem('019a6b1c-3f10-7abc-8def-000000000014', 4, ALARM_ID, { kioskId: KIOSKS.b.id }),
      ],
    });
    expect(bad.status).toBe(200);
    expect((bad.body['rejects'] as { code: string }[]).map((r) => r.code)).toEqual(['kiosk-mismatch', 'invalid-item', 'invalid-item', 'kiosk-mismatch']);
    expect((await call(url, 'GET', '/v1/staff/alarms?state=all', STAFF_TOKEN)).body['alarms']).toEqual([]);
    expect((await call(url, 'POST', '/v1/staff/alarms/not-an-id/acknowledge', STAFF_TOKEN)).status).toBe(400);
    expect((await call(url, 'POST', `/v1/staff/alarms/${ALARM_ID}/acknowledge`, STAFF_TOKEN)).status).toBe(404);
    expect((await call(url, 'POST', `/v1/staff/alarms/${ALARM_ID}/acknowledge`, K.token)).status).toBe(401);
    expect((await call(url, 'GET', '/v1/staff/alarms?state=everything', STAFF_TOKEN)).status).toBe(400);
  });
});

describe('escalation with two central instances on one PostgreSQL schema', () => {
  it('an alarm nobody acknowledges is escalated exactly once, then acknowledged once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'central-alarm-'));
    const storage = uniqueStorage('postgres', dir);
    const options = { storage, kiosks: Object.values(KIOSKS), staffToken: STAFF_TOKEN, alarmEscalateAfterSeconds: 1, alarmSweepMs: 50 };
    const one = await startCentral({ ...options, dataDir: join(dir, 'one') });
    const two = await startCentral({ ...options, dataDir: join(dir, 'two') });
    try {
      expect((await call(one.url, 'POST', `/v1/kiosks/${K.id}/batches`, K.token, { items: [alarmItem('019a6b1c-3f10-7abc-8def-000000000021', 1)] })).status).toBe(200);
      let detail: Record<string, unknown> = {};
      for (let i = 0; i < 100; i++) {
        detail = (await call(two.url, 'GET', `/v1/staff/alarms/${ALARM_ID}`, STAFF_TOKEN)).body;
        if ((detail['alarm'] as { state: string }).state === 'escalated') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(detail['alarm']).toMatchObject({ state: 'escalated' });
      // Both instances keep sweeping; still one escalation.
      await new Promise((r) => setTimeout(r, 500));
      const steps = ((await call(one.url, 'GET', `/v1/staff/alarms/${ALARM_ID}`, STAFF_TOKEN)).body['steps'] as { step: string }[]).map((s) => s.step);
      expect(steps).toEqual(['raised', 'escalated']);
      // Both acknowledge at once: one wins.
      const acks = await Promise.all([one, two].map((c) => call(c.url, 'POST', `/v1/staff/alarms/${ALARM_ID}/acknowledge`, STAFF_TOKEN)));
      expect(acks.map((a) => a.status).sort()).toEqual([200, 409]);
    } finally {
      await one.close();
      await two.close();
      if (storage.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
