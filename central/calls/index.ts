/**
 * Video-call escalation on central: signalling endpoints, the call queue, its store (SQLite, or
 * central's PostgreSQL), and the agent console page (`/console/`). Central's composition root calls
 * {@link registerCallRoutes} once. See docs/calls.md.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { registerConsole } from '../console/index.js';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from './queue.js';
import type { CallOutput } from './call-core.js';
import { PgCallStore } from './pg-call-store.js';
import { PgCallCluster } from './pg-cluster.js';
import { CallStore, type CallRecordStore } from './queue-store.js';
import { systemScheduler, type Scheduler } from './scheduler.js';
import { CallSignalling, type AgentUpgradeCheck, type KioskAuthenticator } from './signalling.js';
import { NO_ICE, checkIceConfig, type IceConfig } from './turn.js';

export type { AgentAccount, AgentUpgradeCheck, KioskAuthenticator } from './signalling.js';
export type { IceConfig } from './turn.js';
export type { QueueSettings } from './queue.js';

export interface CallRoutesOptions {
  /** Folder of `calls.sqlite` (and of `calls.json` when the options below are not given). */
  readonly dataDir: string;
  /**
   * Central's PostgreSQL, when it runs on one: the call records then live there (schema default
   * `public`) instead of in `calls.sqlite`, shared by every instance on that schema.
   */
  readonly postgres?: { readonly url: string; readonly schema?: string };
  /** Kiosk credential check; default: `kiosks` (`[{ id, token }]`) of `<dataDir>/calls.json`. */
  readonly authenticateKiosk?: KioskAuthenticator;
  /** Origin and session check of an agent console's upgrade: agents are people with accounts, logged in at `/login/`. */
  readonly agentUpgrade: AgentUpgradeCheck;
  /** Default: `ice` of `<dataDir>/calls.json`, else none (host candidates only). */
  readonly ice?: IceConfig;
  readonly queue?: Partial<QueueSettings>;
  readonly scheduler?: Scheduler;
  /** How long a kiosk page may take to join the media channel after it is rung or answered. */
  readonly mediaTokenTtlSeconds?: number;
  readonly log?: (line: string) => void;
  /** Told every event the queue audits (request, answer, fallback, left, end…), with its time: central's insight records each call's outcome from them. */
  readonly onCallEvent?: (event: { readonly callId: string; readonly actor: string; readonly action: string; readonly detail: string | null; readonly atMs: number }) => void;
}

/** Passes every audited call event on to `tap` as well as storing it. */
function tapAudit(store: CallRecordStore, scheduler: Scheduler, tap: CallRoutesOptions['onCallEvent']): void {
  if (!tap) return;
  const audit = store.audit.bind(store);
  store.audit = (callId, actor, action, detail) => {
    audit(callId, actor, action, detail);
    tap({ callId, actor, action, detail, atMs: scheduler.now() });
  };
}

export interface CallService {
  readonly signalling: CallSignalling;
  readonly store: CallRecordStore;
}

interface CallsFile {
  readonly kiosks?: { id: string; token: string }[];
  readonly ice?: IceConfig;
  readonly queue?: Partial<QueueSettings>;
}

function readCallsFile(dataDir: string): CallsFile {
  const file = join(dataDir, 'calls.json');
  if (!existsSync(file)) return {};
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as CallsFile & { agents?: unknown };
  // Agents were once listed here with shared tokens; a token alone no longer answers calls.
  if (parsed.agents !== undefined) throw new Error('calls.json: "agents" is no longer read: each agent is a personal account (central account add NAME --role agent) and logs in at /login/; remove "agents" from calls.json');
  return parsed;
}

/** Registers `/calls/kiosk`, `/calls/agent`, `/calls/media` and `/console/`. Restores waiting entries from the store. */
export async function registerCallRoutes(app: FastifyInstance, options: CallRoutesOptions): Promise<CallService> {
  const file = options.authenticateKiosk && options.ice ? {} : readCallsFile(options.dataDir);
  const log = options.log ?? ((line: string) => app.log.warn(line));
  const scheduler = options.scheduler ?? systemScheduler;
  const onStoreError = (e: Error): void => log(`calls store: ${e.message}`);
  const settings = { ...DEFAULT_QUEUE_SETTINGS, ...file.queue, ...options.queue };
  const ice = checkIceConfig(options.ice ?? file.ice ?? NO_ICE);
  const mediaTokenTtlSeconds = options.mediaTokenTtlSeconds ?? 900;
  let signalling: CallSignalling | null = null;
  let store: CallRecordStore;
  let cluster: PgCallCluster | null = null;
  if (options.postgres) {
    // On PostgreSQL, one instance decides for every instance on the schema (pg-cluster.ts).
    const schema = options.postgres.schema ?? 'public';
    const pgStore = await PgCallStore.open({ url: options.postgres.url, schema }, () => scheduler.now(), onStoreError);
    tapAudit(pgStore, scheduler, options.onCallEvent);
    store = pgStore;
    cluster = await PgCallCluster.start({
      url: options.postgres.url,
      schema,
      store: pgStore,
      core: { scheduler, settings, ice, mediaTokenTtlSeconds },
      log,
      deliver: (o: CallOutput) => signalling?.deliver(o),
    });
  } else {
    store = await CallStore.open(options.dataDir, () => scheduler.now(), onStoreError);
    tapAudit(store, scheduler, options.onCallEvent);
  }
  const kiosks = file.kiosks ?? [];
  const calls = new CallSignalling({
    scheduler,
    settings,
    store,
    authenticateKiosk: options.authenticateKiosk ?? ((id, token) => Promise.resolve(kiosks.some((k) => k.id === id && k.token === token))),
    agentUpgrade: options.agentUpgrade,
    ice,
    mediaTokenTtlSeconds,
    log,
    ...(cluster ? { backend: () => cluster } : {}),
  });
  signalling = calls;
  // Before the WebSocket plugin's own preClose (which drops every socket): a shutdown must not
  // read as "every agent left" and turn the waiting queue into fallbacks.
  let stopped: Promise<void> = Promise.resolve();
  app.addHook('preClose', (done) => {
    stopped = calls.close();
    done();
  });
  if (!app.hasDecorator('websocketServer')) await app.register(websocket, { options: { maxPayload: 256 * 1024 } });
  calls.register(app);
  registerConsole(app);
  if (!cluster) calls.queue.restore(await store.loadWaiting());
  app.addHook('onClose', async () => {
    await stopped;
    await store.close();
  });
  return { signalling: calls, store };
}
