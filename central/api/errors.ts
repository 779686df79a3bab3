import type { FastifyError, FastifyInstance } from 'fastify';
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

/**
 * Every error leaves as an `ApiError` JSON body: validation and parse errors as 4xx with a
 * code, anything unexpected as a bare 500 (the details go to the log, never to the client).
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiFailure, request, reply) => {
    if (error instanceof ApiFailure) return reply.code(error.statusCode).send(apiError(error.code, error.message));
    if (error instanceof StorageUnavailable) {
      return reply
        .code(503)
        .header('retry-after', String(error.retryAfterSeconds))
        .send(apiError('storage-unavailable', 'central cannot reach its database just now; nothing was stored, send again later'));
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
    return reply.code(500).send(apiError('internal', 'central could not handle this request; it has been logged'));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(apiError('not-found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));
}
