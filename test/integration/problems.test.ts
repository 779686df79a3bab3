/**
 * Proactive problems through central's API, on a real SQLite file and on real PostgreSQL: a fault
 * repeating at one kiosk and one category of tickets spiking at one station each open one problem
 * (at the window's edge, not past it), later reports join it, the opening is audited, station
 * staff of another station do not see it, hostile items cannot make a problem elsewhere, and two
 * central instances on one PostgreSQL schema racing on the same reports open exactly one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredProblem } from '../../central/problems/store.js';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { uuidv7 } from '../../shared/ids.js';
import type { IngestResponse, SyncItem } from '../../shared/sync.js';
import type { Ticket, TicketCategory } from '../../shared/ticket.js';
import { ENGINES, KIOSKS, OpenApiContract, PG_URL, STAFF_TOKEN, call, ticket, uniqueStorage, type CallResult } from '../support/central.js';

const H = 3_600_000;
const MIN = 60_000;
const FUTIAN_STAFF = { username: 'chen.futian', role: 'station-staff' as const, stationId: 'SZ-FUTIAN', apiToken: 'futian-staff-token-0123456789abcdef' };
const TIYU_STAFF = { username: 'li.tiyu', role: 'station-staff' as const, stationId: 'GZ-TIYUXILU', apiToken: 'tiyu-staff-token-0123456789abcdef' };

/** Kiosk times: a base two days back, so every report is within central's clock rules. */
const BASE = Math.floor((Date.now() - 2 * 24 * H) / 1000) * 1000;
const at = (ms: number): string => new Date(BASE + ms).toISOString();

const seqs = new Map<string, number>();
const nextSeq = (kioskId: string): number => {
  const n = (seqs.get(kioskId) ?? 0) + 1;
  seqs.set(kioskId, n);
  return n;
};

const faultItem = (kioskId: string, device: string, fault: string, ms: number): SyncItem => ({
  id: uuidv7(),
  seq: nextSeq(kioskId),
  createdAt: at(ms),
  payload: { kind: 'device-event', event: { device, event: fault, severity: 'fault', detail: `${device}: ${fault}` } },
});
const ticketAt = (kioskId: string, category: TicketCategory, ms: number, over: Partial<Ticket> = {}): SyncItem => {
  const t = ticket(kioskId, { category, createdAt: at(ms), stationId: Object.values(KIOSKS).find((k) => k.id === kioskId)!.stationId, ...over });
  return { id: uuidv7(), seq: nextSeq(kioskId), createdAt: t.createdAt, payload: { kind: 'ticket', ticket: t } };
};

/** Sends a batch through the sync route and waits until that instance has decided on its problems (the kiosk is answered first). */
async function send(central: RunningCentral, kiosk: { id: string; token: string }, items: SyncItem[]): Promise<IngestResponse> {
  const res = await call(central.url, 'POST', `/v1/kiosks/${kiosk.id}/batches`, { token: kiosk.token, body: { items } });
  expect(res.status).toBe(200);
  await central.problemsSettled();
  return res.body as IngestResponse;
}

const problemsOf = async (base: string, token = STAFF_TOKEN, state: 'open' | 'all' = 'all'): Promise<StoredProblem[]> =>
  ((await call(base, 'GET', `/v1/staff/problems?state=${state}`, { token })).body as { problems: StoredProblem[] }).problems;

