/**
 * RFC 4733 telephone-events: the payload format and the receive side.
 *
 * A DTMF key press arrives as several packets sharing one RTP timestamp (the
 * event's start): a first one (marker bit set), updates with a growing
 * duration, and usually three copies of the end packet (E bit). Packets may
 * be lost, duplicated or reordered, so events are identified by SSRC,
 * timestamp and code, and remembered for a while (the SSRC because a sender
 * may switch sources, or send events on an SSRC beside its audio's). The digit is reported at the FIRST packet seen
 * of an event (whichever it is): the agent reacts to a key without waiting
 * for the caller to release it, and one lost end packet cannot swallow a
 * digit. The end (with the final duration) is reported separately, once.
 */
import { RtpError } from "./errors.js";

/** Event codes 0-15 in order (RFC 4733 section 3.2). */
export const DTMF_KEYS = "0123456789*#ABCD";
export const TELEPHONE_EVENT_BYTES = 4;

/** The event code of a key (0-9, *, #, A-D; case-insensitive). */
export function dtmfEventCode(digit: string): number {
  const code = digit.length === 1 ? DTMF_KEYS.indexOf(digit.toUpperCase()) : -1;
  if (code < 0) throw new RtpError("rtp_dtmf_invalid", `not a DTMF key: ${JSON.stringify(digit)}`, { status: 400 });
  return code;
}

/** The key of an event code, or null for a non-DTMF event (flash, tones). */
export function dtmfKey(code: number): string | null {
  return code >= 0 && code < 16 ? DTMF_KEYS[code]! : null;
}

/** Fields of one telephone-event payload; reused across packets. */
export class TelephoneEvent {
  event = 0;
  end = false;
  volume = 0;
  /** Duration so far in RTP timestamp units (8 per ms). */
  duration = 0;
}

/** Parses a payload at `buf[offset]`; false when it is too short to be one. */
export function parseTelephoneEventInto(buf: Uint8Array, offset: number, length: number, out: TelephoneEvent): boolean {
  if (length < TELEPHONE_EVENT_BYTES) return false;
  out.event = buf[offset]!;
  out.end = (buf[offset + 1]! & 0x80) !== 0;
  out.volume = buf[offset + 1]! & 0x3f;
  out.duration = (buf[offset + 2]! << 8) | buf[offset + 3]!;
  return true;
}

/** Writes a payload at `buf[offset]`; returns 4. */
export function writeTelephoneEvent(
  buf: Uint8Array,
  offset: number,
  event: number,
  end: boolean,
  volume: number,
  duration: number,
): number {
  buf[offset] = event & 0xff;
  buf[offset + 1] = (end ? 0x80 : 0) | (volume & 0x3f);
  buf[offset + 2] = (duration >> 8) & 0xff;
  buf[offset + 3] = duration & 0xff;
  return TELEPHONE_EVENT_BYTES;
}

/** Bits of DtmfReceiver.onPacket's answer. */
export const DTMF_STARTED = 1;
export const DTMF_ENDED = 2;

/** How many recent events are remembered for deduplication. */
const MEMORY = 8;

/** Turns telephone-event packets into one start and one end per key press. */
export class DtmfReceiver {
  private readonly ssrc = new Float64Array(MEMORY).fill(-1);
  private readonly ts = new Float64Array(MEMORY);
  private readonly code = new Int16Array(MEMORY).fill(-1);
  private readonly ended = new Uint8Array(MEMORY);
  private next = 0;
  private readonly scratch = new TelephoneEvent();
  /** The event the last non-zero answer was about. */
  readonly last = new TelephoneEvent();
  lastTimestamp = 0;
  malformed = 0;
  /** Non-DTMF events (flash, fax tones) seen and ignored. */
  ignored = 0;

  /** Feeds one packet; answers a mix of DTMF_STARTED and DTMF_ENDED (0: nothing new), details in `last`. */
  onPacket(ssrc: number, timestamp: number, buf: Uint8Array, offset: number, length: number): number {
    const e = this.scratch;
    if (!parseTelephoneEventInto(buf, offset, length, e)) {
      this.malformed++;
      return 0;
    }
    if (e.event > 15) {
      this.ignored++;
      return 0;
    }
    let slot = -1;
    for (let i = 0; i < MEMORY; i++) {
      if (this.code[i] === e.event && this.ts[i] === timestamp && this.ssrc[i] === ssrc) {
        slot = i;
        break;
      }
    }
    let answer = 0;
    if (slot < 0) {
      slot = this.next;
      this.next = (this.next + 1) % MEMORY;
      this.ssrc[slot] = ssrc;
      this.ts[slot] = timestamp;
      this.code[slot] = e.event;
      this.ended[slot] = 0;
      answer = DTMF_STARTED;
    }
    if (e.end && this.ended[slot] === 0) {
      this.ended[slot] = 1;
      answer |= DTMF_ENDED;
    }
    if (answer !== 0) {
      const l = this.last;
      l.event = e.event;
      l.end = e.end;
      l.volume = e.volume;
      l.duration = e.duration;
      this.lastTimestamp = timestamp;
    }
    return answer;
  }
}
