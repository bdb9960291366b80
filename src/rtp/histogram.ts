/**
 * A fixed-bin histogram of milliseconds, for pacer lateness and send
 * intervals. Recording is one array increment (it runs every tick of every
 * call), memory is fixed, percentiles are read at the end, and histograms of
 * many sessions merge exactly (the benchmark's fleet-wide percentiles).
 */

export interface HistogramSummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
}

export class MsHistogram {
  private readonly bins: Uint32Array;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  /** Bins of `binMs` up to `rangeMs`; anything above lands in the last bin (max stays exact). */
  constructor(readonly binMs = 0.1, readonly rangeMs = 200) {
    this.bins = new Uint32Array(Math.ceil(rangeMs / binMs) + 1);
  }

  record(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    let i = Math.floor(v / this.binMs);
    if (i >= this.bins.length) i = this.bins.length - 1;
    this.bins[i]!++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** The upper edge of the bin holding the p-th percentile (never above the exact max). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.bins.length; i++) {
      seen += this.bins[i]!;
      if (seen >= rank) return Math.min((i + 1) * this.binMs, this.max);
    }
    return this.max;
  }

  /** Forgets everything recorded (a benchmark's warm-up). */
  reset(): void {
    this.bins.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  /** Adds another histogram of the same shape into this one. */
  merge(other: MsHistogram): void {
    if (other.binMs !== this.binMs || other.bins.length !== this.bins.length) throw new RangeError("histograms differ in shape");
    for (let i = 0; i < this.bins.length; i++) this.bins[i]! += other.bins[i]!;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  summary(): HistogramSummary {
    const r = (n: number) => Math.round(n * 100) / 100;
    return {
      count: this.count,
      meanMs: this.count === 0 ? 0 : r(this.sum / this.count),
      p50Ms: r(this.percentile(50)),
      p95Ms: r(this.percentile(95)),
      p99Ms: r(this.percentile(99)),
      minMs: this.count === 0 ? 0 : r(this.min),
      maxMs: this.count === 0 ? 0 : r(this.max),
    };
  }
}
