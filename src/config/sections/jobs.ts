import { z } from "zod";

/**
 * The durable job queue and its worker (owned by src/jobs). Times are in
 * milliseconds. Defaults suit one box: voicemails processed on the same
 * cores as live calls, with a triage lane so a new message never waits for
 * the whole backlog.
 */

const kindName = z
  .string()
  .regex(/^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$/, "a job kind is lower-case words joined by '.', '_' or '-'");

/** A whole number of slots, or "auto" (derived from the CPUs at start). */
const slots = z.union([z.number().int().min(1).max(256), z.literal("auto")]);

const lane = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, "lower-case letters, digits and '-'"),
    /** "newest" takes the last enqueued job first: one such slot bounds how long a new job waits. */
    order: z.enum(["priority", "newest"]).default("priority"),
    /** Slots of this lane; "auto" = the CPUs left after the other lanes (at least 1). */
    concurrency: slots.default(1),
    /** Kinds this lane runs; all registered kinds when absent. */
    kinds: z.array(kindName).min(1).optional(),
  })
  .strict();

const kindSettings = z
  .object({
    /** At most this many jobs of the kind at once in this process, across lanes. */
    concurrency: z.number().int().min(1).max(256).optional(),
    maxAttempts: z.number().int().min(1).max(1000).optional(),
    /** 0 = no timeout. */
    timeoutMs: z.number().int().min(0).max(86_400_000).optional(),
  })
  .strict();

const defaultLanes = [
  { name: "fresh", order: "newest" as const, concurrency: 1 },
  { name: "backlog", order: "priority" as const, concurrency: "auto" as const },
];

export const jobsSection = z
  .object({
    /** Whether `parley serve` runs the worker in its own process (`parley worker` runs it alone). */
    runInServe: z.boolean().default(true),
    /** How often an idle worker looks for due jobs; jobs enqueued by this process wake it at once. */
    pollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
    /** A running job whose worker stops heartbeating is claimable again after this long. */
    leaseMs: z.number().int().min(500).max(3_600_000).default(60_000),
    heartbeatMs: z.number().int().min(100).max(1_800_000).default(15_000),
    /** Retry delay after attempt n: min(retryMaxMs, retryBaseMs * 2^(n-1)), minus up to retryJitter of it at random. */
    retryBaseMs: z.number().int().min(10).max(3_600_000).default(5000),
    retryMaxMs: z.number().int().min(10).max(604_800_000).default(3_600_000),
    retryJitter: z.number().min(0).max(1).default(0.5),
    /** Attempts before a job is dead-lettered, unless its kind or the enqueuer says otherwise. */
    maxAttempts: z.number().int().min(1).max(1000).default(5),
    /** Default run time limit of a task; 0 = none. */
    timeoutMs: z.number().int().min(0).max(86_400_000).default(900_000),
    /** Cap on simultaneous jobs of each inference-heavy kind (ASR, LLM); "auto" = the CPUs. */
    inferenceConcurrency: slots.default("auto"),
    /** Per-kind overrides, e.g. `voicemail.process: { concurrency: 2, timeoutMs: 600000 }`. */
    kinds: z.record(kindName, kindSettings).default({}),
    /** Worker slots, grouped by claim order. Lanes are filled in this order. */
    lanes: z.array(lane).min(1).max(16).default(defaultLanes),
    /** A new job should start within this long even behind a backlog (logged and counted when missed). */
    triageTargetMs: z.number().int().min(1000).max(86_400_000).default(300_000),
    /** On SIGTERM, how long in-flight jobs may finish before they are aborted and handed back. */
    shutdownGraceMs: z.number().int().min(0).max(600_000).default(30_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.heartbeatMs * 2 > c.leaseMs) {
      ctx.addIssue({
        code: "custom",
        path: ["heartbeatMs"],
        message: `must be at most half of leaseMs (${c.leaseMs}) so one late heartbeat does not lose the lease`,
      });
    }
    if (c.retryMaxMs < c.retryBaseMs)
      ctx.addIssue({ code: "custom", path: ["retryMaxMs"], message: "must not be below retryBaseMs" });
    const names = new Set<string>();
    c.lanes.forEach((l, i) => {
      if (names.has(l.name))
        ctx.addIssue({ code: "custom", path: ["lanes", i, "name"], message: `duplicate lane '${l.name}'` });
      names.add(l.name);
    });
    if (c.lanes.filter((l) => l.concurrency === "auto").length > 1) {
      ctx.addIssue({ code: "custom", path: ["lanes"], message: 'at most one lane may have concurrency "auto"' });
    }
  });

export type JobsConfig = z.infer<typeof jobsSection>;
export type JobLaneConfig = JobsConfig["lanes"][number];
