/**
 * Central stops promptly even when clients keep connections open: an idle keep-alive socket and
 * a client that sent headers and half a body, then went silent (a kiosk that lost its network
 * mid-upload). Without forced closing, `close()` waits for the request timeout (minutes).
 */
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { kioskIdentity, tempDir } from '../support/kiosk-writer-harness.js';

const k = kioskIdentity(31);
const dirs: { remove(): void }[] = [];
const sockets: Socket[] = [];
let central: RunningCentral | null = null;

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await central?.close();
  central = null;
  for (const d of dirs.splice(0)) d.remove();
});

async function start(): Promise<RunningCentral> {
  const dir = tempDir('central-shutdown-');
  dirs.push(dir);
  central = await startCentral({ storage: { engine: 'sqlite', file: join(dir.path, 'central.db') }, dataDir: dir.path, kiosks: [{ id: k.kioskId, token: k.token, stationId: k.stationId, ticketCode: k.kioskCode }] });
  return central;
}

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: hostname, port: Number(port) }, () => resolve(s));
    sockets.push(s);
    s.once('error', reject);
  });
}

const closed = (s: Socket): Promise<'socket-closed'> => new Promise((resolve) => (s.destroyed ? resolve('socket-closed') : s.once('close', () => resolve('socket-closed'))));

/** Resolves with `close()`'s outcome, or 'still-waiting' if a generous 20 s pass first. */
async function closeWithin20s(c: RunningCentral): Promise<'closed' | 'still-waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'still-waiting'>((resolve) => (timer = setTimeout(() => resolve('still-waiting'), 20_000)));
  try {
    return await Promise.race([c.close().then(() => 'closed' as const), bound]);
  } finally {
    clearTimeout(timer);
  }
}

describe('central close()', () => {
  it('does not wait for a client stopped mid-request nor for an idle keep-alive connection', async () => {
    const c = await start();

    const idle = await open(c.url);
    const answered = new Promise<string>((resolve) => idle.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
    idle.write(`GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
    expect(await answered).toMatch(/^HTTP\/1\.1 200/);

    const stalled = await open(c.url);
    const requestSeen = new Promise<void>((resolve) => c.app.server.once('request', () => resolve()));
    stalled.write(
      `POST /v1/kiosks/${k.kioskId}/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${k.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 5000\r\nConnection: keep-alive\r\n\r\n{"items":[`,
    );
    await requestSeen;

    const sockets = Promise.all([closed(idle), closed(stalled)]);
    expect(await closeWithin20s(c)).toBe('closed');
    expect(await sockets).toEqual(['socket-closed', 'socket-closed']);
    central = null;
  }, 40_000);

  it('a second close() is the same promise and the storage is closed once', async () => {
    const c = await start();
    const [a, b] = [c.close(), c.close()];
    expect(a).toBe(b);
    await a;
    central = null;
    // The storage refuses work once closed, with words saying so, and closing it again is a no-op.
    await expect(c.storage.listKiosks()).rejects.toMatchObject({ code: 'SQLITE_CLOSED', message: 'database is closed' });
    await expect(c.storage.close()).resolves.toBeUndefined();
    await expect(c.close()).resolves.toBeUndefined();
  });
});
