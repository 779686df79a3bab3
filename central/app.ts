import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { authenticateKiosk, authenticateStaff, hashToken, sameHash } from './api/auth.js';
import { installErrorHandlers } from './api/errors.js';
import { kioskHandlers } from './api/kiosk-routes.js';
import { buildOpenApiDocument } from './api/openapi.js';
import { OPERATIONS } from './api/operations.js';
import type { Operation } from './api/operations.js';
import { BODY_LIMIT_BYTES, COMPONENT_SCHEMAS } from './api/schemas.js';
import { staffHandlers } from './api/staff-routes.js';
import { technicianHandlers } from './technicians/routes.js';
import { schemaCompiler } from './api/validation.js';
import { registerCallRoutes } from './calls/index.js';
import { registerStaffPage } from './staff/page.js';
import type { CentralStorage } from './storage/types.js';

export interface CentralAppOptions {
  readonly storage: CentralStorage;
  /** Bearer token for the staff endpoints and page; without one they answer 401. */
  readonly staffToken?: string | null;
  /** Where call recordings and other files live (given to the call routes). */
  readonly dataDir: string;
  readonly now?: () => Date;
  /** Fastify's request log (pino) on stdout; off by default. */
  readonly logger?: boolean;
}

/** Builds central's Fastify app (routes, validation, errors, staff page, call routes) without listening. */
export async function buildCentralApp(options: CentralAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT_BYTES, return503OnClosing: true });
  app.setValidatorCompiler(schemaCompiler());
  app.removeContentTypeParser('text/plain');
  installErrorHandlers(app);
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  const ctx = { storage: options.storage, now: options.now ?? (() => new Date()) };
  const handlers = { ...kioskHandlers(ctx), ...staffHandlers(ctx), ...technicianHandlers(ctx) };
  const staffTokenHash = options.staffToken ? hashToken(options.staffToken) : null;

  for (const op of OPERATIONS as readonly Operation[]) {
    const handler = handlers[op.operationId as keyof typeof handlers];
    app.route({
      method: op.method,
      url: op.url,
      schema: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { querystring: op.query } : {}),
        ...(op.requestBody ? { body: op.bodyValidation ?? COMPONENT_SCHEMAS[op.requestBody] } : {}),
      },
      onRequest: async (request) => {
        if (op.auth === 'kiosk') await authenticateKiosk(options.storage, request, (request.params as { kioskId: string }).kioskId);
        else if (op.auth === 'staff') authenticateStaff(staffTokenHash, request);
      },
      handler,
    });
  }

  const openApi = buildOpenApiDocument();
  app.get('/v1/openapi.json', () => Promise.resolve(openApi));
  registerStaffPage(app);
  await registerCallRoutes(app, {
    dataDir: options.dataDir,
    authenticateKiosk: async (kioskId, token) => {
      const kiosk = await options.storage.getKiosk(kioskId);
      return kiosk !== null && sameHash(hashToken(token), kiosk.tokenHash);
    },
  });
  return app;
}
