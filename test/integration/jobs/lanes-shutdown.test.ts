import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createTaskRegistry,
  registerBuiltinTasks,
  Worker,
  type JobQueue,
  type TaskHelpers,
} from "../../../src/jobs/index.js";
import { ManualClock, systemClock, type Clock } from "../../../src/lib/clock.js";
import {
  gate,
  queueBackends,
  queueFixture,
  waitFor,
  type BackendName,
  type Gate,
  type QueueFixture,
} from "./helpers.js";

const fixtures: QueueFixture[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
  for (const f of fixtures.splice(0)) await f.close();
});

// Which engine the running describe block is on (set by its beforeAll; blocks run one after the other).
let backend: BackendName = "sqlite";

async function setup(config: Record<string, unknown>, clock: Clock = systemClock) {
  const f = await queueFixture(backend, { clock, config: { pollIntervalMs: 20, ...config } });
  fixtures.push(f);
  return f;
}

function start(
  queue: JobQueue,
  tasks: ReturnType<typeof createTaskRegistry>,
  config: QueueFixture["config"],
  workerId?: string,
): Worker {
  const w = new Worker({ queue, tasks, config, cpus: 2, ...(workerId ? { workerId } : {}) });
  workers.push(w);
  w.start();
  return w;
}

/** A task kind whose runs block until the test opens their gate; records start order and lane. */
function gatedTasks() {
  const gates = new Map<number, Gate>();
  const started: number[] = [];
  const tasks = createTaskRegistry().register("vm", async (_: unknown, h: TaskHelpers) => {
    const g = gate();
    gates.set(h.job.id, g);
    started.push(h.job.id);
    await g.promise;
    return null;
  });
  const finish = async (id: number) => {
    const g = await waitFor(() => gates.get(id), `job ${id} to start`);
    g.open();
  };
  return { tasks, started, finish };
}

// The same suite on every engine: SQLite always, PostgreSQL when the test database answers.
const backends = await queueBackends();

