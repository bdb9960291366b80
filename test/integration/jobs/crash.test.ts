import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createPostgresJobQueue,
  createSqliteJobQueue,
  createTaskRegistry,
  Worker,
  type Job,
} from "../../../src/jobs/index.js";
import { postgresUnavailable, queryIn, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { openDatabase } from "../../../src/store/index.js";
import { repoRoot } from "../../helpers/paths.js";
import { jobsConfig, tempDir, waitFor } from "./helpers.js";

// Short leases so the test waits seconds, not minutes; the child reads the same values from its config file.
const JOBS = { leaseMs: 1500, heartbeatMs: 300, pollIntervalMs: 100, shutdownGraceMs: 300 };
// Several leases held by a child that also starts its engines: a longer lease, so a loaded machine delaying its
// heartbeats does not hand its jobs over before the kill.
const PG_JOBS = { ...JOBS, leaseMs: 5000, heartbeatMs: 500 };

const children: ChildProcess[] = [];
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const c of cleanups.splice(0)) await c();
});

/** `parley worker` as a real process (through tsx, as in development), against `dir`. */
function spawnWorker(
  dir: string,
  extraYaml = "",
  jobs: Record<string, number> = JOBS,
): {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
} {
  const configFile = join(dir, "parley.yaml");
  writeFileSync(
    configFile,
    `log:\n  level: info\njobs:\n${Object.entries(jobs)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join("\n")}\n${extraYaml}`,
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PARLEY_")));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "src/cli/bin.ts"), "worker", "--config", configFile, "--data-dir", dir],
    { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => err, exited };
}

function setup() {
  const { dir, cleanup } = tempDir("parley-crash-");
  const db = openDatabase(join(dir, "parley.db"));
  cleanups.push(() => (db.close(), cleanup()));
  const config = jobsConfig(JOBS);
  return { dir, db, config, queue: createSqliteJobQueue(db, config) };
}

describe("a worker process that dies mid-job", () => {
  it("kill -9 during a job: after the lease expires another worker runs it again and the trail shows both attempts", async () => {
    const { dir, config, queue } = setup();
    const { job } = await queue.enqueue({ kind: "sleep", payload: { ms: 60_000 }, idempotencyKey: "crash-test" });
    const { child, exited } = spawnWorker(dir);
    const running = await waitFor(
      async () => {
        const j = await queue.get(job.id);
        return j?.status === "running" ? j : null;
      },
      "the child to claim the job",
      60_000, // a cold tsx start on a loaded 2-core box has taken over 30 s
      50,
    );
    expect(running.lockedBy).toContain(`:${child.pid}:`);
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");

    // This process registers its own 'sleep' (the registry is pluggable): the re-run should finish quickly.
    const tasks = createTaskRegistry().register("sleep", async () => ({ resumed: true }));
    const worker = new Worker({ queue, tasks, config, workerId: "survivor" });
    worker.start();
    try {
      const done = await waitFor(
        async () => {
          const j = await queue.get(job.id);
          return j?.status === "succeeded" ? j : null;
        },
        "the job to run again",
        15_000,
        50,
      );
      expect(done).toMatchObject({ attempts: 2, result: { resumed: true } });
    } finally {
      await worker.stop({ graceMs: 0 });
    }
    const trail = await queue.history(job.id);
    expect(trail.map((e) => [e.type, e.attempt])).toEqual([
      ["enqueued", 0],
      ["claimed", 1],
      ["lease_expired", 1],
      ["claimed", 2],
      ["succeeded", 2],
    ]);
    expect(trail[1]?.workerId).toBe(running.lockedBy);
    expect(trail[3]?.workerId).toBe("survivor");
    // Not re-run while the dead worker's lease was still valid.
    expect(trail[3]!.at).toBeGreaterThanOrEqual(running.leaseUntil!);
  });

  it("SIGTERM: the worker hands its in-flight job back (attempt not counted) and exits 0", async () => {
    const { dir, queue } = setup();
    const { job } = await queue.enqueue({ kind: "sleep", payload: { ms: 60_000 } });
    const { child, exited, stderr } = spawnWorker(dir);
    await waitFor(
      async () => (await queue.get(job.id))?.status === "running",
      "the child to claim the job",
      60_000, // a cold tsx start on a loaded 2-core box has taken over 30 s
      50,
    );
    child.kill("SIGTERM");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(await queue.get(job.id)).toMatchObject({ status: "queued", attempts: 0, lockedBy: null });
    expect(stderr()).toContain("stopped (0 finished, 1 handed back)");
    expect(stderr()).toMatch(/"msg":"worker started"/);
  });
});

const pgSkip = await postgresUnavailable();

describe.skipIf(pgSkip !== null)(
  `a worker process that dies mid-job, on PostgreSQL${pgSkip ? ` (skipped: ${pgSkip})` : ""}`,
  () => {
    it("kill -9 of a process holding leases: its jobs run again on another worker after the lease, none lost or run twice", async () => {
      const { dir, cleanup } = tempDir("parley-crash-pg-");
      const { schema, drop } = scratchSchema();
      const config = jobsConfig(PG_JOBS);
      const queue = createPostgresJobQueue({ url: testPostgresUrl, schema, poolSize: 4 }, config);
      cleanups.push(() => queue.close().then(drop).finally(cleanup));
      await queue.open();
      const n = 8;
      const ids = (
        await queue.enqueueMany(
          [...Array(n)].map((_, i) => ({ kind: "sleep", payload: { ms: 60_000 }, idempotencyKey: `crash-${i}` })),
        )
      ).map((r) => r.job.id);
      const { child, exited } = spawnWorker(dir, `store:\n  url: ${testPostgresUrl}\n  schema: ${schema}\n`, PG_JOBS);
      const held = await waitFor(
        async () => {
          const running = (await queue.list({ status: "running" })).jobs;
          return running.length > 0 ? running : null;
        },
        "the child to claim jobs",
        60_000, // a cold tsx start on a loaded 2-core box has taken over 30 s
        50,
      );
      expect(held.every((j) => j.lockedBy?.includes(`:${child.pid}:`))).toBe(true);

      // A survivor runs beside it from now on: it takes the free jobs at once, the child's only after their lease.
      const runs: number[] = [];
      const tasks = createTaskRegistry().register("sleep", async (_: unknown, h) => {
        runs.push(h.job.id);
        return { by: "survivor" };
      });
      const worker = new Worker({ queue, tasks, config, workerId: "survivor" });
      worker.start();
      let finished: Job[] = [];
      try {
        await waitFor(
          async () => {
            const queued = (await queue.list({ status: "queued" })).jobs.length;
            const running = (await queue.list({ status: "running" })).jobs;
            return queued === 0 && running.every((j) => j.lockedBy !== "survivor");
          },
          "the survivor to run the jobs nobody held",
          15_000,
          50,
        );
        // The child may have claimed more meanwhile; these are the leases it dies with.
        const heldAtDeath = (await queue.list({ status: "running" })).jobs.filter((j) => j.lockedBy !== "survivor");
        child.kill("SIGKILL");
        expect((await exited).signal).toBe("SIGKILL");
        expect(heldAtDeath.length).toBeGreaterThan(0);
        finished = await waitFor(
          async () => {
            const done = (await queue.list({ status: "succeeded" })).jobs;
            return done.length === n ? done : null;
          },
          "every job to succeed",
          20_000,
          50,
        );
        for (const dead of heldAtDeath) {
          const trail = await queue.history(dead.id);
          expect(trail.map((e) => [e.type, e.workerId === "survivor"])).toEqual([
            ["enqueued", false],
            ["claimed", false],
            ["lease_expired", false],
            ["claimed", true],
            ["succeeded", true],
          ]);
          // Not re-run while the dead worker's lease was still valid.
          expect(trail[3]!.at).toBeGreaterThanOrEqual(dead.leaseUntil!);
        }
      } finally {
        await worker.stop({ graceMs: 0 });
      }
      expect(finished.map((j) => j.id).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      expect(finished.every((j) => (j.result as { by: string }).by === "survivor")).toBe(true);
      // Each job ran to completion once: one success each, and the survivor ran each once.
      expect([...runs].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
      const successes = await queryIn<{ n: number }>(
        schema,
        "SELECT count(*)::int AS n FROM job_events WHERE type = 'succeeded'",
      );
      expect(successes).toEqual([{ n }]);
    }, 150_000);
  },
);
