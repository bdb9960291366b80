/**
 * How steadily an RTP sender kept time, judged from outside: capture times
 * of its packets (a pcap on the wire) against the sequence numbers and RTP
 * timestamps it wrote. Used by the RTP-under-load test and the benchmarks.
 *
 * - Inter-departure: time between consecutive packets of the stream.
 * - Lag behind real time: for each audio packet, capture time minus the
 *   media time its RTP timestamp claims, less the smallest such offset of
 *   the stream (the most punctual packet is the reference). A sender that
 *   restarts its timeline after a stall, or runs slow, shows a growing lag;
 *   one whose timestamps keep telling real time stays near zero.
 * - Gaps: missing sequence numbers, and intervals longer than `gapMs`.
 */
import { parseRtp } from "../../rtp/packet.js";
import type { UdpDatagram } from "./pcap.js";

export interface RtpOnWire {
  atMs: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payloadType: number;
  marker: boolean;
}

export interface RtpTimingOptions {
  /** RTP clock rate of the audio; 8000 unless told. */
  clockRate?: number;
  /** Packet time; 20 ms unless told. */
  frameMs?: number;
  /** An interval longer than this is a gap; 60 ms unless told. */
  gapMs?: number;
  /** Payload types that carry audio (timestamps on the media clock); PCMU and PCMA unless told. */
  audioPayloadTypes?: number[];
}

export interface RtpTimingReport {
  ssrc: number | null;
  /** Streams (SSRCs) seen; the figures are for the one with the most packets. */
  streams: number;
  packets: number;
  audioPackets: number;
  durationS: number;
  sequence: { missing: number; duplicates: number; reordered: number };
  interDepartureMs: {
    count: number;
    mean: number;
    p50: number;
    p95: number;
    p99: number;
    p999: number;
    min: number;
    max: number;
  };
  /** Intervals by upper edge in ms ("inf" for the rest). */
  interDepartureHistogram: Record<string, number>;
  /** Intervals longer than gapMs, and when each began (capture time, ms; the first 100). */
  gaps: number;
  gapList: Gap[];
  /** Behind real time on the RTP timestamp timeline (see above). */
  lagMs: { max: number; p99: number; final: number; driftPpm: number };
  /** The same on the sequence-number timeline (frameMs per packet): grows when the sender skips slots. */
  sequenceLagMs: { max: number; final: number };
  /** Consecutive audio packets whose timestamps differ by more than one frame (the sender skipped media time), and the media ms skipped. */
  timestampJumps: { count: number; skippedMs: number };
}

export interface Gap {
  atMs: number;
  ms: number;
}

export interface RtpTimingLimits {
  interDepartureP99Ms: number;
  maxLagMs: number;
  maxIntervalMs: number;
  missingSequence: number;
}

/** What the issue asks of the sender under load. */
export const UNDER_LOAD_LIMITS: RtpTimingLimits = {
  interDepartureP99Ms: 30,
  maxLagMs: 60,
  maxIntervalMs: 60,
  missingSequence: 0,
};

const HISTOGRAM_EDGES = [5, 10, 15, 19, 21, 25, 30, 40, 60, 100, 200, 500];

/** RTP packets among captured datagrams, e.g. those from one source port to one destination port. */
export function rtpFromDatagrams(
  datagrams: readonly UdpDatagram[],
  accept: (d: UdpDatagram) => boolean = () => true,
): RtpOnWire[] {
  const out: RtpOnWire[] = [];
  for (const d of datagrams) {
    if (!accept(d)) continue;
    const r = parseRtp(d.payload);
    if (!r.ok) continue;
    const p = r.packet;
    out.push({
      atMs: d.atMs,
      sequence: p.sequence,
      timestamp: p.timestamp,
      ssrc: p.ssrc,
      payloadType: p.payloadType,
      marker: p.marker,
    });
  }
  return out;
}

