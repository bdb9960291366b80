/**
 * The receive path of a session, per datagram: parse -> symmetric-RTP latch
 * -> sequence accounting -> jitter buffer (audio) or DTMF receiver (events);
 * and per tick: due frames out of the jitter buffer to the sink.
 *
 * This runs for every packet of every call, so it allocates nothing per
 * packet (one reused header, decoding straight from the datagram), never
 * throws (a bad datagram is a counted reason), and logs nothing.
 */
import type { PayloadDecoder } from "./codec.js";
import { DTMF_ENDED, DTMF_STARTED, DtmfReceiver, dtmfKey } from "./dtmf.js";
import { JitterBuffer, type JitterBufferOptions } from "./jitter-buffer.js";
import { LATCH_LATCHED, LATCH_REJECT, SymmetricLatch } from "./latch.js";
import { RTP_REJECT_REASONS, RtpHeader, parseRtpInto } from "./packet.js";
import { SequenceTracker } from "./sequence.js";
import type { RtpDropReason, RtpSessionEvent } from "./types.js";

const FRAME_SAMPLES = 160;
const SAMPLE_RATE = 8000;

/** Where the receive path delivers: caller frames (a reused buffer: copy it) and events. */
export interface ReceiverSink {
  frame(pcm: Int16Array): void;
  event(e: RtpSessionEvent): void;
}

/** Every reason a datagram may be dropped for, parse errors first. */
export const RTP_DROP_REASONS: readonly RtpDropReason[] = [
  ...RTP_REJECT_REASONS,
  "not_receiving",
  "unexpected_pt",
  "foreign_source",
  "empty_payload",
  "oversize",
  "too_early",
  "probation",
];

export function emptyDropCounters(): Record<RtpDropReason, number> {
  const out = {} as Record<RtpDropReason, number>;
  for (const r of RTP_DROP_REASONS) out[r] = 0;
  return out;
}

/**
 * RFC 6263 keepalives (an empty datagram, or a STUN binding message) are not
 * RTP but are not hostile either: a NATed phone may send them before its
 * media, so they must not stop us latching to it.
 */
function isKeepalive(buf: Uint8Array): boolean {
  if (buf.length === 0) return true;
  return (
    buf.length >= 20 && buf[0]! >> 6 === 0 && buf[4] === 0x21 && buf[5] === 0x12 && buf[6] === 0xa4 && buf[7] === 0x42
  );
}

export class RtpReceiver {
  private readonly header = new RtpHeader();
  readonly latch: SymmetricLatch;
  readonly seq = new SequenceTracker();
  readonly jitter: JitterBuffer;
  readonly dtmf = new DtmfReceiver();
  readonly dropped = emptyDropCounters();
  receiving = false;
  audioPt = -1;
  eventPt = -1;
  remoteSsrc = -1;
  packetsIn = 0;
  bytesIn = 0;
  ssrcChanges = 0;
  dtmfIn = 0;
  private readonly pcm = new Int16Array(FRAME_SAMPLES);

  constructor(
    private readonly sink: ReceiverSink,
    jitter: Omit<JitterBufferOptions, "decoder">,
    decoder: PayloadDecoder,
    /** `latchAnySource`: latch to whoever sends first (callers behind NAT); otherwise only to a source matching the SDP. */
    options: { latchAnySource?: boolean } = {},
  ) {
    this.latch = new SymmetricLatch(options.latchAnySource ?? false);
    this.jitter = new JitterBuffer({ ...jitter, decoder, frameSamples: FRAME_SAMPLES, clockRate: SAMPLE_RATE });
  }

