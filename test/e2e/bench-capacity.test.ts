import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullModels } from "../helpers/parley-setup.js";
import { runParley } from "../helpers/parley-process.js";
import { fliteMissing } from "../helpers/speech.js";

/**
 * The load benchmarks run end to end on the tiny profile: the figures mean
 * nothing at this cost (real ones come from the load profiles, see
 * docs/calls.md), but the harness (a real `parley serve`, real calls, a
 * voicemail backlog through the API, the LLM at several sequences) must work.
 */
describe("parley bench llm and bench capacity (tiny, real processes)", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "parley-bench-cap-"));
    await pullModels(["--data-dir", dataDir]);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("bench llm --json reports prefill and decode rates per number of sequences", async () => {
    const r = await runParley(
      [
        "bench",
        "llm",
        "--profile",
        "tiny",
        "--data-dir",
        dataDir,
        "--sequences",
        "1,3",
        "--tokens",
        "16",
        "--prompt",
        "32",
        "--json",
      ],
      { timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      model: string;
      levels: {
        sequences: number;
        aggregateTokensPerSec: number;
        perSequenceTokensPerSec: number;
        prefillTokensPerSec: number;
      }[];
    };
    expect(report.model).toBe("tiny-llm");
    expect(report.levels.map((l) => l.sequences)).toEqual([1, 3]);
    for (const l of report.levels) {
      expect(l.prefillTokensPerSec).toBeGreaterThan(0);
      // Aggregate is per-caller times callers, by definition: the two are measured over the same decode phase.
      expect(l.aggregateTokensPerSec).toBeCloseTo(l.perSequenceTokensPerSec * l.sequences, 0);
    }
  }, 140_000); // the bench is allowed 120 s: on a loaded 2-core box it can take more than the default minute

  it("bench capacity refuses a p95 limit out of range before starting anything", async () => {
    const r = await runParley(
      ["bench", "capacity", "--profile", "tiny", "--data-dir", dataDir, "--p95-limit-ms", "50"],
      {
        timeoutMs: 60_000,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--p95-limit-ms: expected a whole number 100..60000, got '50'");
  }, 70_000);

  it.skipIf(fliteMissing)(
    "bench capacity --json ramps calls, then does it again behind a voicemail backlog",
    async () => {
      const r = await runParley(
        [
          "bench",
          "capacity",
          "--profile",
          "tiny",
          "--data-dir",
          dataDir,
          "--max-calls",
          "2",
          "--backlog",
          "6",
          "--hold-ms",
          "6000",
          "--single-calls",
          "2",
          // The absolute rule, loose enough for any tiny level: the relative rule is still reported per level.
          "--p95-limit-ms",
          "60000",
          // The second caller of a level says its line 300 ms after the first (the report says so).
          "--turn-offset",
          "300",
          "--json",
        ],
        { timeoutMs: 300_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      type Pass = {
        capacity: number;
        singleCallP95Ms: number;
        levels: {
          calls: number;
          replied: number;
          passed: boolean;
          withinFactor: boolean;
          withinLimit: boolean | null;
          turnLatencyMs: { p95: number | null };
          backlogWaiting?: number;
          queueDelayMs: { max: number };
          settledMs: number;
          rtp: { wireGaps: number; callerLoopDelayMaxMs: number; serverSkippedSlots: number };
          turnEnds: Record<string, number>;
          replyPromptTokens: { p50: number | null; max: number | null };
          turnLatenciesMs: number[];
          perCall: { turnLatencyMs: number | null; endpointMs: number | null; ttsFirstAudioMs: number | null }[];
        }[];
        voicemailsProcessed: number | null;
      };
      const report = JSON.parse(r.stdout) as {
        capacity: { idle: number; withBacklog: number };
        capacityByFactor: { idle: number | null; withBacklog: number | null };
        rule: string;
        turnOffsetMs: number;
        idle: Pass;
        withBacklog: Pass;
      };
      // The baseline: two single calls, one after the other, and the p95 (nearest rank: the slower) of the two.
      for (const pass of [report.idle, report.withBacklog]) {
        const singles = pass.levels.slice(0, 2);
        expect(singles.map((l) => [l.calls, l.replied])).toEqual([
          [1, 1],
          [1, 1],
        ]); // one call on the tiny profile always gets its answer
        if (singles.every((l) => l.passed)) expect(pass.levels[2]?.calls).toBe(2); // else the search stops there
        expect(pass.singleCallP95Ms).toBeGreaterThan(0);
        expect(pass.singleCallP95Ms).toBe(Math.max(...singles.map((l) => l.turnLatencyMs.p95!)));
      }
      const singlesPassed = report.idle.levels[0]!.passed && report.idle.levels[1]!.passed;
      expect(report.capacity.idle).toBe(
        singlesPassed ? Math.max(...report.idle.levels.filter((l) => l.passed).map((l) => l.calls)) : 0,
      );
      // Levels pass on the limit; the relative rule is reported beside it, from the same single-call p95.
      expect(report.rule).toContain("at most 60000 ms");
      expect(report.turnOffsetMs).toBe(300);
      for (const pass of [report.idle, report.withBacklog]) {
        for (const l of pass.levels) {
          expect(l.withinLimit).toBe(l.turnLatencyMs.p95 !== null && l.turnLatencyMs.p95 <= 60_000);
          // Each level waited for the last one's load to fade, at most 20 s (a poll can overrun it by one request).
          expect(l.settledMs).toBeGreaterThanOrEqual(0);
          expect(l.settledMs).toBeLessThan(25_000);
          expect(l.passed).toBe(l.replied === l.calls && l.rtp.wireGaps === 0 && l.withinLimit === true);
          if (l.turnLatencyMs.p95 !== null && l.calls > 1)
            expect(l.withinFactor).toBe(l.turnLatencyMs.p95 <= 1.5 * pass.singleCallP95Ms);
        }
      }
      // The limit here is laxer than the factor, so the factor's capacity is at most the limit's; none when a single
      // call itself failed (a wire gap on a loaded box).
      if (singlesPassed) expect(report.capacityByFactor.idle).toBeLessThanOrEqual(report.capacity.idle);
      else expect(report.capacityByFactor.idle).toBeNull();
      // The second pass kept the backlog topped up before each level and the worker drained some of it meanwhile.
      for (const l of report.withBacklog.levels) expect(l.backlogWaiting).toBeGreaterThan(0);
      expect(report.withBacklog.voicemailsProcessed).toBeGreaterThan(0);
      for (const l of [...report.idle.levels, ...report.withBacklog.levels]) {
        expect(l.queueDelayMs.max).toBeGreaterThanOrEqual(0);
        // The caller's own event-loop delay is measured beside its gaps (a late caller hears gaps the server never made).
        expect(l.rtp.callerLoopDelayMaxMs).toBeGreaterThan(0);
        // And the server's own sender: slots it skipped after a stall (a count, none on a quiet box).
        expect(l.rtp.serverSkippedSlots).toBeGreaterThanOrEqual(0);
        // Every answered turn has the server's timings beside it (what ended it, the breakdown): none unaccounted.
        expect(Object.values(l.turnEnds).reduce((a, b) => a + b, 0)).toBe(l.calls);
        expect(l.turnEnds.unknown ?? 0).toBeLessThanOrEqual(l.calls - l.replied);
        // What each reply still had to read at the turn's end: at least the reply's own opening.
        if (l.replied > 0) expect(l.replyPromptTokens.p50).toBeGreaterThan(0);
        if (l.replied > 0) expect(l.replyPromptTokens.max).toBeGreaterThanOrEqual(l.replyPromptTokens.p50!);
        // Each call's own figures: its latency is one of the level's, and the server timed its turn in order.
        expect(l.perCall).toHaveLength(l.calls);
        const byCall = l.perCall.map((c) => c.turnLatencyMs).filter((x): x is number => x !== null);
        expect(byCall.sort((a, b) => a - b)).toEqual([...l.turnLatenciesMs].sort((a, b) => a - b));
        for (const c of l.perCall.filter((c) => c.turnLatencyMs !== null))
          expect(c.ttsFirstAudioMs!).toBeGreaterThanOrEqual(c.endpointMs!);
      }
    },
    320_000, // the bench is allowed 300 s
  );

  it.skipIf(fliteMissing)(
    "bench calls --restarted calls a server restarted on a data dir that holds its phrases",
    async () => {
      const r = await runParley(
        ["bench", "calls", "--profile", "tiny", "--data-dir", dataDir, "--calls", "1,1", "--restarted", "--json"],
        { timeoutMs: 180_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as {
        restarted: boolean;
        levels: {
          calls: number;
          replied: number;
          turnLatenciesMs: number[];
          openingsRecalled: number;
          perCall: { openingRecalled: boolean }[];
        }[];
      };
      expect(report.restarted).toBe(true);
      expect(report.levels.map((l) => [l.calls, l.replied])).toEqual([
        [1, 1],
        [1, 1],
      ]);
      expect(report.levels[0]!.turnLatenciesMs).toHaveLength(1);
      expect(r.stderr).toMatch(/then again on the same data dir/);
      // Both callers get the same reply. Its opening is kept in memory only, so the restarted server synthesises it for
      // the first call, and the second call plays it from memory.
      expect(report.levels.map((l) => l.openingsRecalled)).toEqual([0, 1]);
      expect(report.levels.map((l) => l.perCall[0]!.openingRecalled)).toEqual([false, true]);
    },
    200_000, // the bench is allowed 180 s: two server starts and two calls
  );
});
