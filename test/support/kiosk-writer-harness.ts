// Shared by the outbox/sync/crash tests and the sync benchmark: temp dirs, a real central, and event-driven waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCentral, type RunningCentral } from '../../central/server.js';
import { KioskStore } from '../../kiosk/store/kiosk-store.js';
import { TicketService, type KioskIdentity } from '../../kiosk/tickets/ticket-service.js';
import { SyncClient } from '../../kiosk/sync/sync-client.js';
import { SyncWorker, type SyncWorkerOptions } from '../../kiosk/sync/sync-worker.js';

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function kioskIdentity(n = 1): KioskIdentity & { token: string } {
  const code = `KT${String(n).padStart(4, '0')}`;
  return { kioskId: `kiosk-${code.toLowerCase()}`, kioskCode: code, stationId: 'GZ-L3-TIYU-XILU', token: `token-${code}-${'x'.repeat(24)}` };
}

export async function startSqliteCentral(dir: string, kiosks: readonly (KioskIdentity & { token: string })[]): Promise<RunningCentral> {
  return startCentral({ port: 0, storage: { engine: 'sqlite', file: join(dir, 'central.db') }, dataDir: join(dir, 'central-data'), kiosks: kiosks.map((k) => ({ id: k.kioskId, token: k.token, stationId: k.stationId, ticketCode: k.kioskCode })) });
}

/** The kiosk's sync-side composition, as the runtime builds it. */
export interface KioskUnderTest {
  readonly store: KioskStore;
  readonly tickets: TicketService;
  readonly worker: SyncWorker;
  close(): Promise<void>;
}

export async function openKiosk(
  dbPath: string,
  identity: KioskIdentity & { token: string },
  centralUrl: string,
  options: Partial<Omit<SyncWorkerOptions, 'store' | 'client'>> & { timeoutMs?: number; clientKioskId?: string } = {},
): Promise<KioskUnderTest> {
  const store = await KioskStore.open({ path: dbPath });
  const client = new SyncClient({ baseUrl: centralUrl, kioskId: options.clientKioskId ?? identity.kioskId, token: identity.token, timeoutMs: options.timeoutMs ?? 5_000 });
  const worker = new SyncWorker({ store, client, backoff: { baseMs: 50, capMs: 400 }, probeIntervalMs: 100, pollIntervalMs: 60_000, ...options });
  return {
    store,
    tickets: new TicketService(store, identity),
    worker,
    close: async () => {
      // Let a running exchange finish: a request aborted mid-flight keeps central's close waiting for its keep-alive timeout.
      await Promise.race([worker.whenIdle(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await worker.stop();
      await store.close();
    },
  };
}

/**
 * Resolves once `check` is true, re-checking after every health report of the worker (each
 * sync cycle reports) and on a slow safety tick; rejects after `timeoutMs` with `what`.
 */
export async function waitFor(worker: SyncWorker | null, check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wake: (() => void) | null = null;
  const off = worker?.onHealth(() => wake?.()) ?? (() => undefined);
  try {
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    off();
  }
}

/** Drained: nothing pending or in flight. */
export async function drained(store: KioskStore): Promise<boolean> {
  return (await store.outbox.stats()).depth === 0;
}
