/**
 * The end of the caller's turn as audio: a ring of the last `windowMs` of
 * samples (what the turn model reads), started again when a turn is taken,
 * so a prediction hears this turn and not the one before.
 */
export class TurnAudio {
  private readonly ring: Float32Array;
  private write = 0;
  private filled = 0;

  constructor(
    readonly sampleRate: number,
    windowMs: number,
  ) {
    this.ring = new Float32Array(Math.max(1, Math.round((sampleRate * windowMs) / 1000)));
  }

  push(samples: Float32Array): void {
    const n = this.ring.length;
    // Only the newest window's worth of a long push can survive.
    const src = samples.length > n ? samples.subarray(samples.length - n) : samples;
    const first = Math.min(src.length, n - this.write);
    this.ring.set(src.subarray(0, first), this.write);
    if (first < src.length) this.ring.set(src.subarray(first), 0);
    this.write = (this.write + src.length) % n;
    this.filled = Math.min(n, this.filled + src.length);
  }

  /**
   * The held audio, oldest first (a copy: it travels to the model's worker). With `extendMs`, that much more
   * follows it: a copy of its own last `extendMs` (at most all of it), so a pause can be heard as a little longer
   * than it has lasted yet, its own background standing in for what is still to come.
   */
  snapshot(extendMs = 0): Float32Array {
    const n = this.ring.length;
    const out = new Float32Array(this.filled);
    const start = (this.write - this.filled + n) % n;
    const first = Math.min(this.filled, n - start);
    out.set(this.ring.subarray(start, start + first), 0);
    if (first < this.filled) out.set(this.ring.subarray(0, this.filled - first), first);
    return extendMs > 0 ? withPauseMadeLonger(out, this.sampleRate, extendMs) : out;
  }

  get durationMs(): number {
    return (this.filled * 1000) / this.sampleRate;
  }

  /** A turn was taken: the next one starts from here. */
  reset(): void {
    this.write = 0;
    this.filled = 0;
  }
}

/**
 * `samples` (the audio of a turn in a pause) followed by a copy of their own last `extendMs` (at most all of them):
 * the pause heard as that much longer, its own background standing in for what is still to come (pause-plan.ts).
 */
export function withPauseMadeLonger(samples: Float32Array, sampleRate: number, extendMs: number): Float32Array {
  const extra = Math.min(samples.length, Math.max(0, Math.round((extendMs * sampleRate) / 1000)));
  const out = new Float32Array(samples.length + extra);
  out.set(samples, 0);
  out.set(samples.subarray(samples.length - extra), samples.length);
  return out;
}
