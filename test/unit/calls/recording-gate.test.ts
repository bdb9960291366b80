import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWavHeader, silenceWavSpans } from "../../../src/audio/index.js";
import { CallRecorder } from "../../../src/calls/recorder.js";
import { RecordingGate } from "../../../src/calls/recording-gate.js";
import { silenceRecordingFile } from "../../../src/calls/recording-silence.js";
import { scratchDir } from "../../helpers/scratch.js";

/** A 20 ms frame whose every sample is `v` (frame numbers made audible in the file). */
const frame = (v: number) => new Int16Array(160).fill(v);

/** Both channels of a stereo 8 kHz recording, one value per 20 ms frame (the first sample of each). */
function framesOf(path: string): { caller: number[]; agent: number[] } {
  const wav = readFileSync(path);
  const h = readWavHeader(wav);
  const view = new DataView(wav.buffer, wav.byteOffset + h.dataOffset, h.dataBytes);
  const caller: number[] = [];
  const agent: number[] = [];
  for (let f = 0; f < h.frames; f += 160) {
    caller.push(view.getInt16(f * 4, true));
    agent.push(view.getInt16(f * 4 + 2, true));
  }
  return { caller, agent };
}

async function record(mode: "pause" | "silence", script: (gate: RecordingGate) => Promise<void> | void) {
  const path = join(scratchDir("parley-gate"), "call.wav");
  const recorder = await CallRecorder.create(path);
  const gate = new RecordingGate(recorder, mode);
  await script(gate);
  await recorder.close();
  return { path, gate, ...framesOf(path) };
}

describe("recording gate for sensitive steps", () => {
  it("silence: the sensitive stretch is written as silence on both sides and the timeline stays whole", async () => {
    const r = await record("silence", (g) => {
      for (let i = 1; i <= 3; i++) (g.caller(frame(i)), g.agent(frame(-i)));
      g.pause("payment card");
      for (let i = 4; i <= 6; i++) (g.caller(frame(i)), g.agent(frame(-i)));
      g.resume();
      for (let i = 7; i <= 8; i++) (g.caller(frame(i)), g.agent(frame(-i)));
    });
    expect(r.caller).toEqual([1, 2, 3, 0, 0, 0, 7, 8]);
    expect(r.agent).toEqual([-1, -2, -3, 0, 0, 0, -7, -8]);
    expect(r.gate.spans()).toEqual([
      { startMs: 60, endMs: 120, mode: "silence", withheldMs: 60, reason: "payment card" },
    ]);
  });

  it("pause: nothing of the stretch reaches the file, and both sides resume in step", async () => {
    const r = await record("pause", (g) => {
      // The caller side runs two frames ahead of the agent when the step starts.
      g.caller(frame(1));
      g.caller(frame(2));
      g.caller(frame(3));
      g.agent(frame(-1));
      g.pause("dtmf:pin");
      for (let i = 4; i <= 9; i++) (g.caller(frame(i)), g.agent(frame(-i)));
      g.resume();
      g.caller(frame(10));
      g.agent(frame(-10));
    });
    expect(r.caller).toEqual([1, 2, 3, 10]);
    // The lagging agent side was topped up with silence before the cut, so -10 sits beside 10.
    expect(r.agent).toEqual([-1, 0, 0, -10]);
    expect(r.gate.spans()).toEqual([{ startMs: 60, endMs: 60, mode: "pause", withheldMs: 120, reason: "dtmf:pin" }]);
  });

  it("nested and overlapping steps resume only when the last one ends; during() resumes on a throw", async () => {
    const r = await record("silence", async (g) => {
      g.caller(frame(1));
      g.agent(frame(-1));
      await expect(
        g.during("payment", async () => {
          g.pause("dtmf:cvv");
          g.caller(frame(2));
          g.agent(frame(-2));
          g.resume();
          expect(g.sensitive).toBe(true);
          g.caller(frame(3));
          g.agent(frame(-3));
          throw new Error("gateway down");
        }),
      ).rejects.toThrow("gateway down");
      expect(g.sensitive).toBe(false);
      g.caller(frame(4));
      g.agent(frame(-4));
    });
    expect(r.caller).toEqual([1, 0, 0, 4]);
    expect(r.gate.spans()).toEqual([{ startMs: 20, endMs: 60, mode: "silence", withheldMs: 40, reason: "payment" }]);
  });

  it("ignores a resume without a pause, and lists a pause still open up to now", async () => {
    const r = await record("silence", (g) => {
      g.resume();
      g.caller(frame(1));
      g.agent(frame(-1));
      g.pause("card");
      g.caller(frame(2));
      g.agent(null);
      expect(g.spans()).toEqual([{ startMs: 20, endMs: 40, mode: "silence", withheldMs: 20, reason: "card" }]);
    });
    expect(r.caller).toEqual([1, 0]);
  });
});

describe("silencing a recording on disk", () => {
  it("silences the spans in place, block by block, with the same result as the in-memory helper", async () => {
    const path = join(scratchDir("parley-gate"), "call.wav");
    const recorder = await CallRecorder.create(path);
    // 100 s of audio: several blocks of work.
    for (let i = 1; i <= 5000; i++) (recorder.caller(frame((i % 1000) + 1)), recorder.agent(frame(-((i % 1000) + 1))));
    await recorder.close();
    const before = readFileSync(path);
    const spans = [
      { startMs: 1000, endMs: 1040 },
      { startMs: 30_000, endMs: 75_000 },
    ];
    const expected = silenceWavSpans(before, spans);
    expect(await silenceRecordingFile(path, spans)).toBe(expected.silencedMs);
    const after = readFileSync(path);
    expect(Buffer.compare(after, Buffer.from(expected.bytes))).toBe(0);
    const { caller } = framesOf(path);
    expect(caller.slice(49, 53)).toEqual([51, 0, 0, 54]); // frame n holds (n+1) % 1000 + 1
    // Idempotent.
    await silenceRecordingFile(path, spans);
    expect(Buffer.compare(readFileSync(path), after)).toBe(0);
  });

  it("handles a recording whose writer died before patching the header (unknown length)", async () => {
    const path = join(scratchDir("parley-gate"), "crashed.wav");
    const recorder = await CallRecorder.create(path);
    for (let i = 1; i <= 100; i++) (recorder.caller(frame(i)), recorder.agent(frame(-i)));
    await recorder.close();
    const file = readFileSync(path);
    file.writeUInt32LE(0xffffffff, 40); // what a crash leaves
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path, file);
    expect(await silenceRecordingFile(path, [{ startMs: 1900, endMs: 5000 }])).toBe(100);
    const { caller } = framesOf(path);
    expect(caller.slice(-6)).toEqual([95, 0, 0, 0, 0, 0]);
  });

  it("stops when aborted", async () => {
    const path = join(scratchDir("parley-gate"), "call.wav");
    const recorder = await CallRecorder.create(path);
    for (let i = 1; i <= 10; i++) (recorder.caller(frame(i)), recorder.agent(null));
    await recorder.close();
    await expect(
      silenceRecordingFile(path, [{ startMs: 0, endMs: 100 }], { signal: AbortSignal.abort() }),
    ).rejects.toThrow();
  });
});
