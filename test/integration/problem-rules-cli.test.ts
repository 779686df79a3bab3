/**
 * The problem rules as an operator sets them: flags and environment variables of `central serve`.
 * A central started with lower thresholds opens a problem where the defaults would not; a wrong
 * value stops central before it makes anything, with a message naming the flag.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredProblem } from '../../central/problems/store.js';
import { uuidv7 } from '../../shared/ids.js';
import type { SyncItem } from '../../shared/sync.js';
import type { TicketCategory } from '../../shared/ticket.js';
import { ticket } from '../support/central.js';
import { serveCentral, stopServedCentrals } from '../support/run-cli.js';
import { eventually } from '../support/e2e-wait.js';

const KIOSK = { id: 'GZ0102', token: 'kiosk-token-GZ0102-aaaaaaaaaaaa', stationId: 'GZ-TIYUXILU' };
const STAFF_TOKEN = 'staff-token-for-tests-0123456789';
const dirs: string[] = [];

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'central-rules-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await stopServedCentrals();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const kioskFlags = ['--kiosk-id', KIOSK.id, '--kiosk-token', KIOSK.token, '--station', KIOSK.stationId, '--staff-token', STAFF_TOKEN];
let seq = 0;
const faultItem = (fault: string, ms: number): SyncItem => ({
  id: uuidv7(),
  seq: ++seq,
  createdAt: new Date(ms).toISOString(),
  payload: { kind: 'device-event', event: { device: 'printer', event: fault, severity: 'fault', detail: `printer: ${fault}` } },
});
const ticketAt = (category: TicketCategory, ms: number): SyncItem => {
  const t = ticket(KIOSK.id, { category, createdAt: new Date(ms).toISOString(), stationId: KIOSK.stationId });
  return { id: uuidv7(), seq: ++seq, createdAt: t.createdAt, payload: { kind: 'ticket', ticket: t } };
};

async function send(url: string, items: SyncItem[]): Promise<void> {
  const res = await fetch(`${url}/v1/kiosks/${KIOSK.id}/batches`, { method: 'POST', headers: { authorization: `Bearer ${KIOSK.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
  const body = (await res.json()) as { acks: unknown[]; rejects: unknown[] };
  expect(res.status).toBe(200);
  expect(body.rejects).toEqual([]);
  expect(body.acks).toHaveLength(items.length);
}

async function problems(url: string): Promise<StoredProblem[]> {
  const res = await fetch(`${url}/v1/staff/problems?state=all`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { problems: StoredProblem[] }).problems;
}

describe('central serve: problem rules from flags and environment', () => {
  it('opens problems at the thresholds it was given, and says the rules at start', async () => {
    const central = await serveCentral(await dataDir(), [...kioskFlags, '--problem-fault-repeats', '2', '--problem-fault-window-hours', '1', '--problem-categories', 'gate,card-problem'], {
      CENTRAL_PROBLEM_CATEGORY_TICKETS: '2',
      CENTRAL_PROBLEM_CATEGORY_WINDOW_MINUTES: '10',
    });
    expect(central.url, central.output()).not.toBeNull();
    const url = central.url!;
    expect(central.output()).toContain(
      'problems: a problem opens at 2 of the same device fault within 1 h at one kiosk, or 2 tickets of one category within 10 min at one station (gate, card-problem)',
    );
    const now = Date.now();
    // The same fault twice 61 minutes apart: outside the 1 h window, no problem.
    await send(url, [faultItem('paper-out', now - 61 * 60_000)]);
    await send(url, [faultItem('paper-out', now)]);
    // Two gate tickets 11 minutes apart: outside the 10 min window; two ticket-machine tickets: a category not watched.
    await send(url, [ticketAt('gate', now - 11 * 60_000), ticketAt('gate', now)]);
    await send(url, [ticketAt('ticket-machine', now - 60_000), ticketAt('ticket-machine', now)]);
    expect(await problems(url)).toEqual([]);
    // Another fault twice within 5 minutes, card problems twice within 3: each opens one (the defaults want 3 within 24 h, 5 within 60 min).
    await send(url, [faultItem('paper-jam', now - 5 * 60_000), faultItem('paper-jam', now)]);
    await send(url, [ticketAt('card-problem', now - 3 * 60_000), ticketAt('card-problem', now)]);
    // A kiosk is answered once its batch is stored; central decides on problems right after, so look until both are there.
    const found = await eventually('the two problems at central', async () => {
      const list = await problems(url);
      return list.length >= 2 ? list : null;
    }, 10_000);
    // The batches before them (outside the windows, a category not watched) opened none: exactly these two.
    expect(found.map((p) => [p.kind, p.fault ?? p.category, p.occurrences, p.threshold, p.windowMinutes]).sort()).toEqual([
      ['kiosk-fault', 'paper-jam', 2, 2, 60],
      ['station-category', 'card-problem', 2, 2, 10],
    ]);
    expect(found.find((p) => p.kind === 'station-category')!.title.en).toMatch(/: 2 or more within 10 minutes$/);
    expect(found.find((p) => p.kind === 'kiosk-fault')!.title.en).toMatch(/2 or more times within 1 hour$/);
  });

  it('refuses wrong values with a message naming each flag, and starts nothing', async () => {
    const dir = await dataDir();
    const central = await serveCentral(dir, [...kioskFlags, '--problem-fault-repeats', '1', '--problem-categories', 'gate,lift'], { CENTRAL_PROBLEM_CATEGORY_WINDOW_MINUTES: 'an hour' });
    expect(central.url).toBeNull();
    expect(central.code).toBe(2);
    expect(central.output()).toContain('central: problem rules not accepted, central did not start:');
    expect(central.output()).toContain('--problem-fault-repeats (CENTRAL_PROBLEM_FAULT_REPEATS) is the times the same device fault must come at one kiosk: a whole number from 2 to 1000, not "1"');
    expect(central.output()).toContain('--problem-category-window-minutes (CENTRAL_PROBLEM_CATEGORY_WINDOW_MINUTES) is the minutes those tickets must fall within: a whole number from 1 to 10080, not "an hour"');
    expect(central.output()).toContain('not a category: "lift"');
    expect(central.output()).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(path.join(dir, 'central.sqlite'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
