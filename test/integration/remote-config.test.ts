// Remote configuration: a setting staff change at a real central (SQLite and PostgreSQL) reaches
// the real kiosk runtime at its next sync, waits for a passenger's session to end, is refused
// when it breaks the rules (the last good stays, on disk, and central hears why), and every
// change is audited at central.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHeartbeat, HeartbeatSender, runtimeHeartbeatSources } from '../../kiosk/appliance/heartbeat.js';
import { parseKioskConfig } from '../../kiosk/config/index.js';
import { createKioskRuntime } from '../../kiosk/runtime/create-runtime.js';
import type { KioskRuntime } from '../../kiosk/runtime/kiosk-runtime.js';
import { createMemoryLogger } from '../../kiosk/runtime/logger.js';
import type { CardReaderEvent, CardReaderHealth, CardReaderService } from '../../shared/card-reader.js';
import type { StoredHeartbeat } from '../../shared/heartbeat.js';
import type { ConfigOutcome } from '../../kiosk/store/down-sync-cache.js';
import type { ScreenModel } from '../../shared/ui-protocol.js';
import { ENGINES, KIOSKS, STAFF_TOKEN, startTestCentral, type CentralFixture } from '../support/central.js';

/** A reader with no card on it: these tests are about settings, not cards. */
class EmptyReader implements CardReaderService {
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  subscribe(_listener: (e: CardReaderEvent) => void): () => void {
    return () => undefined;
  }
  readers(): string[] {
    return ['Empty Reader'];
  }
  health(): CardReaderHealth {
    return { state: 'ok', readers: ['Empty Reader'] };
  }
  transmit(): Promise<Uint8Array> {
    return Promise.reject(Object.assign(new Error('no card on the reader'), { code: 'card-removed' }));
  }
}

const KIOSK = KIOSKS.a;

