/**
 * The send path of a session: one packet per pacer tick. The tick carries a
 * telephone-event if a key is being sent, else the next 20 ms of queued
 * agent audio (zero-padded at an item's end), else silence (or nothing, when
 * idle silence is off). The RTP timestamp advances by 160 every tick
 * whatever is sent, so it always tells the media time; the marker bit opens
 * the stream and every talkspurt after a pause in sending.
 *
 * Packets are built in a small ring of preallocated buffers: Node's dgram
 * reads the buffer after `send` returns, so the one just handed over is not
 * rewritten for a few ticks.
 */
import type { Socket } from "node:dgram";
import type { G711Law } from "../audio/index.js";
import { encodePayload, silenceByte } from "./codec.js";
import type { DtmfSender } from "./dtmf-sender.js";
import type { SymmetricLatch } from "./latch.js";
import { RTP_HEADER_BYTES, writeRtpHeader } from "./packet.js";
import type { PlaybackQueue } from "./playback-queue.js";

const FRAME_SAMPLES = 160;
const RING = 4;

export class RtpSender {
  private readonly buffers: Buffer[] = [];
  private next = 0;
  private readonly pcm = new Int16Array(FRAME_SAMPLES);
  private needMarker = true;
  private silence = 0xff;
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
  /** Sees each tick's agent audio as it goes out (null for silence): the call recorder's agent channel. */
  onSent: ((pcm: Int16Array | null) => void) | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly latch: SymmetricLatch,
    private readonly queue: PlaybackQueue,
    private readonly dtmf: DtmfSender,
    readonly ssrc: number,
    initialSequence: number,
    initialTimestamp: number,
    private readonly sendSilenceWhenIdle: boolean,
  ) {
    this.sequence = initialSequence & 0xffff;
    this.timestamp = initialTimestamp >>> 0;
    for (let i = 0; i < RING; i++) this.buffers.push(Buffer.alloc(RTP_HEADER_BYTES + FRAME_SAMPLES));
  }

  setCodec(law: G711Law, payloadType: number, eventPt: number): void {
    this.law = law;
    this.audioPt = payloadType;
    this.eventPt = eventPt;
    this.silence = silenceByte(law);
  }

  /** Sends this tick's packet (if any) and advances the media clock by one frame. */
  tick(): void {
    const ts = this.timestamp;
    this.timestamp = (ts + FRAME_SAMPLES) >>> 0;
    const port = this.latch.sendPort;
    if (!this.sending || port === 0) {
      this.needMarker = true;
      return;
    }
    const buf = this.buffers[this.next]!;
    this.next = (this.next + 1) % RING;
    if (this.eventPt >= 0 && this.dtmf.active) {
      const n = this.dtmf.writeTick(ts, buf, RTP_HEADER_BYTES);
      if (n > 0) {
        writeRtpHeader(buf, this.dtmf.marker, this.eventPt, this.sequence, this.dtmf.timestamp, this.ssrc);
        this.eventPackets++;
        this.send(buf, RTP_HEADER_BYTES + n, port);
        return;
      }
    }
    const got = this.queue.fill(this.pcm, FRAME_SAMPLES);
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
    this.socket.send(buf, 0, length, port, this.latch.sendAddress);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.packetsOut++;
    this.bytesOut += length;
  }
}
