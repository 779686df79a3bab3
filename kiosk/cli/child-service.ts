import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { nodeEntry } from '../appliance/app-layout.js';

export interface ChildServiceOptions {
  /** Short name for log prefixes, e.g. `central`. */
  readonly name: string;
  /** The entry's source path (`central/cli.ts`): its compiled JS when built, else the source through tsx. */
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Each output line, already prefixed. */
  readonly output: (line: string) => void;
}

const STOP_GRACE_MS = 8000;

/**
 * A helper service of `kiosk start` (the sim daemon, a local central) run as a child process:
 * its output is prefixed and passed on; `stop()` asks it to end (SIGTERM) and kills it if it
 * does not within a grace period.
 */
export class ChildService {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  /** Set when the child ended by itself. */
  exitCode: number | null = null;

  constructor(private readonly options: ChildServiceOptions) {}

  start(): void {
    const { name, script, args, cwd, output } = this.options;
    const entry = nodeEntry(script);
    const child = spawn(process.execPath, [...entry.execArgv, entry.script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => output(`[${name}] ${line}`));
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : null);
        this.child = null;
        resolve(this.exitCode);
      });
      child.once('error', (e) => {
        output(`[${name}] could not start: ${e.message}`);
        this.child = null;
        resolve(1);
      });
    });
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Resolves with the exit code when the child ends (for whatever reason). */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `url` until it answers 2xx, the deadline passes, or `gaveUp()` says to stop. */
export async function waitForHttp(url: string, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp()) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
