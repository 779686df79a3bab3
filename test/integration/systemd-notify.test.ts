// The notify protocol on a real unix datagram socket (the side systemd holds is a small
// Python receiver): READY=1, WATCHDOG=1 from the event loop, none while the loop hangs.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socatAddress, watchdogIntervalMs } from '../../kiosk/appliance/systemd-notify.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

const RECEIVER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
s.settimeout(15)
try:
    while True:
        data = s.recv(4096).decode()
        for line in data.splitlines():
            print(line, flush=True)
            if line == "STOPPING=1":
                sys.exit(0)
except socket.timeout:
    sys.exit(3)
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiosk-notify-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('systemd notify protocol', () => {
  it('reads the watchdog interval systemd hands over, for this process only', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 42)).toBe(30_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '41' }, 42)).toBeNull();
    expect(watchdogIntervalMs({}, 42)).toBeNull();
    expect(socatAddress('/run/systemd/notify')).toBe('UNIX-SENDTO:/run/systemd/notify');
    expect(socatAddress('@/org/freedesktop/systemd1/notify')).toBe('ABSTRACT-SENDTO:/org/freedesktop/systemd1/notify');
  });

  it('sends READY=1, then WATCHDOG=1 from the event loop, and nothing while the loop hangs', async () => {
    const socket = join(dir, 'notify');
    const receiver = spawn('python3', ['-c', RECEIVER, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    const received = new Promise<number | null>((resolve) => receiver.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      receiver.stdout.on('data', (c: Buffer) => {
        for (const l of c.toString('utf8').split('\n').filter(Boolean)) {
          if (l === 'bound') resolve();
          else lines.push(l);
        }
      });
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/notify-child.ts'], {
      cwd: ROOT,
      env: { ...process.env, NOTIFY_SOCKET: socket, WATCHDOG_USEC: '400000' },
      stdio: 'inherit',
    });
    const childExit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(await childExit).toBe(0);
    expect(await received).toBe(0);

    expect(lines[0]).toBe('READY=1');
    expect(lines[1]).toBe('STATUS=serving');
    const start = lines.indexOf('STATUS=hang-start');
    const end = lines.indexOf('STATUS=hang-end');
    expect(start).toBeGreaterThan(1);
    expect(end).toBeGreaterThan(start);
    expect(lines.slice(2, start).filter((l) => l === 'WATCHDOG=1').length).toBeGreaterThan(0);
    // While the loop hung, systemd heard nothing: its watchdog (here 400 ms) would restart the service.
    expect(lines.slice(start + 1, end)).toEqual([]);
    expect(lines.slice(end + 1).filter((l) => l === 'WATCHDOG=1').length).toBeGreaterThan(0);
    expect(lines.at(-1)).toBe('STOPPING=1');
  });
});