describe.each(ENGINES)('proactive problems on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'central-problems-'));
  const storage = uniqueStorage(engine, dir);
  let central: RunningCentral;
  let contract: OpenApiContract;
  const checked = (method: string, path: string, res: CallResult): CallResult => {
    contract.check(method, path, res);
    return res;
  };

  beforeAll(async () => {
    // Seqs are per kiosk and per central: each engine starts its kiosks from 1.
    seqs.clear();
    central = await startCentral({ storage, kiosks: Object.values(KIOSKS), staffToken: STAFF_TOKEN, accounts: [FUTIAN_STAFF, TIYU_STAFF], dataDir: dir });
    contract = await OpenApiContract.fetch(central.url);
    // Tiyu Xilu has its names in the stations table; Futian does not (named by its id).
    await central.storage.admin.putStation({ id: 'GZ-TIYUXILU', name: { zh: '体育西路', en: 'Tiyu Xilu' }, lines: [], updatedAt: new Date().toISOString() });
  });
  afterAll(async () => {
    await central?.close();
    if (storage.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens one problem when the same fault comes back a third time at one kiosk exactly 24 h after the first, links its device-fault ticket, and audits it', async () => {
    const A = KIOSKS.a;
    const faultTicket = ticketAt(A.id, 'device-fault', 0, { faultKey: 'printer:paper-out', description: 'printer: paper-out' });
    await send(central, A, [faultItem(A.id, 'printer', 'paper-out', 0), faultTicket, faultItem(A.id, 'printer', 'paper-out', 12 * H)]);
    // Another fault of the same kiosk and the same fault at another kiosk do not count.
    await send(central, A, [faultItem(A.id, 'cabinet', 'door-open', 13 * H)]);
    await send(central, KIOSKS.b, [faultItem(KIOSKS.b.id, 'printer', 'paper-out', 14 * H)]);
    expect(await problemsOf(central.url)).toEqual([]);

    await send(central, A, [faultItem(A.id, 'printer', 'paper-out', 24 * H)]);
    const list = checked('GET', '/v1/staff/problems', await call(central.url, 'GET', '/v1/staff/problems', { token: STAFF_TOKEN }));
    const problems = (list.body as { problems: StoredProblem[] }).problems;
    expect(problems).toHaveLength(1);
    const p = problems[0]!;
    expect(p).toMatchObject({ kind: 'kiosk-fault', state: 'open', kioskId: A.id, stationId: A.stationId, device: 'printer', fault: 'paper-out', occurrences: 3, threshold: 3, windowMinutes: 24 * 60 });
    expect(p.firstAt).toBe(at(0));
    expect(p.lastAt).toBe(at(24 * H));
    expect(p.ticketIds).toEqual([(faultTicket.payload as { ticket: Ticket }).ticket.id]);
    expect(p.title.zh).toBe('终端 GZ0102（体育西路站）的凭条打印机反复出现“缺纸”：24 小时内 3 次以上');
    expect(p.title.en).toContain('Receipt printer at kiosk GZ0102');

    const audit = await central.storage.accounts.listAudit({ limit: 50, offset: 0 });
    const opened = audit.filter((e) => e.action === 'problem-opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ actor: 'central', target: `problem ${p.id}` });
    expect(opened[0]!.detail).toContain('凭条打印机');

    // A fourth report joins it: still one problem.
    await send(central, A, [faultItem(A.id, 'printer', 'paper-out', 30 * H)]);
    const after = await problemsOf(central.url);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: p.id, occurrences: 4, lastAt: at(30 * H) });
  });

  it('does not open a problem for three faults spread over 24 h and one millisecond', async () => {
    const C = KIOSKS.c;
    await send(central, C, [faultItem(C.id, 'qr-scanner', 'disconnected', 0), faultItem(C.id, 'qr-scanner', 'disconnected', 10 * H)]);
    await send(central, C, [faultItem(C.id, 'qr-scanner', 'disconnected', 24 * H + 1)]);
    expect((await problemsOf(central.url)).filter((p) => p.kioskId === C.id)).toEqual([]);
  });

  it('opens one problem for five gate tickets at one station within an hour from two kiosks; a sixth joins it; the same category elsewhere and four other tickets do not', async () => {
    const [A, B, C] = [KIOSKS.a, KIOSKS.b, KIOSKS.c];
    const t0 = 3 * H;
    await send(central, A, [ticketAt(A.id, 'gate', t0), ticketAt(A.id, 'gate', t0 + 10 * MIN), ticketAt(A.id, 'card-problem', t0 + 11 * MIN)]);
    await send(central, B, [ticketAt(B.id, 'gate', t0 + 20 * MIN), ticketAt(B.id, 'gate', t0 + 30 * MIN)]);
    await send(central, C, [ticketAt(C.id, 'gate', t0 + 31 * MIN), ticketAt(C.id, 'gate', t0 + 32 * MIN)]);
    expect((await problemsOf(central.url)).filter((p) => p.kind === 'station-category')).toEqual([]);

    const fifth = ticketAt(B.id, 'gate', t0 + 60 * MIN);
    await send(central, B, [fifth]);
    let station = (await problemsOf(central.url)).filter((p) => p.kind === 'station-category');
    expect(station).toHaveLength(1);
    expect(station[0]).toMatchObject({ stationId: 'GZ-TIYUXILU', category: 'gate', kioskId: null, occurrences: 5, firstAt: at(t0), lastAt: at(t0 + 60 * MIN) });
    expect(station[0]!.ticketIds).toHaveLength(5);
    expect(station[0]!.ticketIds).toContain((fifth.payload as { ticket: Ticket }).ticket.id);
    expect(station[0]!.title.en).toBe('Many “Gate” reports at Tiyu Xilu station: 5 or more within 1 hour');

    // Hours later, a sixth: joins the open problem instead of opening another.
    await send(central, A, [ticketAt(A.id, 'gate', t0 + 5 * H)]);
    station = (await problemsOf(central.url)).filter((p) => p.kind === 'station-category');
    expect(station).toHaveLength(1);
    expect(station[0]!.occurrences).toBe(6);

    const detail = checked('GET', '/v1/staff/problems/{problemId}', await call(central.url, 'GET', `/v1/staff/problems/${station[0]!.id}`, { token: STAFF_TOKEN }));
    const tickets = (detail.body as { tickets: { id: string; kioskId: string; category: string }[] }).tickets;
    expect(tickets).toHaveLength(6);
    expect(new Set(tickets.map((t) => t.kioskId))).toEqual(new Set([A.id, B.id]));
    expect(tickets.every((t) => t.category === 'gate')).toBe(true);
  });

  it('shows station staff their own station’s problems only; another station’s answers 404', async () => {
    const all = await problemsOf(central.url);
    expect(all.length).toBeGreaterThan(0);
    expect(await problemsOf(central.url, FUTIAN_STAFF.apiToken)).toEqual([]);
    expect((await problemsOf(central.url, TIYU_STAFF.apiToken)).map((p) => p.id)).toEqual(all.filter((p) => p.stationId === 'GZ-TIYUXILU').map((p) => p.id));
    const other = await call(central.url, 'GET', `/v1/staff/problems/${all[0]!.id}`, { token: FUTIAN_STAFF.apiToken });
    expect(other.status).toBe(404);
    const resolve = await call(central.url, 'POST', `/v1/staff/problems/${all[0]!.id}/resolve`, { token: FUTIAN_STAFF.apiToken, body: {} });
    expect(resolve.status).toBe(404);
    expect((await problemsOf(central.url)).find((p) => p.id === all[0]!.id)?.state).toBe('open');
    expect((await call(central.url, 'GET', '/v1/staff/problems', {})).status).toBe(401);
    expect((await call(central.url, 'GET', '/v1/staff/problems', { token: KIOSKS.a.token })).status).toBe(401);
  });

  it('hostile items make no problem for another station or kiosk: a kiosk’s tickets naming another station are refused and count nowhere', async () => {
    const C = KIOSKS.c; // at SZ-FUTIAN
    const forged = Array.from({ length: 6 }, (_, i) => ticketAt(C.id, 'ticket-machine', 8 * H + i * MIN, { stationId: 'GZ-TIYUXILU' }));
    const res = await send(central, C, forged);
    expect(res.rejects.map((r) => r.code)).toEqual(Array(6).fill('kiosk-mismatch'));
    const forgedKiosk = Array.from({ length: 6 }, (_, i) => ticketAt(C.id, 'ticket-machine', 8 * H + i * MIN, { kioskId: KIOSKS.a.id }));
    expect((await send(central, C, forgedKiosk)).rejects.map((r) => r.code)).toEqual(Array(6).fill('kiosk-mismatch'));
    // A kiosk's fault reports are its own: another kiosk's id in the path with this token is refused.
    const wrongPath = await call(central.url, 'POST', `/v1/kiosks/${KIOSKS.a.id}/batches`, { token: C.token, body: { items: [faultItem(C.id, 'printer', 'jam', 0)] } });
    expect(wrongPath.status).toBe(403);
    expect((await problemsOf(central.url)).filter((p) => p.category === 'ticket-machine' || p.fault === 'jam')).toEqual([]);
  });

  it('a person resolves a problem once (a second time is 409 naming who); reports after it count anew and open a new one only at the threshold', async () => {
    const A = KIOSKS.a;
    const [p] = (await problemsOf(central.url, STAFF_TOKEN, 'open')).filter((x) => x.kind === 'kiosk-fault');
    const done = checked(
      'POST',
      '/v1/staff/problems/{problemId}/resolve',
      await call(central.url, 'POST', `/v1/staff/problems/${p!.id}/resolve`, { token: TIYU_STAFF.apiToken, body: { note: '换了打印机 Printer replaced' } }),
    );
    expect(done.status).toBe(200);
    expect((done.body as { problem: StoredProblem }).problem).toMatchObject({ state: 'resolved', resolvedBy: TIYU_STAFF.username, resolution: '换了打印机 Printer replaced' });
    const again = checked('POST', '/v1/staff/problems/{problemId}/resolve', await call(central.url, 'POST', `/v1/staff/problems/${p!.id}/resolve`, { token: STAFF_TOKEN, body: {} }));
    expect(again.status).toBe(409);
    expect(again.text).toContain(TIYU_STAFF.username);

    await send(central, A, [faultItem(A.id, 'printer', 'paper-out', 31 * H), faultItem(A.id, 'printer', 'paper-out', 32 * H)]);
    expect((await problemsOf(central.url, STAFF_TOKEN, 'open')).filter((x) => x.fault === 'paper-out')).toEqual([]);
    await send(central, A, [faultItem(A.id, 'printer', 'paper-out', 33 * H)]);
    const reopened = (await problemsOf(central.url, STAFF_TOKEN, 'open')).filter((x) => x.fault === 'paper-out');
    expect(reopened).toHaveLength(1);
    expect(reopened[0]!.id).not.toBe(p!.id);
    expect(reopened[0]!.occurrences).toBe(3);
  });

  it('refuses a malformed problem id and a hostile note with a clear message, changing nothing', async () => {
    expect((await call(central.url, 'GET', '/v1/staff/problems/abc', { token: STAFF_TOKEN })).status).toBe(400);
    expect((await call(central.url, 'GET', '/v1/staff/problems/999999', { token: STAFF_TOKEN })).status).toBe(404);
    const [open] = await problemsOf(central.url, STAFF_TOKEN, 'open');
    const bad = await call(central.url, 'POST', `/v1/staff/problems/${open!.id}/resolve`, { token: STAFF_TOKEN, body: { note: 'a\u0000b' } });
    expect(bad.status).toBe(400);
    expect((await problemsOf(central.url, STAFF_TOKEN, 'open')).map((p) => p.id)).toContain(open!.id);
  });
});

