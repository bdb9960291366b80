/**
 * Adaptive jitter buffer for one inbound audio stream. Pure: packets and
 * times in, 20 ms PCM frames out; no sockets or timers, so every case is a
 * unit test.
 *
 * Audio is kept in a ring of decoded samples indexed by RTP timestamp
 * (modulo a power of two), with a presence flag per sample. Reordering is
 * therefore free (a packet lands where its timestamp says), any packet time
 * works (10, 20, 30 ms...), and memory is fixed by `maxDelayMs`.
 *
 * Playout follows the sender's media clock laid on our clock: the frame
 * starting at timestamp T is due at `base + T/rate + target`, where `base` is
 * the fastest transit seen and `target` follows the observed delay peak
 * between `minDelayMs` and `maxDelayMs` (see DelayEstimator). The session
 * asks `due(now)` every tick and pulls as many frames as are due, so a
 * change of target changes latency only: no audio is skipped or stretched to
 * adapt, which is what an ASR consumer wants.
 *
 * A packet whose samples are already played out is late and dropped. A
 * missing frame is concealed by the previous one at half amplitude, once,
 * then silence. A new SSRC, a timestamp jump of more than `resetAfterMs`, or
 * a run of late packets (the sender stepped its clock back) resets the buffer.
 */
import { type PayloadDecoder, RTP_CLOCK_RATE } from "./codec.js";
import { DelayEstimator } from "./delay-estimator.js";
import { SequenceTracker } from "./sequence.js";

export interface JitterBufferOptions {
  decoder: PayloadDecoder;
  minDelayMs: number;
  maxDelayMs: number;
  initialDelayMs: number;
  /** Samples per output frame; 160 (20 ms at 8 kHz) unless told. */
  frameSamples?: number;
  clockRate?: number;
  /** Largest packet accepted, in samples; 480 (60 ms) unless told. */
  maxPacketSamples?: number;
  /** A transit change larger than this is a timestamp jump, not network delay: reset. 1000 ms unless told. */
  resetAfterMs?: number;
  /** This many late packets in a row mean the sender stepped back: reset. 10 unless told. */
  resetAfterLatePackets?: number;
  /** Decay of the delay peak per packet; 0.2 ms unless told. */
  peakDecayMsPerPacket?: number;
}

/** What happened to a pushed packet. */
export type JitterPushResult = "stored" | "duplicate" | "late" | "too_early" | "oversize" | "probation";

/** What a pulled frame holds. */
export type JitterFrameKind = "audio" | "partial" | "concealed" | "silence";

/** Counters, cumulative over resets. */
export interface JitterBufferCounters {
  stored: number;
  duplicates: number;
  late: number;
  tooEarly: number;
  oversize: number;
  resets: number;
  framesOut: number;
  partialFrames: number;
  concealedFrames: number;
}

export class JitterBuffer {
  private decoder: PayloadDecoder;
  private readonly frameSamples: number;
  private readonly ticksPerMs: number;
  private readonly maxPacketSamples: number;
  private readonly resetAfterMs: number;
  private readonly resetAfterLate: number;
  private readonly ring: Int16Array;
  private readonly present: Uint8Array;
  private readonly mask: number;
  private readonly last: Int16Array;
  private readonly seq = new SequenceTracker();
  private readonly est: DelayEstimator;
  private ssrc = -1;
  private hasRef = false;
  private refRawTs = 0;
  private refExtTs = 0;
  /** End (exclusive) of the newest stored packet. */
  private newestEnd = 0;
  private started = false;
  private emitted = false;
  private playTs = 0;
  private hasLast = false;
  private concealRun = 0;
  private lateRun = 0;
  /**
   * Set by the session while it reads datagrams that waited on our own
   * blocked event loop: they are stored as usual but not taken as evidence of
   * network jitter (that delay was ours). Cleared at the next playout.
   */
  localStall = false;
  readonly counters: JitterBufferCounters = {
    stored: 0,
    duplicates: 0,
    late: 0,
    tooEarly: 0,
    oversize: 0,
    resets: 0,
    framesOut: 0,
    partialFrames: 0,
    concealedFrames: 0,
  };