describe.each(backends)("on $label", (engine) => {
  if (engine.skip) {
    it.skip(`needs PostgreSQL: ${engine.skip}`, () => {});
    return;
  }
  beforeAll(() => {
    backend = engine.backend;
  });

  describe("lanes", () => {
    it("the newest-first lane takes a job that arrives behind a busy backlog", async () => {
      const f = await setup({
        lanes: [
          { name: "fresh", order: "newest", concurrency: 1 },
          { name: "backlog", order: "priority", concurrency: 1 },
        ],
      });
      const backlog = (await f.queue.enqueueMany([...Array(20)].map((_, i) => ({ kind: "vm", payload: { i } })))).map(
        (r) => r.job.id,
      );
      const { tasks, started, finish } = gatedTasks();
      const w = start(f.queue, tasks, f.config);
      await waitFor(() => started.length === 2, "both lanes busy");
      // Fresh lane: the newest of the backlog; backlog lane: the oldest.
      expect(w.activity()).toEqual([
        { lane: "fresh", slots: 1, running: [backlog[19]] },
        { lane: "backlog", slots: 1, running: [backlog[0]] },
      ]);
      const urgent = (await f.queue.enqueue({ kind: "vm", payload: { new: true } })).job.id;
      await finish(backlog[19] as number);
      await waitFor(() => started.length === 3, "the fresh slot to take the next job");
      expect(started[2]).toBe(urgent);
      expect(w.activity()[1]?.running).toEqual([backlog[0]]);
      const trail = await f.queue.history(urgent);
      expect(trail.find((e) => e.type === "claimed")?.detail).toMatchObject({ order: "newest" });
    });

    it("without the fresh lane the same job waits behind the whole backlog", async () => {
      const f = await setup({ lanes: [{ name: "backlog", order: "priority", concurrency: 2 }] });
      const backlog = (await f.queue.enqueueMany([...Array(6)].map((_, i) => ({ kind: "vm", payload: { i } })))).map(
        (r) => r.job.id,
      );
      const { tasks, started, finish } = gatedTasks();
      start(f.queue, tasks, f.config);
      await waitFor(() => started.length === 2, "both slots busy");
      const late = (await f.queue.enqueue({ kind: "vm", payload: { new: true } })).job.id;
      for (const id of backlog) await finish(id);
      await waitFor(() => started.length === 7, "all started");
      expect(started.indexOf(late)).toBe(6);
    });

    it("counts a triage miss only for a job that arrived while the fresh lane was busy, not for backlog it drains", async () => {
      const clock = new ManualClock(Date.UTC(2025, 0, 1));
      const f = await setup(
        {
          triageTargetMs: 1000,
          lanes: [
            { name: "fresh", order: "newest", concurrency: 1 },
            { name: "backlog", order: "priority", concurrency: 1 },
          ],
        },
        clock,
      );
      const old = (await f.queue.enqueueMany([0, 1, 2].map((i) => ({ kind: "vm", payload: { i } })))).map(
        (r) => r.job.id,
      );
      const { tasks, started, finish } = gatedTasks();
      const misses: Array<[number, boolean]> = [];
      f.queue.events.on("job:started", ({ job, triageMissed }) => misses.push([job.id, triageMissed]));
      start(f.queue, tasks, f.config);
      await waitFor(() => started.length === 2, "both lanes busy");
      clock.advance(5000);
      await finish(old[2] as number); // the fresh lane now drains the old backlog from its newest end
      await waitFor(() => started.length === 3, "the fresh lane to take an old job");
      clock.advance(100);
      const late = (await f.queue.enqueue({ kind: "vm", payload: { late: true } })).job.id;
      clock.advance(2000);
      await finish(old[1] as number);
      await waitFor(() => started.length === 4, "the fresh lane to take the late job");
      expect(misses).toEqual([
        [old[2], false],
        [old[0], false],
        [old[1], false],
        [late, true],
      ]);
    });
  });

  describe("graceful shutdown", () => {
    it("lets in-flight jobs finish within the grace period and claims nothing new", async () => {
      const f = await setup({});
      const w = start(f.queue, registerBuiltinTasks(createTaskRegistry()), f.config);
      const { job } = await f.queue.enqueue({ kind: "sleep", payload: { ms: 150 } });
      await waitFor(async () => (await f.queue.get(job.id))?.status === "running", "running");
      const stopping = w.stop({ graceMs: 5000 });
      const queued = (await f.queue.enqueue({ kind: "noop", payload: null })).job;
      expect(await stopping).toEqual({ finished: 1, released: 0 });
      expect((await f.queue.get(job.id))?.status).toBe("succeeded");
      expect((await f.queue.get(queued.id))?.status).toBe("queued");
    });

    it("after the grace period aborts and releases the rest, without counting the attempt, even a task that ignores its signal", async () => {
      const f = await setup({});
      const tasks = registerBuiltinTasks(createTaskRegistry()).register("stubborn", () => new Promise(() => {}));
      const w = start(f.queue, tasks, f.config);
      const polite = (await f.queue.enqueue({ kind: "sleep", payload: { ms: 60_000 } })).job;
      const stubborn = (await f.queue.enqueue({ kind: "stubborn", payload: null })).job;
      await waitFor(async () => (await f.queue.list({ status: "running" })).jobs.length === 2, "both running");
      const released: number[] = [];
      f.queue.events.on("job:released", ({ job }) => released.push(job.id));
      const t0 = performance.now();
      expect(await w.stop({ graceMs: 100 })).toEqual({ finished: 0, released: 2 });
      expect(performance.now() - t0).toBeLessThan(2000);
      for (const id of [polite.id, stubborn.id]) {
        expect(await f.queue.get(id)).toMatchObject({ status: "queued", attempts: 0, lockedBy: null });
        expect((await f.queue.history(id)).map((e) => e.type)).toEqual(["enqueued", "claimed", "released"]);
      }
      expect(released.sort()).toEqual([polite.id, stubborn.id].sort());
    });
  });

  describe("lost leases", () => {
    it("a worker whose lease was taken over stops its task and leaves the job to the new owner", async () => {
      const clock = new ManualClock(Date.UTC(2025, 0, 1));
      const f = await setup({ leaseMs: 1000, heartbeatMs: 100 }, clock);
      let aborted: unknown = null;
      const tasks = createTaskRegistry().register("vm", async (_: unknown, h: TaskHelpers) => {
        await new Promise((_r, reject) =>
          h.signal.addEventListener("abort", () => ((aborted = h.signal.reason), reject(h.signal.reason))),
        );
      });
      start(f.queue, tasks, f.config, "slow-worker");
      const { job } = await f.queue.enqueue({ kind: "vm", payload: null });
      await waitFor(async () => (await f.queue.get(job.id))?.status === "running", "running");
      // The first worker looks dead from the queue's point of view (its event loop was blocked, say).
      // On PostgreSQL the claim is a round trip, and the old worker may act first at the new time: its heartbeat
      // renews its lease, or its own poll finds the lease expired and claims the job again (one more attempt).
      // Then it looks dead once more, until the takeover wins.
      const taken = await waitFor(async () => {
        clock.advance(5000);
        return (await f.queue.claim({ kinds: ["vm"], workerId: "other", limit: 1, order: "priority" })).jobs[0];
      }, "another worker to take the lease over");
      expect(taken).toMatchObject({ id: job.id, lockedBy: "other" });
      expect(taken.attempts).toBeGreaterThanOrEqual(2);
      await waitFor(() => aborted, "the old run to be aborted at its next heartbeat");
      expect(String(aborted)).toMatch(/lease_lost/);
      expect(await f.queue.get(job.id)).toMatchObject({
        status: "running",
        lockedBy: "other",
        attempts: taken.attempts,
      });
    });
  });
});
