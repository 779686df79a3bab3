import { chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AuthSettings } from './accounts/guard.js';
import type { DemoLogin } from './accounts/routes.js';
import type { AccountSeed } from './accounts/seed.js';
import { hashToken } from './api/auth.js';
import { buildCentralApp, type StaffCredential } from './app.js';
import type { ProblemRules } from './problems/rules.js';
import { openCentralStorage } from './storage/open.js';
import type { CentralStorage, StorageConfig } from './storage/types.js';

export interface CentralKioskSeed {
  readonly id: string;
  readonly token: string;
  readonly stationId?: string;
  /** The code its ticket ids start with; default: the kept one, else the kiosk id when it is 2–8 of A–Z0–9. */
  readonly ticketCode?: string;
}

export interface StartCentralOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly storage: StorageConfig;
  /** Kiosks to add (or whose token and station to replace) before listening. */
  readonly kiosks?: readonly CentralKioskSeed[];
  /** Accounts to create when missing (central/accounts/seed.ts). */
  readonly accounts?: readonly AccountSeed[];
  /** Deprecated alias: the API token of an administrator account named `staff`. */
  readonly staffToken?: string;
  /** Deprecated aliases: named accounts with these API tokens (role `staff` means station staff). */
  readonly staffCredentials?: readonly StaffCredential[];
  /** Sessions, lockout, rate limits, cookie flags, demo mode. */
  readonly auth?: Partial<AuthSettings>;
  readonly demoLogins?: readonly DemoLogin[];
  /** Default: a directory under the OS temp dir. */
  readonly dataDir?: string;
  readonly now?: () => Date;
  readonly logger?: boolean;
  /** Requests per client address per minute to the public ticket page. Default 120. */
  readonly ticketPagePerMinute?: number;
  /** Seconds without a heartbeat after which the fleet view shows a kiosk offline with an alert (default 180). */
  readonly kioskSilentAfterSeconds?: number;
  /** An emergency alarm nobody acknowledged for this long escalates to supervisors. Default 120. */
  readonly alarmEscalateAfterSeconds?: number;
  readonly alarmSweepMs?: number;
  /** How often ended sessions are removed (default 10 min). */
  readonly sessionPruneMs?: number;
  /** When central opens a problem by itself (central/problems/rules.ts). */
  readonly problemRules?: Partial<ProblemRules>;
  readonly problemSweepMs?: number;
}

export interface RunningCentral {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly storage: CentralStorage;
  /** Resolves when the problems of every batch answered so far are decided (a kiosk's batch is answered before that). */
  problemsSettled(): Promise<void>;
  /** Stops listening, then closes the storage. */
  close(): Promise<void>;
}

export async function seedKiosks(storage: CentralStorage, kiosks: readonly CentralKioskSeed[], now: Date): Promise<void> {
  for (const k of kiosks) {
    const existing = await storage.getKiosk(k.id);
    await storage.upsertKiosk({
      id: k.id,
      stationId: k.stationId ?? existing?.stationId ?? null,
      tokenHash: hashToken(k.token),
      createdAt: existing?.createdAt ?? now.toISOString(),
      ticketCode: k.ticketCode ?? existing?.ticketCode ?? null,
    });
  }
}

/** Opens the storage, builds the app and listens. */
export async function startCentral(options: StartCentralOptions): Promise<RunningCentral> {
  const now = options.now ?? (() => new Date());
  const dataDir = options.dataDir ?? join(tmpdir(), 'station-kiosk-central');
  // Owner-only: central's files hold kiosk token hashes, tickets with phone and card numbers.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const storage = await openCentralStorage(options.storage);
  try {
    await seedKiosks(storage, options.kiosks ?? [], now());
    const app = await buildCentralApp({
      storage,
      staffToken: options.staffToken ?? null,
      ...(options.staffCredentials ? { staffCredentials: options.staffCredentials } : {}),
      ...(options.accounts ? { accounts: options.accounts } : {}),
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.demoLogins ? { demoLogins: options.demoLogins } : {}),
      dataDir,
      ...(options.storage.engine === 'postgres' ? { callsPostgres: { url: options.storage.url, ...(options.storage.schema ? { schema: options.storage.schema } : {}) } } : {}),
      now,
      logger: options.logger ?? false,
      ...(options.ticketPagePerMinute !== undefined ? { ticketPagePerMinute: options.ticketPagePerMinute } : {}),
      ...(options.kioskSilentAfterSeconds !== undefined ? { kioskSilentAfterSeconds: options.kioskSilentAfterSeconds } : {}),
      ...(options.alarmEscalateAfterSeconds !== undefined ? { alarmEscalateAfterSeconds: options.alarmEscalateAfterSeconds } : {}),
      ...(options.alarmSweepMs !== undefined ? { alarmSweepMs: options.alarmSweepMs } : {}),
      ...(options.sessionPruneMs !== undefined ? { sessionPruneMs: options.sessionPruneMs } : {}),
      ...(options.problemRules !== undefined ? { problemRules: options.problemRules } : {}),
      ...(options.problemSweepMs !== undefined ? { problemSweepMs: options.problemSweepMs } : {}),
    });
    const host = options.host ?? '127.0.0.1';
    await app.listen({ host, port: options.port ?? 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port ?? 0;
    let closing: Promise<void> | null = null;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      app,
      storage,
      problemsSettled: () => app.problemsSettled(),
      close: () =>
        (closing ??= (async () => {
          try {
            await app.close();
          } finally {
            await storage.close();
          }
        })()),
    };
  } catch (e) {
    await storage.close();
    throw e;
  }
}
