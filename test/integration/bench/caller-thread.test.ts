import { createSocket, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { decodeMulaw, encodeMulaw, rms } from "../../../src/audio/index.js";
import { CallerThread } from "../../../src/bench/calls/caller-thread.js";
import { parseRtp, serializeRtp } from "../../../src/rtp/packet.js";

/**
 * The bench's caller thread against a scripted agent on 127.0.0.1: the agent
 * greets, waits for the caller's line to end, pauses, then answers with a
 * hole in its audio. The caller must time the answer from its own last
 * speech packet and count the packets the hole left out.
 */
const FRAME = 160;
const tone = (amplitude: number) =>
  Int16Array.from({ length: FRAME }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 8000)));
const LOUD = tone(8000);
const QUIET = new Int16Array(FRAME);
const ANSWER_AFTER_MS = 200;
const HOLE_PACKETS = 5;
/** The caller waits this much longer than the greeting's end (and its 500 ms of quiet) before its line. */
const SPEAK_AFTER_MS = 400;

/** Sends `frames` every 20 ms, leaving out the packets whose index is in `skip`. */
async function play(socket: Socket, to: { port: number }, frames: Int16Array[], skip = new Set<number>()) {
  for (let i = 0; i < frames.length; i++) {
    if (!skip.has(i)) {
      const packet = serializeRtp({
        payloadType: 0,
        sequence: i,
        timestamp: i * FRAME,
        ssrc: 0xa9e,
        payload: encodeMulaw(frames[i]!),
      });
      socket.send(packet, to.port, "127.0.0.1");
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("bench caller thread: the caller's RTP on a thread of its own", () => {
  let thread: CallerThread | null = null;
  let agent: Socket | null = null;
  afterEach(async () => {
    agent?.close();
    agent = null;
    await thread?.terminate();
    thread = null;
  });

  it("times the answer from its last speech packet and counts a hole in the agent's audio", async () => {
    thread = await CallerThread.start();
    // Root or CAP_SYS_NICE gets realtime; anything less says why it fell back.
    if (thread.priority.got !== "realtime") expect(thread.priority.error).toBeTruthy();
    agent = createSocket("udp4");
    const a = agent;
    await new Promise<void>((r) => a.bind(0, "127.0.0.1", () => r()));
    const endpoint = await thread.open();
    const caller = { port: endpoint.port };
    let callerSpoke = false;
    let answered: Promise<void> | null = null;
    let speechEndSeenAt = 0;
    a.on("message", (buf) => {
      const parsed = parseRtp(buf);
      if (!parsed.ok) return;
      const loud = rms(decodeMulaw(parsed.packet.payload)) > 0.02;
      if (loud) callerSpoke = true;
      else if (callerSpoke && answered === null) {
        // The caller's line ended: answer after a pause, with a hole of HOLE_PACKETS packets in the middle.
        speechEndSeenAt = performance.now();
        const reply = [...Array<Int16Array>(40).fill(LOUD), QUIET, QUIET];
        const hole = new Set(Array.from({ length: HOLE_PACKETS }, (_, i) => 15 + i));
        answered = new Promise((r) => setTimeout(r, ANSWER_AFTER_MS)).then(() => play(a, caller, reply, hole));
      }
    });
    // The greeting (300 ms), then quiet packets as a phone keeps sending.
    const greeting = play(a, caller, [...Array<Int16Array>(15).fill(LOUD), ...Array<Int16Array>(5).fill(QUIET)]);
    const line = Int16Array.from({ length: FRAME * 10 }, (_, i) => LOUD[i % FRAME]!);
    const measured = thread.run(endpoint.id, { address: "127.0.0.1", port: a.address().port }, line, {
      holdMs: 5000,
      speakAfterMs: SPEAK_AFTER_MS,
    });
    await greeting;
    const m = await measured;
    thread.close(endpoint.id);
    expect(speechEndSeenAt).toBeGreaterThan(0);
    expect(m.speechEndAt).not.toBeNull();
    expect(m.firstAudibleAt).not.toBeNull();
    // The caller said its line SPEAK_AFTER_MS after the greeting's 300 ms and the 500 ms of quiet it waits for, and
    // the line lasts 200 ms: its last packet went 1,380 ms after the greeting's first at the earliest (less a frame).
    expect(m.speechEndAt! - m.firstAudibleAt!).toBeGreaterThanOrEqual(300 + 500 + SPEAK_AFTER_MS + 200 - 40);
    // The answer came after the agent's pause, measured from the caller's own last speech packet.
    const latency = m.firstAudibleAfterSpeech! - m.speechEndAt!;
    expect(latency).toBeGreaterThanOrEqual(ANSWER_AFTER_MS);
    expect(latency).toBeLessThan(ANSWER_AFTER_MS + 2000);
    // The hole: HOLE_PACKETS slots with nothing (a late timer on a loaded box can add one, never take one away).
    expect(m.gaps).toBeGreaterThanOrEqual(HOLE_PACKETS);
    expect(m.gaps).toBeLessThanOrEqual(HOLE_PACKETS + 3);
    // The older count, intervals over 40 ms, sees the same hole.
    expect(m.intervalGaps).toBeGreaterThanOrEqual(HOLE_PACKETS);
    expect(await thread.loopDelayMaxMs()).toBeGreaterThanOrEqual(0);
  }, 20_000);

  it("a run on an endpoint it never opened fails with a reason", async () => {
    thread = await CallerThread.start();
    await expect(
      thread.run(999, { address: "127.0.0.1", port: 9 }, new Int16Array(FRAME), { holdMs: 100 }),
    ).rejects.toThrow("no such endpoint");
  });
});
