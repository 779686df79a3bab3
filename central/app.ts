import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { auditEveryChange, createGuard, DEFAULT_AUTH_SETTINGS, ownOrigin, type AuthSettings, type Guard } from './accounts/guard.js';
import { registerAccountPages } from './accounts/pages.js';
import { registerAccountRoutes, type DemoLogin } from './accounts/routes.js';
import { can, ROLE_WORDS, type Role } from './accounts/roles.js';
import { seedAccounts, type AccountSeed } from './accounts/seed.js';
import { SessionPruner } from './accounts/session-pruner.js';
import { registerAdminRoutes } from './admin/routes.js';
import { authenticateKiosk, hashToken, sameHash } from './api/auth.js';
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
import { AlarmEscalator } from './alarms/escalation.js';
import { alarmHandlers, DEFAULT_ALARM_ESCALATE_AFTER_SECONDS } from './alarms/routes.js';
import { CallSessionRecorder } from './insight/call-sessions.js';
import { registerInsightRoutes } from './insight/routes.js';
import { ProblemDetector } from './problems/detector.js';
import { problemHandlers } from './problems/routes.js';
import { checkProblemRules, type ProblemRules } from './problems/rules.js';
import { registerStaffPage } from './staff/page.js';
import { DEFAULT_SILENT_AFTER_SECONDS, ticketWorkHandlers, type WorkSources } from './staff/ticket-work.js';
import { registerTicketPage } from './ticket-page/ticket-page.js';
import { registerInsightPage, registerWeeklyReportRoute } from './reports/routes.js';
import type { CentralStorage } from './storage/types.js';

/** A configured token with a name and a role: a deprecated alias of a named account's API token. */
export interface StaffCredential {
  readonly name: string;
  readonly token: string;
  readonly role: 'staff' | Role;
}

