import type { CardReaderHealth } from '../../shared/card-reader.js';
import type { CabinetStatus, DeviceHealth, DeviceUpdate } from '../../shared/devices.js';
import type { Result } from '../../shared/result.js';
import type { DeviceEvent } from '../../shared/sync.js';
import { DEFAULT_FAULT_RULE_LIMITS, faultConditions, type FaultCondition, type FaultRuleLimits, type HealthObservations } from './fault-rules.js';

/** Where the monitor files what it finds; the kiosk wires these to its ticket service. */
export interface FaultMonitorPorts {
  /** Files a device-fault ticket (or returns the one still open for this key). */
  fileFaultTicket(input: { readonly faultKey: string; readonly description: string }): Promise<Result<{ readonly ticketId: string }, { readonly code: string; readonly message: string }>>;
  recordDeviceEvent(event: DeviceEvent): Promise<unknown>;
  recordTelemetry(metrics: Readonly<Record<string, number | string | boolean | null>>): Promise<unknown>;
  now(): Date;
  log?(line: string): void;
}

export interface FaultMonitorOptions {
  readonly limits?: Partial<FaultRuleLimits>;
  /** Telemetry goes out at most this often (checked at each `tick`). */
  readonly telemetryIntervalMs?: number;
}

export const TELEMETRY_INTERVAL_MS = 5 * 60_000;

export interface ActiveFault {
  readonly faultKey: string;
  readonly device: string;
  readonly level: 'fault' | 'warning';
  readonly description: string;
  readonly since: string;
  /** `null` for warnings, and for faults whose ticket could not be filed yet (retried at each tick). */
  readonly ticketId: string | null;
}

interface Tracked {
  condition: FaultCondition;
  since: string;
  ticketId: string | null;
  filing: boolean;
}

/**
 * Self-diagnosis. Takes device health and events, the card reader's health, the cabinet's
 * status, the sync backlog and the clock offset; when a rule's condition has held long enough it
 * records a `fault` device event and files ONE device-fault ticket per fault key; when the
 * condition ends it records a `cleared` event, and the key may file again later. Warnings
 * (paper near end) record events only. Time comes from `ports.now()`.
 */