  /** Handles one datagram from `address:port` that arrived at `nowMs`. */
  onDatagram(buf: Uint8Array, address: string, port: number, nowMs: number): void {
    this.packetsIn++;
    this.bytesIn += buf.length;
    const h = this.header;
    const reason = parseRtpInto(buf, h);
    if (reason !== null) {
      this.dropped[reason]++;
      if (!isKeepalive(buf)) this.latch.taint(address, port);
      return;
    }
    if (this.audioPt < 0) {
      this.dropped.not_receiving++; // before start(): nothing negotiated yet
      return;
    }
    const pt = h.payloadType;
    const isAudio = pt === this.audioPt;
    if (!isAudio && pt !== this.eventPt) {
      this.dropped.unexpected_pt++;
      return;
    }
    // Latch even when we do not receive (sendonly): where to send is what NAT needs most.
    const verdict = this.latch.check(address, port, h.ssrc);
    if (verdict === LATCH_REJECT) {
      this.dropped.foreign_source++;
      return;
    }
    if (verdict === LATCH_LATCHED) this.sink.event({ type: "rtp:latched", address, port, ssrc: h.ssrc, atMs: nowMs });
    if (!this.receiving) {
      this.dropped.not_receiving++;
      return;
    }
    // Some senders (SIPp's pcap replay, some gateways) send telephone-events
    // with an SSRC of their own beside the audio. Such a packet is a side
    // stream, not a new source: treating it as one would reset the audio's
    // sequence state at every alternation. The DTMF receiver keys events by
    // SSRC and timestamp, so it needs no sequence check of its own.
    if (!isAudio && this.remoteSsrc !== -1 && h.ssrc !== this.remoteSsrc) {
      this.onEvent(h.ssrc, nowMs, buf);
      return;
    }
    if (h.ssrc !== this.remoteSsrc) this.newSource(h.ssrc, nowMs);
    const s = this.seq.observe(h.sequence);
    if (s === "duplicate") return;
    if (s === "probation") {
      this.dropped.probation++;
      return;
    }
    if (s === "restart") this.jitter.resyncSequence(); // already confirmed here; the buffer need not re-check
    if (isAudio) {
      if (h.payloadLength === 0) {
        this.dropped.empty_payload++;
        return;
      }
      const r = this.jitter.push(h.ssrc, h.sequence, h.timestamp, buf, h.payloadOffset, h.payloadLength, nowMs);
      if (r === "oversize") this.dropped.oversize++;
      else if (r === "too_early") this.dropped.too_early++;
      return;
    }
    this.onEvent(h.ssrc, nowMs, buf);
  }

  private onEvent(ssrc: number, nowMs: number, buf: Uint8Array): void {
    const h = this.header;
    const answer = this.dtmf.onPacket(ssrc, h.timestamp, buf, h.payloadOffset, h.payloadLength);
    if (answer !== 0) this.emitDtmf(answer, h.timestamp, nowMs);
  }

  /** Hands every frame whose playout time has come to the sink. */
  drain(nowMs: number): void {
    if (!this.receiving) return;
    const jb = this.jitter;
    while (jb.due(nowMs)) {
      jb.pull(this.pcm);
      this.sink.frame(this.pcm);
    }
    jb.localStall = false;
  }

  private newSource(ssrc: number, nowMs: number): void {
    if (this.remoteSsrc !== -1) {
      this.ssrcChanges++;
      this.seq.reset();
      this.sink.event({ type: "rtp:ssrc-changed", ssrc, atMs: nowMs });
    }
    this.remoteSsrc = ssrc;
    this.latch.followSsrc(ssrc);
  }

  private emitDtmf(answer: number, timestamp: number, nowMs: number): void {
    const e = this.dtmf.last;
    const digit = dtmfKey(e.event);
    if (digit === null) return;
    if ((answer & DTMF_STARTED) !== 0) {
      this.dtmfIn++;
      this.sink.event({ type: "dtmf:digit", digit, event: e.event, rtpTimestamp: timestamp, atMs: nowMs });
    }
    if ((answer & DTMF_ENDED) !== 0) {
      this.sink.event({
        type: "dtmf:end",
        digit,
        event: e.event,
        durationMs: e.duration / 8,
        rtpTimestamp: timestamp,
        atMs: nowMs,
      });
    }
  }
}
