/**
 * Debian's coturn as the TURN relay, with the TURN REST shared secret central mints credentials
 * from (`use-auth-secret`). Its log is kept so a test can see the allocations it served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TURNSERVER = '/usr/bin/turnserver';

export interface RunningRelay {
  readonly urls: readonly string[];
  readonly secret: string;
  /** Everything coturn wrote to its log file so far (it writes each line as it happens). */
  log(): string;
  close(): Promise<void>;
}

export function coturnUnavailable(): string | null {
  return existsSync(TURNSERVER) ? null : 'coturn is not installed (scripts/setup.sh --test installs it)';
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startRelay(options: { address: string; secret: string }): Promise<RunningRelay> {
  const dir = mkdtempSync(join(tmpdir(), 'kcall-coturn-'));
  const port = 20000 + Math.floor(Math.random() * 10000);
  const minPort = 40000 + Math.floor(Math.random() * 200) * 100;
  const args = [
    '-n',
    `--listening-ip=${options.address}`,
    `--relay-ip=${options.address}`,
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    '--use-auth-secret',
    `--static-auth-secret=${options.secret}`,
    '--realm=kiosk.test',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--fingerprint',
    '--no-multicast-peers',
    '--verbose',
    `--log-file=${join(dir, 'turn.log')}`,
    '--simple-log',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--userdb=${join(dir, 'turndb')}`,
  ];
  const child: ChildProcess = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const logFile = join(dir, 'turn.log');
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await reachable(options.address, port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`coturn did not start:\n${(output + log()).slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    urls: [`turn:${options.address}:${port}?transport=udp`],
    secret: options.secret,
    log,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