export interface CentralAppOptions {
  readonly storage: CentralStorage;
  /** Accounts to create when missing (demo accounts, the deprecated token aliases, tests). */
  readonly accounts?: readonly AccountSeed[];
  /**
   * Deprecated alias: the personal API token of an administrator account named `staff`
   * (created when missing). Use `central account add` and `central account token` instead.
   */
  readonly staffToken?: string | null;
  /** Deprecated aliases: each a named account (role `staff` means station staff) with this API token. */
  readonly staffCredentials?: readonly StaffCredential[];
  /** Sessions, lockout, rate limits, cookie flags, demo mode (central/accounts/guard.ts). */
  readonly auth?: Partial<AuthSettings>;
  /** The published demo logins the login page lists (with `auth.demo` only). */
  readonly demoLogins?: readonly DemoLogin[];
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
  /** An emergency alarm nobody acknowledged for this long escalates to supervisors. Default 120. */
  readonly alarmEscalateAfterSeconds?: number;
  /** How often this instance looks for alarms to escalate (default: a quarter of that time, 1–10 s). */
  readonly alarmSweepMs?: number;
  /** How often this instance removes sessions that ended (expired, revoked, idle). Default 10 min. */
  readonly sessionPruneMs?: number;
  /** A kiosk without a heartbeat for longer is shown offline with an alert in the fleet view. Default 180. */
  readonly kioskSilentAfterSeconds?: number;
  /** When central opens a problem by itself (central/problems/rules.ts; each one over its default). */
  readonly problemRules?: Partial<ProblemRules>;
  /** How often this instance sweeps for problems (default 60 s). */
  readonly problemSweepMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves when the problem decisions of every batch answered so far are made (the kiosk is answered before them). */
    problemsSettled(): Promise<void>;
  }
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
  const escalateAfterSeconds = options.alarmEscalateAfterSeconds ?? DEFAULT_ALARM_ESCALATE_AFTER_SECONDS;
  await seedAccounts(options.storage, [...(options.accounts ?? []), ...tokenAliases(options)], ctx.now());
  const guard: Guard = createGuard(options.storage, { ...DEFAULT_AUTH_SETTINGS, ...options.auth }, ctx.now);
  auditEveryChange(app, options.storage, ctx.now);
  // The people a ticket can be assigned to: every enabled account, read again before each assignment or list.
  let people: readonly { readonly name: string; readonly displayName: string; readonly role: string }[] = [];
  const refreshPeople = async (): Promise<void> => {
    people = (await options.storage.accounts.list()).filter((a) => a.disabledAt === null).map((a) => ({ name: a.username, displayName: a.displayName, role: a.role }));
  };
  // Filled in once the call routes are up (their store keeps the missed calls).
  const sources: WorkSources = {
    people: () => people,
    missedCalls: () => Promise.resolve([]),
    silentAfterSeconds: options.kioskSilentAfterSeconds ?? DEFAULT_SILENT_AFTER_SECONDS,
  };
  const checkedRules = checkProblemRules(options.problemRules ?? {});
  if (!checkedRules.ok) throw new Error(`problem rules: ${checkedRules.problems.join('; ')}`);
  const problems = new ProblemDetector({
    store: options.storage.problems,
    rules: checkedRules.rules,
    now: ctx.now,
    ...(options.problemSweepMs !== undefined ? { sweepMs: options.problemSweepMs } : {}),
    onOpened: (d) => app.log.warn({ problem: d.problem.id, title: d.problem.title.en, tickets: d.problem.ticketIds }, 'problem opened'),
    onError: (e) => app.log.error({ err: e }, 'problem detection failed'),
  });
  app.decorate('problemsSettled', () => problems.settled());
  const handlers = { ...kioskHandlers(ctx, (kioskId, stored) => problems.afterIngest(kioskId, stored)), ...problemHandlers(ctx), ...staffHandlers(ctx), ...ticketWorkHandlers(ctx, sources), ...technicianHandlers(ctx), ...heartbeatHandlers(ctx), ...alarmHandlers(ctx, { escalateAfterSeconds }) };

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
          const who = await guard.requireStaff(request, 'capability' in op ? op.capability : 'read-tickets');
          // Agents reach only the operations marked for them (tickets, missed calls, FAQ), whatever else their capabilities say.
          // An agent is a person at the console, logged in as themselves: an API token alone never acts as an agent.
          if (who.role === 'agent' && who.via === 'token') throw new ApiFailure(403, 'agent-session-only', 'agents log in as themselves at /login/; an API token does not act for an agent');
          if (who.role === 'agent' && op.agents !== true) throw new ApiFailure(403, 'forbidden-for-role', 'agents may not do this');
          if (op.operationId === 'assignTicket' || op.operationId === 'listPeople') await refreshPeople();
        }
      },
      handler,
    });
  }

  const escalator = new AlarmEscalator({
    storage: options.storage,
    escalateAfterSeconds,
    now: ctx.now,
    ...(options.alarmSweepMs !== undefined ? { sweepMs: options.alarmSweepMs } : {}),
    onEscalated: (alarms) => app.log.warn({ alarms: alarms.map((a) => a.id) }, 'emergency alarms escalated to supervisors'),
    onError: (e) => app.log.error({ err: e }, 'alarm escalation sweep failed'),
  });
  escalator.start();
  app.addHook('onClose', () => escalator.stop());
  const pruner = new SessionPruner({
    accounts: options.storage.accounts,
    now: ctx.now,
    idleMinutes: guard.settings.idleMinutes,
    ...(options.sessionPruneMs !== undefined ? { everyMs: options.sessionPruneMs } : {}),
    onPruned: (count) => app.log.info({ count }, 'ended sessions removed'),
    onError: (e) => app.log.error({ err: e }, 'session pruning failed'),
  });
  pruner.start();
  app.addHook('onClose', () => pruner.stop());
  problems.start();
  app.addHook('onClose', () => problems.stop());

  const openApi = buildOpenApiDocument();
  app.get('/v1/openapi.json', () => Promise.resolve(openApi));
  registerStaffPage(app);
  registerAccountRoutes(app, { storage: options.storage, guard, now: ctx.now, demoLogins: options.demoLogins ?? [] });
  registerAccountPages(app);
  registerAdminRoutes(app, { storage: options.storage, guard, now: ctx.now });
  registerInsightRoutes(app, { storage: options.storage, guard, now: ctx.now });
  registerTicketPage(app, { storage: options.storage, ...(options.ticketPagePerMinute !== undefined ? { perMinute: options.ticketPagePerMinute } : {}) });
  const callSessions = new CallSessionRecorder(options.storage.database, (e) => app.log.error({ err: e }, 'call outcome not recorded'));
  app.addHook('onClose', () => callSessions.flush());
  const calls = await registerCallRoutes(app, {
    dataDir: options.dataDir,
    onCallEvent: (e) => callSessions.record(e),
    ...(options.callsPostgres ? { postgres: options.callsPostgres } : {}),
    authenticateKiosk: async (kioskId, token) => {
      const kiosk = await options.storage.getKiosk(kioskId);
      return kiosk !== null && sameHash(hashToken(token), kiosk.tokenHash);
    },
    agentUpgrade: async (request) => {
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== ownOrigin(request)) return { ok: false, status: 403, message: 'the agent console connects only from central’s own page' };
      const person = await guard.sessionPerson(request);
      // No token is taken here: an agent is a person with an account, logged in at /login/.
      if (!person) return { ok: false, status: 401, message: 'log in at /login/ first (your session may have ended)' };
      if (origin === undefined) return { ok: false, status: 403, message: 'a session connects only from central’s own page' };
      if (!can(person.role, 'answer-calls')) return { ok: false, status: 403, message: `${ROLE_WORDS[person.role].en} may not answer calls` };
      await options.storage.accounts.audit({ at: ctx.now().toISOString(), accountId: person.accountId, actor: person.username, role: person.role, action: 'agent-console-connect', target: null, detail: null });
      return { ok: true, agent: { id: person.accountId, name: person.displayName } };
    },
  });
  sources.missedCalls = () => calls.store.listMissed();
  registerInsightPage(app);
  registerWeeklyReportRoute(app, { storage: options.storage, guard, now: ctx.now });
  return app;
}

/** The deprecated token options as the named accounts they stand for. */
function tokenAliases(options: CentralAppOptions): AccountSeed[] {
  const out: AccountSeed[] = [];
  if (options.staffToken) out.push({ username: 'staff', role: 'administrator', apiToken: options.staffToken });
  for (const c of options.staffCredentials ?? []) out.push({ username: c.name, role: c.role === 'staff' ? 'station-staff' : c.role, apiToken: c.token });
  return out;
}
