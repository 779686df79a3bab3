// Drives test/support/kiosk-writer.ts for the crash tests: spawn, wait until it is ready and has
// entered the phase a round aims at, SIGKILL it, and read from its last phase line where the kill landed.
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

/**
 * Where a kill landed: inside a write transaction (BEGIN … COMMIT open on the connection),
 * inside a sync round trip (and no write open), or between them.
 */
export type KillPhase = 'write' | 'sync' | 'between';

export interface CrashRound {
  /** Ticket ids the writer printed (= acknowledged to the passenger) before it died. */
  readonly acknowledged: string[];
  /** The same tickets with the description each was filed with. */
  readonly acknowledgedTickets: { readonly id: string; readonly description: string }[];
  /** Rating ids the writer printed after they were stored. */
  readonly ratings: string[];
  /** Where the kill landed, from the last phase line the writer wrote before it died. */
  readonly landed: KillPhase;
  /** How the process ended: 'SIGKILL' when we killed it. */
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

export interface CrashRoundArgs {
  readonly db: string;
  readonly centralUrl: string | null;
  readonly kioskN: number;
  readonly mode: 'create' | 'sync' | 'both';
  /** Kill right after the writer reports entering this phase for the `entries`-th time. */
  readonly aim: KillPhase;
  readonly entries: number;
  readonly pauseMs?: number;
  /** `PRAGMA synchronous` of the writer (default FULL). */
  readonly synchronous?: 'FULL' | 'NORMAL' | 'OFF';
  /** Extra environment for the writer (the power-loss shim). */
  readonly env?: NodeJS.ProcessEnv;
}

function phaseOf(writes: number, trips: number): KillPhase {
  return writes > 0 ? 'write' : trips > 0 ? 'sync' : 'between';
}

/**
 * Spawns the writer and SIGKILLs it once it is READY and has entered `aim` `entries` times.
 * Rejects when the writer ends by itself or never gets there within 20 s: such a round tests
 * nothing, so it never counts as a kill.
 */
export function crashRound(args: CrashRoundArgs): Promise<CrashRound> {
  const argv = [WRITER, args.db, args.centralUrl ?? '-', String(args.kioskN), args.mode, String(args.pauseMs ?? 0), ...(args.synchronous ? [args.synchronous] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...args.env } });
  const acknowledged: string[] = [];
  const acknowledgedTickets: { id: string; description: string }[] = [];
  const ratings: string[] = [];
  let ready = false;
  let killedByUs = false;
  let timedOut = false;
  let entered = 0;
  let last: KillPhase = 'between';
  let stderr = '';
  const kill = (): void => {
    if (killedByUs) return;
    killedByUs = true;
    child.kill('SIGKILL');
  };
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (line === 'READY') ready = true;
    else if (line.startsWith('T ')) {
      const [, id = '', key = ''] = line.split(' ');
      acknowledged.push(id);
      acknowledgedTickets.push({ id, description: `crash-test ticket ${key} 闸机` });
    }
    else if (line.startsWith('R ')) ratings.push(line.slice(2));
    else if (line.startsWith('P ')) {
      const [, w, t] = line.split(' ');
      const now = phaseOf(Number(w), Number(t));
      if (ready && now === args.aim && now !== last && ++entered >= args.entries) kill();
      last = now;
    }
  });
  const stdoutDone = new Promise<void>((resolve) => lines.on('close', resolve));
  return new Promise((resolve, reject) => {
    const safety = setTimeout(() => {
      timedOut = true;
      kill();
    }, 20_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(safety);
      // Every line the writer wrote before it died is in the pipe: read them all first.
      void stdoutDone.then(() => {
        if (timedOut) reject(new Error(`the writer never entered "${args.aim}" ${args.entries} times within 20 s (ready: ${ready}): ${stderr}`));
        else if (!killedByUs) reject(new Error(`the writer ended by itself (${signal ?? 'exit'}): ${stderr}`));
        else resolve({ acknowledged, acknowledgedTickets, ratings, landed: last, signal, stderr });
      });
    });
  });
}

/** Counts kills by where they landed. */
export function tally(landed: readonly KillPhase[]): Record<KillPhase, number> {
  const t: Record<KillPhase, number> = { write: 0, sync: 0, between: 0 };
  for (const l of landed) t[l]++;
  return t;
}

/** Every stored ticket of one kiosk at central, in pages. */
export async function centralTickets(central: RunningCentral, kioskId: string): Promise<{ id: string; description: string }[]> {
  const out: { id: string; description: string }[] = [];
  for (let offset = 0; ; offset += 1000) {
    const { tickets } = await central.storage.listTickets({ kioskId, limit: 1000, offset });
    out.push(...tickets.map((t) => ({ id: t.id, description: t.description })));
    if (tickets.length < 1000) return out;
  }
}

/** Every stored ticket id of one kiosk at central, in pages. */
export async function centralTicketIds(central: RunningCentral, kioskId: string): Promise<string[]> {
  return (await centralTickets(central, kioskId)).map((t) => t.id);
}

/** Every stored rating of one kiosk at central, in pages. */
export async function centralRatings(central: RunningCentral, kioskId: string): Promise<{ id: string; reason: string | null }[]> {
  const out: { id: string; reason: string | null }[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await central.storage.listRatings({ kioskId, limit: 1000, offset });
    out.push(...page.map((r) => ({ id: r.id, reason: r.reason })));
    if (page.length < 1000) return out;
  }
}

/** Values that occur more than once. */
export function repeated<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
}

/**
 * Checks central where a crash could really duplicate something (the primary keys already
 * forbid two rows with one id): the same report stored under two ticket ids (its description is
 * unique to one createTicket call), the same rating counted twice (its reason is unique), and a
 * ticket whose history holds its kiosk's "open" entry more than once.
 */
export async function centralDuplicates(central: RunningCentral, kioskId: string): Promise<{ ticketsUnderTwoIds: string[]; ratingsTwice: string[]; historyRepeated: string[] }> {
  const tickets = await centralTickets(central, kioskId);
  const ratings = await centralRatings(central, kioskId);
  const historyRepeated: string[] = [];
  for (const t of tickets) {
    const got = await central.storage.getTicket(t.id);
    const opens = got?.history.filter((h) => h.status === 'open' && h.actor === `kiosk:${kioskId}`).length ?? 0;
    if (opens !== 1) historyRepeated.push(`${t.id} (${opens} "open" entries)`);
  }
  return {
    ticketsUnderTwoIds: repeated(tickets.map((t) => t.description)),
    ratingsTwice: repeated(ratings.map((r) => r.reason)).map(String),
    historyRepeated,
  };
}
