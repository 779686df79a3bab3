import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { authenticateKiosk, authenticateStaff, hashToken, sameHash, staffTokenTable, type StaffCredential } from './api/auth.js';
import { ApiFailure, apiError, installErrorHandlers, type ServerErrorLog } from './api/errors.js';
import { heartbeatHandlers } from './api/heartbeat-routes.js';
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
import { DEFAULT_SILENT_AFTER_SECONDS, ticketWorkHandlers, type WorkSources } from './staff/ticket-work.js';
import { agentAccountsOf } from './console/index.js';
import { registerTicketPage } from './ticket-page/ticket-page.js';
import type { CentralStorage } from './storage/types.js';

export interface CentralAppOptions {
  readonly storage: CentralStorage;
  /** Bearer token for the staff endpoints and page; without one they answer 401. */
  readonly staffToken?: string | null;
  /** Staff tokens with a name and a role (the plain `staffToken` is one of role `staff`, named `staff`). */
  readonly staffCredentials?: readonly StaffCredential[];
  /** Where call recordings and other files live (given to the call routes). */
  readonly dataDir: string;
  readonly now?: () => Date;
  /** Fastify's request log (pino) on stdout; off by default. */
  readonly logger?: boolean;
  /** Requests per client address per minute to the public ticket page `/t/:ticketId`. Default 120. */
  readonly ticketPagePerMinute?: number;
  /** Where every 5xx is logged with its request id (default: one JSON line on stderr). */
  readonly errorLog?: ServerErrorLog;
  /** Central's PostgreSQL when it runs on one: the call queue and its records live there too (else `calls.sqlite` in `dataDir`). */
  readonly callsPostgres?: { readonly url: string; readonly schema?: string };
  /** A kiosk without a heartbeat for longer is shown offline with an alert in the fleet view. Default 180. */
  readonly kioskSilentAfterSeconds?: number;
}

/** Builds central's Fastify app (routes, validation, errors, staff page, call routes) without listening. */
export async function buildCentralApp(options: CentralAppOptions): Promise<FastifyInstance> {
  // forceCloseConnections: close() destroys every open socket (keep-alive, or a client that
  // stopped mid-request) instead of waiting for its timeout; return503OnClosing answers the rest.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    forceCloseConnections: true,
    // Request ids that do not repeat across restarts or instances, so a logged 5xx can be found from the answer.
    genReqId: () => randomUUID(),
    // The router's own errors (an overlong path parameter, a malformed URL) as ApiErrors that never echo the URL.
    frameworkErrors: (error, _request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as FastifyReply).code(tooLong ? 414 : 400).send(apiError(tooLong ? 'uri-too-long' : 'bad-url', tooLong ? 'a part of the path is too long' : 'the URL is malformed'));
    },
  });
  app.setValidatorCompiler(schemaCompiler());
  app.removeContentTypeParser('text/plain');
  installErrorHandlers(app, options.errorLog);
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  const ctx = { storage: options.storage, now: options.now ?? (() => new Date()) };
  const agents = agentAccountsOf(options.dataDir);
  const staffTokens = staffTokenTable([
    ...(options.staffToken ? [{ name: 'staff', token: options.staffToken, role: 'staff' as const }] : []),
    ...(options.staffCredentials ?? []),
    ...agents.map((a) => ({ name: a.name, token: a.token, role: 'agent' as const })),
  ]);
  // Filled in once the call routes are up (their store keeps the missed calls).
  const sources: WorkSources = {
    people: () => staffTokens.entries.map((e) => ({ name: e.name, role: e.role })),
    missedCalls: () => Promise.resolve([]),
    silentAfterSeconds: options.kioskSilentAfterSeconds ?? DEFAULT_SILENT_AFTER_SECONDS,
  };
  const handlers = { ...kioskHandlers(ctx), ...staffHandlers(ctx), ...ticketWorkHandlers(ctx, sources), ...technicianHandlers(ctx), ...heartbeatHandlers(ctx) };

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
        else if (op.auth === 'staff') {
          const who = authenticateStaff(staffTokens, request, 'capability' in op ? op.capability : undefined);
          if (who.role === 'agent' && op.agents !== true) throw new ApiFailure(403, 'forbidden-for-role', 'agents may not do this');
        }
      },
      handler,
    });
  }

  const openApi = buildOpenApiDocument();
  app.get('/v1/openapi.json', () => Promise.resolve(openApi));
  registerStaffPage(app);
  registerTicketPage(app, { storage: options.storage, ...(options.ticketPagePerMinute !== undefined ? { perMinute: options.ticketPagePerMinute } : {}) });
  const calls = await registerCallRoutes(app, {
    dataDir: options.dataDir,
    ...(options.callsPostgres ? { postgres: options.callsPostgres } : {}),
    authenticateKiosk: async (kioskId, token) => {
      const kiosk = await options.storage.getKiosk(kioskId);
      return kiosk !== null && sameHash(hashToken(token), kiosk.tokenHash);
    },
  });
  sources.missedCalls = () => calls.store.listMissed();
  return app;
}
