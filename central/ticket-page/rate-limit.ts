import { isIPv4, isIPv6 } from 'node:net';

/**
 * The bucket a client address counts against: an IPv4 address (also when written IPv4-mapped,
 * `::ffff:192.0.2.1`) on its own, an IPv6 address by its /64 (one household or host usually has a
 * whole /64, so counting single IPv6 addresses would let one client take 2^64 buckets).
 */
export function clientBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIPv4(address) || !isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::') as [string?, string?];
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  // An embedded IPv4 tail (`…:192.0.2.1`) is two groups; it sits in the low 64 bits, which the bucket drops.
  const rightGroups = right.length + (right.at(-1)?.includes('.') ? 1 : 0);
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - rightGroups)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Counts requests per key (a client bucket) in fixed windows. Memory stays bounded: the counts
 * are dropped at each new window, and beyond `maxKeys` distinct keys in one window the key seen
 * first in that window is forgotten to make room, so a flood of new addresses cannot lock out
 * everyone else (it only shortens how long an old bucket is remembered).
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
    if ((n ?? 0) >= this.limit) return this.windowStart + this.windowMs - t;
    if (n === undefined && this.counts.size >= this.maxKeys) {
      const oldest = this.counts.keys().next();
      if (!oldest.done) this.counts.delete(oldest.value);
    }
    this.counts.set(key, (n ?? 0) + 1);
    return null;
  }

  /** How many keys are tracked in this window (for tests and metrics). */
  get size(): number {
    return this.counts.size;
  }
}
