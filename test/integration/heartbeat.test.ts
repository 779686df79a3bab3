// Heartbeats from a kiosk to a real central, on both storage engines.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHeartbeat, HeartbeatSender, type HeartbeatSources } from '../../kiosk/appliance/heartbeat.js';
import { createMemoryLogger } from '../../kiosk/runtime/logger.js';
import type { StoredHeartbeat } from '../../shared/heartbeat.js';
import { ENGINES, KIOSKS, STAFF_TOKEN, startTestCentral, type CentralFixture } from '../support/central.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'kiosk-heartbeat-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function sources(over: Partial<HeartbeatSources> = {}): HeartbeatSources {
  return {
    kioskVersion: '0.1.0',
    startedAt: Date.parse('2026-11-30T10:00:00Z'),
    now: () => Date.parse('2026-11-30T10:05:00Z'),
    devices: () => [
      { device: 'printer', state: 'ok' },
      { device: 'card-reader', state: 'ok' },
    ],
    outbox: () => Promise.resolve({ depth: 3, rejected: 1, oldestPendingAt: '2026-11-30T10:01:00.000Z', clockOffsetMs: 250.4 }),
    dataDir,
    ...over,
  };
}

async function latest(f: CentralFixture): Promise<StoredHeartbeat[]> {
  const r = await fetch(`${f.central.url}/v1/staff/heartbeats`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } });
  expect(r.status).toBe(200);
  return ((await r.json()) as { heartbeats: StoredHeartbeat[] }).heartbeats;
}

describe('heartbeat collection', () => {
  it('reports version, uptime, devices, backlog, disk space of the data folder and clock offset', async () => {
    const hb = await collectHeartbeat(sources());
    expect(hb).toMatchObject({
      kioskVersion: '0.1.0',
      nodeVersion: process.version,
      uptimeSeconds: 300,
      devices: [
        { device: 'printer', state: 'ok' },
        { device: 'card-reader', state: 'ok' },
      ],
      outbox: { pending: 3, rejected: 1, oldestPendingAt: '2026-11-30T10:01:00.000Z' },
      clockOffsetMs: 250,
      sentAt: '2026-11-30T10:05:00.000Z',
    });
    expect(hb.disk.totalBytes).toBeGreaterThan(0);
    expect(hb.disk.freeBytes).toBeGreaterThan(0);
    expect(hb.disk.freeBytes).toBeLessThanOrEqual(hb.disk.totalBytes);
  });
});

describe.each(ENGINES)('heartbeats at central (%s)', (engine) => {
  let f: CentralFixture;
  beforeAll(async () => {
    f = await startTestCentral(engine);
  });
  afterAll(async () => {
    await f?.dispose();
  });

  it('keeps each kiosk’s latest heartbeat and shows it to staff', async () => {
    const log = createMemoryLogger();
    const sender = new HeartbeatSender({ centralUrl: f.central.url, kioskId: KIOSKS.a.id, token: KIOSKS.a.token, intervalMs: 60_000, sources: sources(), logger: log });
    expect(await sender.beat()).toBe(true);
    const later = new HeartbeatSender({
      centralUrl: f.central.url,
      kioskId: KIOSKS.a.id,
      token: KIOSKS.a.token,
      intervalMs: 60_000,
      sources: sources({ now: () => Date.parse('2026-11-30T10:06:00Z'), outbox: () => Promise.resolve({ depth: 0, rejected: 1, oldestPendingAt: null, clockOffsetMs: null }) }),
      logger: log,
    });
    expect(await later.beat()).toBe(true);
    const rows = await latest(f);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kioskId: KIOSKS.a.id, heartbeat: { uptimeSeconds: 360, outbox: { pending: 0, rejected: 1, oldestPendingAt: null }, clockOffsetMs: null } });
    expect(Date.parse(rows[0]!.receivedAt)).not.toBeNaN();
  });

  it('takes a heartbeat only from the kiosk itself, and a bad one changes nothing', async () => {
    const before = await latest(f);
    const log = createMemoryLogger();
    const asOther = new HeartbeatSender({ centralUrl: f.central.url, kioskId: KIOSKS.b.id, token: KIOSKS.a.token, intervalMs: 60_000, sources: sources(), logger: log });
    expect(await asOther.beat()).toBe(false);
    expect(log.entries.at(-1)).toMatchObject({ level: 'warn', message: 'heartbeat to central failed; retrying at the next beat', fields: { error: expect.stringMatching(/central answered 40[13]/) as unknown } });
    const bad = await fetch(`${f.central.url}/v1/kiosks/${KIOSKS.a.id}/heartbeat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KIOSKS.a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kioskVersion: '0.1.0', uptimeSeconds: -1 }),
    });
    expect(bad.status).toBe(400);
    const staffOnly = await fetch(`${f.central.url}/v1/staff/heartbeats`, { headers: { authorization: `Bearer ${KIOSKS.a.token}` } });
    expect(staffOnly.status).toBe(401);
    expect(await latest(f)).toEqual(before);
  });
});
