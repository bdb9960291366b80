import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pausesOf } from "../../../src/bench/turns/timeline.js";
import { loadTurnCorpus, type TurnUtterance } from "../../../src/bench/turns/utterances.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { VadEngine } from "../../../src/engines/types.js";
import { sileroRef, testConfig } from "../../helpers/models.js";
import { fliteMissing } from "../../helpers/speech.js";

/**
 * `parley bench turns` hears a line's pauses as a live call does (real silero, a real corpus line with a
 * mid-sentence pause): the turn model's pauses from the early-silence detector, the silence deadline's from the
 * VAD's own segments, and the caller's voice back as soon as the listener would know it.
 */
describe.skipIf(fliteMissing)("the pauses bench turns hears", () => {
  let dir: string;
  let vad: VadEngine;
  let short: TurnUtterance; // a 300 ms mid-sentence pause: the VAD's own minimum silence is as long
  let long: TurnUtterance; // a 594 ms one
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-turn-pauses-"));
    const lines = loadTurnCorpus(dir, { limit: 5 });
    [short, long] = [lines[0]!, lines[4]!];
    vad = await createEngine("vad", sileroRef(), testConfig({ engines: { vad: { minSilenceMs: 300 } } }));
  });
  afterAll(async () => {
    await vad?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const signal = new AbortController().signal;
  const near = (gap: { atMs: number }) => (p: { silenceFromMs: number }) =>
    p.silenceFromMs > gap.atMs - 250 && p.silenceFromMs < gap.atMs + 100;

  it("knows a long pause at the early silence, and the caller back before the VAD's speech-start", async () => {
    const gap = long.pause!;
    expect(gap.ms).toBe(594);
    const { silence, early } = await pausesOf(long, vad, 100, signal);
    const vadPause = silence.find(near(gap))!;
    const earlyPause = early.find(near(gap))!;
    expect(vadPause, JSON.stringify(silence)).toBeDefined();
    expect(earlyPause, JSON.stringify(early)).toBeDefined();
    // The early detector's 100 ms of minimum silence reports it well before the VAD's 300.
    expect(earlyPause.knownAtMs).toBeLessThan(vadPause.knownAtMs - 100);
    // The VAD hears the caller again only after its minimum speech; the listener knows the voice is back sooner.
    const resumed = gap.atMs + gap.ms;
    expect(vadPause.resumedAtMs).toBeGreaterThan(resumed);
    // The early detector's resume lifts the silence deadline too (the listener's rule), before the VAD's speech-start.
    expect(earlyPause.resumedAtMs).toBeLessThan(vadPause.resumedAtMs);
    expect(earlyPause.voiceBackAtMs).toBeLessThanOrEqual(earlyPause.resumedAtMs);
    expect(earlyPause.voiceBackAtMs).toBeGreaterThan(resumed - 40);
    expect(earlyPause.voiceBackAtMs).toBeLessThan(resumed + 200); // a soft first sound ("four") is not voice yet
    // The end of the line: nobody comes back.
    expect(silence.at(-1)!.resumedAtMs).toBe(Infinity);
    expect(early.at(-1)!).toMatchObject({ resumedAtMs: Infinity, voiceBackAtMs: Infinity });
    expect(early.at(-1)!.silenceFromMs).toBeGreaterThan(long.lastWordEndMs - 250);
  }, 60_000);

  it("hears a pause the VAD's own segments run through only at the early silence; no deadline stands in it", async () => {
    const gap = short.pause!;
    expect(gap.ms).toBe(300);
    const { silence, early } = await pausesOf(short, vad, 100, signal);
    expect(silence.find(near(gap)), JSON.stringify(silence)).toBeUndefined();
    const earlyPause = early.find(near(gap))!;
    expect(earlyPause, JSON.stringify(early)).toBeDefined();
    const resumed = gap.atMs + gap.ms;
    expect(earlyPause.voiceBackAtMs).toBeGreaterThan(resumed - 40);
    expect(earlyPause.voiceBackAtMs).toBeLessThan(resumed + 200);
    // Back at the early detector's resume: with no speech-end, a call had no silence deadline to lift.
    expect(earlyPause.resumedAtMs).toBeGreaterThanOrEqual(earlyPause.voiceBackAtMs);
    expect(earlyPause.resumedAtMs).toBeLessThan(resumed + 200);
  }, 60_000);
});
