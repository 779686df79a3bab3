// Drives test/support/kiosk-writer.ts for the crash tests: spawn, SIGKILL at a random moment, collect what it acknowledged.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunningCentral } from '../../central/server.js';

const WRITER = fileURLToPath(new URL('./kiosk-writer.ts', import.meta.url));

/** Small seeded PRNG (mulberry32), so a failing run can be replayed with the same seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CrashRound {
  /** Ticket ids the writer printed (= acknowledged to the passenger) before it died. */
  readonly acknowledged: string[];
  readonly reachedReady: boolean;
  /** How the process ended: 'SIGKILL' when we killed it. */
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Spawns the writer and SIGKILLs it `killAfterMs` after it printed READY (or after spawn, when
 * `fromSpawn`), so kills land while opening, creating tickets and syncing.
 */
export function crashRound(args: { db: string; centralUrl: string | null; kioskN: number; mode: 'create' | 'sync' | 'both'; killAfterMs: number; fromSpawn: boolean; pauseMs?: number }): Promise<CrashRound> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, args.db, args.centralUrl ?? '-', String(args.kioskN), args.mode, String(args.pauseMs ?? 0)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acknowledged: string[] = [];
  let reachedReady = false;
  let stderr = '';
  let timer: NodeJS.Timeout | null = null;
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  if (args.fromSpawn) timer = setTimeout(kill, args.killAfterMs);
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'READY') {
      reachedReady = true;
      if (!args.fromSpawn) timer = setTimeout(kill, args.killAfterMs);
    } else if (line.startsWith('T ')) acknowledged.push(line.slice(2));
  });
  return new Promise((resolve, reject) => {
    const safety = setTimeout(kill, 20_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (timer) clearTimeout(timer);
      clearTimeout(safety);
      resolve({ acknowledged, reachedReady, signal, stderr });
    });
  });
}

/** Every stored ticket id of one kiosk at central, in pages. */
export async function centralTicketIds(central: RunningCentral, kioskId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const { tickets } = await central.storage.listTickets({ kioskId, limit: 1000, offset });
    ids.push(...tickets.map((t) => t.id));
    if (tickets.length < 1000) return ids;
  }
}
