/**
 * The kiosk UI socket (`/ws`) as an attacker on the kiosk's own machine sees it: a page of
 * another origin, a DNS-rebinding Host, a local process without the per-boot key, a second
 * page trying to listen in or to drive maintenance mode.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { PassengerEvent, ScreenModel } from '../../shared/ui-protocol.js';
import { createMemoryLogger } from '../../kiosk/runtime/logger.js';
import { UiServer, type UiSessionPort } from '../../kiosk/runtime/browser/ui-server.js';
import { bootUiKey } from '../../kiosk/runtime/browser/ui-key.js';
import type { KioskScreenMessage } from '../../shared/ui-wire.js';

const chrome = { language: 'zh', largeText: false, idleSecondsLeft: null, agentAvailable: true, canGoBack: false, canGoHome: false } as const;

class Session implements UiSessionPort {
  readonly events: PassengerEvent[] = [];
  private message: KioskScreenMessage = { type: 'screen', seq: 0, model: { screen: 'attract', chrome }, causeAt: null };
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
  }
  show(model: ScreenModel) {
    this.message = { type: 'screen', seq: this.message.seq + 1, model, causeAt: null };
    for (const l of this.listeners) l(this.message);
  }
}

const maintenanceScreen = { screen: 'maintenance', page: 'overview', view: { phase: 'pin', digits: 0 }, chrome } as unknown as ScreenModel;

const dir = await mkdtemp(join(tmpdir(), 'kiosk-ui-attack-'));
const session = new Session();
const logger = createMemoryLogger();
const server = new UiServer(session, { port: 0, staticDir: dir, info: {}, logger });

beforeAll(async () => {
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>kiosk</title>');
  await server.start();
});
afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Attempt {
  readonly opened: boolean;
  readonly status: number | null;
  readonly messages: Record<string, unknown>[];
  readonly ws: WebSocket;
  closed: Promise<number>;
  next(): Promise<Record<string, unknown>>;
}

/** Opens `/ws` with the given headers and subprotocols; resolves once it is open or refused. */
function attempt(headers: Record<string, string>, protocols: string[] = []): Promise<Attempt> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, protocols, { headers });
  const messages: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>;
    const w = waiting.shift();
    if (w) w(m);
    else messages.push(m);
  });
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  const next = () => new Promise<Record<string, unknown>>((r) => (messages.length > 0 ? r(messages.shift()!) : waiting.push(r)));
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ opened: true, status: null, messages, ws, closed, next }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ opened: false, status: res.statusCode ?? null, messages, ws, closed, next });
      ws.terminate();
    });
    ws.once('error', () => resolve({ opened: false, status: null, messages, ws, closed, next }));
  });
}

/** A plain GET with any Host header (fetch does not let a caller set Host). */
function get(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const own = () => ({ origin: `http://127.0.0.1:${server.port}`, host: `127.0.0.1:${server.port}` });

/** What the kiosk browser does with its launch URL: trades the one-time code for the key. */
async function keyFromLaunch(url = server.launchUrl()): Promise<Response> {
  const code = new URL(url).hash.replace(/^#launch=/, '');
  return fetch(`http://127.0.0.1:${server.port}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${server.port}` },
    body: JSON.stringify({ launch: code }),
  });
}
let key = '';