describe('two central instances on one PostgreSQL schema', () => {
  const schema = `central_problems_${process.pid}_${Date.now().toString(36)}`;
  const storage: StorageConfig = { engine: 'postgres', url: PG_URL, schema };
  const dir = mkdtempSync(join(tmpdir(), 'central-problems-race-'));
  let one: RunningCentral;
  let two: RunningCentral;

  beforeAll(async () => {
    seqs.clear();
    // Sweeps every 100 ms on both, so sweeps race with ingest too.
    const options = { storage, kiosks: Object.values(KIOSKS), staffToken: STAFF_TOKEN, problemSweepMs: 100 };
    [one, two] = await Promise.all([startCentral({ ...options, dataDir: join(dir, 'one') }), startCentral({ ...options, dataDir: join(dir, 'two') })]);
  });
  afterAll(async () => {
    await Promise.allSettled([one?.close(), two?.close()]);
    await dropPostgresSchema(PG_URL, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('racing on the same reports, they open exactly one problem per scope and link each ticket once', async () => {
    const [A, B] = [KIOSKS.a, KIOSKS.b];
    const categories: TicketCategory[] = ['gate', 'card-problem', 'ticket-machine', 'station-facility', 'callback', 'staff-complaint'];
    for (const [round, category] of categories.entries()) {
      const t0 = round * 2 * H;
      // Five tickets at one station, through both instances at once: A's through one, B's through two.
      const a = [0, 1, 2].map((i) => ticketAt(A.id, category, t0 + i * MIN));
      const b = [3, 4].map((i) => ticketAt(B.id, category, t0 + i * MIN));
      // And the same fault at kiosk A three times, its batch sent to both instances at once.
      const faults = [0, 1, 2].map((i) => faultItem(A.id, 'printer', `race-${round}`, t0 + i * H));
      await Promise.all([send(one, A, a), send(two, B, b), send(one, A, faults), send(two, A, faults)]);
    }
    // Let both instances' sweeps pass over the same scopes a few times.
    await new Promise((r) => setTimeout(r, 500));

    const problems = await problemsOf(one.url);
    const station = problems.filter((p) => p.kind === 'station-category');
    const kiosk = problems.filter((p) => p.kind === 'kiosk-fault');
    expect(station.map((p) => p.category).sort()).toEqual([...categories].sort());
    expect(station.every((p) => p.occurrences === 5 && p.ticketIds.length === 5)).toBe(true);
    expect(kiosk.map((p) => p.fault).sort()).toEqual(categories.map((_, r) => `race-${r}`).sort());
    expect(kiosk.every((p) => p.occurrences === 3)).toBe(true);
    const ids = station.flatMap((p) => p.ticketIds);
    expect(new Set(ids).size).toBe(ids.length);
    const audit = (await one.storage.accounts.listAudit({ limit: 200, offset: 0 })).filter((e) => e.action === 'problem-opened');
    expect(audit).toHaveLength(problems.length);
    expect(await problemsOf(two.url)).toEqual(problems);
  });

  it('two instances deciding on one scope at the same moment (their sweeps too): one opens it, the rest find it open', async () => {
    const C = KIOSKS.c;
    const scope = { kind: 'kiosk-fault' as const, kioskId: C.id, device: 'cabinet', fault: 'on-battery' };
    // Three reports stored without the ingest route's detection: only the deciders below and the sweeps see them.
    const items = [0, 1, 2].map((i) => faultItem(C.id, 'cabinet', 'on-battery', i * H));
    const stored = await one.storage.ingestBatch(C.id, items.map((item) => ({ item, payload: item.payload })), new Date().toISOString());
    expect(stored.acks.map((a) => a.status)).toEqual(['stored', 'stored', 'stored']);
    const { DEFAULT_PROBLEM_RULES } = await import('../../central/problems/rules.js');
    const decisions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? one : two).storage.problems.evaluate(scope, DEFAULT_PROBLEM_RULES, BASE - 48 * H, new Date().toISOString())),
    );
    expect(decisions.filter((d) => d?.opened).length).toBeLessThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 300));
    const open = (await problemsOf(one.url, STAFF_TOKEN, 'open')).filter((p) => p.fault === 'on-battery');
    expect(open).toHaveLength(1);
    expect(open[0]!.occurrences).toBe(3);
    const audit = (await one.storage.accounts.listAudit({ limit: 200, offset: 0 })).filter((e) => e.action === 'problem-opened' && e.target === `problem ${open[0]!.id}`);
    expect(audit).toHaveLength(1);
  });
});
