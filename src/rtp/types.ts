/** Shapes shared by the session and its call-layer users: media description, events, statistics. */
import type { G711Law } from "../audio/index.js";
import type { HistogramSummary } from "./histogram.js";
import type { RtpRejectReason } from "./packet.js";

/** Which ways media flows, from our side (SDP a=sendrecv etc.). */
export type RtpDirection = "sendrecv" | "sendonly" | "recvonly" | "inactive";

/** What SDP negotiation settled for the call. */
export interface RtpMedia {
  /** Where the remote's SDP says to send (c= and m= lines); symmetric RTP may latch elsewhere. */
  remoteAddress: string;
  remotePort: number;
  codec: G711Law;
  /** RTP payload type of the codec; the static one (0 PCMU, 8 PCMA) unless told. */
  payloadType?: number;
  /** Negotiated telephone-event payload type, or null when the remote offered none. */
  telephoneEventPt?: number | null;
  direction?: RtpDirection;
}

/** Events of a session, in one stream (the call layer fans them out). */
export type RtpSessionEvent =
  | { type: "dtmf:digit"; digit: string; event: number; rtpTimestamp: number; atMs: number }
  | { type: "dtmf:end"; digit: string; event: number; durationMs: number; rtpTimestamp: number; atMs: number }
  | { type: "rtp:latched"; address: string; port: number; ssrc: number; atMs: number }
  | { type: "rtp:ssrc-changed"; ssrc: number; atMs: number }
  | { type: "playback:idle"; atMs: number };

/** Why a received datagram was not used, beyond RTP parse errors. */
export type RtpDropReason =
  | RtpRejectReason
  | "not_receiving" // before start(), or direction without receive
  | "unexpected_pt" // valid RTP with a payload type not negotiated (e.g. CN)
  | "foreign_source" // not the latched source, and not its SSRC
  | "empty_payload"
  | "oversize" // an audio packet over 60 ms
  | "too_early" // beyond the jitter buffer's window
  | "probation"; // a sequence jump not yet confirmed by a following packet

/** A stream of one kind of item, read by one consumer. */
export interface ItemStream<T> extends AsyncIterable<T> {
  /** Next item, or undefined once the session is closed and the stream drained. */
  next(signal?: AbortSignal): Promise<T | undefined>;
  /** Items waiting. */
  readonly size: number;
  /** Items dropped because the reader fell behind (oldest first). */
  readonly dropped: number;
}

export interface RtpSessionStats {
  localAddress: string;
  localPort: number;
  codec: G711Law | null;
  payloadType: number | null;
  telephoneEventPt: number | null;
  sdpRemote: { address: string; port: number } | null;
  latched: { address: string; port: number; ssrc: number } | null;
  relatches: number;
  ssrcChanges: number;
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  audioPacketsOut: number;
  silencePacketsOut: number;
  eventPacketsOut: number;
  /** Errors the socket reported (failed sends surface here). */
  socketErrors: number;
  /** Datagrams that were not valid RTP (sum of the parse reasons in `dropped`). */
  malformed: number;
  /** Every datagram not used, by reason (duplicates and late packets are counted apart). */
  dropped: Record<RtpDropReason, number>;
  lost: number;
  duplicates: number;
  reordered: number;
  /** Audio packets that came after their playout time. */
  late: number;
  seqRestarts: number;
  /** RFC 3550 interarrival jitter of the current source, ms. */
  jitterMs: number;
  /** concealedFrames: frames played with no audio at all (loss, late packets, or the sender pausing). */
  jitterBuffer: {
    targetDelayMs: number;
    bufferedMs: number;
    framesOut: number;
    concealedFrames: number;
    partialFrames: number;
    resets: number;
  };
  inboundFramesDropped: number;
  eventsDropped: number;
  dtmfIn: number;
  dtmfOut: number;
  /** Stream items that ran dry mid-item (a gap the caller heard). */
  underruns: number;
  /**
   * The send clock. `lagMs`: how far the last packet left behind the real
   * time its RTP timestamp tells (under a frame, when all is well), and
   * `maxLagMs` the most ever. `stalls`: ticks that came a frame or more late
   * (the media thread was held up), `skippedFrames`: the slots they skipped
   * (media time that passed with no packet; the audio was delayed, not
   * dropped). `lateness`: each tick's lag; `intervals`: time between this
   * session's packets (inter-departure).
   */
  pacer: {
    ticks: number;
    stalls: number;
    skippedFrames: number;
    lagMs: number;
    maxLagMs: number;
    clientErrors: number;
    lateness: HistogramSummary;
    intervals: HistogramSummary;
  };
  maxSendLatenessMs: number;
}