export class FaultMonitor {
  private readonly devices = new Map<string, DeviceHealth>();
  private cardReader: CardReaderHealth | null = null;
  private cabinet: CabinetStatus | null = null;
  private maintenance = false;
  private oldestPendingAt: string | null = null;
  private clockOffsetMs: number | null = null;
  private readonly seen = new Map<string, number>();
  private readonly active = new Map<string, Tracked>();
  private readonly limits: FaultRuleLimits;
  private lastTelemetryMs: number | null = null;
  private work: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ports: FaultMonitorPorts,
    private readonly options: FaultMonitorOptions = {},
  ) {
    this.limits = { ...DEFAULT_FAULT_RULE_LIMITS, ...options.limits };
  }

  /** Feeds a device's update stream (printer, cabinet, HID) into the monitor; returns the unsubscribe. */
  watch(source: { subscribe(listener: (update: DeviceUpdate) => void): () => void }): () => void {
    return source.subscribe((u) => {
      if (u.type === 'health') this.observeDevice(u.device, u.health);
      else if (u.type === 'cabinet-status') this.observeCabinet(u.status);
    });
  }

  observeDevice(device: string, health: DeviceHealth): void {
    this.devices.set(device, health);
    this.evaluate();
  }

  observeCardReader(health: CardReaderHealth): void {
    this.cardReader = health;
    this.evaluate();
  }

  observeCabinet(status: CabinetStatus): void {
    this.cabinet = status;
    this.evaluate();
  }

  /** Maintenance mode on or off (an open door is expected during maintenance). */
  setMaintenance(active: boolean): void {
    this.maintenance = active;
    this.evaluate();
  }

  observeSync(backlog: { readonly oldestPendingAt: string | null }): void {
    this.oldestPendingAt = backlog.oldestPendingAt;
    this.evaluate();
  }

  observeClockOffset(offsetMs: number | null): void {
    this.clockOffsetMs = offsetMs;
    this.evaluate();
  }

  /** Re-evaluates time-based rules, retries unfiled tickets, and sends telemetry when due. */
  tick(): Promise<void> {
    this.evaluate();
    const nowMs = this.ports.now().getTime();
    const every = this.options.telemetryIntervalMs ?? TELEMETRY_INTERVAL_MS;
    if (this.lastTelemetryMs === null || nowMs - this.lastTelemetryMs >= every) {
      this.lastTelemetryMs = nowMs;
      const metrics = this.telemetry();
      this.enqueue(() => this.ports.recordTelemetry(metrics));
    }
    return this.settled();
  }

  /** Calls `tick` on a timer (the runtime's choice of period). */
  start(periodMs = 15_000): void {
    this.timer ??= setInterval(() => void this.tick(), periodMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.settled();
  }

  /** Resolves when every event and ticket already triggered has been handed to the ports. */
  async settled(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.work;
      await current;
    } while (current !== this.work);
  }

  activeFaults(): readonly ActiveFault[] {
    return [...this.active.values()].map((t) => ({
      faultKey: t.condition.faultKey,
      device: t.condition.device,
      level: t.condition.level,
      description: t.condition.description,
      since: t.since,
      ticketId: t.ticketId,
    }));
  }

  telemetry(): Record<string, number | string | boolean | null> {
    const metrics: Record<string, number | string | boolean | null> = {};
    for (const [device, h] of this.devices) metrics[`${device}.health`] = h.code === null ? h.state : `${h.state}:${h.code}`;
    if (this.cardReader) metrics['card-reader.health'] = this.cardReader.state;
    if (this.cabinet) {
      metrics['cabinet.door'] = this.cabinet.door;
      metrics['cabinet.temperatureC'] = this.cabinet.temperatureC;
      metrics['cabinet.power'] = this.cabinet.power;
      metrics['cabinet.batteryPercent'] = this.cabinet.batteryPercent;
    }
    metrics['sync.oldestPendingAt'] = this.oldestPendingAt;
    metrics['clock.offsetMs'] = this.clockOffsetMs;
    metrics['maintenance'] = this.maintenance;
    metrics['faults.active'] = [...this.active.values()].filter((t) => t.condition.level === 'fault').length;
    return metrics;
  }

  private observations(): HealthObservations {
    return {
      devices: this.devices,
      cardReader: this.cardReader,
      cabinet: this.cabinet,
      maintenance: this.maintenance,
      oldestPendingAt: this.oldestPendingAt,
      clockOffsetMs: this.clockOffsetMs,
    };
  }

  private evaluate(): void {
    const now = this.ports.now();
    const nowMs = now.getTime();
    const conditions = faultConditions(this.observations(), nowMs, this.limits);
    const present = new Set(conditions.map((c) => c.faultKey));
    for (const key of [...this.seen.keys()]) if (!present.has(key)) this.seen.delete(key);
    for (const [key, tracked] of [...this.active]) {
      if (!present.has(key)) {
        this.active.delete(key);
        this.clear(tracked);
      }
    }
    for (const c of conditions) {
      if (!this.seen.has(c.faultKey)) this.seen.set(c.faultKey, nowMs);
      const tracked = this.active.get(c.faultKey);
      if (tracked) {
        tracked.condition = c;
        if (c.level === 'fault' && tracked.ticketId === null && !tracked.filing) this.file(tracked);
        continue;
      }
      if (nowMs - this.seen.get(c.faultKey)! < c.holdMs) continue;
      const fresh: Tracked = { condition: c, since: now.toISOString(), ticketId: null, filing: false };
      this.active.set(c.faultKey, fresh);
      this.raise(fresh);
    }
  }

  private raise(t: Tracked): void {
    const c = t.condition;
    this.enqueue(() => this.ports.recordDeviceEvent({ device: c.device, event: c.code, severity: c.level, detail: c.description }));
    if (c.level === 'fault') this.file(t);
  }

  private file(t: Tracked): void {
    t.filing = true;
    const { faultKey, description } = t.condition;
    this.enqueue(async () => {
      const filed = await this.ports.fileFaultTicket({ faultKey, description });
      t.filing = false;
      if (filed.ok) t.ticketId = filed.value.ticketId;
      else this.ports.log?.(`fault ${faultKey}: ticket not filed (${filed.error.code}: ${filed.error.message}); retrying at next tick`);
    });
  }

  private clear(t: Tracked): void {
    const c = t.condition;
    this.enqueue(() => this.ports.recordDeviceEvent({ device: c.device, event: c.code, severity: 'cleared', detail: t.ticketId === null ? null : `ticket ${t.ticketId}` }));
  }

  private enqueue(job: () => Promise<unknown>): void {
    this.work = this.work.then(job).catch((e: unknown) => this.ports.log?.(`fault monitor: ${e instanceof Error ? e.message : String(e)}`));
  }
}
