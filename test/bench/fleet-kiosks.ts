// The sync benchmark's fleet: who the kiosks are and where they stand, shared by the load
// (test/bench/sync.ts) and the central instance that registers them (test/bench/sync-central.ts).
import { kioskIdentity } from '../support/kiosk-writer-harness.js';

export type FleetKioskIdentity = ReturnType<typeof kioskIdentity>;

/**
 * Kiosk `n` of a fleet with `perStation` kiosks at each station (a metro network: a few kiosks a
 * station, hundreds of stations). 0 puts every kiosk at one station: the busiest case for what
 * central keeps per station (the day's ticket counts, a station's problems), where every batch
 * of the fleet takes the same station's locks.
 */
export function fleetKiosk(n: number, perStation: number): FleetKioskIdentity {
  const k = kioskIdentity(n);
  return perStation > 0 ? { ...k, stationId: `BENCH-S${String(Math.floor(n / perStation)).padStart(4, '0')}` } : k;
}
