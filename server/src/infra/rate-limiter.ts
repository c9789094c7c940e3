/**
 * In-memory token buckets keyed by caller (per socket, per login identity).
 *
 * Memory is bounded: at most `maxKeys` buckets. The Map is kept in least-recently-used order (a
 * key is re-inserted on every use), so the oldest entries come first. Every `PRUNE_EVERY_MS` at
 * most, buckets idle long enough to be full again are dropped (walking from the oldest, stopping
 * at the first one still in use — dropping a full bucket changes nothing); when the Map is still
 * over the cap, the least recently used buckets are evicted. Every call is O(1) amortised.
 */
export const RATE_LIMITER_MAX_KEYS = 50_000;
/** A bucket unused for this long (or longer, if it needs longer to refill) is forgotten. */
export const RATE_LIMITER_IDLE_MS = 60_000;
/** Stale buckets are looked for at most this often. */
export const RATE_LIMITER_PRUNE_EVERY_MS = 5_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly idleMs: number;
  private lastPruneAt = Number.NEGATIVE_INFINITY;

  /** `ratePerSecond` tokens refill per second up to `burst`; at most `maxKeys` callers are remembered. */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxKeys = RATE_LIMITER_MAX_KEYS,
  ) {
    // Never forget a bucket before it has refilled completely, or forgetting would hand out tokens.
    const refillMs = ratePerSecond > 0 ? Math.ceil((burst / ratePerSecond) * 1000) : Number.POSITIVE_INFINITY;
    this.idleMs = Math.max(RATE_LIMITER_IDLE_MS, refillMs);
  }

  /** Take one token; false when the caller must slow down. */
  take(key: string, nowMs = Date.now()): boolean {
    const bucket = this.touch(key, nowMs);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.maintain(nowMs);
    return allowed;
  }

  /** Give back one token taken by `take` (e.g. an attempt that turned out not to count). */
  refund(key: string, nowMs = Date.now()): void {
    if (!this.buckets.has(key)) return; // forgotten: it starts full anyway
    const bucket = this.touch(key, nowMs);
    bucket.tokens = Math.min(this.burst, bucket.tokens + 1);
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  /** How many callers are remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** The key's bucket, refilled to `nowMs` and moved to the most recently used end. */
  private touch(key: string, nowMs: number): Bucket {
    const existing = this.buckets.get(key);
    let bucket: Bucket;
    if (existing) {
      this.buckets.delete(key);
      const elapsed = Math.max(0, nowMs - existing.at);
      bucket = { tokens: Math.min(this.burst, existing.tokens + (elapsed / 1000) * this.ratePerSecond), at: nowMs };
    } else {
      bucket = { tokens: this.burst, at: nowMs };
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  private maintain(nowMs: number): void {
    if (nowMs - this.lastPruneAt >= RATE_LIMITER_PRUNE_EVERY_MS || nowMs < this.lastPruneAt) {
      this.lastPruneAt = nowMs;
      this.pruneStale(nowMs);
    }
    // Still too many: evict the least recently used (the first in insertion order).
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
  }

  /** Drop idle buckets from the oldest end; stop at the first one used recently. */
  private pruneStale(nowMs: number): void {
    for (const [key, b] of this.buckets) {
      if (nowMs - b.at <= this.idleMs) break;
      this.buckets.delete(key);
    }
  }
}
