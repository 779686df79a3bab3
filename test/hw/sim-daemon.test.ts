/**
 * The sim daemon's control API and CLI against the real pcscd: a tap through HTTP puts a card
 * on "Virtual PCD 00 01" that libpcsclite sees; bad requests get typed errors and change nothing.
 */
import http from 'node:http';
import pcsclite from '@pokusew/pcsclite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VPCD_SLOTS } from '../../hardware-sim/virtual-card/index.js';
import { main } from '../../hardware-sim/cli.js';
import { startSimDaemon, type ReaderState, type SimServer } from '../../hardware-sim/daemon/index.js';

const SLOT = 1;
type PcscLite = ReturnType<typeof pcsclite>;
type Reader = Parameters<Parameters<PcscLite['on']>[1]>[0] & { name: string };

let server: SimServer;
let pcsc: PcscLite;
let reader: Reader;
let state = 0;
let waiters: { test: () => boolean; resolve: () => void }[] = [];

function until(test: () => boolean, what: string): Promise<void> {
  if (test()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 10_000);
    waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
  });
}
const present = (): boolean => (state & reader.SCARD_STATE_PRESENT) !== 0;
const empty = (): boolean => (state & reader.SCARD_STATE_EMPTY) !== 0;

async function api(method: 'GET' | 'POST', route: string, body?: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(server.url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body }) });
  return { status: res.status, json: await res.json() };
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--port', String(server.port)], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  server = await startSimDaemon({ port: 0 });
  pcsc = pcsclite();
  pcsc.on('error', () => undefined);
  reader = await new Promise<Reader>((resolve) =>
    pcsc.on('reader', (r: Reader) => {
      r.on('error', () => undefined);
      if (r.name !== VPCD_SLOTS[SLOT].reader) return;
      r.on('status', (s: { state: number }) => {
        state = s.state;
        waiters = waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
      });
      resolve(r);
    }),
  );
  await until(() => present() || empty(), 'first reader status');
});

afterAll(async () => {
  await server?.close();
  pcsc?.close();
});

