/** In-memory token buckets keyed by caller (per socket, per login identity). */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();

  /** `ratePerSecond` tokens refill per second up to `burst`. */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** Take one token; false when the caller must slow down. */
  take(key: string, nowMs = Date.now()): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 50_000) this.prune(nowMs);
    return allowed;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  private prune(nowMs: number): void {
    for (const [key, b] of this.buckets) if (nowMs - b.at > 60_000) this.buckets.delete(key);
  }
}
