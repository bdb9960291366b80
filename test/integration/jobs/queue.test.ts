import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  JobLeaseLostError,
  JobNotFoundError,
  JobStateError,
  type JobEventMap,
  type JobLease,
} from "../../../src/jobs/index.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { queueBackends, queueFixture, type QueueFixture } from "./helpers.js";

// The same suite on every engine: SQLite always, PostgreSQL when the test database answers.
const backends = await queueBackends();

describe.each(backends)("queue on $label", ({ backend, skip }) => {
  if (skip) {
    it.skip(`needs PostgreSQL: ${skip}`, () => {});
    return;
  }
  const T0 = Date.UTC(2025, 0, 1);
  let f: QueueFixture;
  let clock: ManualClock;
  const extra: QueueFixture[] = [];

  beforeEach(async () => {
    clock = new ManualClock(T0);
    f = await queueFixture(backend, {
      clock,
      config: { leaseMs: 30_000, heartbeatMs: 10_000, retryBaseMs: 1000, retryMaxMs: 60_000, maxAttempts: 3 },
    });
  });
  afterEach(async () => {
    await f.close();
    for (const g of extra.splice(0)) await g.close();
  });

  const lease = (job: { id: number; attempts: number }, workerId = "w1"): JobLease => ({
    id: job.id,
    workerId,
    attempt: job.attempts,
  });

  async function claimOne(kinds = ["a"], workerId = "w1", order: "priority" | "newest" = "priority") {
    const { jobs } = await f.queue.claim({ kinds, workerId, limit: 1, order });
    return jobs[0];
  }

  describe("enqueue and claim order", () => {
    it("claims by priority, then run_at, then id; holds back jobs until run_at", async () => {
      const low = (await f.queue.enqueue({ kind: "a", payload: { n: "low" }, priority: -5 })).job;
      const later = (await f.queue.enqueue({ kind: "a", payload: { n: "later" }, priority: 10, runAt: T0 + 60_000 }))
        .job;
      const first = (await f.queue.enqueue({ kind: "a", payload: { n: "first" }, priority: 5, runAt: T0 - 10 })).job;
      const second = (await f.queue.enqueue({ kind: "a", payload: { n: "second" }, priority: 5 })).job;
      const third = (await f.queue.enqueue({ kind: "a", payload: { n: "third" }, priority: 5 })).job;
      const claimed = (await f.queue.claim({ kinds: ["a"], workerId: "w1", limit: 10, order: "priority" })).jobs;
      expect(claimed.map((j) => j.id)).toEqual([first.id, second.id, third.id, low.id]);
      expect(claimed[0]).toMatchObject({
        status: "running",
        attempts: 1,
        lockedBy: "w1",
        leaseUntil: T0 + 30_000,
        startedAt: T0,
        payload: { n: "first" },
      });
      expect(await claimOne()).toBeUndefined();
      clock.advance(60_000);
      expect((await claimOne())?.id).toBe(later.id);
    });

    it("claims newest first in the newest order, and only the kinds asked for", async () => {
      const ids: number[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await f.queue.enqueue({ kind: i % 2 ? "b" : "a", payload: i, priority: i === 0 ? 100 : 0 })).job.id);
      const newest = await f.queue.claim({ kinds: ["a", "b"], workerId: "w1", limit: 2, order: "newest" });
      expect(newest.jobs.map((j) => j.id)).toEqual([ids[4], ids[3]]);
      const onlyA = await f.queue.claim({ kinds: ["a"], workerId: "w1", limit: 5, order: "priority" });
      expect(onlyA.jobs.map((j) => j.id)).toEqual([ids[0], ids[2]]);
      expect((await f.queue.claim({ kinds: [], workerId: "w1", limit: 5, order: "priority" })).jobs).toEqual([]);
    });

    it("returns the existing job for a repeated idempotency key, per kind", async () => {
      const a = await f.queue.enqueue({ kind: "a", payload: { v: 1 }, idempotencyKey: "sha256:abc" });
      const again = await f.queue.enqueue({ kind: "a", payload: { v: 2 }, idempotencyKey: "sha256:abc" });
      const otherKind = await f.queue.enqueue({ kind: "b", payload: { v: 3 }, idempotencyKey: "sha256:abc" });
      expect(a.created).toBe(true);
      expect(again).toEqual({ job: a.job, created: false });
      expect(otherKind.created).toBe(true);
      const bulk = await f.queue.enqueueMany([
        { kind: "a", payload: 1, idempotencyKey: "sha256:abc" },
        { kind: "a", payload: 2, idempotencyKey: "k2" },
        { kind: "a", payload: 3, idempotencyKey: "k2" },
      ]);
      expect(bulk.map((r) => r.created)).toEqual([false, true, false]);
      expect(bulk[2]?.job.id).toBe(bulk[1]?.job.id);
      expect((await f.queue.stats()).find((s) => s.kind === "a")).toEqual({ kind: "a", status: "queued", count: 2 });
    });

    it("validates new jobs before writing any of a batch", async () => {
      await expect(f.queue.enqueue({ kind: "Bad Kind", payload: null })).rejects.toThrow(
        /kind: 'Bad Kind' is not a job kind/,
      );
      await expect(f.queue.enqueue({ kind: "a", payload: 1n })).rejects.toThrow(
        /payload of a a job is not JSON-serialisable/,
      );
      await expect(
        f.queue.enqueueMany([
          { kind: "a", payload: 1 },
          { kind: "a", payload: 2, maxAttempts: 0 },
        ]),
      ).rejects.toThrow(/maxAttempts: must be 1\.\.1000/);
      expect(await f.queue.stats()).toEqual([]);
    });
  });

  describe("leases", () => {
    it("makes a running job claimable again after its lease expires, keeping the lost attempt", async () => {
      await f.queue.enqueue({ kind: "a", payload: null });
      const first = await claimOne(["a"], "dead-worker");
      expect(first?.attempts).toBe(1);
      clock.advance(29_999);
      expect(await claimOne(["a"], "w2")).toBeUndefined();
      clock.advance(1);
      const expired: JobEventMap["job:lease-expired"][] = [];
      f.queue.events.on("job:lease-expired", (e) => expired.push(e));
      const second = await claimOne(["a"], "w2");
      expect(second).toMatchObject({
        id: first?.id,
        attempts: 2,
        lockedBy: "w2",
        lastError: { code: "job_lease_expired" },
      });
      expect(expired.map((e) => [e.outcome, e.previousWorker])).toEqual([["requeued", "dead-worker"]]);
      // The dead worker's late writes change nothing.
      await expect(f.queue.complete(lease(first!, "dead-worker"), "late")).rejects.toBeInstanceOf(JobLeaseLostError);
      await expect(f.queue.heartbeat(lease(first!, "dead-worker"))).rejects.toBeInstanceOf(JobLeaseLostError);
      const types = (await f.queue.history(first!.id)).map((e) => [e.type, e.attempt, e.workerId]);
      expect(types).toEqual([
        ["enqueued", 0, null],
        ["claimed", 1, "dead-worker"],
        ["lease_expired", 1, "dead-worker"],
        ["claimed", 2, "w2"],
      ]);
    });

    it("heartbeats push the lease forward", async () => {
      await f.queue.enqueue({ kind: "a", payload: null });
      const job = (await claimOne())!;
      clock.advance(20_000);
      expect(await f.queue.heartbeat(lease(job))).toBe(T0 + 50_000);
      clock.advance(20_000);
      expect(await claimOne(["a"], "w2")).toBeUndefined();
      expect((await f.queue.complete(lease(job), { ok: 1 })).status).toBe("succeeded");
    });

    it("completes jobs finishing in the same turn together, fencing each lease on its own", async () => {
      await f.queue.enqueueMany([
        { kind: "a", payload: 1 },
        { kind: "a", payload: 2 },
        { kind: "a", payload: 3 },
      ]);
      const [x, y, z] = (await f.queue.claim({ kinds: ["a"], workerId: "w1", limit: 3, order: "priority" })).jobs;
      const settled = await Promise.allSettled([
        f.queue.complete(lease(x!), "x"),
        f.queue.complete(lease(y!, "stale-worker"), "y"),
        f.queue.complete(lease(z!), "z"),
      ]);
      expect(settled.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(JobLeaseLostError);
      expect(await f.countEvents("succeeded")).toBe(2);
      expect((await f.queue.get(y!.id))?.status).toBe("running"); // the lost lease changed nothing
      expect(await f.queue.get(z!.id)).toMatchObject({ status: "succeeded", result: "z" });
    });

    it("dead-letters a job whose every attempt lost its lease (it keeps killing its worker)", async () => {
      const { job } = await f.queue.enqueue({ kind: "a", payload: null, maxAttempts: 2 });
      await claimOne();
      clock.advance(30_000);
      await claimOne();
      clock.advance(30_000);
      const dead: string[] = [];
      f.queue.events.on("job:dead", (e) => dead.push(e.reason));
      const r = await f.queue.claim({ kinds: ["a"], workerId: "w3", limit: 1, order: "priority" });
      expect(r.jobs).toEqual([]);
      expect(r.expired[0]).toMatchObject({ outcome: "dead", job: { id: job.id, status: "dead", attempts: 2 } });
      expect(dead).toEqual(["lease_expired"]);
    });
  });

  describe("failures, backoff and dead letters", () => {
    it("retries with exponential backoff within the jitter bounds, then dead-letters keeping the last error", async () => {
      for (const r of [0, 0.999]) {
        const g = await queueFixture(backend, {
          clock: new ManualClock(T0),
          random: () => r,
          config: { retryBaseMs: 1000, retryMaxMs: 3000, retryJitter: 0.5, maxAttempts: 4 },
        });
        extra.push(g);
        const c = g.clock as ManualClock;
        await g.queue.enqueue({ kind: "a", payload: null });
        const delays: number[] = [];
        for (let attempt = 1; attempt <= 3; attempt++) {
          const job = (await g.queue.claim({ kinds: ["a"], workerId: "w", limit: 1, order: "priority" })).jobs[0]!;
          const out = await g.queue.fail(lease(job, "w"), new Error(`boom ${attempt}`));
          expect(out.outcome).toBe("retry");
          if (out.outcome !== "retry") throw new Error("unreachable");
          delays.push(out.delayMs);
          expect(out.job).toMatchObject({
            status: "failed",
            runAt: c.now() + out.delayMs,
            lastError: { message: `boom ${attempt}` },
          });
          c.advance(out.delayMs - 1);
          expect((await g.queue.claim({ kinds: ["a"], workerId: "w", limit: 1, order: "priority" })).jobs).toEqual([]);
          c.advance(1);
        }
        // ceiling = min(3000, 1000 * 2^(n-1)) = 1000, 2000, 3000; delay in (ceiling/2, ceiling].
        [1000, 2000, 3000].forEach((ceiling, i) => {
          expect(delays[i]).toBeGreaterThanOrEqual(ceiling / 2);
          expect(delays[i]).toBeLessThanOrEqual(ceiling);
          if (r === 0) expect(delays[i]).toBe(ceiling);
          else expect(delays[i]).toBeLessThanOrEqual(Math.ceil(ceiling / 2 + ceiling * 0.001));
        });
        const last = (await g.queue.claim({ kinds: ["a"], workerId: "w", limit: 1, order: "priority" })).jobs[0]!;
        const out = await g.queue.fail(lease(last, "w"), new Error("boom 4"));
        expect(out).toMatchObject({
          outcome: "dead",
          reason: "attempts_exhausted",
          job: { status: "dead", attempts: 4, lastError: { name: "Error", message: "boom 4" } },
        });
      }
    });

    it("dead-letters a non-retryable ParleyError at once", async () => {
      await f.queue.enqueue({ kind: "a", payload: null });
      const job = (await claimOne())!;
      const failed: boolean[] = [];
      f.queue.events.on("job:failed", (e) => failed.push(e.willRetry));
      const out = await f.queue.fail(lease(job), new ParleyError("bad_audio", "not a WAV file", { retryable: false }));
      expect(out).toMatchObject({
        outcome: "dead",
        reason: "non_retryable",
        job: { attempts: 1, lastError: { code: "bad_audio", retryable: false, message: "not a WAV file" } },
      });
      expect(failed).toEqual([false]);
      const trail = await f.queue.history(job.id);
      expect(trail.at(-1)).toMatchObject({
        type: "dead",
        detail: { reason: "non_retryable", error: { code: "bad_audio" } },
      });
    });
  });

  describe("release, cancel, retry", () => {
    it("release hands a running job back without counting the attempt", async () => {
      await f.queue.enqueue({ kind: "a", payload: null });
      const job = (await claimOne())!;
      const released = await f.queue.release(lease(job));
      expect(released).toMatchObject({ status: "queued", attempts: 0, lockedBy: null, leaseUntil: null });
      expect((await claimOne())?.attempts).toBe(1);
    });

    it("cancels queued and running jobs; the running worker loses its lease", async () => {
      const queued = (await f.queue.enqueue({ kind: "a", payload: 1 })).job;
      const other = (await f.queue.enqueue({ kind: "b", payload: 2 })).job;
      const running = (await claimOne(["b"]))!;
      expect((await f.queue.cancel(queued.id)).status).toBe("cancelled");
      expect((await f.queue.cancel(other.id)).status).toBe("cancelled");
      await expect(f.queue.complete(lease(running), null)).rejects.toBeInstanceOf(JobLeaseLostError);
      await expect(f.queue.cancel(queued.id)).rejects.toBeInstanceOf(JobStateError);
      await expect(f.queue.cancel(9999)).rejects.toBeInstanceOf(JobNotFoundError);
    });

    it("retry puts a dead job back in the queue with its attempts reset", async () => {
      const { job } = await f.queue.enqueue({ kind: "a", payload: null, maxAttempts: 1 });
      await f.queue.fail(lease((await claimOne())!), new Error("down"));
      clock.advance(5000);
      const again = await f.queue.retry(job.id);
      expect(again).toMatchObject({ status: "queued", attempts: 0, runAt: T0 + 5000, finishedAt: null });
      await expect(f.queue.retry(job.id)).rejects.toThrow(/job \d+ is queued; only dead, failed or cancelled/);
      const types = (await f.queue.history(job.id)).map((e) => e.type);
      expect(types).toEqual(["enqueued", "claimed", "dead", "requeued"]);
    });
  });

  describe("reading", () => {
    it("lists newest first with filters and cursor pagination, and counts per kind and status", async () => {
      for (let i = 0; i < 7; i++) await f.queue.enqueue({ kind: i < 5 ? "a" : "b", payload: i });
      await claimOne(["b"]);
      const page1 = await f.queue.list({ kind: "a", limit: 3 });
      expect(page1.jobs.map((j) => j.payload)).toEqual([4, 3, 2]);
      const page2 = await f.queue.list({ kind: "a", limit: 3, cursor: page1.nextCursor! });
      expect(page2).toMatchObject({ nextCursor: null });
      expect(page2.jobs.map((j) => j.payload)).toEqual([1, 0]);
      expect((await f.queue.list({ status: "running" })).jobs.map((j) => j.payload)).toEqual([5]);
      expect(await f.queue.stats()).toEqual([
        { kind: "a", status: "queued", count: 5 },
        { kind: "b", status: "queued", count: 1 },
        { kind: "b", status: "running", count: 1 },
      ]);
      expect(await f.queue.get(12345)).toBeNull();
      await expect(f.queue.list({ limit: 0 })).rejects.toThrow(/limit: must be 1\.\.500/);
    });
  });
});