describe.each(ENGINES)('remote configuration through central (%s) to the kiosk runtime', (engine) => {
  let f: CentralFixture;
  let dataDir: string;
  let runtime: KioskRuntime | null = null;

  const fileConfig = () =>
    parseKioskConfig(
      {
        stationId: KIOSK.stationId,
        stationName: { zh: '体育西路站', en: 'Tiyu Xilu Station' },
        kioskId: KIOSK.id,
        kioskCode: 'GZ0102',
        cityCode: '5810',
        central: { url: f.central.url, token: KIOSK.token },
        ui: { port: 0 },
        readerName: 'Empty Reader',
        hid: null,
        dataDir,
        idleTimeoutSeconds: 60,
        idleWarningSeconds: 10,
        defaultLanguage: 'zh',
      },
      'test config',
    );

  /** The runtime as `kiosk start` builds it, after its first sync (which brings the configuration central has now). */
  async function startRuntime(): Promise<KioskRuntime> {
    const r = await createKioskRuntime(fileConfig(), { logger: createMemoryLogger(), cardReader: new EmptyReader(), faultMonitor: false });
    await r.start();
    const sync = r.parts.sync!;
    await new Promise<void>((resolve) => {
      if (sync.status().state === 'online') return resolve();
      const off = sync.onHealth((h) => {
        if (h.state === 'online') {
          off();
          resolve();
        }
      });
    });
    return r;
  }

  /** The kiosk's next sync (a technician's "sync now"), resolved with what became of the configuration it brought. */
  function nextSync(r: KioskRuntime): Promise<ConfigOutcome> {
    return new Promise((resolve) => {
      const off = r.parts.store.caches.onConfig((o) => {
        off();
        resolve(o);
      });
      r.parts.sync!.syncNow();
    });
  }

  const screen = (r: KioskRuntime): ScreenModel => r.host.current().model;

  /** The screen once it is `name` (a ticket is saved asynchronously). */
  async function screenWhen(r: KioskRuntime, name: ScreenModel['screen']): Promise<ScreenModel> {
    for (let i = 0; i < 250 && screen(r).screen !== name; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen(r).screen).toBe(name);
    return screen(r);
  }

  /** A passenger writes a gate report up to its review screen. */
  function writeReport(r: KioskRuntime): void {
    r.host.passengerEvent({ type: 'START' });
    r.host.passengerEvent({ type: 'MENU.REPORT' });
    r.host.passengerEvent({ type: 'REPORT.CATEGORY', category: 'gate' });
    r.host.passengerEvent({ type: 'TEXT.SET', text: 'Gate 3 is stuck' });
    r.host.passengerEvent({ type: 'NEXT' });
    r.host.passengerEvent({ type: 'SKIP' });
  }

  async function staff(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${f.central.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${STAFF_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    f = await startTestCentral(engine);
    dataDir = await mkdtemp(join(tmpdir(), 'kiosk-remote-config-'));
    runtime = await startRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
    await f?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a setting changed at central reaches the idle kiosk at its next sync and is audited', async () => {
    const r = runtime!;
    expect(screen(r)).toMatchObject({ screen: 'attract', chrome: { language: 'zh' } });
    const staffContact = { office: { zh: 'B出口旁客服中心', en: 'Service centre by exit B' }, phone: '020-8888 1234' };
    const put = await staff('PUT', `/v1/staff/kiosks/${KIOSK.id}/config`, { config: { idleTimeoutSeconds: 45, defaultLanguage: 'en', stationStaff: staffContact }, actor: 'li.wei' });
    expect(put.status).toBe(200);

    const outcome = await nextSync(r);
    expect(outcome).toMatchObject({ kind: 'taken', settings: { idleTimeoutSeconds: 45, defaultLanguage: 'en', stationStaff: staffContact } });
    // Nobody at the kiosk: in use at once. The start screen is now in English; a new session counts down from 45 s.
    expect(screen(r)).toMatchObject({ screen: 'attract', chrome: { language: 'en' } });
    r.host.passengerEvent({ type: 'START' });
    expect(screen(r)).toMatchObject({ screen: 'menu', chrome: { language: 'en', idleSecondsLeft: 45 } });
    r.host.passengerEvent({ type: 'EXIT' });
    expect(screen(r).screen).toBe('attract');

    const heartbeat = await collectHeartbeat(runtimeHeartbeatSources(r, 'test'));
    expect(heartbeat.config).toEqual({ version: outcome.version, rejected: null });

    const audit = await staff('GET', `/v1/staff/config/audit?kioskId=${KIOSK.id}`);
    expect(audit.status).toBe(200);
    expect(audit.json['entries']).toEqual([
      { id: expect.any(Number) as unknown, at: expect.any(String) as unknown, actor: 'staff', kioskId: KIOSK.id, old: {}, new: { idleTimeoutSeconds: 45, defaultLanguage: 'en', stationStaff: staffContact } },
    ]);
  });

  it('a change during a passenger session waits for it to end; the session is not reset', async () => {
    const r = runtime!;
    r.host.passengerEvent({ type: 'START' });
    r.host.passengerEvent({ type: 'LANG.SET', language: 'zh' });
    const during = screen(r);
    expect(during).toMatchObject({ screen: 'menu', chrome: { language: 'zh', idleSecondsLeft: 45 } });

    expect((await staff('PUT', `/v1/staff/kiosks/${KIOSK.id}/config`, { config: { idleTimeoutSeconds: 120, defaultLanguage: 'en' }, actor: 'li.wei' })).status).toBe(200);
    expect(await nextSync(r)).toMatchObject({ kind: 'taken', settings: { idleTimeoutSeconds: 120 } });

    // The passenger is where they were, in the language they chose, on the countdown they started with.
    expect(screen(r)).toMatchObject({ screen: 'menu', chrome: { language: 'zh' } });
    expect(screen(r).chrome.idleSecondsLeft).toBeLessThanOrEqual(45);
    // Each touch restarts the countdown, still with the session's 45 s.
    r.host.passengerEvent({ type: 'MENU.REPORT' });
    r.host.passengerEvent({ type: 'HOME' });
    expect(screen(r)).toMatchObject({ screen: 'menu', chrome: { language: 'zh', idleSecondsLeft: 45 } });

    // Session over: the new settings are in use.
    r.host.passengerEvent({ type: 'EXIT' });
    expect(screen(r)).toMatchObject({ screen: 'attract', chrome: { language: 'en' } });
    r.host.passengerEvent({ type: 'START' });
    expect(screen(r)).toMatchObject({ screen: 'menu', chrome: { idleSecondsLeft: 120 } });
    r.host.passengerEvent({ type: 'EXIT' });
  });

  it('central refuses a setting out of range with the reason, and stores and audits nothing', async () => {
    const before = await staff('GET', `/v1/staff/config/audit?kioskId=${KIOSK.id}`);
    const bad = await staff('PUT', `/v1/staff/kiosks/${KIOSK.id}/config`, { config: { idleTimeoutSeconds: 5 }, actor: 'li.wei' });
    expect(bad.status).toBe(400);
    const error = (r: { json: Record<string, unknown> }) => r.json['error'] as { code: string; message: string };
    expect(error(bad).code).toBe('invalid-config');
    expect(error(bad).message).toContain('idleTimeoutSeconds must be a whole number between 10 and 600, got 5');
    const typo = await staff('PUT', '/v1/staff/config', { config: { idleTimeoutSecond: 30 } });
    expect(typo.status).toBe(400);
    expect(error(typo).message).toContain('idleTimeoutSecond is not a setting central can change');
    // Rules that compare two settings: the warning must be shorter than the idle time.
    const clash = await staff('PUT', `/v1/staff/kiosks/${KIOSK.id}/config`, { config: { idleTimeoutSeconds: 20, idleWarningSeconds: 30 } });
    expect(clash.status).toBe(400);
    expect(error(clash).message).toContain('idleWarningSeconds (30) must be less than idleTimeoutSeconds (20)');
    expect((await staff('GET', `/v1/staff/kiosks/${KIOSK.id}/config`)).json['config']).toEqual({ idleTimeoutSeconds: 120, defaultLanguage: 'en' });
    expect((await staff('GET', '/v1/staff/config/audit?kioskId=global')).json['entries']).toEqual([]);
    expect((await staff('GET', `/v1/staff/config/audit?kioskId=${KIOSK.id}`)).json['entries']).toEqual(before.json['entries']);
  });

  it('the kiosk refuses an invalid configuration that reaches it, keeps the last good (also after a restart), and central hears why', async () => {
    const r = runtime!;
    // A configuration central's own check would refuse, written straight into its store (an older central, a hand edit).
    await f.central.storage.putKioskConfig(KIOSK.id, { idleTimeoutSeconds: 120, idleWarningSeconds: 200, defaultLanguage: 'zh' }, new Date().toISOString(), 'db-admin');
    const outcome = await nextSync(r);
    expect(outcome).toMatchObject({ kind: 'refused', problems: ['idleWarningSeconds must be a whole number between 3 and 60, got 200'] });
    expect(await r.parts.store.caches.config()).toEqual({ idleTimeoutSeconds: 120, defaultLanguage: 'en' });
    expect(screen(r)).toMatchObject({ screen: 'attract', chrome: { language: 'en' } });
    r.host.passengerEvent({ type: 'START' });
    expect(screen(r).chrome.idleSecondsLeft).toBe(120);
    r.host.passengerEvent({ type: 'EXIT' });

    const sender = new HeartbeatSender({ centralUrl: f.central.url, kioskId: KIOSK.id, token: KIOSK.token, intervalMs: 60_000, sources: runtimeHeartbeatSources(r, 'test'), logger: createMemoryLogger() });
    expect(await sender.beat()).toBe(true);
    const { heartbeats } = (await staff('GET', '/v1/staff/heartbeats')).json as unknown as { heartbeats: StoredHeartbeat[] };
    const mine = heartbeats.find((h) => h.kioskId === KIOSK.id);
    expect(mine?.heartbeat.config?.rejected).toEqual({ version: outcome.version, problems: ['idleWarningSeconds must be a whole number between 3 and 60, got 200'], at: expect.any(String) as unknown });
    expect(mine?.heartbeat.config?.version).toBeLessThan(outcome.version);
    const audit = (await staff('GET', `/v1/staff/config/audit?kioskId=${KIOSK.id}`)).json['entries'] as { actor: string; new: unknown }[];
    expect(audit[0]).toMatchObject({ actor: 'db-admin', new: { idleWarningSeconds: 200 } });

    // The last good configuration is on disk: a restarted runtime starts with it.
    await r.stop();
    runtime = null;
    runtime = await startRuntime();
    expect(screen(runtime)).toMatchObject({ screen: 'attract', chrome: { language: 'en' } });
    runtime.host.passengerEvent({ type: 'START' });
    expect(screen(runtime).chrome.idleSecondsLeft).toBe(120);
    runtime.host.passengerEvent({ type: 'EXIT' });

    // A good configuration after it clears the refusal.
    expect((await staff('PUT', `/v1/staff/kiosks/${KIOSK.id}/config`, { config: { idleTimeoutSeconds: 90 } })).status).toBe(200);
    const good = await nextSync(runtime);
    expect(good.kind).toBe('taken');
    expect((await collectHeartbeat(runtimeHeartbeatSources(runtime, 'test'))).config).toEqual({ version: good.version, rejected: null });
  });

  it("the ticket page's public address and the accepted cards: central refuses a loopback address, and a good one reaches the QR code after the session that was writing", async () => {
    const r = runtime!;
    const error = (res: { json: Record<string, unknown> }) => (res.json['error'] as { message: string }).message;
    const loopback = await staff('PUT', `/v1/staff/kiosks/${KIOSK.id}/config`, { config: { idleTimeoutSeconds: 90, publicBaseUrl: 'http://127.0.0.1:8081' } });
    expect(loopback.status).toBe(400);
    expect(error(loopback)).toContain("publicBaseUrl must be an address a passenger's phone can open, got the loopback address http://127.0.0.1:8081");
    const withQuery = await staff('PUT', '/v1/staff/config', { config: { publicBaseUrl: 'https://help.metro.example/?x=1' } });
    expect(withQuery.status).toBe(400);
    expect(error(withQuery)).toContain('publicBaseUrl must be the http(s) address of the ticket page');
    const cards = await staff('PUT', `/v1/staff/kiosks/${KIOSK.id}/config`, { config: { acceptedCards: { families: ['octopus'], cities: ['10'] } } });
    expect(cards.status).toBe(400);
    expect(error(cards)).toContain('acceptedCards must be {"tUnion": true|false, "families": ["t-union", "city-union"');
    expect((await staff('GET', `/v1/staff/kiosks/${KIOSK.id}/config`)).json['config']).toEqual({ idleTimeoutSeconds: 90 });

    // A passenger is at the review of a report when staff give the kiosk a public address.
    writeReport(r);
    expect(screen(r)).toMatchObject({ screen: 'report-review', description: 'Gate 3 is stuck' });
    const accepted = { tUnion: true, cities: ['1000'] };
    const put = await staff('PUT', `/v1/staff/kiosks/${KIOSK.id}/config`, { config: { idleTimeoutSeconds: 90, publicBaseUrl: 'https://help.metro.example', acceptedCards: accepted } });
    expect(put.status).toBe(200);
    expect(await nextSync(r)).toMatchObject({ kind: 'taken', settings: { publicBaseUrl: 'https://help.metro.example', acceptedCards: accepted } });

    // Their report is still there, and its ticket takes the address their session started with.
    expect(screen(r)).toMatchObject({ screen: 'report-review', description: 'Gate 3 is stuck' });
    r.host.passengerEvent({ type: 'SUBMIT' });
    const first = await screenWhen(r, 'report-done');
    expect(first).toMatchObject({ statusUrl: `${f.central.url}/t/${(first as { ticketId: string }).ticketId}` });
    r.host.passengerEvent({ type: 'EXIT' });
    await screenWhen(r, 'attract');

    // The next passenger's QR code points at the public address.
    writeReport(r);
    r.host.passengerEvent({ type: 'SUBMIT' });
    const second = await screenWhen(r, 'report-done');
    expect(second).toMatchObject({ statusUrl: `https://help.metro.example/t/${(second as { ticketId: string }).ticketId}` });
    r.host.passengerEvent({ type: 'EXIT' });
    await screenWhen(r, 'attract');

    const audit = (await staff('GET', `/v1/staff/config/audit?kioskId=${KIOSK.id}`)).json['entries'] as { actor: string; old: unknown; new: unknown }[];
    expect(audit[0]).toEqual(expect.objectContaining({ actor: 'staff', old: { idleTimeoutSeconds: 90 }, new: { idleTimeoutSeconds: 90, publicBaseUrl: 'https://help.metro.example', acceptedCards: accepted } }));
  });
});
