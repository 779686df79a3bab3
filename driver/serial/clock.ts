/** Wall clock for health timestamps; tests inject their own. */
export interface DeviceClock {
  now(): Date;
}

export const systemClock: DeviceClock = { now: () => new Date() };
