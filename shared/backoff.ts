/**
 * Capped exponential back-off, the one rule every retry loop in the product uses (sync, serial
 * reconnect, the card reader host restart, the call socket, the UI socket). Retry number `n`
 * (1 after the first failure) has the ceiling `min(capMs, baseMs·2^(n−1))`; the jitter says
 * how the delay is drawn under it.
 */
export interface BackoffPolicy {
  /** Ceiling of the first retry's delay. */
  readonly baseMs: number;
  /** Largest ceiling, however many failures in a row. */
  readonly capMs: number;
  /**
   * - `full` (default): uniform in [0, ceiling), whole milliseconds — many clients spread out;
   * - `equal`: uniform in [ceiling/2, ceiling) — never retries at once, still spread;
   * - `spread`: ceiling ×0.8 to ×1.2 — about the ceiling, not in step with a twin;
   * - `none`: the ceiling itself.
   */
  readonly jitter?: 'full' | 'equal' | 'spread' | 'none';
}

/** Ceiling of retry number `retry` (1-based; 0 and below count as 1). */
export function backoffCeiling(retry: number, policy: BackoffPolicy): number {
  const exp = Math.min(30, Math.max(0, retry - 1));
  return Math.min(policy.capMs, policy.baseMs * 2 ** exp);
}

/** Delay before retry number `retry` (1 after the first failure). `random` returns [0, 1). */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(retry, policy);
  switch (policy.jitter ?? 'full') {
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return ceiling / 2 + random() * (ceiling / 2);
    case 'spread':
      return ceiling * (0.8 + random() * 0.4);
    case 'none':
      return ceiling;
  }
}
