/**
 * Network delay figures for the jitter buffer, from arrival times and RTP
 * timestamps of one source.
 *
 * - `jitterMs`: the RFC 3550 A.8 interarrival jitter (a 1/16 running mean of
 *   transit-time differences), the figure RTCP and PBXs report.
 * - `baseMs`: the smallest transit seen (arrival minus media time): the
 *   path's fastest delivery, the origin the playout schedule is laid on. It
 *   creeps up slowly between fresh minima so a sender whose clock runs slow
 *   does not leave the schedule anchored to a transit that no longer occurs.
 * - `peakMs`: how much later than the fastest path packets arrive, as a
 *   decaying peak: it jumps up at once on a delay spike (so the next spike of
 *   the same size is absorbed) and decays slowly (so one spike does not cost
 *   latency for the rest of the call). The target playout delay follows it.
 */

export interface DelayEstimatorOptions {
  /** RTP clock ticks per millisecond (8 for G.711). */
  ticksPerMs: number;
  /** Where `peakMs` starts, before anything is observed. */
  initialPeakMs: number;
  /** How fast the peak decays, per packet (0.2 ms at 50 packets/s is 10 ms/s). */
  peakDecayMsPerPacket: number;
  /** How fast the base may creep up, per packet (covers ~200 ppm of clock skew at 50 packets/s). */
  baseCreepMsPerPacket: number;
}

export class DelayEstimator {
  private hasPrev = false;
  private prevTransitTicks = 0;
  private jitterTicks = 0;
  hasBase = false;
  baseMs = 0;
  peakMs: number;

  constructor(private readonly o: DelayEstimatorOptions) {
    this.peakMs = o.initialPeakMs;
  }

  /** Transit of a packet in ms: arrival time minus its media time. */
  transitMs(arrivalMs: number, extTimestamp: number): number {
    return arrivalMs - extTimestamp / this.o.ticksPerMs;
  }

  /** Feeds one packet; returns how much later than the fastest path it came (ms, >= 0). */
  update(arrivalMs: number, extTimestamp: number): number {
    const transitTicks = arrivalMs * this.o.ticksPerMs - extTimestamp;
    if (this.hasPrev) {
      const d = Math.abs(transitTicks - this.prevTransitTicks);
      this.jitterTicks += (d - this.jitterTicks) / 16;
    }
    this.hasPrev = true;
    this.prevTransitTicks = transitTicks;
    const transit = transitTicks / this.o.ticksPerMs;
    this.baseMs = this.hasBase ? Math.min(transit, this.baseMs + this.o.baseCreepMsPerPacket) : transit;
    this.hasBase = true;
    const lateBy = transit - this.baseMs;
    this.peakMs = Math.max(lateBy, this.peakMs - this.o.peakDecayMsPerPacket);
    return lateBy;
  }

  /** RFC 3550 interarrival jitter in ms. */
  get jitterMs(): number {
    return this.jitterTicks / this.o.ticksPerMs;
  }

  /** Forgets the source; the peak restarts at `peakMs` (the current target, so latency does not jump). */
  reset(peakMs: number): void {
    this.hasPrev = false;
    this.hasBase = false;
    this.jitterTicks = 0;
    this.peakMs = peakMs;
  }
}
