import { afterEach, describe, expect, it } from "vitest";
import { validate } from "../../../src/config/index.js";
import {
  createPostgresJobQueue,
  createTaskRegistry,
  Worker,
  type JobQueue,
  type TaskHelpers,
} from "../../../src/jobs/index.js";
import { systemClock } from "../../../src/lib/clock.js";
import { sleep } from "../../../src/lib/abort.js";
import { postgresUnavailable, queryIn, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { jobsConfig, waitFor } from "./helpers.js";

// What only PostgreSQL has: several processes on one queue, wake-ups by NOTIFY, its own migrations.
// (The behaviour both engines share is tested on both in queue.test.ts, worker.test.ts, lanes-shutdown.test.ts.)
const skip = await postgresUnavailable();

const queues: JobQueue[] = [];
const workers: Worker[] = [];
const drops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
  await Promise.all(queues.splice(0).map((q) => q.close()));
  for (const d of drops.splice(0)) await d();
});

/** A queue on `schema` with its own pool and LISTEN connection, as another process would have. */
function node(schema: string, config = jobsConfig({ pollIntervalMs: 60_000 })): JobQueue {
  const q = createPostgresJobQueue({ url: testPostgresUrl, schema, poolSize: 4 }, config, { clock: systemClock });
  queues.push(q);
  return q;
}

function freshSchema(): string {
  const s = scratchSchema();
  drops.push(s.drop);
  return s.schema;
}

describe("store.url and connection errors", () => {
  it("refuses a store.url that is not a postgres:// URL naming a database, naming the field", () => {
    expect(() => validate({ store: { url: "mysql://u@h/db" } })).toThrow(
      /store\.url: only postgres:\/\/ \(or postgresql:\/\/\) URLs are supported/,
    );
    expect(() => validate({ store: { url: "postgres://u:secret@h:5432" } })).toThrow(/store\.url: names no database/);
    expect(() => validate({ store: { url: "not a url" } })).toThrow(/store\.url: 'not a url' is not a URL/);
    expect(() => validate({ store: { schema: "Bad-Name" } })).toThrow(/store\.schema: a schema name is lower-case/);
    expect(validate({ store: { url: "postgresql://u:p@db.local/parley" } }).store).toMatchObject({
      schema: "public",
      poolSize: 10,
    });
  });

  it("a database that does not answer fails open() with the address (password hidden), and every call with it", async () => {
    const q = createPostgresJobQueue(
      { url: "postgres://parley:s3cret@127.0.0.1:1/parley", schema: "public", poolSize: 1 },
      jobsConfig(),
    );
    queues.push(q);
    const err = await q.open().then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.message).toMatch(/^cannot use the job queue at postgres:\/\/parley:\*\*\*@127\.0\.0\.1:1\/parley/);
    expect(err?.message).not.toContain("s3cret");
    expect(err?.code).toBe("store_open_failed");
    await expect(q.enqueue({ kind: "a", payload: null })).rejects.toThrow(/cannot use the job queue/);
  });
});

