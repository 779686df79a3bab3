import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { PassengerEvent, ScreenModel } from '../../../shared/ui-protocol.js';
import type { KioskScreenMessage } from '../../../shared/ui-wire.js';
import { createMemoryLogger } from '../logger.js';
import { UiServer, type UiSessionPort } from './ui-server.js';
import { uiKeyFromLaunch, uiSocketOptions } from '../../../test/support/ui-key.js';

const chrome = { language: 'zh', largeText: false, idleSecondsLeft: null, agentAvailable: true, canGoBack: false, canGoHome: false } as const;
const attract: ScreenModel = { screen: 'attract', chrome };
const menu: ScreenModel = { screen: 'menu', chrome };

class RecordingSession implements UiSessionPort {
  readonly events: PassengerEvent[] = [];
  private message: KioskScreenMessage = { type: 'screen', seq: 0, model: attract, causeAt: null };
  private readonly listeners = new Set<(m: KioskScreenMessage) => void>();
  current() {
    return this.message;
  }
  onScreen(l: (m: KioskScreenMessage) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  passengerEvent(e: PassengerEvent) {
    this.events.push(e);
    this.message = { type: 'screen', seq: this.message.seq + 1, model: menu, causeAt: null };
    for (const l of this.listeners) l(this.message);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'kiosk-ui-server-'));
const session = new RecordingSession();
const logger = createMemoryLogger();
const server = new UiServer(session, { port: 0, staticDir: dir, info: { stationName: { zh: '体育西路站', en: 'Tiyu Xilu' } }, logger });

beforeAll(async () => {
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>kiosk</title>');
  await server.start();
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function connect(): Promise<{ ws: WebSocket; next: () => Promise<Record<string, unknown>> }> {
  const key = await uiKeyFromLaunch(server.launchUrl());
  const { protocols, headers } = uiSocketOptions(server.url, key);
  const ws = new WebSocket(server.url.replace('http', 'ws') + 'ws', protocols, { headers });
  const queue: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>;
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const next = () => new Promise<Record<string, unknown>>((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiting.push(resolve)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, next }));
    ws.once('error', reject);
  });
}

describe('UiServer', () => {
  it('listens on loopback only and serves the page and the station info', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await (await fetch(server.url)).text()).toContain('<title>kiosk</title>');
    expect(await (await fetch(server.url + 'info.json')).json()).toEqual({ stationName: { zh: '体育西路站', en: 'Tiyu Xilu' } });
  });

  it('sends the current screen on connect and on hello, and every new screen after an event', async () => {
    const { ws, next } = await connect();
    expect(await next()).toMatchObject({ type: 'screen', seq: 0, model: { screen: 'attract' } });
    ws.send(JSON.stringify({ type: 'hello' }));
    expect(await next()).toMatchObject({ type: 'screen', seq: 0 });
    ws.send(JSON.stringify({ type: 'event', event: { type: 'START', extra: 'dropped' } }));
    expect(await next()).toMatchObject({ type: 'screen', seq: 1, model: { screen: 'menu' } });
    expect(session.events).toEqual([{ type: 'START' }]);
    ws.close();
  });

  it('refuses bad frames with a typed code and passes nothing on', async () => {
    const { ws, next } = await connect();
    await next();
    const before = session.events.length;
    ws.send('{');
    expect(await next()).toEqual({ type: 'rejected', code: 'not-json', message: 'message is not JSON' });
    ws.send(JSON.stringify({ type: 'event', event: { type: 'RATE', score: 6 } }));
    expect(await next()).toMatchObject({ type: 'rejected', code: 'bad-field' });
    ws.send(JSON.stringify({ type: 'event', event: { type: 'TEXT.SET', text: 'x'.repeat(5000) } }));
    expect(await next()).toMatchObject({ type: 'rejected', code: 'too-long' });
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await next()).toMatchObject({ type: 'rejected', code: 'not-json' });
    expect(session.events.length).toBe(before);
    ws.close();
  });

  it('answers 503 with a hint when the UI is not built', async () => {
    const bare = new UiServer(session, { port: 0, staticDir: join(dir, 'missing'), info: {}, logger });
    await bare.start();
    try {
      const r = await fetch(bare.url);
      expect(r.status).toBe(503);
      expect(await r.text()).toContain('npm run build:ui');
    } finally {
      await bare.stop();
    }
  });
});
