import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiError } from '../../shared/sync.js';
import { StorageUnavailable } from '../storage/types.js';

/** An expected failure of a request, answered as an `ApiError` with this status. */
export class ApiFailure extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

export const apiError = (code: string, message: string): ApiError => ({ error: { code, message } });

const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty-body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-content-length',
};

/** Where a 5xx is written: one JSON line with the request id (default: stderr, whether or not Fastify's logger is on). */
export type ServerErrorLog = (line: string) => void;

export const stderrErrorLog: ServerErrorLog = (line) => process.stderr.write(line + '\n');

/**
 * Every error leaves as an `ApiError` JSON body: validation and parse errors as 4xx with a
 * code, anything unexpected as a bare 500 (the details go to the log, never to the client).
 * Every 5xx, the storage's 503 included, is logged with the request id its answer names.
 */
export function installErrorHandlers(app: FastifyInstance, errorLog: ServerErrorLog = stderrErrorLog): void {
  const logServerError = (request: FastifyRequest, status: number, error: Error): void =>
    errorLog(
      JSON.stringify({ at: new Date().toISOString(), level: 'error', message: 'request failed', requestId: request.id, method: request.method, route: request.routeOptions.url ?? null, status, error: error.message, stack: error.stack ?? null }),
    );
  app.setErrorHandler((error: FastifyError | ApiFailure, request, reply) => {
    if (error instanceof ApiFailure) {
      if (error.statusCode >= 500) logServerError(request, error.statusCode, error);
      return reply.code(error.statusCode).send(apiError(error.code, error.message));
    }
    if (error instanceof StorageUnavailable) {
      logServerError(request, 503, error);
      return reply
        .code(503)
        .header('retry-after', String(error.retryAfterSeconds))
        .send(apiError('storage-unavailable', `central cannot reach its database just now; nothing was stored, send again later (request ${request.id})`));
    }
    if (error.validation) {
      const first = error.validation[0];
      const where = `${error.validationContext ?? 'request'}${first?.instancePath.replace(/\//g, '.') ?? ''}`;
      return reply.code(400).send(apiError('invalid-request', `${where} ${first?.message ?? 'is invalid'}`));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[error.code] ?? (error instanceof SyntaxError ? 'malformed-json' : 'bad-request');
      return reply.code(status).send(apiError(code, code === 'malformed-json' ? 'the body is not valid JSON' : error.message));
    }
    request.log.error({ err: error }, 'request failed');
    logServerError(request, status, error);
    return reply.code(status >= 500 && status < 600 ? status : 500).send(apiError('internal', `central could not handle this request; it has been logged as request ${request.id}`));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(apiError('not-found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));
}
