/**
 * The send path of a session: one packet per pacer tick. The tick carries a
 * telephone-event if a key is being sent, else the next 20 ms of queued
 * agent audio (zero-padded at an item's end), else silence (or nothing, when
 * idle silence is off). The marker bit opens the stream and every talkspurt
 * after a pause in sending, and the first packet after skipped slots.
 *
 * The RTP timestamp is the media clock and follows real time: it advances
 * by 160 every slot, sent or not, including the slots the pacer skipped
 * after a stall. Audio is never skipped with them: it resumes where it
 * stopped (the stall becomes a pause the caller hears, the rest of the
 * sentence comes later), so the sender never lags behind real time and the
 * played-sample count stays exactly what went out.
 *
 * Packets are built in a small ring of preallocated buffers: Node's dgram
 * reads the buffer after `send` returns, so the one just handed over is not
 * rewritten for a few ticks.
 */
import type { G711Law } from "../audio/index.js";
import { encodePayload, silenceByte } from "./codec.js";
import type { DtmfSender } from "./dtmf-sender.js";
import { MsHistogram } from "./histogram.js";
import type { SymmetricLatch } from "./latch.js";
import { RTP_HEADER_BYTES, writeRtpHeader } from "./packet.js";
import type { Playout } from "./playout.js";

const FRAME_SAMPLES = 160;
const FRAME_MS = 20;
const RING = 4;

/** Where packets go: a dgram socket, or a test's capture. */
export interface DatagramOut {
  send(buf: Uint8Array, offset: number, length: number, port: number, address: string): void;
}

export class RtpSender {
  private readonly buffers: Buffer[] = [];
  private next = 0;
  private readonly pcm = new Int16Array(FRAME_SAMPLES);
  private needMarker = true;
  private silence = 0xff;
  private firstDue = -1;
  private slots = 0;
  private lastTickAt = -1;
  law: G711Law = "pcmu";
  audioPt = 0;
  eventPt = -1;
  sending = false;
  sequence: number;
  timestamp: number;
  packetsOut = 0;
  bytesOut = 0;
  audioPackets = 0;
  silencePackets = 0;
  eventPackets = 0;
  ticks = 0;
  /** Ticks that followed skipped slots, and the slots skipped. */
  stalls = 0;
  skippedFrames = 0;
  /** How far the packet of the last tick left behind the real time its timestamp tells, and the most ever. */
  lagMs = 0;
  maxLagMs = 0;
  /** Lag of every tick, and time between ticks (this session's inter-departure times). */
  readonly lateness: MsHistogram;
  readonly intervals: MsHistogram;
  /** Sees each tick's agent audio as it goes out (null for silence): the call recorder's agent channel. */
  onSent: ((pcm: Int16Array | null) => void) | null = null;

  constructor(
    private readonly out: DatagramOut,
    private readonly latch: SymmetricLatch,
    private readonly playout: Playout,
    private readonly dtmf: DtmfSender,
    readonly ssrc: number,
    initialSequence: number,
    initialTimestamp: number,
    private readonly sendSilenceWhenIdle: boolean,
    figures: { lateness: MsHistogram; intervals: MsHistogram } = {
      lateness: new MsHistogram(),
      intervals: new MsHistogram(),
    },
  ) {
    this.sequence = initialSequence & 0xffff;
    this.timestamp = initialTimestamp >>> 0;
    this.lateness = figures.lateness;
    this.intervals = figures.intervals;
    for (let i = 0; i < RING; i++) this.buffers.push(Buffer.alloc(RTP_HEADER_BYTES + FRAME_SAMPLES));
  }

  setCodec(law: G711Law, payloadType: number, eventPt: number): void {
    this.law = law;
    this.audioPt = payloadType;
    this.eventPt = eventPt;
    this.silence = silenceByte(law);
  }

  /**
   * The slot due at `dueMs`, served at `nowMs`, after `skipped` slots that
   * passed during a stall: advances the media clock over all of them and
   * sends this slot's packet (if any).
   */
  tick(nowMs: number, dueMs: number, skipped = 0): void {
    if (this.firstDue < 0) this.firstDue = dueMs - skipped * FRAME_MS;
    this.slots += skipped;
    const ts = (this.timestamp + skipped * FRAME_SAMPLES) >>> 0;
    this.timestamp = (ts + FRAME_SAMPLES) >>> 0;
    // Lag on this session's own media clock: real time now against the media time of this packet.
    const lag = nowMs - (this.firstDue + this.slots * FRAME_MS);
    this.slots++;
    this.ticks++;
    this.lagMs = lag;
    if (lag > this.maxLagMs) this.maxLagMs = lag;
    this.lateness.record(lag);
    if (this.lastTickAt >= 0) this.intervals.record(nowMs - this.lastTickAt);
    this.lastTickAt = nowMs;
    if (skipped > 0) {
      this.stalls++;
      this.skippedFrames += skipped;
      this.needMarker = true; // the timestamp jumped: a receiver may resynchronise its playout here
    }
    const port = this.latch.sendPort;
    if (!this.sending || port === 0) {
      this.needMarker = true;
      return;
    }
    const buf = this.buffers[this.next]!;
    this.next = (this.next + 1) % RING;
    if (this.eventPt >= 0 && this.dtmf.active) {
      const n = this.dtmf.writeTick(ts, buf, RTP_HEADER_BYTES, 1 + skipped);
      if (n > 0) {
        writeRtpHeader(buf, this.dtmf.marker, this.eventPt, this.sequence, this.dtmf.timestamp, this.ssrc);
        this.eventPackets++;
        this.send(buf, RTP_HEADER_BYTES + n, port);
        return;
      }
    }
    const got = this.playout.fill(this.pcm, FRAME_SAMPLES, nowMs);
    if (got > 0) {
      if (got < FRAME_SAMPLES) this.pcm.fill(0, got);
      encodePayload(this.law, this.pcm, buf, RTP_HEADER_BYTES);
      this.audioPackets++;
      this.onSent?.(this.pcm);
    } else if (this.sendSilenceWhenIdle) {
      this.onSent?.(null);
      buf.fill(this.silence, RTP_HEADER_BYTES, RTP_HEADER_BYTES + FRAME_SAMPLES);
      this.silencePackets++;
    } else {
      this.needMarker = true;
      return;
    }
    writeRtpHeader(buf, this.needMarker, this.audioPt, this.sequence, ts, this.ssrc);
    this.needMarker = false;
    this.send(buf, RTP_HEADER_BYTES + FRAME_SAMPLES, port);
  }

  private send(buf: Buffer, length: number, port: number): void {
    // No callback: a failed send surfaces as the socket's 'error' event, which the session counts.
    this.out.send(buf, 0, length, port, this.latch.sendAddress);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.packetsOut++;
    this.bytesOut += length;
  }
}
