import type { DeviceHealth, DeviceHealthState } from '../../shared/devices.js';
import type { DeviceClock } from './clock.js';

/** Holds one device's health; `since` changes only when state or code changes. */
export class HealthTracker {
  private current: DeviceHealth;

  constructor(
    private readonly clock: DeviceClock,
    private readonly onChange: (health: DeviceHealth) => void,
  ) {
    this.current = { state: 'absent', code: 'not-started', detail: 'not started', since: clock.now().toISOString() };
  }

  get value(): DeviceHealth {
    return this.current;
  }

  set(state: DeviceHealthState, code: string | null, detail: string | null): void {
    if (this.current.state === state && this.current.code === code) return;
    this.current = { state, code, detail, since: this.clock.now().toISOString() };
    this.onChange(this.current);
  }
}
