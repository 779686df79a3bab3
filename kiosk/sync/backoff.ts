/** Capped exponential back-off with full jitter: a delay drawn uniformly from [0, min(cap, base·2^(n−1))). */
export interface BackoffPolicy {
  /** Ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** Largest ceiling, however many failures in a row. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000 };

/** Delay before retry number `failures` (1 after the first failure). `random` returns [0, 1). */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  const exp = Math.min(30, Math.max(0, failures - 1));
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exp);
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as ms from `nowMs`: delta-seconds or an HTTP date. Null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
