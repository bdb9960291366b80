import { describe, expect, it } from "vitest";
import { G711Decoder } from "../../../src/rtp/codec.js";
import { RtpReceiver } from "../../../src/rtp/receiver.js";
import type { RtpSessionEvent } from "../../../src/rtp/types.js";
import { serializeRtp } from "../../../src/rtp/packet.js";

/*
 * A key press whose telephone-events carry an SSRC other than the audio's
 * (SIPp replaying its dtmf pcap beside rtp_stream does this; so do some
 * gateways). Seen in CI: one press of 1 reached the script as "11", because
 * every switch between the two SSRCs was taken for a new source and reset the
 * event memory.
 */
const AUDIO_SSRC = 0x11111111;
const EVENT_SSRC = 0x0e05384e;
const FROM = "127.0.0.1";

function receiver() {
  const events: RtpSessionEvent[] = [];
  let frames = 0;
  const rx = new RtpReceiver(
    { frame: () => frames++, event: (e) => events.push(e) },
    { minDelayMs: 20, maxDelayMs: 200, initialDelayMs: 40 },
    new G711Decoder("pcmu"),
  );
  rx.latch.setRemote(FROM, 4000);
  rx.audioPt = 0;
  rx.eventPt = 101;
  rx.receiving = true;
  return { rx, events, frames: () => frames };
}

const audio = (i: number) =>
  serializeRtp({
    payloadType: 0,
    sequence: 100 + i,
    timestamp: 8000 + 160 * i,
    ssrc: AUDIO_SSRC,
    payload: new Uint8Array(160).fill(0xff),
  });

/** Key 1 as SIPp's pcap sends it: marker start, updates, three copies of the end. */
function keyPress(ssrc: number, firstSeq: number, timestamp: number): Uint8Array[] {
  const updates = [0, 320, 640, 960, 1280].map((d, i) =>
    serializeRtp({
      marker: i === 0,
      payloadType: 101,
      sequence: firstSeq + i,
      timestamp,
      ssrc,
      payload: Uint8Array.of(1, 10, d >> 8, d & 0xff),
    }),
  );
  const end = serializeRtp({
    payloadType: 101,
    sequence: firstSeq + 5,
    timestamp,
    ssrc,
    payload: Uint8Array.of(1, 0x8a, 0x08, 0xc0),
  });
  return [...updates, end, end, end];
}

const digits = (events: RtpSessionEvent[]) =>
  events.filter((e) => e.type === "dtmf:digit").map((e) => (e as { digit: string }).digit);

describe("RFC 4733 events on an SSRC beside the audio's", () => {
  it("one press interleaved packet by packet with audio is one digit, and the audio keeps its source", () => {
    const { rx, events } = receiver();
    const press = keyPress(EVENT_SSRC, 0x20f4, 0x169e0);
    let a = 0;
    for (let i = 0; i < 5; i++) rx.onDatagram(audio(a++), FROM, 4000, i * 20);
    for (const p of press) {
      rx.onDatagram(p, FROM, 4000, a * 20);
      rx.onDatagram(audio(a++), FROM, 4000, a * 20);
    }
    expect(digits(events)).toEqual(["1"]);
    expect(events.filter((e) => e.type === "dtmf:end")).toHaveLength(1);
    expect(events.some((e) => e.type === "rtp:ssrc-changed")).toBe(false);
    expect(rx.ssrcChanges).toBe(0);
    expect(rx.dropped.probation).toBe(0);
  });

  it("two presses of the same key on the side stream are two digits", () => {
    const { rx, events } = receiver();
    let a = 0;
    rx.onDatagram(audio(a++), FROM, 4000, 0);
    for (const p of [...keyPress(EVENT_SSRC, 10, 50_000), ...keyPress(EVENT_SSRC, 20, 54_000)]) {
      rx.onDatagram(p, FROM, 4000, a * 20);
      rx.onDatagram(audio(a++), FROM, 4000, a * 20);
    }
    expect(digits(events)).toEqual(["1", "1"]);
  });

  it("a real change of source still resets the audio, and a press replayed with another SSRC counts again", () => {
    const { rx, events } = receiver();
    rx.onDatagram(audio(0), FROM, 4000, 0);
    for (const p of keyPress(AUDIO_SSRC, 101, 9000)) rx.onDatagram(p, FROM, 4000, 20);
    const other = serializeRtp({
      payloadType: 0,
      sequence: 7,
      timestamp: 1,
      ssrc: 0x22222222,
      payload: new Uint8Array(160).fill(0xff),
    });
    rx.onDatagram(other, FROM, 4000, 40);
    // The same timestamp and key, now from the new source: a different event.
    for (const p of keyPress(0x22222222, 8, 9000)) rx.onDatagram(p, FROM, 4000, 60);
    expect(rx.ssrcChanges).toBe(1);
    expect(digits(events)).toEqual(["1", "1"]);
  });
});
