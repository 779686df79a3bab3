import { COMPONENT_SCHEMAS } from './schemas.js';
import type { JsonSchema } from './schemas.js';
import { OPERATIONS } from './operations.js';
import { INSIGHT_SCHEMAS, insightPaths } from './openapi-insight.js';
import type { Operation } from './operations.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

function parameters(op: Operation): JsonSchema[] {
  const from = (schema: JsonSchema | undefined, where: 'path' | 'query'): JsonSchema[] => {
    if (!schema) return [];
    const props = schema['properties'] as Record<string, JsonSchema>;
    const required = new Set(schema['required'] as string[]);
    return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
  };
  return [...from(op.params, 'path'), ...from(op.query, 'query')];
}

function operation(op: Operation): JsonSchema {
  const responses = Object.fromEntries(
    Object.entries(op.responses).map(([status, schema]) => [
      status,
      schema === null
        ? { description: 'Done, no content' }
        : { description: schema === 'ApiError' ? 'Error' : 'OK', content: { 'application/json': { schema: ref(schema) } } },
    ]),
  );
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.capability ? { description: `Needs a staff token whose role allows \`${op.capability}\` (supervisor, administrator); other staff tokens get 403 forbidden-for-role.`, 'x-required-capability': op.capability } : {}),
    tags: [op.tag],
    ...(op.auth === 'none' ? { security: [] } : { security: [{ [op.auth === 'kiosk' ? 'kioskToken' : 'staffToken']: [] }] }),
    ...(parameters(op).length > 0 ? { parameters: parameters(op) } : {}),
    ...(op.requestBody ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.requestBody) } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the `/v1` API, built from the route table and the schemas Fastify validates with. */
export function buildOpenApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of OPERATIONS as readonly Operation[]) {
    const path = op.url.replace(/:([A-Za-z]+)/g, '{$1}');
    (paths[path] ??= {})[op.method.toLowerCase()] = operation(op);
  }
  Object.assign(paths, insightPaths());
  paths['/v1/openapi.json'] = {
    get: { operationId: 'openapi', summary: 'This document', tags: ['meta'], security: [], responses: { 200: { description: 'OpenAPI 3.1 document' } } },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Station Kiosk central sync API', version: '1.0.0', description: 'Kiosk outbox ingest, down-sync of changes, staff operations.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ kioskToken: [] }],
    tags: [{ name: 'kiosk' }, { name: 'staff' }, { name: 'meta' }],
    paths,
    components: {
      securitySchemes: {
        kioskToken: { type: 'http', scheme: 'bearer', description: "One token per kiosk; it may only act as its own kiosk." },
        staffToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A configured staff token, separate from kiosk tokens, with a role: staff (card numbers masked: first 4, last 4), supervisor or administrator (may also reveal a full card number, audited).',
        },
        staffSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'kiosk_session',
          description: "A person's session after logging in at /login/ (`__Host-kiosk_session` over https); a request that changes something also carries the session's CSRF token in `x-csrf-token`.",
        },
      },
      schemas: { ...COMPONENT_SCHEMAS, ...INSIGHT_SCHEMAS },
    },
  };
}