describe('sim daemon control API', () => {
  it('lists the card images and both readers', async () => {
    const cards = await api('GET', '/api/cards');
    expect(cards.status).toBe(200);
    expect((cards.json as { name: string }[]).map((c) => c.name)).toEqual(expect.arrayContaining(['t-union-guangzhou-ok', 'beijing', 'technician']));
    const readers = (await api('GET', '/api/readers')).json as ReaderState[];
    expect(readers.map((r) => r.reader)).toEqual(['Virtual PCD 00 00', 'Virtual PCD 00 01']);
  });

  it('taps a card that pcscd sees, logs its APDUs, and removes it', async () => {
    const tap = await api('POST', `/api/readers/${SLOT}/tap`, JSON.stringify({ image: 'wuhan-tong' }));
    expect(tap.status).toBe(200);
    expect((tap.json as ReaderState).card?.image).toBe('wuhan-tong');
    await until(present, 'card present');
    await new Promise<void>((resolve, reject) =>
      reader.connect({ share_mode: reader.SCARD_SHARE_SHARED }, (e: Error | null, protocol?: number) => {
        if (e) return reject(e);
        reader.transmit(Buffer.from('FFCA000000', 'hex'), 64, protocol ?? 2, (e2: Error | null, data?: Buffer) => {
          if (e2) return reject(e2);
          expect(data?.toString('hex').toUpperCase()).toBe('04D1D2D39000');
          reader.disconnect(reader.SCARD_LEAVE_CARD, () => resolve());
        });
      }),
    );
    const log = (await api('GET', `/api/readers/${SLOT}/apdu-log`)).json as { image: string; exchanges: { command: string }[] };
    expect(log.image).toBe('wuhan-tong');
    expect(log.exchanges.map((x) => x.command)).toEqual(['FFCA000000']);
    const removed = await api('POST', `/api/readers/${SLOT}/remove`);
    expect((removed.json as ReaderState).card).toBeNull();
    await until(empty, 'card removal seen by pcscd');
  });

  it('refuses bad requests with a typed error and leaves the reader as it was', async () => {
    await api('POST', `/api/readers/${SLOT}/tap`, JSON.stringify({ image: 'beijing' }));
    const cases: [string, string, number, string][] = [
      [`/api/readers/${SLOT}/tap`, '{not json', 400, 'bad-request'],
      [`/api/readers/${SLOT}/tap`, JSON.stringify({ image: 'no-such-card' }), 404, 'unknown-image'],
      [`/api/readers/${SLOT}/tap`, JSON.stringify({ image: '../../package' }), 404, 'unknown-image'],
      [`/api/readers/${SLOT}/tap`, JSON.stringify({ image: 'beijing', faults: { removeAfterApdus: 'soon' } }), 400, 'invalid-faults'],
      [`/api/readers/${SLOT}/tap`, JSON.stringify({ image: 'beijing', colour: 'red' }), 400, 'bad-request'],
      [`/api/readers/${SLOT}/tap`, JSON.stringify(['beijing']), 400, 'bad-request'],
      ['/api/readers/9/tap', JSON.stringify({ image: 'beijing' }), 404, 'unknown-reader'],
    ];
    for (const [route, body, status, code] of cases) {
      const res = await api('POST', route, body);
      expect({ route, body, status: res.status, code: (res.json as { error: { code: string } }).error.code }).toEqual({ route, body, status, code });
    }
    const readers = (await api('GET', '/api/readers')).json as ReaderState[];
    expect(readers[SLOT]?.card?.image).toBe('beijing');
    expect((await api('GET', '/api/nothing')).status).toBe(404);
    await api('POST', `/api/readers/${SLOT}/remove`);
  });

  it('answers loopback host names only', async () => {
    // fetch may not set Host, so use node:http as a DNS-rebinding page's request would arrive
    const status = await new Promise<number | undefined>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: server.port, path: '/api/readers', headers: { host: 'attacker.example' } }, (res) => (res.resume(), resolve(res.statusCode))).on('error', reject),
    );
    expect(status).toBe(403);
  });

  it('serves the control panel', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Hardware sim control panel');
    expect((await fetch(`${server.url}/panel.js`)).status).toBe(200);
  });
});

describe('sim CLI', () => {
  it('taps by reader name with faults, lists, and removes', async () => {
    const tap = await cli('tap', 't-union-open-trip', '--reader', 'Virtual PCD 00 01', '--remove-after', '4', '--delay', '5');
    expect(tap).toMatchObject({ code: 0 });
    expect(tap.out).toContain('t-union-open-trip');
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.out).toContain('reader 1 "Virtual PCD 00 01" (vpcd :35964): t-union-open-trip (0 APDUs, faults {"removeAfterApdus":4,"delayMs":5})');
    expect(list.out).toContain('t-union-guangzhou-ok');
    expect(await cli('remove', '--reader', '1')).toMatchObject({ code: 0 });
    await until(empty, 'card removed');
  });

  it('explains usage errors and an unknown image', async () => {
    expect(await cli('tap')).toMatchObject({ code: 2, err: expect.stringContaining('needs a card image') as unknown });
    expect(await cli('tap', 'beijing', '--reader', '7')).toMatchObject({ code: 2, err: expect.stringContaining('unknown reader') as unknown });
    expect(await cli('tap', 'beijing', '--remove-after', 'x')).toMatchObject({ code: 2 });
    expect(await cli('tap', 'no-such-card', '--reader', '1')).toMatchObject({ code: 1, err: expect.stringContaining('no card image') as unknown });
    expect(await cli('frobnicate')).toMatchObject({ code: 2 });
  });

  it('says how to start the daemon when it is not running', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const probe = await startSimDaemon({ port: 0 });
    const port = probe.port;
    await probe.close();
    const code = await main(['list', '--port', String(port)], { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(`npm run -s sim -- serve --port ${port}`);
  });
});
