/**
 * Counts requests per key (a client address) in fixed windows. Memory stays bounded: the
 * counts are dropped at each new window, and beyond `maxKeys` distinct keys in one window
 * every new key is refused until the window ends (a flood of addresses cannot grow the map).
 */
export class FixedWindowLimiter {
  private counts = new Map<string, number>();
  private windowStart = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** null when allowed; otherwise the ms until the window ends. */
  take(key: string): number | null {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs || t < this.windowStart) {
      this.windowStart = t;
      this.counts = new Map();
    }
    const n = this.counts.get(key);
    if (n === undefined && this.counts.size >= this.maxKeys) return this.windowStart + this.windowMs - t;
    if ((n ?? 0) >= this.limit) return this.windowStart + this.windowMs - t;
    this.counts.set(key, (n ?? 0) + 1);
    return null;
  }
}
