/**
 * The insight routes in central's OpenAPI document (`GET /v1/openapi.json`): every view central
 * answers is a documented path with its parameters and the roles that may call it, and every
 * answer — JSON over two weeks of real traffic, CSV, refusals — matches what the document says.
 * Both engines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { INSIGHT_CSV_PARTS, INSIGHT_QUERY_KEYS, INSIGHT_VIEWS } from '../../shared/insight.js';
import { ENGINES, OpenApiContract, call, uniqueStorage } from '../support/central.js';
import { INSIGHT_ACCOUNTS, sendTwoWeeks, startClockedCentral, type ClockedCentral, type SentWeeks } from '../support/insight-weeks.js';

interface Doc {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema: { enum?: string[] } }[]; security?: object[]; 'x-roles'?: string[]; responses: Record<string, unknown> }>>;
}

describe.each(ENGINES)('insight routes in /v1/openapi.json (%s)', (engine) => {
  let dir = '';
  let storage: StorageConfig;
  let c: ClockedCentral;
  let contract: OpenApiContract;
  let doc: Doc;
  let sent: SentWeeks;
  const ADMIN = INSIGHT_ACCOUNTS.admin.apiToken;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'insight-openapi-'));
    storage = uniqueStorage(engine, dir);
    c = await startClockedCentral(storage, dir);
    sent = await sendTwoWeeks(c);
    contract = await OpenApiContract.fetch(c.central.url);
    doc = (await call(c.central.url, 'GET', '/v1/openapi.json')).body as Doc;
  }, 120_000);
  afterAll(async () => {
    await c?.central.close();
    if (storage?.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it('documents exactly the views central answers, each with every query key, its CSV parts and its roles', async () => {
    expect(c.central.app.hasRoute({ method: 'GET', url: '/v1/staff/insight/:view' })).toBe(true);
    expect(c.central.app.hasRoute({ method: 'GET', url: '/v1/staff/insight/weekly-report.pdf' })).toBe(true);
    const documented = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/staff/insight/'));
    expect(documented.sort()).toEqual([...INSIGHT_VIEWS.map((v) => `/v1/staff/insight/${v}`), '/v1/staff/insight/weekly-report.pdf'].sort());
    const weekly = doc.paths['/v1/staff/insight/weekly-report.pdf']!['get']!;
    expect(weekly.parameters!.map((p) => p.name)).toEqual(['week', 'line']);
    expect(weekly['x-roles']).toEqual(['supervisor', 'administrator']);
    expect(Object.keys((weekly.responses['200'] as { content: object }).content)).toEqual(['application/pdf']);
    const pdf = await fetch(`${c.central.url}/v1/staff/insight/weekly-report.pdf?week=${sent.days[0]}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    const refused = await call(c.central.url, 'GET', '/v1/staff/insight/weekly-report.pdf?weeks=1', { token: ADMIN });
    contract.check('GET', '/v1/staff/insight/weekly-report.pdf', refused);
    expect(refused.status).toBe(400);
    for (const view of INSIGHT_VIEWS) {
      const op = doc.paths[`/v1/staff/insight/${view}`]!['get']!;
      expect(op.parameters!.map((p) => [p.name, p.in])).toEqual(INSIGHT_QUERY_KEYS.map((k) => [k, 'query']));
      expect(op.parameters!.find((p) => p.name === 'part')!.schema.enum).toEqual([...INSIGHT_CSV_PARTS[view]]);
      expect(op['x-roles']).toEqual(['supervisor', 'administrator']);
      expect(op.security).toEqual([{ staffSession: [] }, { staffToken: [] }]);
      expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '403', '503']);
    }
    // A view the document does not name is no route either.
    expect((await call(c.central.url, 'GET', '/v1/staff/insight/agents', { token: ADMIN })).status).toBe(404);
  });

  it('every view answers as documented over two weeks of traffic, and its figures are there', async () => {
    const range = `?from=${sent.days[0]}&to=${sent.days[sent.days.length - 1]}`;
    for (const view of INSIGHT_VIEWS) {
      const res = await call(c.central.url, 'GET', `/v1/staff/insight/${view}${range}`, { token: ADMIN });
      contract.check('GET', `/v1/staff/insight/${view}`, res);
    }
    const tickets = (await call(c.central.url, 'GET', `/v1/staff/insight/tickets${range}`, { token: ADMIN })).body as { total: number; byDay: unknown[] };
    expect(tickets.total).toBe(sent.tickets.length);
    const devices = (await call(c.central.url, 'GET', `/v1/staff/insight/devices${range}`, { token: ADMIN })).body as { faults: number };
    expect(devices.faults).toBe(sent.faults.length);
    expect(contract.checked).toBeGreaterThanOrEqual(INSIGHT_VIEWS.length);
  });

  it('refusals answer as documented: 400 naming the key, 401 without a token', async () => {
    const bad = await call(c.central.url, 'GET', '/v1/staff/insight/tickets?from=2026-02-30', { token: ADMIN });
    contract.check('GET', '/v1/staff/insight/tickets', bad);
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { message: string } }).error.message).toMatch(/^"from" must be a date/);
    const none = await call(c.central.url, 'GET', '/v1/staff/insight/calls');
    contract.check('GET', '/v1/staff/insight/calls', none);
    expect(none.status).toBe(401);
  });

  it('CSV is documented as text/csv and answers so', async () => {
    const res = await fetch(`${c.central.url}/v1/staff/insight/devices?format=csv&part=offline`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await res.text()).split('\n')[0]).toContain('kioskId');
    const op = doc.paths['/v1/staff/insight/devices']!['get']!;
    expect(Object.keys((op.responses['200'] as { content: object }).content)).toEqual(['application/json', 'text/csv']);
  });
});
