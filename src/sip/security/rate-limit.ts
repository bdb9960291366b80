/**
 * Token bucket per source IP. Over the limit we DROP silently rather than
 * answer 503: a UDP source can be spoofed, and answering every flooded request
 * would turn us into a reflector for someone else's address. The table is
 * bounded (oldest entries evicted), so spoofed sources cannot exhaust memory;
 * an evicted source just starts again with a full bucket.
 */
export interface RateLimitOptions {
  /** Sustained messages per second per source; 0 disables limiting. */
  perSecond: number;
  /** Bucket size: how many messages a source may send in a burst. */
  burst: number;
  /** Most sources tracked at once. */
  maxSources?: number;
  /** Monotonic milliseconds (tests inject a fake). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxSources: number;
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.maxSources = options.maxSources ?? 10_000;
    this.now = options.now ?? (() => performance.now());
  }

  /** Takes one token for `source`; false means over the limit (drop the message). */
  take(source: string): boolean {
    if (this.options.perSecond <= 0) return true;
    const now = this.now();
    let bucket = this.buckets.get(source);
    if (bucket) {
      bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond);
      bucket.at = now;
      // Re-insert so Map order is least-recently-seen first (eviction order).
      this.buckets.delete(source);
    } else {
      bucket = { tokens: this.options.burst, at: now };
      if (this.buckets.size >= this.maxSources) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    }
    this.buckets.set(source, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Sources currently tracked (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }
}
