/**
 * Which PostgreSQL failures central answers 503 "send again later" and which 500, each caused for
 * real on the test database behind a loopback TCP proxy: a statement given the wrong number of
 * parameters (the server's 08P01 protocol violation) is a 500 with the error logged; the
 * connection failures of SQLSTATE class 08 raised by the server, the connection cut during a
 * query, connections refused and a server that does not answer in time are 503 with Retry-After.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandlers } from '../../central/api/errors.js';
import { dropPostgresSchema, openPostgresDatabase } from '../../central/storage/postgres-database.js';
import type { SqlDatabase, SqlExecutor } from '../../central/storage/sql-database.js';
import { StorageUnavailable } from '../../central/storage/types.js';
import { PG_URL } from '../support/central.js';
import { FaultProxy } from '../support/fault-proxy.js';

const CONNECTION_FAILURES = ['08000', '08001', '08003', '08004', '08006'] as const;
const WAYS = ['read', 'transaction'] as const;
type Way = (typeof WAYS)[number];

interface Logged {
  readonly status: number;
  readonly error: string;
}

describe('PostgreSQL failures: 503 only when the database cannot be reached', () => {
  const schema = `central_pg_errors_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  let proxy: FaultProxy;
  let db: SqlDatabase;
  let app: FastifyInstance;
  const logged: Logged[] = [];

  const on = <T>(way: Way, fn: (q: SqlExecutor) => Promise<T>): Promise<T> => (way === 'read' ? db.read(fn) : db.transaction(fn));
  const ask = async (path: string) => {
    const res = await app.inject({ method: 'GET', url: path });
    return { status: res.statusCode, retryAfter: res.headers['retry-after'], code: res.json<{ error?: { code: string } }>().error?.code };
  };

  beforeAll(async () => {
    proxy = await FaultProxy.start(PG_URL);
    const viaProxy = new URL(PG_URL);
    viaProxy.port = new URL(proxy.url).port;
    db = await openPostgresDatabase(viaProxy.toString(), schema, { max: 2, connectionTimeoutMs: 2000 });
    app = Fastify();
    installErrorHandlers(app, (line) => {
      const l = JSON.parse(line) as Logged;
      logged.push({ status: l.status, error: l.error });
    });
    app.get<{ Params: { way: Way } }>('/count/:way', async (req) => on(req.params.way, (q) => q.all('SELECT count(*)::int AS n FROM schema_migrations')));
    app.get<{ Params: { way: Way } }>('/wrong-parameters/:way', async (req) => on(req.params.way, (q) => q.all('SELECT $1::int + $2::int AS n', [1])));
    app.get<{ Params: { way: Way; state: string } }>('/raise/:way/:state', async (req) => {
      if (!/^[0-9A-Z]{5}$/.test(req.params.state)) throw new Error('not a SQLSTATE');
      return on(req.params.way, (q) => q.run(`DO $$ BEGIN RAISE EXCEPTION 'raised by the test' USING ERRCODE = '${req.params.state}'; END $$`));
    });
    app.get('/sleep', async () => db.read((q) => q.all('SELECT pg_sleep(20)')));
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    await proxy?.close();
    await dropPostgresSchema(PG_URL, schema);
  });

  it.each(WAYS)('a statement given the wrong number of parameters (08P01) is a 500, logged, and the next request is served (%s)', async (way) => {
    logged.length = 0;
    const before = proxy.stats.connections;
    const r = await ask(`/wrong-parameters/${way}`);
    expect(r).toEqual({ status: 500, retryAfter: undefined, code: 'internal' });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.status).toBe(500);
    expect(logged[0]!.error).toMatch(/protocol violation \(SQLSTATE 08P01\): bind message supplies 1 parameters, but prepared statement "" requires 2/);

    const err = await on(way, (q) => q.all('SELECT $1::int + $2::int AS n', [1])).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(StorageUnavailable);
    expect(err).toMatchObject({ code: '08P01', cause: { code: '08P01' } });

    // The connection that saw the violation is not handed on; the next request gets a fresh one.
    expect(await ask(`/count/${way}`)).toMatchObject({ status: 200 });
    expect(proxy.stats.connections).toBeGreaterThan(before);
  });

  it.each(WAYS.flatMap((way) => CONNECTION_FAILURES.map((state) => [way, state] as const)))('the server raising connection failure %s (%s) is a 503 with Retry-After', async (way, state) => {
    logged.length = 0;
    expect(await ask(`/raise/${way}/${state}`)).toEqual({ status: 503, retryAfter: '2', code: 'storage-unavailable' });
    expect(logged).toEqual([{ status: 503, error: expect.stringContaining('raised by the test') as string }]);
  });

  it.each(WAYS)('the server raising 08P01 itself is a 500, not a 503 (%s)', async (way) => {
    logged.length = 0;
    expect(await ask(`/raise/${way}/08P01`)).toEqual({ status: 500, retryAfter: undefined, code: 'internal' });
    expect(logged).toEqual([{ status: 500, error: expect.stringMatching(/SQLSTATE 08P01.*raised by the test/) as string }]);
  });

  it('the connection cut during a query is a 503; connections refused are 503; once the server is back, 200', async () => {
    const watcher = new pg.Client({ connectionString: PG_URL });
    await watcher.connect();
    try {
      const sleeping = ask('/sleep');
      await expect
        .poll(async () => (await watcher.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)' AND state = 'active'")).rows[0]?.n, { timeout: 10_000 })
        .toBe(1);
      await proxy.set({ kind: 'refuse' });
      expect(await sleeping).toEqual({ status: 503, retryAfter: '2', code: 'storage-unavailable' });
      for (const way of WAYS) expect(await ask(`/count/${way}`)).toEqual({ status: 503, retryAfter: '2', code: 'storage-unavailable' });
      expect(logged.at(-1)!.error).toMatch(/ECONNREFUSED|Connection terminated/);
    } finally {
      await proxy.set({ kind: 'pass' });
      await watcher.end();
    }
    expect(await ask('/count/read')).toMatchObject({ status: 200 });
  });

  it('a server that does not answer within the connection wait is a 503', async () => {
    logged.length = 0;
    // Every byte held 3 s: a new connection's handshake outlasts the 2 s wait (long enough that a loaded machine still connects in time otherwise).
    await proxy.set({ kind: 'delay', ms: 3000 });
    try {
      // A pooled connection whose socket the proxy just closed may be the first one asked: that is a 503 too.
      for (let i = 0; i < 3 && !logged.some((l) => /due to connection timeout|timeout exceeded when trying to connect/.test(l.error)); i++) {
        expect(await ask('/count/read')).toEqual({ status: 503, retryAfter: '2', code: 'storage-unavailable' });
      }
      expect(logged.at(-1)!.error).toMatch(/due to connection timeout|timeout exceeded when trying to connect/);
      expect(logged.every((l) => l.status === 503)).toBe(true);
    } finally {
      await proxy.set({ kind: 'pass' });
    }
    expect(await ask('/count/transaction')).toMatchObject({ status: 200 });
  });
});
