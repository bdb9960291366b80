/** How failed attempts are spaced out. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** 0..1: the share of the delay that is randomised. */
  jitter: number;
}

/**
 * The one retry formula. After attempt n (1-based) failed:
 *
 *     ceiling(n) = min(maxMs, baseMs * 2^(n-1))
 *     delay(n)   = ceiling(n) * (1 - jitter * r),   r uniform in [0, 1)
 *
 * rounded to the millisecond, so delay(n) lies in [ceiling * (1 - jitter), ceiling]. The jitter spreads
 * retries of jobs that failed together (a model reload, a webhook endpoint
 * down) so they do not come back as one burst; keeping the upper bound at the
 * ceiling means a retry never comes later than the plain exponential schedule.
 * With the defaults (5 s, 1 h, 0.5): 2.5-5 s, 5-10 s, 10-20 s, ... up to 30-60 min.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, attempt - 1), 52);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling * (1 - policy.jitter * random()));
}
