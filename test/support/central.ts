/**
 * Helpers for central's tests: both storage engines, a central per test file, and builders of
 * valid outbox items.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { dropPostgresSchema } from '../../central/storage/postgres-database.js';
import { startCentral } from '../../central/server.js';
import type { CentralKioskSeed, RunningCentral, StartCentralOptions } from '../../central/server.js';
import type { StorageConfig } from '../../central/storage/types.js';
import { uuidv7 } from '../../shared/ids.js';
import type { OutboxPayload, SyncItem } from '../../shared/sync.js';
import { makeTicketId } from '../../shared/ticket.js';
import type { Rating, Ticket } from '../../shared/ticket.js';

export const PG_URL = process.env['KIOSK_TEST_PG_URL'] ?? 'postgres://kiosk:kiosk@127.0.0.1:5432/kiosk_test';
export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export const STAFF_TOKEN = 'staff-token-for-tests-0123456789';
export const KIOSKS = {
  a: { id: 'GZ0102', token: 'kiosk-token-GZ0102-aaaaaaaaaaaa', stationId: 'GZ-TIYUXILU' },
  b: { id: 'GZ0103', token: 'kiosk-token-GZ0103-bbbbbbbbbbbb', stationId: 'GZ-TIYUXILU' },
  c: { id: 'SZ0201', token: 'kiosk-token-SZ0201-cccccccccccc', stationId: 'SZ-FUTIAN' },
} as const satisfies Record<string, CentralKioskSeed>;

/** A storage config of its own: a fresh SQLite file or a fresh PostgreSQL schema. */
export function uniqueStorage(engine: Engine, dir: string): StorageConfig {
  if (engine === 'sqlite') return { engine, file: join(dir, 'central.sqlite') };
  return { engine, url: PG_URL, schema: `central_test_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}` };
}

export interface CentralFixture {
  readonly central: RunningCentral;
  readonly storage: StorageConfig;
  readonly dir: string;
  /** Closes central, drops the PG schema, removes the temp dir. */
  dispose(): Promise<void>;
}

export async function startTestCentral(engine: Engine, kiosks: readonly CentralKioskSeed[] = Object.values(KIOSKS)): Promise<CentralFixture> {
  return startCentralOn(engine, { kiosks, staffToken: STAFF_TOKEN });
}

/** A central on a fresh SQLite file or PostgreSQL schema (and data folder) with these options; `dispose` removes both. */
export async function startCentralOn(engine: Engine, options: Omit<StartCentralOptions, 'storage' | 'dataDir'>): Promise<CentralFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'central-test-'));
  const storage = uniqueStorage(engine, dir);
  const central = await startCentral({ ...options, storage, dataDir: dir }).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    central,
    storage,
    dir,
    dispose: async () => {
      try {
        await central.close();
      } finally {
        if (storage.engine === 'postgres' && storage.schema) await dropPostgresSchema(storage.url, storage.schema);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

let counter = 0;

export function ticket(kioskId: string, overrides: Partial<Ticket> = {}): Ticket {
  counter += 1;
  return {
    id: makeTicketId(kioskId.replace(/[^A-Z0-9]/g, '').slice(0, 8), '2026-03-14', counter),
    category: 'gate',
    description: '出站闸机不识别我的卡 The exit gate refused my card',
    phone: '13800138000',
    card: { family: 't-union', cardNumber: '3104921000012345', masked: '3104 **** **** 2345', cityCode: '5810', balance: 1250, diagnosis: ['open-trip'] },
    stationId: 'GZ-TIYUXILU',
    kioskId,
    createdAt: '2026-03-14T09:30:00+08:00',
    language: 'zh',
    ...overrides,
  };
}

export function rating(kioskId: string, overrides: Partial<Rating> = {}): Rating {
  return { id: uuidv7(), score: 4, reason: null, service: 'report', ticketId: null, kioskId, createdAt: '2026-03-14T09:31:00+08:00', ...overrides };
}

export function item(seq: number, payload: OutboxPayload, id: string = uuidv7()): SyncItem {
  return { id, seq, createdAt: '2026-03-14T09:30:00+08:00', payload };
}

export const ticketItem = (seq: number, t: Ticket): SyncItem => item(seq, { kind: 'ticket', ticket: t });

export interface CallResult {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** A JSON call to central; the body stays unparsed text when it is not JSON. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, text };
}

/** A request with a bearer token that must succeed (anything else throws with the answer); its JSON. */
export async function callOk(base: string, method: string, path: string, token: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

type OpenApiDoc = {
  paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json': { schema: { $ref: string } } } }> }>>;
  components: { schemas: Record<string, object> };
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Validates answers against the OpenAPI document central serves (JSON Schema 2020-12). */
export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  checked = 0;

  constructor(private readonly doc: OpenApiDoc) {
    addFormats(this.ajv);
  }

  static async fetch(base: string): Promise<OpenApiContract> {
    const res = await call(base, 'GET', '/v1/openapi.json');
    if (res.status !== 200) throw new Error(`openapi.json answered ${res.status}`);
    return new OpenApiContract(res.body as OpenApiDoc);
  }

  /** Throws with Ajv's errors when `result` does not match the documented answer of this operation. */
  check(method: string, pathTemplate: string, result: CallResult): void {
    const op = this.doc.paths[pathTemplate]?.[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${pathTemplate} is not documented`);
    const response = op.responses[String(result.status)];
    if (!response) throw new Error(`${method} ${pathTemplate} answered ${result.status}, which is not documented`);
    const ref = response.content?.['application/json'].schema.$ref;
    if (ref === undefined) {
      if (result.text !== '') throw new Error(`${method} ${pathTemplate} ${result.status} should have no body`);
      this.checked += 1;
      return;
    }
    const name = ref.replace('#/components/schemas/', '');
    const schema = this.doc.components.schemas[name];
    if (!schema) throw new Error(`schema ${name} missing`);
    const validate = this.ajv.getSchema(name) ?? (this.ajv.addSchema(schema, name), this.ajv.getSchema(name));
    if (!validate) throw new Error(`cannot compile ${name}`);
    if (!validate(result.body)) throw new Error(`${method} ${pathTemplate} ${result.status}: ${this.ajv.errorsText(validate.errors)}\n${result.text.slice(0, 500)}`);
    this.checked += 1;
  }
}
