import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { OUTBOX_KINDS } from '../../shared/sync.js';
import type { IngestReject, OutboxKind, OutboxPayload, SyncItem } from '../../shared/sync.js';
import { TICKET_ID_PATTERN } from '../../shared/ticket.js';
import type { KioskRecord, ValidItem } from '../storage/types.js';
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

/** Deepest nesting of arrays and objects an item may have (a ticket is 4 deep). */
export const MAX_ITEM_DEPTH = 32;
/** Largest item, as JSON text, in bytes. */
export const MAX_ITEM_BYTES = 64 * 1024;
/** How far ahead of central's clock a kiosk's timestamp may be. */
export const MAX_CLOCK_AHEAD_MS = 24 * 3600_000;
/** How old a kiosk's timestamp may be (an offline kiosk keeps its outbox for long, not forever). */
export const MAX_ITEM_AGE_MS = 400 * 24 * 3600_000;

/** True when `v` nests arrays/objects deeper than `max`; iterative, so a hostile depth cannot overflow the stack. */
function deeperThan(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(x) ? x : Object.values(x)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** The code a kiosk's ticket ids must start with: its own, else its id when it has that shape. */
export function ticketCodeOf(kiosk: KioskRecord): string | null {
  if (kiosk.ticketCode) return kiosk.ticketCode;
  return /^[A-Z0-9]{2,8}$/.test(kiosk.id) ? kiosk.id : null;
}

/**
 * Checks each item of a batch on its own, so that one bad item does not sink the batch: size and
 * depth first (before any schema walks it), then the schema of its kind, then what ties it to the
 * authenticated kiosk (kiosk id, ticket-id code, station) and its timestamps against central's clock.
 */
export class ItemValidator {
  private readonly byKind: Record<OutboxKind, ValidateFunction>;

  constructor() {
    const ajv = createAjv({ coerce: false });
    this.byKind = Object.fromEntries(OUTBOX_KINDS.map((k) => [k, ajv.compile(SyncItemByKind[k])])) as Record<OutboxKind, ValidateFunction>;
  }

  check(raw: unknown, kiosk: KioskRecord, now: Date): { ok: true; item: ValidItem } | { ok: false; reject: IngestReject } {
    const kioskId = kiosk.id;
    const rec = isRecord(raw) ? raw : {};
    const id = typeof rec['id'] === 'string' ? rec['id'].slice(0, MAX_ECHO) : null;
    const seq = typeof rec['seq'] === 'number' && Number.isSafeInteger(rec['seq']) ? rec['seq'] : null;
    const reject = (code: IngestReject['code'], reason: string) => ({ ok: false as const, reject: { id, seq, code, reason } });
    if (!isRecord(raw)) return reject('invalid-item', 'item must be an object');
    if (deeperThan(raw, MAX_ITEM_DEPTH)) return reject('too-deep', `item nests deeper than ${MAX_ITEM_DEPTH} levels`);
    if (Buffer.byteLength(JSON.stringify(raw), 'utf8') > MAX_ITEM_BYTES) return reject('too-large', `item is larger than ${MAX_ITEM_BYTES} bytes`);
    const kind = isRecord(raw['payload']) ? raw['payload']['kind'] : undefined;
    if (!isKind(kind)) return reject('unknown-kind', `payload.kind must be one of ${OUTBOX_KINDS.join(', ')}`);
    const validate = this.byKind[kind];
    if (!validate(raw)) return reject('invalid-item', describe(validate.errors));
    const item = raw as unknown as SyncItem;
    const payload: OutboxPayload = item.payload;
    const skew = (field: string, value: string) => {
      const t = Date.parse(value);
      if (Number.isNaN(t)) return reject('invalid-item', `${field} is not a real date`);
      const ahead = t - now.getTime();
      if (ahead > MAX_CLOCK_AHEAD_MS || -ahead > MAX_ITEM_AGE_MS || new Date(t).getUTCFullYear() < 2000) {
        return reject('clock-skew', `${field} is ${Math.round(ahead / 3600_000)} h from central's clock (${now.toISOString()}); check the kiosk's clock`);
      }
      return null;
    };
    const itemSkew = skew('item.createdAt', item.createdAt);
    if (itemSkew) return itemSkew;
    if (payload.kind === 'ticket') {
      const t = payload.ticket;
      if (t.kioskId !== kioskId) return reject('kiosk-mismatch', `ticket.kioskId must be ${kioskId}`);
      const code = ticketCodeOf(kiosk);
      if (code === null) return reject('kiosk-mismatch', `kiosk ${kioskId} has no ticket code at central (central kiosk add ${kioskId} --code CODE)`);
      if (TICKET_ID_PATTERN.exec(t.id)?.[1] !== code) return reject('kiosk-mismatch', `ticket ids of kiosk ${kioskId} start with ${code}-`);
      if (kiosk.stationId === null) return reject('kiosk-mismatch', `kiosk ${kioskId} has no station at central`);
      if (t.stationId !== kiosk.stationId) return reject('kiosk-mismatch', `ticket.stationId must be ${kiosk.stationId}, the station of kiosk ${kioskId}`);
      const ticketSkew = skew('item.payload.ticket.createdAt', t.createdAt);
      if (ticketSkew) return ticketSkew;
    }
    if (payload.kind === 'rating') {
      if (payload.rating.kioskId !== kioskId) return reject('kiosk-mismatch', `rating.kioskId must be ${kioskId}`);
      const ratingSkew = skew('item.payload.rating.createdAt', payload.rating.createdAt);
      if (ratingSkew) return ratingSkew;
    }
    if (payload.kind === 'alarm') {
      const a = payload.alarm;
      if (a.kioskId !== kioskId) return reject('kiosk-mismatch', `alarm.kioskId must be ${kioskId}`);
      if (kiosk.stationId !== null && a.stationId !== kiosk.stationId) return reject('kiosk-mismatch', `alarm.stationId must be ${kiosk.stationId}, the station of kiosk ${kioskId}`);
      const alarmSkew = skew('item.payload.alarm.raisedAt', a.raisedAt);
      if (alarmSkew) return alarmSkew;
    }
    return { ok: true, item: { item, payload } };
  }
}