  constructor(private readonly o: JitterBufferOptions) {
    if (!(o.minDelayMs >= 0 && o.minDelayMs <= o.initialDelayMs && o.initialDelayMs <= o.maxDelayMs)) {
      throw new RangeError(
        `jitter buffer delays must satisfy 0 <= min <= initial <= max (got ${o.minDelayMs}, ${o.initialDelayMs}, ${o.maxDelayMs})`,
      );
    }
    this.decoder = o.decoder;
    this.frameSamples = o.frameSamples ?? 160;
    this.ticksPerMs = (o.clockRate ?? RTP_CLOCK_RATE) / 1000;
    this.maxPacketSamples = o.maxPacketSamples ?? 480;
    this.resetAfterMs = o.resetAfterMs ?? 1000;
    this.resetAfterLate = o.resetAfterLatePackets ?? 10;
    // Room for the deepest delay plus a few packets of early arrivals, rounded up to a power of two.
    const need = (o.maxDelayMs + 300) * this.ticksPerMs + this.maxPacketSamples;
    let size = 1024;
    while (size < need) size *= 2;
    this.ring = new Int16Array(size);
    this.present = new Uint8Array(size);
    this.mask = size - 1;
    this.last = new Int16Array(this.frameSamples);
    this.est = new DelayEstimator({
      ticksPerMs: this.ticksPerMs,
      initialPeakMs: o.initialDelayMs,
      peakDecayMsPerPacket: o.peakDecayMsPerPacket ?? 0.2,
      baseCreepMsPerPacket: 0.004,
    });
  }

  /** Current playout delay target in ms. */
  get targetDelayMs(): number {
    const p = this.est.peakMs;
    return p < this.o.minDelayMs ? this.o.minDelayMs : p > this.o.maxDelayMs ? this.o.maxDelayMs : p;
  }

  /** RFC 3550 interarrival jitter of the current source, in ms. */
  get jitterMs(): number {
    return this.est.jitterMs;
  }

  /** Milliseconds of media between the playout point and the newest packet. */
  get bufferedMs(): number {
    return this.started ? Math.max(0, this.newestEnd - this.playTs) / this.ticksPerMs : 0;
  }

  /** Changes the codec (a re-INVITE); what is buffered was decoded with the old one and is dropped. */
  setDecoder(decoder: PayloadDecoder): void {
    this.decoder = decoder;
    if (this.hasRef) this.restart();
  }

  /** The source restarted its sequence numbers (confirmed by the caller): accept the next one as a new base. */
  resyncSequence(): void {
    this.seq.reset();
  }

  /** Offers one audio packet: payload is `buf[offset, offset + length)`, `arrivalMs` on the session's clock. */
  push(
    ssrc: number,
    sequence: number,
    timestamp: number,
    buf: Uint8Array,
    offset: number,
    length: number,
    arrivalMs: number,
  ): JitterPushResult {
    const c = this.counters;
    if (length > this.maxPacketSamples) {
      c.oversize++;
      return "oversize";
    }
    if (ssrc !== this.ssrc) {
      if (this.ssrc !== -1) this.restart();
      this.ssrc = ssrc;
    }
    let ext = this.extend(timestamp);
    if (this.started && Math.abs(this.est.transitMs(arrivalMs, ext) - this.est.baseMs) > this.resetAfterMs) {
      this.restart();
      ext = this.extend(timestamp);
    }
    const verdict = this.seq.observe(sequence);
    if (verdict === "duplicate") {
      c.duplicates++;
      return "duplicate";
    }
    if (verdict === "probation") return "probation";
    if (!this.started) {
      this.begin(ext);
    } else if (!this.emitted && ext < this.playTs && this.newestEnd - ext <= this.present.length) {
      this.playTs = ext; // reordered ahead of the first packet, before playout began
    }
    // Late packets still feed the estimator: they are exactly the evidence that the target must grow.
    if (!this.localStall || !this.est.hasBase) this.est.update(arrivalMs, ext);
    if (ext < this.playTs) {
      if (++this.lateRun < this.resetAfterLate) {
        c.late++;
        return "late";
      }
      // The sender stepped its clock back: everything it sends is "late" until we start over.
      this.restart();
      ext = this.extend(timestamp);
      this.seq.observe(sequence);
      this.begin(ext);
      this.est.update(arrivalMs, ext);
    }
    this.lateRun = 0;
    if (ext + length > this.playTs + this.present.length) {
      c.tooEarly++;
      return "too_early";
    }
    const pos = ext & this.mask;
    if (this.present[pos] === 1) {
      c.duplicates++;
      return "duplicate";
    }
    const first = Math.min(length, this.ring.length - pos);
    this.decoder.decode(buf, offset, first, this.ring, pos);
    this.present.fill(1, pos, pos + first);
    if (first < length) {
      this.decoder.decode(buf, offset + first, length - first, this.ring, 0);
      this.present.fill(1, 0, length - first);
    }
    const end = ext + length;
    if (end > this.newestEnd) this.newestEnd = end;
    c.stored++;
    return "stored";
  }

