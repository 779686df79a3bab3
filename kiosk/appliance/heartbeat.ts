/**
 * The kiosk's heartbeat to central (`POST /v1/kiosks/{id}/heartbeat`, shared/heartbeat.ts):
 * every interval, what central's fleet view needs to see at a glance. A failed post is logged
 * once per outage and retried at the next beat; it never stops the kiosk.
 */
import { statfs } from 'node:fs/promises';
import type { KioskHeartbeat } from '../../shared/heartbeat.js';
import type { KioskConfigState } from '../../shared/kiosk-config.js';
import type { KioskRuntime } from '../runtime/kiosk-runtime.js';
import type { Logger } from '../runtime/logger.js';

export const DEFAULT_HEARTBEAT_SECONDS = 30;

export interface HeartbeatSources {
  readonly kioskVersion: string;
  /** Epoch ms when the runtime started. */
  readonly startedAt: number;
  /** Device → state. */
  readonly devices: () => readonly { device: string; state: string }[];
  readonly outbox: () => Promise<{ readonly depth: number; readonly rejected: number; readonly oldestPendingAt: string | null; readonly clockOffsetMs: number | null }>;
  /** The folder whose filesystem's free space is reported (the kiosk's data folder). */
  readonly dataDir: string;
  /** The remote configuration's version and the last refusal. */
  readonly config?: () => Promise<KioskConfigState>;
  readonly now?: () => number;
}

export async function collectHeartbeat(s: HeartbeatSources): Promise<KioskHeartbeat> {
  const now = s.now?.() ?? Date.now();
  const [outbox, fs, config] = await Promise.all([s.outbox(), statfs(s.dataDir), s.config?.()]);
  return {
    kioskVersion: s.kioskVersion,
    nodeVersion: process.version,
    uptimeSeconds: Math.max(0, Math.floor((now - s.startedAt) / 1000)),
    devices: s.devices().slice(0, 32),
    outbox: { pending: outbox.depth, rejected: outbox.rejected, oldestPendingAt: outbox.oldestPendingAt },
    disk: { freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize },
    clockOffsetMs: outbox.clockOffsetMs === null ? null : Math.round(outbox.clockOffsetMs),
    sentAt: new Date(now).toISOString(),
    ...(config ? { config: { version: config.version, rejected: config.rejected && { ...config.rejected, problems: config.rejected.problems.slice(0, 20).map((p) => p.slice(0, 300)) } } } : {}),
  };
}

export interface HeartbeatSenderOptions {
  readonly centralUrl: string;
  readonly kioskId: string;
  readonly token: string;
  readonly intervalMs: number;
  readonly sources: HeartbeatSources;
  readonly logger: Logger;
}

export class HeartbeatSender {
  #timer: NodeJS.Timeout | null = null;
  #failing = false;
  #inFlight: Promise<boolean> | null = null;
  /** Heartbeats central accepted. */
  delivered = 0;

  constructor(private readonly o: HeartbeatSenderOptions) {}

  start(): void {
    void this.beat();
    this.#timer = setInterval(() => void this.beat(), this.o.intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#inFlight;
  }

  /** Sends one heartbeat now; true when central took it. */
  beat(): Promise<boolean> {
    if (this.#inFlight) return this.#inFlight;
    this.#inFlight = this.#send().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #send(): Promise<boolean> {
    const url = `${this.o.centralUrl.replace(/\/$/, '')}/v1/kiosks/${encodeURIComponent(this.o.kioskId)}/heartbeat`;
    try {
      const body = await collectHeartbeat(this.o.sources);
      const r = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (!r.ok) throw new Error(`central answered ${r.status}`);
      await r.body?.cancel();
      this.delivered += 1;
      if (this.#failing) this.o.logger.info('heartbeat to central delivered again');
      this.#failing = false;
      return true;
    } catch (e) {
      if (!this.#failing) this.o.logger.warn('heartbeat to central failed; retrying at the next beat', { error: e instanceof Error ? e.message : String(e) });
      this.#failing = true;
      return false;
    }
  }
}

/** What a running kiosk reports: its fault monitor's device states, its outbox, its data folder. */
export function runtimeHeartbeatSources(runtime: KioskRuntime, kioskVersion: string, startedAt = Date.now()): HeartbeatSources {
  return {
    kioskVersion,
    startedAt,
    devices: () => {
      const telemetry = runtime.parts.devices?.parts.monitor?.telemetry() ?? {};
      return Object.entries(telemetry)
        .filter(([k]) => k.endsWith('.health'))
        .map(([k, v]) => ({ device: k.slice(0, -'.health'.length), state: String(v) }));
    },
    outbox: () => runtime.parts.store.outbox.stats(),
    config: () => runtime.parts.store.caches.configState(),
    dataDir: runtime.parts.config.dataDir,
  };
}