describe('kiosk UI socket under attack', () => {
  it('a page of another origin with its own Host gets no screen', async () => {
    const a = await attempt({ origin: 'http://evil.example', host: 'evil.example:8080' });
    expect(a.opened).toBe(false);
    expect(a.status).toBe(403);
    expect(a.messages).toEqual([]);
  });

  it('a DNS-rebinding Host gets neither the page nor the socket', async () => {
    const page = await get('/', `evil.example:${server.port}`);
    expect(page.status).toBe(403);
    expect(page.body).not.toContain('<title>kiosk</title>');
    expect((await get('/', `127.0.0.1:${server.port}`)).body).toContain('<title>kiosk</title>');
    const a = await attempt({ origin: `http://evil.example:${server.port}`, host: `evil.example:${server.port}` });
    expect(a.opened).toBe(false);
  });

  it('a page served from another local port gets no screen', async () => {
    const a = await attempt({ origin: 'http://127.0.0.1:8090', host: `127.0.0.1:${server.port}` });
    expect(a.opened).toBe(false);
    expect(a.status).toBe(403);
  });

  it('a local process that forges Origin and Host but has no key gets no screen', async () => {
    const a = await attempt(own());
    expect(a.opened).toBe(false);
    const wrong = await attempt(own(), ['kiosk-ui', 'key.' + 'A'.repeat(43)]);
    expect(wrong.opened).toBe(false);
    expect(logger.entries.some((l) => l.message === 'ui connection refused')).toBe(true);
  });

  it('the launch code gives the key once, and never to another origin', async () => {
    const launch = server.launchUrl();
    const foreign = await fetch(`http://127.0.0.1:${server.port}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ launch: new URL(launch).hash.replace(/^#launch=/, '') }),
    });
    expect(foreign.status).toBe(403);
    const first = await keyFromLaunch(launch);
    expect(first.status).toBe(200);
    key = ((await first.json()) as { key: string }).key;
    expect(key).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const again = await keyFromLaunch(launch);
    expect(again.status).toBe(403);
    expect(await again.text()).not.toContain(key);
  });

  it('one UI connection at a time: a new one replaces the old, which hears nothing more, and it is logged', async () => {
    const first = await attempt(own(), ['kiosk-ui', `key.${key}`]);
    expect(first.opened).toBe(true);
    expect(await first.next()).toMatchObject({ type: 'screen' });
    const second = await attempt(own(), ['kiosk-ui', `key.${key}`]);
    expect(second.opened).toBe(true);
    expect(await second.next()).toMatchObject({ type: 'screen' });
    expect(await first.closed).toBe(4001);
    session.show({ screen: 'menu', chrome });
    expect(await second.next()).toMatchObject({ type: 'screen', model: { screen: 'menu' } });
    expect(first.messages.filter((m) => (m['model'] as { screen?: string } | undefined)?.screen === 'menu')).toEqual([]);
    expect(server.connections).toBe(1);
    expect(logger.entries.some((l) => l.message === 'ui connection replaced')).toBe(true);
    second.ws.close();
    await second.closed;
  });

  it('maintenance events only from the connection that entered maintenance', async () => {
    session.show({ screen: 'attract', chrome });
    const technician = await attempt(own(), ['kiosk-ui', `key.${key}`]);
    await technician.next();
    session.show(maintenanceScreen);
    await technician.next();
    technician.ws.send(JSON.stringify({ type: 'event', event: { type: 'KEY.PRESS', key: '1' } }));
    await expect.poll(() => session.events.length).toBe(1);

    const intruder = await attempt(own(), ['kiosk-ui', `key.${key}`]);
    expect(await intruder.next()).toMatchObject({ type: 'screen', model: { screen: 'maintenance' } });
    // The technician's connection was replaced: the maintenance session is ended, and the newcomer may not drive it.
    await expect.poll(() => session.events.map((e) => e.type)).toEqual(['KEY.PRESS', 'EXIT']);
    intruder.ws.send(JSON.stringify({ type: 'event', event: { type: 'MAINT.SERVICE', inService: false } }));
    expect(await intruder.next()).toMatchObject({ type: 'rejected', code: 'forbidden' });
    expect(session.events.map((e) => e.type)).toEqual(['KEY.PRESS', 'EXIT']);

    session.show({ screen: 'attract', chrome });
    await intruder.next();
    intruder.ws.send(JSON.stringify({ type: 'event', event: { type: 'START' } }));
    await expect.poll(() => session.events.map((e) => e.type)).toEqual(['KEY.PRESS', 'EXIT', 'START']);
    intruder.ws.close();
  });
});

describe('languages the kiosk offers', () => {
  it('a language the kiosk does not offer is refused at the socket and logged; one it offers passes', async () => {
    const zhOnly = { ...chrome, languages: ['zh'] } as const;
    session.show({ screen: 'menu', chrome: zhOnly });
    const page = await attempt(own(), ['kiosk-ui', `key.${key}`]);
    expect(await page.next()).toMatchObject({ type: 'screen', model: { screen: 'menu' } });
    const before = session.events.length;
    page.ws.send(JSON.stringify({ type: 'event', event: { type: 'LANG.SET', language: 'en' } }));
    expect(await page.next()).toEqual({ type: 'rejected', code: 'not-offered', message: 'language en is not offered by this kiosk (it offers zh)' });
    expect(session.events.slice(before)).toEqual([]);
    expect(logger.entries).toContainEqual({ level: 'warn', message: 'ui message refused', fields: { code: 'not-offered', message: 'language en is not offered by this kiosk (it offers zh)' } });

    session.show({ screen: 'menu', chrome: { ...chrome, languages: ['zh', 'en'] } });
    await page.next();
    page.ws.send(JSON.stringify({ type: 'event', event: { type: 'LANG.SET', language: 'en' } }));
    await expect.poll(() => session.events.slice(before)).toEqual([{ type: 'LANG.SET', language: 'en' }]);
    page.ws.close();
    await page.closed;
  });
});

describe('the UI key at rest', () => {
  it('is kept owner-only for this boot, so a runtime restart keeps it and no other user reads it', async () => {
    const data = await mkdtemp(join(tmpdir(), 'kiosk-ui-key-'));
    try {
      const first = await bootUiKey(join(data, 'kiosk'));
      expect(await bootUiKey(join(data, 'kiosk'))).toBe(first);
      expect((await stat(join(data, 'kiosk', 'ui-key.json'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(data, 'kiosk'))).mode & 0o777).toBe(0o700);
      await writeFile(join(data, 'kiosk', 'ui-key.json'), JSON.stringify({ boot: 'an earlier boot', key: first }));
      expect(await bootUiKey(join(data, 'kiosk'))).not.toBe(first);
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});
