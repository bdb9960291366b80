import { describe, expect, it } from "vitest";
import { TURN_CORPUS } from "../../../src/bench/turns/corpus.js";
import { decideTurn, type Verdict } from "../../../src/bench/turns/decide.js";
import { spokenPhones } from "../../../src/bench/turns/flite-timing.js";
import type { HeardPause } from "../../../src/bench/turns/timeline.js";
import { summarizeSetting, type UtteranceOutcome } from "../../../src/bench/turns/turns-report.js";
import { LEAD_MS, renderLine } from "../../../src/bench/turns/utterances.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { fliteMissing } from "../../helpers/speech.js";

describe("turn corpus", () => {
  it("has at least 40 lines, half pausing mid-sentence for 300-700 ms, paused and straight alternating", () => {
    expect(TURN_CORPUS.length).toBeGreaterThanOrEqual(40);
    const paused = TURN_CORPUS.filter((l) => l.text.includes("|"));
    expect(paused.length).toBe(TURN_CORPUS.length / 2);
    for (const l of paused) {
      expect(l.pauseMs).toBeGreaterThanOrEqual(300);
      expect(l.pauseMs).toBeLessThanOrEqual(700);
    }
    TURN_CORPUS.forEach((l, i) => expect(l.text.includes("|")).toBe(i % 2 === 0));
    expect(new Set(paused.map((l) => l.pauseMs)).size).toBeGreaterThan(10);
  });

  it("reads flite's phone timings and refuses what it cannot read", () => {
    expect(spokenPhones("pau:0.209 ay:0.326 n:0.417 pau:0.600")).toEqual([
      { phone: "ay", endMs: 326 },
      { phone: "n", endMs: 417 },
    ]);
    expect(() => spokenPhones("pau:0.2 ay")).toThrow(ParleyError);
  });

  it.skipIf(fliteMissing)(
    "renders a paused line: silence exactly where the pause is, the truth about its last word, telephone rate",
    () => {
      const { samples, meta } = renderLine(
        { text: "I need to book | an appointment for Tuesday.", pauseMs: 500 },
        "01",
      );
      const at = (ms: number) => Math.round((ms * 8000) / 1000);
      expect(meta.pause?.ms).toBe(500);
      expect(meta.pause!.atMs).toBeGreaterThan(LEAD_MS + 400);
      expect(meta.text).toBe("I need to book an appointment for Tuesday.");
      const gap = samples.subarray(at(meta.pause!.atMs + 10), at(meta.pause!.atMs + 490));
      expect(gap.every((v) => v === 0)).toBe(true);
      expect(samples.subarray(at(meta.pause!.atMs - 200), at(meta.pause!.atMs)).some((v) => Math.abs(v) > 0.01)).toBe(
        true,
      );
      expect(samples.subarray(0, at(LEAD_MS)).every((v) => v === 0)).toBe(true);
      // Speech just before the last word's end, nothing but flite's trailing pause and our tail after it.
      expect(
        samples.subarray(at(meta.lastWordEndMs - 100), at(meta.lastWordEndMs)).some((v) => Math.abs(v) > 0.01),
      ).toBe(true);
      expect(samples.subarray(at(meta.lastWordEndMs + 300)).every((v) => Math.abs(v) < 0.01)).toBe(true);
    },
  );

  it.skipIf(fliteMissing)("refuses a pause mark it cannot place", () => {
    expect(() => renderLine({ text: "one | two | three", pauseMs: 300 }, "x")).toThrow(/at most one '\|'/);
    expect(() => renderLine({ text: "one | two" }, "x")).toThrow(/needs pauseMs/);
  });
});