describe.skipIf(skip !== null)(`queue on PostgreSQL${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("migrates once when several nodes start together, and refuses a schema whose applied migration was edited", async () => {
    const schema = freshSchema();
    const nodes = [node(schema), node(schema), node(schema)];
    await Promise.all(nodes.map((q) => q.open()));
    const applied = await queryIn<{ name: string }>(schema, "SELECT name FROM queue_migrations ORDER BY version");
    expect(applied.map((r) => r.name)).toEqual(["001_jobs.sql", "002_job_events.sql"]);
    await queryIn(schema, "UPDATE queue_migrations SET checksum = 'edited' WHERE version = 2");
    await expect(node(schema).open()).rejects.toThrow(/migration 002_job_events\.sql was edited after it was applied/);
  });

  it("wakes an idle worker in another process at once by NOTIFY (its poll is a minute)", async () => {
    const schema = freshSchema();
    const workerNode = node(schema);
    const apiNode = node(schema);
    await Promise.all([workerNode.open(), apiNode.open()]);
    // LISTEN is in place once a probe enqueued on the other node is heard.
    const heard: Array<string | null> = [];
    const unwatch = workerNode.watch((kind) => heard.push(kind));
    await waitFor(
      async () => {
        await apiNode.enqueue({ kind: "probe", payload: null });
        return heard.includes("probe");
      },
      "the LISTEN connection",
      10_000,
      100,
    );
    unwatch();
    const ran: number[] = [];
    const tasks = createTaskRegistry().register("greet", async (_: unknown, h: TaskHelpers) => {
      ran.push(h.job.id);
      return "hi";
    });
    const w = new Worker({ queue: workerNode, tasks, config: jobsConfig({ pollIntervalMs: 60_000 }), cpus: 2 });
    workers.push(w);
    w.start();
    await sleep(100); // its first claim round has run; the next poll is a minute away
    const { job } = await apiNode.enqueue({ kind: "greet", payload: null });
    const done = await waitFor(
      async () => ((await apiNode.get(job.id))?.status === "succeeded" ? apiNode.get(job.id) : null),
      "the job to run on the other node",
      10_000,
    );
    expect(done).toMatchObject({ result: "hi", attempts: 1 });
    expect(ran).toEqual([job.id]);
  });

  it("when the LISTEN connection is cut, it reconnects, wakes everyone once (notifications may be lost) and hears again", async () => {
    const schema = freshSchema();
    const listener = node(schema);
    const producer = node(schema);
    await Promise.all([listener.open(), producer.open()]);
    const heard: Array<string | null> = [];
    listener.watch((kind) => heard.push(kind));
    const hears = (kind: string) =>
      waitFor(
        async () => {
          await producer.enqueue({ kind, payload: null });
          return heard.includes(kind);
        },
        `a NOTIFY for ${kind}`,
        10_000,
        100,
      );
    await hears("before");
    const cut = await queryIn<{ ok: boolean }>(
      schema,
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()",
      [`LISTEN "parley_jobs.${schema}"`],
    );
    expect(cut).toEqual([{ ok: true }]);
    await waitFor(() => heard.includes(null), "the reconnect's wake-up for any kind", 15_000, 50);
    await hears("after");
  });

  it("two workers on one queue run each of many jobs exactly once (SKIP LOCKED)", async () => {
    const schema = freshSchema();
    const config = jobsConfig({ pollIntervalMs: 20, lanes: [{ name: "all", concurrency: 8 }] });
    const [a, b, api] = [node(schema, config), node(schema, config), node(schema, config)];
    const runs = new Map<number, string[]>();
    const tasksFor = (name: string) =>
      createTaskRegistry().register("count", async (_: unknown, h: TaskHelpers) => {
        runs.set(h.job.id, [...(runs.get(h.job.id) ?? []), name]);
        await sleep(1, h.signal);
        return name;
      });
    for (const [name, q] of [
      ["a", a],
      ["b", b],
    ] as const) {
      const w = new Worker({ queue: q, tasks: tasksFor(name), config, workerId: name });
      workers.push(w);
      w.start();
    }
    const n = 400;
    const ids: number[] = [];
    for (let i = 0; i < n; i += 50)
      ids.push(
        ...(await api.enqueueMany([...Array(50)].map((_, j) => ({ kind: "count", payload: { i: i + j } })))).map(
          (r) => r.job.id,
        ),
      );
    await waitFor(
      async () => (await api.stats()).find((s) => s.status === "succeeded")?.count === n,
      "all jobs to succeed",
      60_000,
      50,
    );
    expect(await api.stats()).toEqual([{ kind: "count", status: "succeeded", count: n }]);
    expect([...runs.keys()].sort((x, y) => x - y)).toEqual(ids.sort((x, y) => x - y));
    expect([...runs.values()].filter((who) => who.length !== 1)).toEqual([]);
    const claims = await queryIn<{ n: number; jobs: number }>(
      schema,
      "SELECT count(*)::int AS n, count(DISTINCT job_id)::int AS jobs FROM job_events WHERE type = 'claimed'",
    );
    expect(claims).toEqual([{ n, jobs: n }]);
  });
});
