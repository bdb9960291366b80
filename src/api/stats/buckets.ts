/** One bucket of a plot: its start (ms), how many calls and voicemails began in it, and the turns' reply latency. */
export interface Bucket {
  start: number;
  calls: number;
  voicemails: number;
  /** Timed turns in the bucket, and the 50th and 95th percentile of their reply latency (null without turns). */
  turns: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** The starts of the last `count` hours, oldest first, the last one holding `now`. */
export function hourStarts(now: number, count: number): number[] {
  const d = new Date(now);
  d.setMinutes(0, 0, 0);
  const out: number[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(d.getTime() - i * 3_600_000);
  return out;
}

/** The starts of the last `count` days in the server's time zone (midnight, whatever a DST change did), oldest first. */
export function dayStarts(now: number, count: number): number[] {
  const out: number[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(now);
    d.setDate(d.getDate() - i);
    d.setHours(0, 0, 0, 0);
    out.push(d.getTime());
  }
  return out;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Index of the bucket holding `t` (starts ascending), or -1 before the first. */
function bucketOf(starts: number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= t) ((found = mid), (lo = mid + 1));
    else hi = mid - 1;
  }
  return found;
}

/** Buckets from the raw times: calls and voicemails counted, turn latencies reduced to p50 and p95. */
export function bucketize(
  starts: number[],
  data: { calls: number[]; voicemails: number[]; turns: { t: number; ms: number }[] },
): Bucket[] {
  const calls = starts.map(() => 0);
  const voicemails = starts.map(() => 0);
  const latencies: number[][] = starts.map(() => []);
  for (const t of data.calls) if (bucketOf(starts, t) >= 0) calls[bucketOf(starts, t)]! += 1;
  for (const t of data.voicemails) if (bucketOf(starts, t) >= 0) voicemails[bucketOf(starts, t)]! += 1;
  for (const x of data.turns) {
    const i = bucketOf(starts, x.t);
    if (i >= 0) latencies[i]!.push(x.ms);
  }
  return starts.map((start, i) => {
    const sorted = latencies[i]!.sort((a, b) => a - b);
    return {
      start,
      calls: calls[i]!,
      voicemails: voicemails[i]!,
      turns: sorted.length,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
    };
  });
}