export function analyzeRtpTiming(all: readonly RtpOnWire[], o: RtpTimingOptions = {}): RtpTimingReport {
  const clockRate = o.clockRate ?? 8000;
  const frameMs = o.frameMs ?? 20;
  const gapMs = o.gapMs ?? 60;
  const audioPts = new Set(o.audioPayloadTypes ?? [0, 8]);
  const bySsrc = new Map<number, RtpOnWire[]>();
  for (const p of all) {
    const list = bySsrc.get(p.ssrc);
    if (list) list.push(p);
    else bySsrc.set(p.ssrc, [p]);
  }
  let packets: RtpOnWire[] = [];
  for (const list of bySsrc.values()) if (list.length > packets.length) packets = list;
  const n = packets.length;

  const seq = unwrapper(16);
  const ts = unwrapper(32);
  const seen = new Set<number>();
  let duplicates = 0;
  let reordered = 0;
  let maxSeq = -Infinity;
  let minSeq = Infinity;
  const intervals: number[] = [];
  const offsets: { at: number; off: number }[] = [];
  const seqOffsets: number[] = [];
  let jumps = 0;
  let skippedMs = 0;
  let prevAudio: { seq: number; ts: number } | null = null;
  for (let i = 0; i < n; i++) {
    const p = packets[i]!;
    const s = seq(p.sequence);
    if (seen.has(s)) duplicates++;
    else seen.add(s);
    if (s < maxSeq) reordered++;
    maxSeq = Math.max(maxSeq, s);
    minSeq = Math.min(minSeq, s);
    if (i > 0) intervals.push(p.atMs - packets[i - 1]!.atMs);
    seqOffsets.push(p.atMs - s * frameMs);
    if (!audioPts.has(p.payloadType)) continue;
    const t = ts(p.timestamp);
    const mediaMs = (t / clockRate) * 1000;
    offsets.push({ at: p.atMs, off: p.atMs - mediaMs });
    if (prevAudio && s === prevAudio.seq + 1) {
      const stepMs = ((t - prevAudio.ts) / clockRate) * 1000;
      if (stepMs > frameMs + 0.5) {
        jumps++;
        skippedMs += stepMs - frameMs;
      }
    }
    prevAudio = { seq: s, ts: t };
  }

  const minOff = minOf(offsets.map((x) => x.off));
  const lags = offsets.map((x) => x.off - minOff);
  const minSeqOff = minOf(seqOffsets);
  const seqLags = seqOffsets.map((x) => x - minSeqOff);
  const sorted = [...intervals].sort((a, b) => a - b);
  const histogram: Record<string, number> = {};
  for (const edge of HISTOGRAM_EDGES) histogram[String(edge)] = 0;
  histogram.inf = 0;
  for (const v of intervals) {
    const edge = HISTOGRAM_EDGES.find((e) => v <= e);
    histogram[edge === undefined ? "inf" : String(edge)]!++;
  }
  return {
    ssrc: n > 0 ? packets[0]!.ssrc : null,
    streams: bySsrc.size,
    packets: n,
    audioPackets: offsets.length,
    durationS: n > 1 ? r3((packets[n - 1]!.atMs - packets[0]!.atMs) / 1000) : 0,
    sequence: { missing: n > 0 ? maxSeq - minSeq + 1 - seen.size : 0, duplicates, reordered },
    interDepartureMs: {
      count: sorted.length,
      mean: r3(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
      p50: r3(pct(sorted, 50)),
      p95: r3(pct(sorted, 95)),
      p99: r3(pct(sorted, 99)),
      p999: r3(pct(sorted, 99.9)),
      min: r3(sorted[0] ?? 0),
      max: r3(sorted[sorted.length - 1] ?? 0),
    },
    interDepartureHistogram: histogram,
    gaps: intervals.filter((v) => v > gapMs).length,
    gapList: intervals.flatMap((v, i) => (v > gapMs ? [{ atMs: r3(packets[i]!.atMs), ms: r3(v) }] : [])).slice(0, 100),
    lagMs: {
      max: r3(maxOf(lags)),
      p99: r3(
        pct(
          [...lags].sort((a, b) => a - b),
          99,
        ),
      ),
      final: r3(lags[lags.length - 1] ?? 0),
      driftPpm: r3(
        slope(
          offsets.map((x) => x.at),
          offsets.map((x) => x.off),
        ) * 1e6,
      ),
    },
    sequenceLagMs: { max: r3(maxOf(seqLags)), final: r3(seqLags[seqLags.length - 1] ?? 0) },
    timestampJumps: { count: jumps, skippedMs: r3(skippedMs) },
  };
}

/**
 * The gaps of `ours` that another sender on the same machine (the control:
 * e.g. SIPp's own stream in the same capture) suffered at the same moment:
 * the whole machine stalled then, not our sender. A gap is shared when a
 * control gap overlaps it by at least half of the shorter of the two.
 */
export function splitGaps(ours: readonly Gap[], control: readonly Gap[]): { own: Gap[]; shared: Gap[] } {
  const own: Gap[] = [];
  const shared: Gap[] = [];
  for (const g of ours) {
    const hit = control.some(
      (c) => Math.min(g.atMs + g.ms, c.atMs + c.ms) - Math.max(g.atMs, c.atMs) >= Math.min(g.ms, c.ms) / 2,
    );
    (hit ? shared : own).push(g);
  }
  return { own, shared };
}

/**
 * The limits a report breaks, as sentences; empty when it meets them all.
 * With `machineGaps` (see splitGaps), intervals over the limit that the
 * whole machine shared are not held against the sender.
 */
export function rtpTimingViolations(
  r: RtpTimingReport,
  limits: RtpTimingLimits = UNDER_LOAD_LIMITS,
  machineGaps: readonly Gap[] = [],
): string[] {
  const out: string[] = [];
  if (r.packets < 2) out.push(`only ${r.packets} packet(s) captured`);
  if (r.interDepartureMs.p99 > limits.interDepartureP99Ms)
    out.push(`inter-departure p99 ${r.interDepartureMs.p99} ms > ${limits.interDepartureP99Ms} ms`);
  if (r.lagMs.max > limits.maxLagMs) out.push(`lag behind real time reached ${r.lagMs.max} ms > ${limits.maxLagMs} ms`);
  const own = r.gapList.filter((g) => g.ms > limits.maxIntervalMs && !machineGaps.some((m) => m.atMs === g.atMs));
  const unlisted = r.gaps > r.gapList.length; // more gaps than the list holds: judge by the longest
  if (own.length > 0 || (unlisted && r.interDepartureMs.max > limits.maxIntervalMs)) {
    const worst = unlisted ? r.interDepartureMs.max : own.reduce((a, b) => (b.ms > a.ms ? b : a)).ms;
    out.push(`longest interval ${worst} ms > ${limits.maxIntervalMs} ms (${unlisted ? r.gaps : own.length} over)`);
  }
  if (r.sequence.missing > limits.missingSequence) out.push(`${r.sequence.missing} sequence number(s) missing`);
  return out;
}

/** Extends a wrapping counter of `bits` into a monotonic-ish number (nearest to the previous value). */
function unwrapper(bits: number): (v: number) => number {
  const span = 2 ** bits;
  let last: number | null = null;
  return (v) => {
    if (last === null) {
      last = v;
      return v;
    }
    const base = last - (((last % span) + span) % span);
    let best = base + v;
    for (const c of [best - span, best + span]) if (Math.abs(c - last) < Math.abs(best - last)) best = c;
    last = best;
    return best;
  };
}

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Least-squares slope of y over x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

// Loops, not Math.min(...xs): a long capture holds more packets than a call's argument list.
const minOf = (xs: readonly number[]) => xs.reduce((a, b) => (b < a ? b : a), Infinity);
const maxOf = (xs: readonly number[]) => xs.reduce((a, b) => (b > a ? b : a), 0);
const r3 = (v: number) => Math.round(v * 1000) / 1000;
