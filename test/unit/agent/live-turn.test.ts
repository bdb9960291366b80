import { describe, expect, it } from "vitest";
import { parseAgent } from "../../../src/agent/load.js";
import { HeldAudio } from "../../../src/agent/conversation/held-audio.js";
import { sameWords } from "../../../src/agent/conversation/speculation.js";
import type { CallAudio, PlaybackHandle } from "../../../src/agent/conversation/types.js";
import { liveTurnSettings } from "../../../src/agent/turn-taking/settings.js";
import { TurnAudio } from "../../../src/agent/turn-taking/turn-audio.js";
import { callsSection } from "../../../src/config/sections/calls.js";
import type { TurnDetector } from "../../../src/engines/types.js";

const defaults = callsSection.parse({}).turn;
// Only threshold is read from the detector by the settings; predict is never called here.
const detector = { threshold: 0.6, windowMs: 8000 } as TurnDetector;
const agent = (live: Record<string, unknown> = {}) => parseAgent({ name: "a", systemPrompt: "x", live }, "test").live;

describe("live turn settings", () => {
  it("server defaults: the model asked after 200 ms at its own threshold, the agent's deadline, speculation and read-ahead on", () => {
    expect(defaults).toEqual({
      model: true,
      askAfterMs: 200,
      speculative: true,
      speculateEarly: false,
      readAhead: true,
    });
    expect(liveTurnSettings(agent(), defaults, detector)).toEqual({
      detector,
      askAfterMs: 200,
      earlyPauseMs: 50,
      endpointSilenceMs: 600,
      threshold: 0.6,
      speculative: true,
      speculateEarly: false,
      readAhead: true,
    });
  });

  it("the agent overrides each field; its model deadline applies only with a model", () => {
    const live = agent({ endpointSilenceMs: 700, turn: { askAfterMs: 150, threshold: 0.8, endpointSilenceMs: 1200 } });
    expect(liveTurnSettings(live, defaults, detector)).toMatchObject({
      askAfterMs: 150,
      earlyPauseMs: 32,
      threshold: 0.8,
      endpointSilenceMs: 1200,
    });
    // No model installed: silence alone at the agent's endpointSilenceMs.
    expect(liveTurnSettings(live, defaults, null)).toMatchObject({
      detector: null,
      askAfterMs: null,
      earlyPauseMs: 0,
      endpointSilenceMs: 700,
    });
    // The early-silence detector's pause comes 60-100 ms after its minimum silence, and the model is asked ahead of
    // its due time by up to 100: askAfterMs less 150, within one silero window (32 ms) and 100 ms.
    const early = (askAfterMs: number) =>
      liveTurnSettings(agent({ turn: { askAfterMs } }), defaults, detector).earlyPauseMs;
    expect([60, 150, 180, 200, 230, 250, 400].map(early)).toEqual([32, 32, 32, 50, 80, 100, 100]);
    // The agent turns the model off, or the server does.
    expect(liveTurnSettings(agent({ turn: { model: false } }), defaults, detector).detector).toBeNull();
    expect(liveTurnSettings(agent(), { ...defaults, model: false }, detector).detector).toBeNull();
    expect(liveTurnSettings(agent({ turn: { speculative: false } }), defaults, detector).speculative).toBe(false);
    expect(liveTurnSettings(agent({ turn: { speculateEarly: true } }), defaults, detector).speculateEarly).toBe(true);
  });

  it("bad settings are refused with the field named", () => {
    expect(() => agent({ turn: { threshold: 1.5 } })).toThrow(/threshold/);
    expect(() => agent({ turn: { askAfterMs: 10 } })).toThrow(/askAfterMs/);
    expect(() => agent({ turn: { modle: true } })).toThrow(/modle/);
    expect(() => callsSection.parse({ turn: { askAfterMs: "soon" } })).toThrow(/askAfterMs/);
  });
});

describe("turn audio", () => {
  it("keeps the newest window, oldest first, and starts again on reset", () => {
    const a = new TurnAudio(1000, 5); // 5 samples
    a.push(Float32Array.from([1, 2, 3]));
    a.push(Float32Array.from([4, 5, 6, 7]));
    expect([...a.snapshot()]).toEqual([3, 4, 5, 6, 7]);
    a.push(Float32Array.from([8, 9, 10, 11, 12, 13]));
    expect([...a.snapshot()]).toEqual([9, 10, 11, 12, 13]);
    a.reset();
    expect(a.snapshot().length).toBe(0);
    a.push(Float32Array.from([1]));
    expect([...a.snapshot()]).toEqual([1]);
  });

  it("made longer at the end by a copy of its own last part, never by more than it holds", () => {
    const a = new TurnAudio(1000, 5); // 1 sample per ms
    a.push(Float32Array.from([1, 2, 3, 4, 5, 6]));
    expect([...a.snapshot(2)]).toEqual([2, 3, 4, 5, 6, 5, 6]);
    expect([...a.snapshot(0)]).toEqual([2, 3, 4, 5, 6]);
    expect([...a.snapshot(1.4)]).toEqual([2, 3, 4, 5, 6, 6]);
    a.reset();
    a.push(Float32Array.from([7, 8]));
    expect([...a.snapshot(10)]).toEqual([7, 8, 7, 8]);
    // The held audio itself is untouched.
    expect([...a.snapshot()]).toEqual([7, 8]);
  });
});

describe("speculative replies", () => {
  it("compare words, not case, punctuation or spacing", () => {
    expect(sameWords("Hello, I'd like  a table.", "hello i'd like a table")).toBe(true);
    expect(sameWords("hello i would like", "hello i would like a table")).toBe(false);
  });

  function fakeCall() {
    const played: Int16Array[] = [];
    const audio: CallAudio = {
      frames: (async function* () {})(),
      play(source): PlaybackHandle {
        played.push(source as Int16Array);
        const r = { completed: true, playedSamples: 1, queuedSamples: 1 };
        return { playedSamples: 1, done: Promise.resolve(r), started: Promise.resolve(1) };
      },
      clearPlayback: () => 0,
      playing: false,
    };
    return { audio, played };
  }

  it("held audio plays in order once released, and never once dropped", async () => {
    const kept = fakeCall();
    const held = new HeldAudio(kept.audio);
    const a = held.play(Int16Array.from([1]));
    const b = held.play(Int16Array.from([2]));
    expect(kept.played).toEqual([]);
    held.release();
    expect(kept.played.map((p) => p[0])).toEqual([1, 2]);
    expect((await a.done).completed).toBe(true);
    held.play(Int16Array.from([3]));
    expect(kept.played.map((p) => p[0])).toEqual([1, 2, 3]);
    await b.done;

    const thrown = fakeCall();
    const dropped = new HeldAudio(thrown.audio);
    const c = dropped.play(Int16Array.from([1]));
    dropped.drop();
    dropped.release(); // too late: a discarded reply stays discarded
    dropped.play(Int16Array.from([2]));
    expect(thrown.played).toEqual([]);
    expect(await c.done).toEqual({ completed: false, playedSamples: 0, queuedSamples: 0 });
  });
});
