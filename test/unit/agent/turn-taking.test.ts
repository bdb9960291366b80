import { describe, expect, it } from "vitest";
import { planPause, resolvePause } from "../../../src/agent/turn-taking/pause-plan.js";
import { MAX_EARLIER_MS, VoicedEndTracker } from "../../../src/agent/turn-taking/voiced-end.js";

describe("pause plan", () => {
  const pause = { silenceFromMs: 1000, knownAtMs: 1120 };

  it("with silence alone: the deadline is endpointSilenceMs after the last voiced moment, never before the VAD knew", () => {
    const none = { askAtMs: null, askedAtMs: null };
    expect(planPause({ endpointSilenceMs: 600, askAfterMs: null }, pause)).toEqual({ ...none, deadlineMs: 1600 });
    expect(planPause({ endpointSilenceMs: 100, askAfterMs: null }, pause)).toEqual({ ...none, deadlineMs: 1120 });
  });

  it("with a model: due askAfterMs into the silence (not before the pause is known), and not when the deadline comes first", () => {
    const plan = (s: { endpointSilenceMs: number; askAfterMs: number }) => planPause(s, pause);
    expect(plan({ endpointSilenceMs: 1500, askAfterMs: 200 })).toEqual({
      askAtMs: 1200,
      askedAtMs: 1200,
      deadlineMs: 2500,
    });
    expect(plan({ endpointSilenceMs: 1500, askAfterMs: 50 })).toEqual({
      askAtMs: 1120,
      askedAtMs: 1120,
      deadlineMs: 2500,
    });
    expect(plan({ endpointSilenceMs: 200, askAfterMs: 300 })).toEqual({
      askAtMs: null,
      askedAtMs: null,
      deadlineMs: 1200,
    });
  });

  it("asked ahead of its due time by the time predictions take, at most 100 ms and never before the pause is known", () => {
    const s = { endpointSilenceMs: 1500, askAfterMs: 200 };
    const askedAt = (lead: number, known = pause) => planPause(s, known, lead).askedAtMs;
    expect(askedAt(45)).toBe(1155);
    expect(askedAt(400)).toBe(1120); // the pause was known at 1120
    expect(askedAt(400, { silenceFromMs: 1000, knownAtMs: 1050 })).toBe(1100); // at most 100 ms ahead
    expect(askedAt(-5)).toBe(1200);
    expect(planPause(s, pause, 45).askAtMs).toBe(1200); // still due at askAfterMs
  });

  it("a verdict asked ahead counts from its due time: never sooner than askAfterMs into the silence", () => {
    const plan = { askAtMs: 1200, askedAtMs: 1150, deadlineMs: 2500 };
    expect(resolvePause(plan, { complete: true, ms: 40 }, Infinity)).toEqual({ atMs: 1200, by: "model" });
    expect(resolvePause(plan, { complete: true, ms: 70 }, Infinity)).toEqual({ atMs: 1220, by: "model" });
    // The caller spoke after the ask and before the verdict was due: dropped, as if asked when due.
    expect(resolvePause(plan, { complete: true, ms: 20 }, 1190)).toBeNull();
  });

  it("a complete verdict ends the turn when it arrives, if the caller is still silent and the deadline has not passed", () => {
    const plan = { askAtMs: 1200, askedAtMs: 1200, deadlineMs: 2500 };
    expect(resolvePause(plan, { complete: true, ms: 40 }, Infinity)).toEqual({ atMs: 1240, by: "model" });
    // The caller spoke again while the model thought: its answer is dropped; the caller resumed before the deadline too.
    expect(resolvePause(plan, { complete: true, ms: 40 }, 1230)).toBeNull();
    // A verdict slower than the deadline: silence decides.
    expect(resolvePause(plan, { complete: true, ms: 2000 }, Infinity)).toEqual({ atMs: 2500, by: "silence" });
  });

  it("an incomplete verdict (or none) leaves the silence deadline, which speech before it cancels", () => {
    const plan = { askAtMs: 1200, askedAtMs: 1200, deadlineMs: 2500 };
    expect(resolvePause(plan, { complete: false, ms: 40 }, Infinity)).toEqual({ atMs: 2500, by: "silence" });
    expect(resolvePause(plan, { complete: false, ms: 40 }, 2000)).toBeNull();
    const none = { askAtMs: null, askedAtMs: null, deadlineMs: 1600 };
    expect(resolvePause(none, null, 1700)).toEqual({ atMs: 1600, by: "silence" });
  });
});

describe("voiced end", () => {
  const frame = (level: number) => new Float32Array(160).fill(level);

  it("counts silence from the last frame within 30 dB of the loudest, if the VAD's end is at most 240 ms later", () => {
    const t = new VoicedEndTracker();
    for (let i = 0; i < 10; i++) t.push(frame(0.3), 8000); // 200 ms of loud audio
    for (let i = 0; i < 5; i++) t.push(frame(0.003), 8000); // 40 dB down: not voice
    expect(t.positionMs).toBe(300);
    expect(t.voicedEnd(300)).toBe(200);
    expect(t.voicedEnd(200 + MAX_EARLIER_MS + 20)).toBe(200 + MAX_EARLIER_MS + 20); // too far back: trust the VAD
  });

  it("starts its loudness reference again at each speech start", () => {
    const t = new VoicedEndTracker();
    for (let i = 0; i < 5; i++) t.push(frame(0.5), 8000);
    t.speechStarted();
    for (let i = 0; i < 5; i++) t.push(frame(0.01), 8000); // quiet, but the loudest since the restart: voice
    expect(t.voicedEnd(220)).toBe(200);
  });
});
