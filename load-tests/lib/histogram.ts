/**
 * A small log-bucketed latency histogram: constant memory, mergeable across worker processes,
 * ≤ 0.25 % relative error on percentiles; count, sum, min and max are exact.
 * Values are milliseconds (fractions allowed); negative values are clamped to 0.
 */

/** Buckets per natural-log unit: neighbouring bucket bounds differ by e^(1/200) ≈ 0.5 %. */
const SCALE = 200;

export interface HistogramData {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** [bucket, count] pairs. */
  buckets: [number, number][];
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class Histogram {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  private buckets = new Map<number, number>();

  record(ms: number): void {
    const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.count += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    // µs resolution below 1 ms; log buckets above.
    const key = Math.round(Math.log1p(v * 1000) * SCALE);
    this.buckets.set(key, (this.buckets.get(key) ?? 0) + 1);
  }

  /** Value at quantile q (0…1), in ms. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    const keys = [...this.buckets.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const key of keys) {
      seen += this.buckets.get(key)!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, Math.expm1(key / SCALE) / 1000));
    }
    return this.max;
  }

  merge(other: Histogram | HistogramData): this {
    const data = other instanceof Histogram ? other.toJSON() : other;
    if (data.count === 0) return this;
    this.count += data.count;
    this.sum += data.sum;
    this.min = Math.min(this.min, data.min);
    this.max = Math.max(this.max, data.max);
    for (const [key, n] of data.buckets) this.buckets.set(key, (this.buckets.get(key) ?? 0) + n);
    return this;
  }

  summary(): LatencySummary {
    const r = (x: number) => Math.round(x * 100) / 100;
    return {
      count: this.count,
      mean: r(this.count ? this.sum / this.count : 0),
      p50: r(this.quantile(0.5)),
      p95: r(this.quantile(0.95)),
      p99: r(this.quantile(0.99)),
      max: r(this.max),
    };
  }

  toJSON(): HistogramData {
    return {
      count: this.count,
      sum: this.sum,
      min: this.count ? this.min : 0,
      max: this.max,
      buckets: [...this.buckets.entries()],
    };
  }

  static from(data: HistogramData | undefined): Histogram {
    const h = new Histogram();
    if (data) h.merge(data);
    return h;
  }
}

/** A named set of histograms that merges by name. */
export type HistogramSet = Record<string, HistogramData>;

export function mergeSets(sets: (HistogramSet | undefined)[]): Record<string, Histogram> {
  const out: Record<string, Histogram> = {};
  for (const set of sets) {
    if (!set) continue;
    for (const [name, data] of Object.entries(set)) (out[name] ??= new Histogram()).merge(data);
  }
  return out;
}

export function addCounts(
  target: Record<string, number>,
  source: Record<string, number> | undefined,
): Record<string, number> {
  if (source) for (const [k, v] of Object.entries(source)) target[k] = (target[k] ?? 0) + v;
  return target;
}
