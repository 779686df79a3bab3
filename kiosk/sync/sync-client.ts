import { DOWN_CHANGE_TYPES, type AnyChangesResponse, type AnyDownChange, type IngestResponse, type SyncItem } from '../../shared/sync.js';
import { err, ok, type Result } from '../../shared/result.js';
import { parseRetryAfter } from './backoff.js';
import type { SyncFault } from './sync-fault.js';
import { asChangesResponse, asHealth, asIngestResponse } from './response-shapes.js';

export interface SyncClientOptions {
  /** Central's base URL, e.g. `https://central.metro.example` (no trailing slash needed). */
  readonly baseUrl: string;
  readonly kioskId: string;
  readonly token: string;
  readonly fetch?: typeof globalThis.fetch;
  /** Kiosk clock, ms. */
  readonly now?: () => number;
  /** Per request, including reading the body. Default 15 s. */
  readonly timeoutMs?: number;
  /** Change types asked for in down-sync (`?types=`). Default: every type, technicians included. */
  readonly changeTypes?: readonly AnyDownChange['type'][];
}

/** A successful exchange, with the kiosk's clock on either side for the clock offset. */
export interface Exchange<T> {
  readonly body: T;
  readonly sentAtMs: number;
  readonly receivedAtMs: number;
}

/** The kiosk's HTTP client of the `/v1` sync API (shared/sync.ts). Never throws: every failure is a classified `SyncFault`. */
export class SyncClient {
  private readonly base: string;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: SyncClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  postBatch(items: readonly SyncItem[], signal?: AbortSignal): Promise<Result<Exchange<IngestResponse>, SyncFault>> {
    return this.request(`/v1/kiosks/${encodeURIComponent(this.options.kioskId)}/batches`, { method: 'POST', body: JSON.stringify({ items }) }, asIngestResponse, signal);
  }

  getChanges(cursor: number, limit: number, signal?: AbortSignal): Promise<Result<Exchange<AnyChangesResponse>, SyncFault>> {
    const types = [...new Set(this.options.changeTypes ?? DOWN_CHANGE_TYPES)].join(',');
    const q = `cursor=${Math.max(0, Math.trunc(cursor))}&limit=${Math.max(1, Math.trunc(limit))}&types=${types}`;
    return this.request(`/v1/kiosks/${encodeURIComponent(this.options.kioskId)}/changes?${q}`, { method: 'GET' }, asChangesResponse, signal);
  }

  /** Reachability probe. */
  health(signal?: AbortSignal): Promise<Result<Exchange<{ serverTime: string }>, SyncFault>> {
    return this.request('/v1/health', { method: 'GET' }, asHealth, signal);
  }

  private async request<T>(path: string, init: { method: string; body?: string }, parse: (v: unknown) => T | null, stop?: AbortSignal): Promise<Result<Exchange<T>, SyncFault>> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = stop ? AbortSignal.any([stop, timeout]) : timeout;
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}`, accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const sentAtMs = this.now();
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await this.fetchFn(`${this.base}${path}`, { method: init.method, headers, signal, ...(init.body !== undefined ? { body: init.body } : {}) });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (error) {
      if (stop?.aborted) return err({ kind: 'stopped', code: 'stopped', message: 'the sync worker was stopped' });
      if (timeout.aborted) return err({ kind: 'retryable', code: 'timeout', message: `central did not answer within ${this.timeoutMs} ms` });
      return err({ kind: 'retryable', code: 'network', message: `cannot reach central: ${describe(error)}` });
    }
    const receivedAtMs = this.now();
    if (status >= 200 && status < 300) {
      const body = parse(safeJson(text));
      return body === null
        ? err({ kind: 'retryable', code: 'bad-response', message: `central's answer (${status}) was not readable`, status })
        : ok({ body, sentAtMs, receivedAtMs });
    }
    const detail = errorMessage(text) ?? `HTTP ${status}`;
    if (status === 429 || status === 503) {
      const after = parseRetryAfter(retryAfter, receivedAtMs);
      return err({ kind: 'retryable', code: status === 429 ? 'rate-limited' : 'server-error', message: detail, status, ...(after !== null ? { retryAfterMs: after } : {}) });
    }
    if (status >= 500) return err({ kind: 'retryable', code: 'server-error', message: detail, status });
    if (status === 413) return err({ kind: 'too-large', code: 'payload-too-large', message: detail, status });
    if (status === 401) return err({ kind: 'config', code: 'unauthorized', message: detail, status });
    if (status === 403) return err({ kind: 'config', code: 'forbidden', message: detail, status });
    if (status === 404) return err({ kind: 'config', code: 'not-found', message: detail, status });
    if (status === 408) return err({ kind: 'retryable', code: 'timeout', message: detail, status });
    return err({ kind: 'config', code: 'bad-request', message: detail, status });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function errorMessage(text: string): string | null {
  const v = safeJson(text);
  if (typeof v !== 'object' || v === null || !('error' in v)) return null;
  const e = v.error;
  if (typeof e !== 'object' || e === null) return null;
  const code = 'code' in e && typeof e.code === 'string' ? e.code : 'error';
  const message = 'message' in e && typeof e.message === 'string' ? e.message : '';
  return `${code}: ${message}`.slice(0, 500);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
    return `${error.message}${code}`;
  }
  return String(error);
}
