// One way for tests to run a command-line entry as a child process and collect what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Killed after this long (the run then ends with code null). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `node <nodeArgs…>` from the project root with the Node that runs the test (the pinned one). */
export function runNode(nodeArgs: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The kiosk command line from source (through tsx), as a developer runs it. */
export function runKioskCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return runNode(['--import', 'tsx', 'kiosk/cli.ts', ...args], options);
}

/** A `central serve` a test started: its URL once it listens (null when it exited first), its exit code then, and all it printed so far. */
export interface ServedCentral {
  readonly url: string | null;
  readonly code: number | null;
  readonly output: () => string;
}

const served: ChildProcess[] = [];

/**
 * Starts `central serve --port 0 --data <dir>` from source with these flags and variables (and no
 * other CENTRAL_* variable of the test's environment); resolves once it has announced itself (the
 * announcement's last line names the staff page) or has exited. Stop it with {@link stopServedCentrals}.
 */
export function serveCentral(dir: string, args: readonly string[], vars: Record<string, string> = {}): Promise<ServedCentral> {
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CENTRAL_'))), ...vars };
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'central/cli.ts', 'serve', '--port', '0', '--data', dir, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  served.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const m = /central listening on (http:\/\/\S+)/.exec(out);
      if (m && /staff page/.test(out)) {
        clearInterval(timer);
        resolve({ url: m[1]!, code: null, output: () => out });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      resolve({ url: null, code, output: () => out });
    });
  });
}

/** Stops every central {@link serveCentral} started that still runs, and waits for each to exit. */
export async function stopServedCentrals(): Promise<void> {
  for (const c of served.splice(0)) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
}
