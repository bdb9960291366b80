/**
 * A time-weighted moving average of a delay that fades back to zero when no
 * samples come: a queue that stopped being used is not a queue that is still
 * full. Used for the engines' queueing delays, which decide call admission, so
 * a burst long past must not keep refusing calls.
 *
 * `halfLifeMs` sets both how fast new samples take over and how fast an idle
 * value fades: after one half-life without samples the value is halved.
 */
export class DecayingAverage {
  private value = 0;
  private at = -Infinity;

  constructor(
    private readonly halfLifeMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Adds one observation (a delay in ms, or any non-negative quantity). */
  sample(v: number): void {
    const t = this.now();
    if (this.at === -Infinity) {
      this.value = v;
    } else {
      // Each sample weighs as much as the time it stands for, but never less than a tenth, so bursts still register.
      const w = Math.max(0.1, 1 - this.decayFactor(t - this.at));
      this.value = this.faded(t) + w * (v - this.faded(t));
    }
    this.at = t;
  }

  /** The current average, faded for the time since the last sample. */
  get current(): number {
    return this.at === -Infinity ? 0 : this.faded(this.now());
  }

  private faded(t: number): number {
    return this.value * this.decayFactor(t - this.at);
  }

  private decayFactor(elapsedMs: number): number {
    return elapsedMs <= 0 ? 1 : Math.pow(0.5, elapsedMs / this.halfLifeMs);
  }
}
