import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TurnsReport } from "../../src/bench/turns/turns-bench.js";
import { runParley } from "../helpers/parley-process.js";
import { fliteMissing } from "../helpers/speech.js";

/**
 * `parley bench turns` end to end on the tiny profile, a few lines: every
 * setting decides every line, the model is asked only by model settings,
 * the VAD-only baseline never credits the model. Structure, not timings.
 */
describe.skipIf(fliteMissing)("parley bench turns (real process)", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "parley-bench-turns-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("measures silence alone and the turn model on the corpus, generating what it needs", async () => {
    const r = await runParley(
      [
        "bench",
        "turns",
        "--profile",
        "tiny",
        "--limit",
        "4",
        "--endpoint-silence",
        "600,1500",
        "--json",
        "--data-dir",
        dataDir,
      ],
      { timeoutMs: 240_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as TurnsReport;
    expect(report).toMatchObject({
      bench: "turns",
      profile: "tiny",
      turnModel: { id: "tiny-turn", threshold: 0.5 },
      // Opened as a live call opens it: its own minimum silence, and the early-silence detector for the model.
      vad: { id: "silero-vad-v4-npm", minSilenceMs: 300, earlyPauseMs: 50 },
      corpus: { lines: 4, paused: 2 },
    });
    expect(report.settings.map((s) => s.name)).toEqual(["vad 600", "vad 1500", "model@200 600", "model@200 1500"]);
    expect(report.settings.map((s) => s.baseline)).toEqual([true, false, false, false]);
    expect(report.utterances).toHaveLength(4 * 4);
    for (const s of report.settings) {
      expect(s.utterances).toBe(4);
      expect(s.undecided).toBe(0); // 2.2 s of silence after every line: even the longest deadline is reached
      expect(s.byModel + s.bySilence + s.undecided).toBe(4);
      if (s.rule === "vad") expect(s.byModel).toBe(0);
    }
    for (const u of report.utterances) {
      if (u.endedAtMs === null) continue;
      expect(u.cutIn).toBe(u.endedAtMs < u.lastWordEndMs);
      if (!u.cutIn) expect(u.latencyMs).toBe(Math.round((u.endedAtMs - u.lastWordEndMs) * 100) / 100);
    }
    // The model was asked, and a model setting ended at least one turn on its verdict.
    expect(report.predictions.count).toBeGreaterThan(0);
    expect(report.predictions.msP50).toBeGreaterThan(0);
    expect(report.settings.some((s) => s.byModel > 0)).toBe(true);
    expect(r.stderr).toContain("bench: generating tiny-turn (no download)");

    // The corpus is cached: a second run generates nothing.
    const again = await runParley(["bench", "turns", "--profile", "tiny", "--limit", "4", "--data-dir", dataDir], {
      timeoutMs: 240_000,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain("generated");
    expect(again.stdout).toMatch(/silence 600 ms \(baseline\)/);
    expect(again.stdout).toMatch(/model after 200 ms, else 1500 ms/);
  }, 300_000);

  it("says clearly what is wrong with its flags or the profile", async () => {
    const badFlag = await runParley(["bench", "turns", "--ask-after", "5", "--data-dir", dataDir]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--ask-after: expected a list of whole milliseconds 20\.\.1000, got '5'/);
    const notPulled = await runParley(["bench", "turns", "--profile", "small", "--data-dir", dataDir]);
    expect(notPulled.code).toBe(1);
    expect(notPulled.stderr).toContain(
      "the turn model 'smart-turn-v3.2-cpu' of profile 'small' is not installed; run `parley models pull smart-turn-v3.2-cpu`",
    );
  });
});
