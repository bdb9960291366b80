/**
 * A fixed-bin histogram of milliseconds, for pacer lateness and send
 * intervals. Recording is one array increment (it runs every tick of every
 * call), memory is fixed, percentiles are read at the end, and histograms of
 * many sessions merge exactly (the benchmark's fleet-wide percentiles).
 *
 * Its storage may be a SharedArrayBuffer: the media worker records, and the
 * main thread reads the same memory (percentiles, merges) without a message.
 * Only one thread writes; a reader may see a record half applied (a bin
 * counted before `count`), which a diagnostic figure can afford.
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

const COUNT = 0;
const SUM = 1;
const MIN = 2;
const MAX = 3;
const META_BYTES = 4 * 8;

export class MsHistogram {
  private readonly bins: Uint32Array;
  /** count, sum, min, max. */
  private readonly meta: Float64Array;
  readonly buffer: ArrayBufferLike;

  /**
   * Bins of `binMs` up to `rangeMs`; anything above lands in the last bin
   * (max stays exact). `storage` (from `bytesFor`) shares the figures with
   * another thread; a fresh buffer otherwise.
   */
  constructor(
    readonly binMs = 0.1,
    readonly rangeMs = 200,
    storage?: ArrayBufferLike,
    byteOffset = 0,
  ) {
    const nBins = Math.ceil(rangeMs / binMs) + 1;
    this.buffer = storage ?? new ArrayBuffer(MsHistogram.bytesFor(binMs, rangeMs));
    this.meta = new Float64Array(this.buffer, byteOffset, 4);
    this.bins = new Uint32Array(this.buffer, byteOffset + META_BYTES, nBins);
    if (storage === undefined) this.reset();
  }

  /** Bytes of storage a histogram of this shape needs (a multiple of 8). */
  static bytesFor(binMs = 0.1, rangeMs = 200): number {
    const nBins = Math.ceil(rangeMs / binMs) + 1;
    return META_BYTES + Math.ceil((nBins * 4) / 8) * 8;
  }

  get count(): number {
    return this.meta[COUNT]!;
  }

  get sum(): number {
    return this.meta[SUM]!;
  }

  get min(): number {
    return this.meta[MIN]!;
  }

  get max(): number {
    return this.meta[MAX]!;
  }

  record(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    let i = Math.floor(v / this.binMs);
    if (i >= this.bins.length) i = this.bins.length - 1;
    const m = this.meta;
    this.bins[i]!++;
    m[SUM]! += v;
    if (v < m[MIN]!) m[MIN] = v;
    if (v > m[MAX]!) m[MAX] = v;
    m[COUNT]!++;
  }

  /** The upper edge of the bin holding the p-th percentile (never above the exact max). */
  percentile(p: number): number {
    const count = this.count;
    if (count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * count));
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
    this.meta[COUNT] = 0;
    this.meta[SUM] = 0;
    this.meta[MIN] = Infinity;
    this.meta[MAX] = -Infinity;
  }

  /** Adds another histogram of the same shape into this one. */
  merge(other: MsHistogram): void {
    if (other.binMs !== this.binMs || other.bins.length !== this.bins.length)
      throw new RangeError("histograms differ in shape");
    for (let i = 0; i < this.bins.length; i++) this.bins[i]! += other.bins[i]!;
    const m = this.meta;
    m[COUNT]! += other.count;
    m[SUM]! += other.sum;
    if (other.min < m[MIN]!) m[MIN] = other.min;
    if (other.max > m[MAX]!) m[MAX] = other.max;
  }

  summary(): HistogramSummary {
    const r = (n: number) => Math.round(n * 100) / 100;
    const count = this.count;
    return {
      count,
      meanMs: count === 0 ? 0 : r(this.sum / count),
      p50Ms: r(this.percentile(50)),
      p95Ms: r(this.percentile(95)),
      p99Ms: r(this.percentile(99)),
      minMs: count === 0 ? 0 : r(this.min),
      maxMs: count === 0 ? 0 : r(this.max),
    };
  }
}
