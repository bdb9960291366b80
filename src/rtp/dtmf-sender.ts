/**
 * The send side of RFC 4733: turns queued key presses into telephone-event
 * packets, one per pacer tick, so events keep the 20 ms cadence (no bursts).
 *
 * Per key: a first packet with the marker bit, updates whose duration grows
 * by a frame each tick, then the end packet three times (section 2.5.1.4:
 * redundancy against loss), all with the timestamp of the event's start and
 * each with its own sequence number. A short gap of ordinary packets follows
 * so back-to-back keys stay distinct. Audio is held back while an event is
 * on the wire (the event replaces it) and resumes where it stopped.
 */
import { RtpError } from "./errors.js";
import { dtmfEventCode, writeTelephoneEvent } from "./dtmf.js";

export interface DtmfSendOptions {
  /** Key press length; 100 ms unless told (40-5000). */
  durationMs?: number;
  /** Power level in -dBm0 (0-63); 10 unless told. */
  volume?: number;
}

/** The options with their defaults, checked; throws RtpError (400) for values out of range. */
export function dtmfOptions(options: DtmfSendOptions = {}): Required<DtmfSendOptions> {
  const durationMs = options.durationMs ?? 100;
  const volume = options.volume ?? 10;
  if (!(durationMs >= 40 && durationMs <= 5000))
    throw new RtpError("rtp_dtmf_invalid", `DTMF duration must be 40-5000 ms, got ${durationMs}`, { status: 400 });
  if (!(Number.isInteger(volume) && volume >= 0 && volume <= 63))
    throw new RtpError("rtp_dtmf_invalid", `DTMF volume must be 0-63, got ${volume}`, { status: 400 });
  return { durationMs, volume };
}

interface Pending {
  event: number;
  durationTicks: number;
  volume: number;
  resolve: (sent: boolean) => void;
}

const END_REPEATS = 3;
const GAP_FRAMES = 2;

export class DtmfSender {
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private elapsed = 0;
  private packets = 0;
  private endsSent = 0;
  private gapLeft = 0;
  /** Marker bit and timestamp of the packet last written by writeTick. */
  marker = false;
  timestamp = 0;
  sent = 0;

  constructor(
    private readonly frameTicks = 160,
    private readonly ticksPerMs = 8,
  ) {}

  /** True while a key is queued, on the wire, or in its trailing gap. */
  get active(): boolean {
    return this.current !== null || this.queue.length > 0 || this.gapLeft > 0;
  }

  /** Queues a key; resolves true once its last end packet is sent, false if cancelled first. */
  enqueue(digit: string, options: DtmfSendOptions = {}): Promise<boolean> {
    const event = dtmfEventCode(digit);
    const { durationMs, volume } = dtmfOptions(options);
    return new Promise<boolean>((resolve) => {
      this.queue.push({ event, durationTicks: Math.round(durationMs * this.ticksPerMs), volume, resolve });
    });
  }

  /**
   * Writes this tick's event payload at `buf[offset]` and returns its length,
   * or returns 0 when this tick carries ordinary audio (idle, or the gap
   * between keys). `timelineTs` is the timestamp this tick's audio would have;
   * `frames` the media time since the last tick, in frames (more than one
   * after slots skipped in a stall: the key's duration follows media time).
   */
  writeTick(timelineTs: number, buf: Uint8Array, offset: number, frames = 1): number {
    let cur = this.current;
    if (cur === null) {
      if (this.gapLeft > 0) {
        this.gapLeft = Math.max(0, this.gapLeft - frames);
        return 0;
      }
      cur = this.queue.shift() ?? null;
      if (cur === null) return 0;
      this.current = cur;
      this.timestamp = timelineTs;
      this.elapsed = 0;
      this.packets = 0;
      this.endsSent = 0;
    }
    this.marker = this.packets === 0;
    // The first packet of a key covers one frame; later ones add the media time since the previous.
    const advance = this.packets === 0 ? 1 : frames;
    this.packets++;
    this.elapsed = Math.min(this.elapsed + advance * this.frameTicks, cur.durationTicks);
    if (this.elapsed < cur.durationTicks)
      return writeTelephoneEvent(buf, offset, cur.event, false, cur.volume, this.elapsed);
    const n = writeTelephoneEvent(buf, offset, cur.event, true, cur.volume, cur.durationTicks);
    if (++this.endsSent >= END_REPEATS) {
      this.current = null;
      this.gapLeft = GAP_FRAMES;
      this.sent++;
      cur.resolve(true);
    }
    return n;
  }

  /** Drops every queued key (and the one on the wire); their promises resolve false. */
  cancelAll(): void {
    const all = this.current === null ? this.queue.splice(0) : [this.current, ...this.queue.splice(0)];
    this.current = null;
    this.gapLeft = 0;
    for (const p of all) p.resolve(false);
  }
}
