/** A file as last seen. */
interface Seen {
  size: number;
  mtimeMs: number;
  /** Monotonic ms when this size and mtime were first seen. */
  since: number;
}

/**
 * Tells when a file has stopped changing: the same size and mtime for at
 * least `stableMs` of monotonic time, over two or more looks. Forgets files
 * that were not looked at in the last scan.
 */
export class StabilityTracker {
  private seen = new Map<string, Seen>();
  private looked = new Set<string>();

  constructor(private readonly stableMs: number) {}

  /** Records a look; returns how long (ms) the file has been unchanged, 0 on the first look or after a change. */
  observe(path: string, size: number, mtimeMs: number, now: number): number {
    this.looked.add(path);
    const before = this.seen.get(path);
    if (!before || before.size !== size || before.mtimeMs !== mtimeMs) {
      this.seen.set(path, { size, mtimeMs, since: now });
      return 0;
    }
    return now - before.since;
  }

  /** True when unchanged for at least stableMs. */
  isStable(path: string, size: number, mtimeMs: number, now: number): boolean {
    return this.observe(path, size, mtimeMs, now) >= this.stableMs;
  }

  /** Ends a scan: files not looked at since the last call are forgotten. */
  sweep(): void {
    for (const path of this.seen.keys()) if (!this.looked.has(path)) this.seen.delete(path);
    this.looked = new Set();
  }
}
