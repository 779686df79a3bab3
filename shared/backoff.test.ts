import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 1000, capMs: 60_000 };
  it('doubles the ceiling per failure up to the cap', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 7, 8, 50].map((n) => backoffDelay(n, policy, top))).toEqual([999, 1999, 3999, 7999, 59_999, 59_999, 59_999]);
    expect([0, 1, 2, 3, 6, 7, 1000].map((n) => backoffCeiling(n, policy))).toEqual([1000, 1000, 2000, 4000, 32_000, 60_000, 60_000]);
  });
  it('is full jitter by default: any value in [0, ceiling) and never negative or above the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failures, r) => {
        const d = backoffDelay(failures, policy, () => r);
        return d >= 0 && d < policy.capMs && Number.isInteger(d);
      }),
    );
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
  });
  it('draws equal jitter from the upper half, spread jitter around the ceiling, and none as the ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, r) => {
        const c = backoffCeiling(retry, policy);
        const equal = backoffDelay(retry, { ...policy, jitter: 'equal' }, () => r);
        const spread = backoffDelay(retry, { ...policy, jitter: 'spread' }, () => r);
        return equal >= c / 2 && equal <= c && spread >= 0.8 * c && spread <= 1.2 * c && backoffDelay(retry, { ...policy, jitter: 'none' }, () => r) === c;
      }),
    );
    expect(backoffDelay(1, { baseMs: 500, capMs: 4000, jitter: 'none' })).toBe(500);
    expect(backoffDelay(5, { baseMs: 500, capMs: 4000, jitter: 'none' })).toBe(4000);
  });
});
