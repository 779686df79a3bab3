import type { CardReaderHealth } from '../../shared/card-reader.js';
import type { CabinetStatus, DeviceHealth } from '../../shared/devices.js';

/** Limits of the self-diagnosis rules; every one can be set per site. */
export interface FaultRuleLimits {
  /** A device must stay absent this long before it is a fault (a replug or reconnect is not). */
  readonly absentGraceMs: number;
  /** The oldest pending outbox item may be this old before sync counts as stuck. */
  readonly syncStuckMs: number;
  /** Largest tolerated difference between the kiosk clock and central's. */
  readonly clockMaxOffsetMs: number;
}

export const DEFAULT_FAULT_RULE_LIMITS: FaultRuleLimits = {
  absentGraceMs: 30_000,
  syncStuckMs: 30 * 60_000,
  clockMaxOffsetMs: 120_000,
};

/** What the monitor knows right now. */
export interface HealthObservations {
  readonly devices: ReadonlyMap<string, DeviceHealth>;
  readonly cardReader: CardReaderHealth | null;
  readonly cabinet: CabinetStatus | null;
  readonly maintenance: boolean;
  readonly oldestPendingAt: string | null;
  readonly clockOffsetMs: number | null;
}

/** A condition the rules found. `ticket` conditions file a device-fault ticket; `warning` ones only an event. */
export interface FaultCondition {
  readonly faultKey: string;
  readonly device: string;
  readonly code: string;
  readonly level: 'fault' | 'warning';
  readonly description: string;
  /** How long the condition must hold before it counts. */
  readonly holdMs: number;
}

/** The rules, as one pure function from observations to conditions. */
export function faultConditions(o: HealthObservations, nowMs: number, limits: FaultRuleLimits = DEFAULT_FAULT_RULE_LIMITS): FaultCondition[] {
  const out: FaultCondition[] = [];
  const add = (device: string, code: string, level: FaultCondition['level'], description: string, holdMs = 0): void => {
    out.push({ faultKey: `${device}:${code}`, device, code, level, description, holdMs });
  };

  for (const [device, h] of o.devices) {
    const what = `${device}: ${h.detail ?? h.code ?? h.state}`;
    switch (h.state) {
      case 'ok':
        break;
      case 'degraded':
        // the cabinet's degraded states are judged from its status below
        if (device !== 'cabinet') add(device, h.code ?? 'degraded', 'warning', what);
        break;
      case 'fault':
        add(device, h.code ?? 'fault', 'fault', what);
        break;
      case 'absent':
        add(device, 'absent', 'fault', `${device} not connected (${h.detail ?? h.code ?? 'absent'})`, limits.absentGraceMs);
        break;
    }
  }

  if (o.cardReader) {
    switch (o.cardReader.state) {
      case 'ok':
        break;
      case 'no-reader':
        add('card-reader', 'no-reader', 'fault', 'no card reader connected', limits.absentGraceMs);
        break;
      case 'pcscd-down':
        add('card-reader', 'pcscd-down', 'fault', `PC/SC service down: ${o.cardReader.detail}`, limits.absentGraceMs);
        break;
    }
  }

  if (o.cabinet) {
    if (o.cabinet.door === 'open' && !o.maintenance) add('cabinet', 'door-open', 'fault', 'cabinet door open outside maintenance');
    if (o.cabinet.power === 'battery') add('cabinet', 'on-battery', 'fault', `mains power lost, on battery (${o.cabinet.batteryPercent}%)`);
  }
  const cabinetHealth = o.devices.get('cabinet');
  if (cabinetHealth?.state === 'degraded' && cabinetHealth.code === 'over-temperature') {
    add('cabinet', 'over-temperature', 'fault', `cabinet over temperature (${cabinetHealth.detail ?? '?'})`);
  }

  if (o.oldestPendingAt !== null) {
    const age = nowMs - Date.parse(o.oldestPendingAt);
    if (age > limits.syncStuckMs) add('sync', 'stuck', 'fault', `oldest unsent item is ${Math.round(age / 60_000)} min old`);
  }

  if (o.clockOffsetMs !== null && Math.abs(o.clockOffsetMs) > limits.clockMaxOffsetMs) {
    add('clock', 'offset', 'fault', `kiosk clock is ${Math.round(o.clockOffsetMs / 1000)} s off central`);
  }
  return out;
}
