import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createTaskRegistry,
  registerBuiltinTasks,
  Worker,
  type JobQueue,
  type TaskHelpers,
} from "../../../src/jobs/index.js";
import { systemClock } from "../../../src/lib/clock.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { sleep } from "../../../src/lib/abort.js";
import { queueBackends, queueFixture, waitFor, type BackendName, type QueueFixture } from "./helpers.js";

const fixtures: QueueFixture[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
  for (const f of fixtures.splice(0)) await f.close();
});

// Which engine the running describe block is on (set by its beforeAll; blocks run one after the other).
let backend: BackendName = "sqlite";

async function setup(config: Record<string, unknown> = {}) {
  const f = await queueFixture(backend, {
    clock: systemClock,
    config: { pollIntervalMs: 20, retryBaseMs: 10, retryMaxMs: 20, ...config },
  });
  fixtures.push(f);
  return f;
}

function startWorker(
  queue: JobQueue,
  tasks: ReturnType<typeof createTaskRegistry>,
  config: QueueFixture["config"],
  cpus = 2,
): Worker {
  const w = new Worker({ queue, tasks, config, cpus });
  workers.push(w);
  w.start();
  return w;
}

const settled = (f: QueueFixture, id: number, status: string) =>
  waitFor(async () => ((await f.queue.get(id))?.status === status ? f.queue.get(id) : null), `job ${id} ${status}`);

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

  describe("Worker", () => {
    it("runs a task with its helpers and stores the result; a follow-up enqueued by the task wakes the worker at once", async () => {
      // A long poll interval: only the wake-up on local enqueue can explain a quick follow-up.
      const f = await setup({ pollIntervalMs: 60_000 });
      const seen: Array<{ kind: string; attempts: number; aborted: boolean }> = [];
      const tasks = createTaskRegistry()
        .register("parent", async (payload: { n: number }, h: TaskHelpers) => {
          seen.push({ kind: h.job.kind, attempts: h.job.attempts, aborted: h.signal.aborted });
          h.logger.info({ n: payload.n }, "parent running");
          const child = await h.enqueue({ kind: "child", payload: { n: payload.n + 1 } });
          return { child: child.job.id };
        })
        .register("child", async (payload: { n: number }) => ({ doubled: payload.n * 2 }));
      const w = startWorker(f.queue, tasks, f.config);
      await sleep(50); // the first poll has happened; from now on the worker sleeps for a minute
      const { job } = await f.queue.enqueue({ kind: "parent", payload: { n: 20 } });
      const parent = await settled(f, job.id, "succeeded");
      const childId = (parent.result as { child: number }).child;
      expect((await settled(f, childId, "succeeded")).result).toEqual({ doubled: 42 });
      expect(seen).toEqual([{ kind: "parent", attempts: 1, aborted: false }]);
      expect(w.activity().every((l) => l.running.length === 0)).toBe(true);
    });

    it("retries a throwing task, dead-letters after maxAttempts and at once for non-retryable errors or bad payloads", async () => {
      const f = await setup({ maxAttempts: 3 });
      let calls = 0;
      const tasks = registerBuiltinTasks(createTaskRegistry())
        .register("flaky", async () => {
          calls++;
          throw new Error(`transient ${calls}`);
        })
        .register("fatal", async () => {
          throw new ParleyError("bad_input", "cannot be processed", { retryable: false });
        });
      const events: string[] = [];
      for (const name of ["job:failed", "job:retry", "job:dead"] as const)
        f.queue.events.on(name, ({ job }) => events.push(`${name}:${job.kind}`));
      startWorker(f.queue, tasks, f.config);
      const flaky = (await f.queue.enqueue({ kind: "flaky", payload: null })).job;
      const fatal = (await f.queue.enqueue({ kind: "fatal", payload: null })).job;
      // A wrong payload on purpose (as untyped input from the API would be): the task's parsePayload refuses it at run time.
      const bad = (await f.queue.enqueue({ kind: "sleep", payload: { ms: "soon" } as unknown as { ms: number } })).job;
      expect(await settled(f, flaky.id, "dead")).toMatchObject({ attempts: 3, lastError: { message: "transient 3" } });
      expect(await settled(f, fatal.id, "dead")).toMatchObject({
        attempts: 1,
        lastError: { code: "bad_input", retryable: false },
      });
      expect(await settled(f, bad.id, "dead")).toMatchObject({
        attempts: 1,
        lastError: { code: "job_invalid", message: expect.stringContaining("sleep payload") },
      });
      expect(events.filter((e) => e.endsWith(":flaky"))).toEqual([
        "job:failed:flaky",
        "job:retry:flaky",
        "job:failed:flaky",
        "job:retry:flaky",
        "job:failed:flaky",
        "job:dead:flaky",
      ]);
      expect(events).toContain("job:dead:fatal");
    });

    it("keeps each kind within its concurrency cap while other kinds use the free slots", async () => {
      const f = await setup({ inferenceConcurrency: 2, lanes: [{ name: "all", concurrency: 5 }] });
      const now = { heavy: 0, light: 0, total: 0 };
      const peak = { heavy: 0, light: 0, total: 0 };
      const track = (kind: "heavy" | "light") => async (_: unknown, h: TaskHelpers) => {
        now[kind]++;
        now.total++;
        peak[kind] = Math.max(peak[kind], now[kind]);
        peak.total = Math.max(peak.total, now.total);
        // Long enough that runs overlap even when claims are slow (PostgreSQL on a loaded machine: each claim is a round trip).
        await sleep(150, h.signal).finally(() => {
          now[kind]--;
          now.total--;
        });
      };
      const tasks = createTaskRegistry()
        .register("heavy", { run: track("heavy"), inference: true })
        .register("light", track("light"));
      await f.queue.enqueueMany([...Array(8)].map(() => ({ kind: "heavy", payload: null, priority: 1 })));
      await f.queue.enqueueMany([...Array(6)].map(() => ({ kind: "light", payload: null })));
      startWorker(f.queue, tasks, f.config, 16);
      await waitFor(async () => (await f.queue.stats()).every((s) => s.status === "succeeded"), "all jobs done");
      expect(peak.heavy).toBe(2);
      expect(peak.total).toBe(5);
      expect(peak.light).toBeGreaterThanOrEqual(3);
    });

    it("aborts a task past its timeout and retries it", async () => {
      const f = await setup({ kinds: { sleep: { timeoutMs: 50 } }, maxAttempts: 2 });
      startWorker(f.queue, registerBuiltinTasks(createTaskRegistry()), f.config);
      const { job } = await f.queue.enqueue({ kind: "sleep", payload: { ms: 10_000 } });
      const dead = await settled(f, job.id, "dead");
      expect(dead).toMatchObject({ attempts: 2, lastError: { code: "job_timeout", retryable: true } });
    });

    it("aborts a running task when its job is cancelled and frees the slot", async () => {
      const f = await setup({ lanes: [{ name: "one", concurrency: 1 }] });
      let reason: unknown;
      const tasks = registerBuiltinTasks(createTaskRegistry()).register(
        "blocker",
        async (_: unknown, h: TaskHelpers) => {
          await new Promise((_r, reject) =>
            h.signal.addEventListener("abort", () => ((reason = h.signal.reason), reject(h.signal.reason))),
          );
        },
      );
      startWorker(f.queue, tasks, f.config);
      const { job } = await f.queue.enqueue({ kind: "blocker", payload: null });
      await settled(f, job.id, "running");
      const next = (await f.queue.enqueue({ kind: "noop", payload: null })).job;
      await f.queue.cancel(job.id);
      await settled(f, next.id, "succeeded");
      expect((reason as Error).message).toMatch(/interrupted: cancelled/);
      expect((await f.queue.get(job.id))?.status).toBe("cancelled");
    });
  });
});
