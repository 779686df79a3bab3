import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** How long socat may take to create both pseudo-terminals. */
export const PTY_START_TIMEOUT_MS = 10_000;

export class PtyPairError extends Error {
  constructor(
    readonly code: 'socat-missing' | 'socat-failed',
    message: string,
  ) {
    super(message);
  }
}

/** `true` when `socat` is on PATH. */
export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * A real pseudo-terminal pair made by `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`.
 * The kiosk opens `hostPath` with the real serialport binding; the simulated device opens
 * `devicePath`. Stopping the pair (kill) is an unplug: the host side sees `close` with
 * `disconnected`; starting it again at the same links is a replug.
 */
export class PtyPair {
  private child: ChildProcess | null = null;

  constructor(
    readonly hostPath: string,
    readonly devicePath: string,
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) return;
    if (!socatAvailable()) throw new PtyPairError('socat-missing', 'socat not found in PATH: install it (apt-get install socat)');
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.hostPath}`, `pty,raw,echo=0,link=${this.devicePath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    try {
      await new Promise<void>((resolve, reject) => {
        let log = '';
        const timer = setTimeout(() => reject(new PtyPairError('socat-failed', `socat did not start within ${PTY_START_TIMEOUT_MS} ms: ${log}`)), PTY_START_TIMEOUT_MS);
        const done = (e?: Error): void => {
          clearTimeout(timer);
          child.stderr?.removeAllListeners('data');
          if (e) reject(e);
          else resolve();
        };
        child.stderr?.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('starting data transfer loop')) done();
        });
        child.once('exit', (code) => done(new PtyPairError('socat-failed', `socat exited with ${code}: ${log}`)));
        child.once('error', (e) => done(new PtyPairError('socat-failed', e.message)));
      });
      child.stderr?.resume();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Kills socat and waits for it to exit; the links disappear with it. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
