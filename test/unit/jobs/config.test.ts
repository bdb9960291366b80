import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/index.js";
import { createTaskRegistry, resolveWorkerSettings } from "../../../src/jobs/index.js";

const jobs = (o: Record<string, unknown>) => validate({ jobs: o }).jobs;

describe("jobs config", () => {
  it("has defaults for one box: a fresh lane of one slot and an auto backlog lane", () => {
    const c = jobs({});
    expect(c).toMatchObject({
      pollIntervalMs: 1000,
      leaseMs: 60_000,
      heartbeatMs: 15_000,
      retryBaseMs: 5000,
      retryMaxMs: 3_600_000,
      maxAttempts: 5,
      triageTargetMs: 300_000,
      shutdownGraceMs: 30_000,
      inferenceConcurrency: "auto",
    });
    expect(c.lanes).toEqual([
      { name: "fresh", order: "newest", concurrency: 1 },
      { name: "backlog", order: "priority", concurrency: "auto" },
    ]);
  });

  it.each([
    [{ heartbeatMs: 40_000 }, /jobs\.heartbeatMs: must be at most half of leaseMs/],
    [{ retryBaseMs: 10_000, retryMaxMs: 5000 }, /jobs\.retryMaxMs: must not be below retryBaseMs/],
    [{ lanes: [{ name: "a" }, { name: "a" }] }, /jobs\.lanes\.1\.name: duplicate lane 'a'/],
    [
      {
        lanes: [
          { name: "a", concurrency: "auto" },
          { name: "b", concurrency: "auto" },
        ],
      },
      /at most one lane may have concurrency "auto"/,
    ],
    [{ lanes: [] }, /jobs\.lanes/],
    [{ lanes: [{ name: "x", order: "fifo" }] }, /jobs\.lanes\.0\.order/],
    [{ kinds: { Voicemail: { concurrency: 1 } } }, /jobs\.kinds/],
    [{ kinds: { "voicemail.process": { concurency: 1 } } }, /concurency: unknown field/],
    [{ pollIntervalMs: 0 }, /jobs\.pollIntervalMs/],
    [{ retryJitter: 1.5 }, /jobs\.retryJitter/],
    [{ triageTarget: 5 }, /jobs\.triageTarget: unknown field/],
  ])("rejects %j", (input, message) => {
    expect(() => jobs(input)).toThrow(message);
  });

  it("reads overrides from PARLEY_JOBS__* like every section", async () => {
    const { loadConfig } = await import("../../../src/config/index.js");
    const { config } = loadConfig({
      env: { PARLEY_JOBS__POLL_INTERVAL_MS: "250", PARLEY_JOBS__TRIAGE_TARGET_MS: "60000" },
      cwd: "/nonexistent-parley-dir",
    });
    expect(config.jobs.pollIntervalMs).toBe(250);
    expect(config.jobs.triageTargetMs).toBe(60_000);
  });
});

describe("resolveWorkerSettings", () => {
  const tasks = () =>
    createTaskRegistry()
      .register("voicemail.process", { run: async () => null, inference: true, timeoutMs: 120_000 })
      .register("webhook.deliver", async () => null);

  it("gives the auto lane the CPUs the fixed lanes leave, and caps inference kinds at the CPUs", () => {
    const s = resolveWorkerSettings(jobs({}), tasks(), 8);
    expect(s.lanes.map((l) => [l.name, l.order, l.slots, l.kinds])).toEqual([
      ["fresh", "newest", 1, ["voicemail.process", "webhook.deliver"]],
      ["backlog", "priority", 7, ["voicemail.process", "webhook.deliver"]],
    ]);
    expect(s.limits.get("voicemail.process")).toBe(8);
    expect(s.limits.get("webhook.deliver")).toBe(Infinity);
    expect(s.timeouts.get("voicemail.process")).toBe(120_000);
    expect(s.timeouts.get("webhook.deliver")).toBe(900_000);
    expect(s.warnings).toEqual([]);
    expect(resolveWorkerSettings(jobs({}), tasks(), 1).lanes.map((l) => l.slots)).toEqual([1, 1]);
  });

  it("applies per-kind settings and warns about lanes and caps that undo the triage lane", () => {
    const config = jobs({
      kinds: { "voicemail.process": { concurrency: 1, timeoutMs: 0 } },
      lanes: [
        { name: "fresh", order: "newest", kinds: ["voicemail.process", "survey.run"] },
        { name: "io", concurrency: 4, kinds: ["webhook.deliver"] },
        { name: "backlog", concurrency: 2 },
      ],
    });
    const s = resolveWorkerSettings(config, tasks(), 4);
    expect(s.lanes.map((l) => [l.name, l.slots, l.kinds])).toEqual([
      ["fresh", 1, ["voicemail.process"]],
      ["io", 4, ["webhook.deliver"]],
      ["backlog", 2, ["voicemail.process", "webhook.deliver"]],
    ]);
    expect(s.limits.get("voicemail.process")).toBe(1);
    expect(s.timeouts.get("voicemail.process")).toBe(0);
    expect(s.warnings).toEqual([
      "lane 'fresh' names kinds no task is registered for: survey.run",
      "kind 'voicemail.process' is capped at 1 but its lanes have 3 slots: when the cap is reached, the newest-first lane waits too",
    ]);
  });
});