describe("deciding a turn over its pauses", () => {
  const pauses: HeardPause[] = [
    { silenceFromMs: 1000, knownAtMs: 1110, resumedAtMs: 1700, voiceBackAtMs: 1700 }, // a mid-sentence pause of ~700 ms
    { silenceFromMs: 3000, knownAtMs: 3110, resumedAtMs: Infinity, voiceBackAtMs: Infinity }, // the end
  ];
  const asked: number[] = [];
  const ask =
    (complete: (atMs: number) => boolean) =>
    async (atMs: number): Promise<Verdict> => {
      asked.push(atMs);
      return { complete: complete(atMs), probability: complete(atMs) ? 0.9 : 0.1, ms: 30, modelMs: 20 };
    };

  it("silence alone: the first pause longer than the deadline ends the turn (a cut-in here)", async () => {
    expect(
      await decideTurn(
        { name: "vad", askAfterMs: null, endpointSilenceMs: 600 },
        pauses,
        ask(() => true),
      ),
    ).toEqual({ atMs: 1600, by: "silence" });
    expect(
      await decideTurn(
        { name: "vad", askAfterMs: null, endpointSilenceMs: 1000 },
        pauses,
        ask(() => true),
      ),
    ).toEqual({ atMs: 4000, by: "silence" });
  });

  it("the model: an incomplete verdict at the pause waits, a complete one at the end ends the turn early", async () => {
    asked.length = 0;
    const end = await decideTurn(
      { name: "m", askAfterMs: 200, endpointSilenceMs: 1000 },
      pauses,
      ask((at) => at > 2000),
    );
    expect(end).toEqual({ atMs: 3230, by: "model" });
    expect(asked).toEqual([1200, 3200]);
  });

  it("drops a verdict due after the caller's voice is back; the silence deadline waits for the VAD to hear it", async () => {
    // Voice back at 1190 (the early-silence detector, a voiced frame); the VAD's speech-start only at 1750.
    const heard: HeardPause[] = [
      { silenceFromMs: 1000, knownAtMs: 1100, resumedAtMs: 1750, voiceBackAtMs: 1190 },
      { silenceFromMs: 3000, knownAtMs: 3100, resumedAtMs: Infinity, voiceBackAtMs: Infinity },
    ];
    // Asked 100 ms ahead (at 1100) with a silence deadline of 600 ms; the verdict, "complete", is due at 1200.
    const decide = (pauses: HeardPause[]) =>
      decideTurn(
        { name: "m", askAfterMs: 200, endpointSilenceMs: 600 },
        pauses,
        ask(() => true),
        100,
      );
    // The voice came back first: the deadline decides, at the VAD's pace.
    expect(await decide(heard)).toEqual({ atMs: 1600, by: "silence" });
    // Had the voice come back after 1200, the verdict would have ended the turn there.
    expect(await decide([{ ...heard[0]!, voiceBackAtMs: 1210 }, heard[1]!])).toEqual({ atMs: 1200, by: "model" });
  });

  it("does not ask when the caller spoke again before the ask time", async () => {
    asked.length = 0;
    await decideTurn(
      { name: "m", askAfterMs: 800, endpointSilenceMs: 1500 },
      pauses,
      ask(() => false),
    );
    expect(asked).toEqual([3800]);
  });
});

describe("a setting's figures", () => {
  const row = (o: Partial<UtteranceOutcome>): UtteranceOutcome => ({
    id: "x",
    setting: "s",
    paused: false,
    lastWordEndMs: 1000,
    endedAtMs: 1300,
    by: "silence",
    cutIn: false,
    latencyMs: 300,
    ...o,
  });

  it("rates cut-ins over all, paused and straight lines, and takes latency over the rest", () => {
    const f = summarizeSetting({ name: "s", askAfterMs: 200, endpointSilenceMs: 1000 }, false, [
      row({ paused: true, cutIn: true, latencyMs: null, endedAtMs: 500 }),
      row({ paused: true, by: "model", latencyMs: 250 }),
      row({ latencyMs: 300 }),
      row({ endedAtMs: null, by: null, latencyMs: null }),
    ]);
    expect(f).toMatchObject({
      rule: "model",
      utterances: 4,
      cutIns: 1,
      cutInRate: 0.25,
      pausedCutInRate: 0.5,
      straightCutInRate: 0,
      byModel: 1,
      bySilence: 2,
      undecided: 1,
    });
    expect(f.latencyMs).toEqual({ p50: 250, p95: 300, mean: 275 });
  });
});