  /** True when the next frame's playout time has come. */
  due(nowMs: number): boolean {
    return this.started && nowMs - this.est.baseMs - this.playTs / this.ticksPerMs >= this.targetDelayMs;
  }

  /** Writes the next frame (frameSamples long) into `out` and advances; call when `due`. */
  pull(out: Int16Array): JitterFrameKind {
    const n = this.frameSamples;
    const c = this.counters;
    c.framesOut++;
    if (!this.started) {
      out.fill(0, 0, n);
      return "silence";
    }
    const ring = this.ring;
    const present = this.present;
    const mask = this.mask;
    const start = this.playTs;
    // Index arithmetic on a small int: `start` is a double past 2^31, and `(start + i) & mask` per sample is slow.
    const pos = start & mask;
    let filled = 0;
    for (let i = 0; i < n; i++) {
      const p = (pos + i) & mask;
      if (present[p] === 1) {
        out[i] = ring[p]!;
        present[p] = 0;
        filled++;
      } else {
        out[i] = 0;
      }
    }
    this.playTs = start + n;
    this.emitted = true;
    if (filled === n) {
      this.last.set(out.subarray(0, n));
      this.hasLast = true;
      this.concealRun = 0;
      return "audio";
    }
    if (filled > 0) {
      c.partialFrames++;
      this.concealRun = 0;
      return "partial";
    }
    c.concealedFrames++;
    if (this.concealRun++ === 0 && this.hasLast) {
      const last = this.last;
      for (let i = 0; i < n; i++) out[i] = last[i]! >> 1;
      return "concealed";
    }
    return "silence";
  }

  /**
   * Maps a 32-bit timestamp onto a number line that starts at 0 with the
   * first packet and never wraps (the 32-bit wrap is undone around the
   * highest timestamp seen). Starting at 0 keeps the arithmetic in small
   * integers for about three days of audio.
   */
  private extend(timestamp: number): number {
    if (!this.hasRef) {
      this.hasRef = true;
      this.refRawTs = timestamp;
      this.refExtTs = 0;
      return 0;
    }
    const d = (timestamp - this.refRawTs) | 0; // signed 32-bit distance
    const ext = this.refExtTs + d;
    if (d > 0) {
      this.refRawTs = timestamp;
      this.refExtTs = ext;
    }
    return ext;
  }

  private begin(ext: number): void {
    this.started = true;
    this.playTs = ext;
    this.newestEnd = ext;
  }

  /** Drops everything buffered and starts over with the next packet. */
  private restart(): void {
    this.counters.resets++;
    this.present.fill(0);
    this.started = false;
    this.emitted = false;
    this.hasRef = false;
    this.hasLast = false;
    this.concealRun = 0;
    this.lateRun = 0;
    this.seq.reset();
    this.est.reset(this.targetDelayMs);
  }
}
