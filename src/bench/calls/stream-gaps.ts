/**
 * What a phone would hear of the agent's RTP stream, from each packet's
 * arrival time and RTP timestamp: slots with nothing to play (gaps), and the
 * interarrival jitter.
 *
 * The phone's playout runs PLAYOUT_DELAY_MS behind the stream's most punctual
 * packet. While the agent talks, a slot it never sent (its timestamp jumped:
 * the server's sender moves it over the slots a stall skipped) plays nothing,
 * and a packet later than the playout delay missed its slot: each counts one.
 * A packet the bench's caller read late (its event loop was busy) is late
 * here too, but only by as much as a phone's own playout would have noticed.
 * `intervalGaps` keeps the older, stricter count: intervals over 40 ms
 * between packets, which a caller reading 20 ms late already makes.
 */
export class StreamGaps {
  gaps = 0;
  intervalGaps = 0;
  /** RFC 3550 interarrival jitter (A.8), ms. */
  jitterMs = 0;
  /** The stream the timeline figures belong to: a new SSRC starts them again. */
  private ssrc: number | null = null;
  private lastArrival = 0;
  private lastTransit = 0;
  private lastTimestamp = 0;
  /** The media time of the last packet (ms), unwrapped: the 32-bit timestamp wraps every 6.2 days of 8 kHz. */
  private mediaMs = 0;
  /** The smallest arrival time less media time seen: the most punctual packet, which the playout is set by. */
  private minTransit = Infinity;

  /** A packet heard at `now` (ms); `talking`: the one before it was audible speech. */
  packet(now: number, ssrc: number, timestamp: number, talking: boolean): void {
    // The step from the last timestamp, signed and across the wrap. A new stream, or a step back or of more than
    // MAX_GAP_SLOTS forward (a new timeline on the same stream), starts the figures again rather than count a gap.
    let step = (timestamp - this.lastTimestamp) | 0;
    if (ssrc !== this.ssrc || step < 0 || step > MAX_GAP_SLOTS * FRAME_SAMPLES) {
      this.ssrc = ssrc;
      this.minTransit = Infinity;
      this.lastArrival = 0;
      step = 0;
    }
    this.mediaMs += step / SAMPLES_PER_MS;
    const transit = now - this.mediaMs;
    if (this.lastArrival) {
      this.jitterMs += (Math.abs(transit - this.lastTransit) - this.jitterMs) / 16;
      if (talking) this.countGaps(now, step, transit);
    }
    this.minTransit = Math.min(this.minTransit, transit);
    this.lastArrival = now;
    this.lastTransit = transit;
    this.lastTimestamp = timestamp;
  }

  private countGaps(now: number, step: number, transit: number): void {
    const slots = Math.round(step / FRAME_SAMPLES);
    if (slots > 1) this.gaps += slots - 1;
    if (transit - this.minTransit > PLAYOUT_DELAY_MS) this.gaps++;
    const interval = now - this.lastArrival;
    if (interval > 2 * FRAME_MS) this.intervalGaps += Math.round(interval / FRAME_MS) - 1;
  }
}

const SAMPLES_PER_MS = 8;
const FRAME_MS = 20;
const FRAME_SAMPLES = FRAME_MS * SAMPLES_PER_MS;
/**
 * Two frames: a small fixed jitter buffer, and the lateness the server's pacer allows a late tick before it skips
 * slots (src/rtp/pacer.ts), which a receiver is meant to absorb.
 */
export const PLAYOUT_DELAY_MS = 40;
/** 10 s of slots. */
const MAX_GAP_SLOTS = 500;
