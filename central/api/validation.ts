import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { OUTBOX_KINDS } from '../../shared/sync.js';
import type { IngestReject, OutboxKind, OutboxPayload, SyncItem } from '../../shared/sync.js';
import type { ValidItem } from '../storage/types.js';
import { SyncItemByKind } from './schemas.js';
import type { JsonSchema } from './schemas.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** An Ajv for JSON Schema 2020-12, the dialect of OpenAPI 3.1. Bodies are never coerced. */
export function createAjv(options: { coerce: boolean }): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    allErrors: false,
    useDefaults: options.coerce,
    coerceTypes: options.coerce,
    removeAdditional: false,
  });
  addFormats(ajv);
  return ajv;
}

/**
 * Fastify's validator compiler: query strings and path parameters are strings on the wire and
 * get coerced to the schema's types; bodies are checked as sent.
 */
export function schemaCompiler(): FastifySchemaCompiler<JsonSchema> {
  const strictAjv = createAjv({ coerce: false });
  const coercingAjv = createAjv({ coerce: true });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
    return ajv.compile(schema) as ValidateFunction & ((data: unknown) => boolean);
  };
}

const MAX_ECHO = 80;

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'invalid item';
  const where = e.instancePath === '' ? 'item' : `item${e.instancePath.replace(/\//g, '.')}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isKind = (v: unknown): v is OutboxKind => typeof v === 'string' && (OUTBOX_KINDS as readonly string[]).includes(v);

/** Checks each item of a batch on its own, so that one bad item does not sink the batch. */
export class ItemValidator {
  private readonly byKind: Record<OutboxKind, ValidateFunction>;

  constructor() {
    const ajv = createAjv({ coerce: false });
    this.byKind = Object.fromEntries(OUTBOX_KINDS.map((k) => [k, ajv.compile(SyncItemByKind[k])])) as Record<OutboxKind, ValidateFunction>;
  }

  check(raw: unknown, kioskId: string): { ok: true; item: ValidItem } | { ok: false; reject: IngestReject } {
    const rec = isRecord(raw) ? raw : {};
    const id = typeof rec['id'] === 'string' ? rec['id'].slice(0, MAX_ECHO) : null;
    const seq = typeof rec['seq'] === 'number' && Number.isSafeInteger(rec['seq']) ? rec['seq'] : null;
    const reject = (code: IngestReject['code'], reason: string) => ({ ok: false as const, reject: { id, seq, code, reason } });
    if (!isRecord(raw)) return reject('invalid-item', 'item must be an object');
    const kind = isRecord(raw['payload']) ? raw['payload']['kind'] : undefined;
    if (!isKind(kind)) return reject('unknown-kind', `payload.kind must be one of ${OUTBOX_KINDS.join(', ')}`);
    const validate = this.byKind[kind];
    if (!validate(raw)) return reject('invalid-item', describe(validate.errors));
    const item = raw as unknown as SyncItem;
    const payload: OutboxPayload = item.payload;
    if (Number.isNaN(Date.parse(item.createdAt))) return reject('invalid-item', 'item.createdAt is not a real date');
    if (payload.kind === 'ticket') {
      if (payload.ticket.kioskId !== kioskId) return reject('kiosk-mismatch', `ticket.kioskId must be ${kioskId}`);
      if (Number.isNaN(Date.parse(payload.ticket.createdAt))) return reject('invalid-item', 'item.payload.ticket.createdAt is not a real date');
    }
    if (payload.kind === 'rating' && payload.rating.kioskId !== kioskId) return reject('kiosk-mismatch', `rating.kioskId must be ${kioskId}`);
    return { ok: true, item: { item, payload } };
  }
}
