import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { JobsConfig } from "../config/sections/jobs.js";
import { describeError } from "../lib/errors.js";
import { silentLogger, type Logger } from "../lib/logger.js";
import { RunInterrupt, runJob, type RunOutcome } from "./job-run.js";
import type { JobQueue } from "./queue.js";
import type { TaskRegistry } from "./tasks/registry.js";
import type { Job } from "./types.js";
import { resolveWorkerSettings, type LaneSettings, type WorkerSettings } from "./worker-settings.js";

export interface WorkerOptions {
  queue: JobQueue;
  tasks: TaskRegistry;
  config: JobsConfig;
  logger?: Logger;
  /** Unique per process; the default is host:pid:random. */
  workerId?: string;
  /** CPUs for "auto" lanes and the inference cap (default os.availableParallelism()). */
  cpus?: number;
}

export interface StopReport {
  /** In-flight jobs that settled on their own during the grace period (or after an abort, by failing). */
  finished: number;
  /** In-flight jobs handed back to the queue, attempt not counted. */
  released: number;
}

interface Running {
  job: Job;
  lane: LaneState;
  controller: AbortController;
  done: Promise<RunOutcome>;
}

interface LaneState extends LaneSettings {
  running: Set<Running>;
  /** Queue-clock time of this lane's latest claim (triage accounting). */
  lastClaimAt: number;
}

/**
 * Claims and runs jobs in lanes of slots. Each lane claims in its own order:
 * a "newest" lane of one slot takes the latest job first, so a new voicemail
 * waits for at most one job to finish rather than for the whole backlog,
 * while "priority" lanes work through the backlog. Per-kind caps keep
 * inference-heavy kinds within the cores. Claims happen on a poll timer, at
 * once when this process enqueues or (PostgreSQL) any process NOTIFYs, and
 * whenever a slot frees.
 */
export class Worker {
  readonly id: string;
  readonly settings: WorkerSettings;
  private readonly lanes: LaneState[];
  private readonly running = new Map<number, Running>();
  private readonly perKind = new Map<string, number>();
  private readonly logger: Logger;
  private readonly unsubscribe: Array<() => void> = [];
  private state: "new" | "running" | "stopping" | "stopped" = "new";
  private pollTimer: NodeJS.Timeout | null = null;
  private wakeQueued = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private stopping: Promise<StopReport> | null = null;

  constructor(private readonly options: WorkerOptions) {
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.logger = (options.logger ?? silentLogger()).child({ workerId: this.id });
    this.settings = resolveWorkerSettings(options.config, options.tasks, options.cpus);
    this.lanes = this.settings.lanes.map((l) => ({ ...l, running: new Set<Running>(), lastClaimAt: -Infinity }));
  }

  /** Starts claiming. */
  start(): void {
    if (this.state !== "new") throw new Error(`worker ${this.id} was already started`);
    this.state = "running";
    for (const w of this.settings.warnings) this.logger.warn(w);
    const events = this.options.queue.events;
    // Cancellation stays subscribed through the grace period; wake-ups are dropped first at stop.
    this.unsubscribe.push(
      events.on("job:cancelled", ({ job }) =>
        this.running.get(job.id)?.controller.abort(new RunInterrupt("cancelled")),
      ),
      events.on("job:enqueued", () => this.wake()),
      events.on("job:requeued", () => this.wake()),
      // Other processes' enqueues (PostgreSQL's NOTIFY): only kinds this worker runs wake it.
      this.options.queue.watch((kind) => {
        if (kind === null || this.lanes.some((l) => l.kinds.includes(kind))) this.wake();
      }),
    );
    this.logger.info(
      {
        lanes: this.lanes.map((l) => ({ name: l.name, order: l.order, slots: l.slots })),
        kinds: this.options.tasks.kinds(),
      },
      "worker started",
    );
    this.wake();
  }

  /** Looks for jobs now instead of at the next poll (coalesced: a burst of enqueues is one claim round). */
  wake(): void {
    if (this.state !== "running" || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      void this.pump();
    });
  }

  /** Jobs running now, per lane. */
  activity(): Array<{ lane: string; slots: number; running: number[] }> {
    return this.lanes.map((l) => ({ lane: l.name, slots: l.slots, running: [...l.running].map((r) => r.job.id) }));
  }

  /**
   * Graceful stop: no new claims; in-flight jobs get `graceMs` to finish,
   * then are aborted and released (attempt not counted). Idempotent.
   */
  stop(options: { graceMs?: number } = {}): Promise<StopReport> {
    this.stopping ??= this.shutdown(options.graceMs ?? this.options.config.shutdownGraceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<StopReport> {
    this.state = "stopping";
    if (this.pollTimer) clearTimeout(this.pollTimer);
    await this.pumping;
    const inFlight = [...this.running.values()];
    this.logger.info({ inFlight: inFlight.length, graceMs }, "worker stopping");
    const all = Promise.all(inFlight.map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (graceOver) for (const r of this.running.values()) r.controller.abort(new RunInterrupt("shutdown"));
    const outcomes = await all;
    for (const off of this.unsubscribe.splice(0)) off();
    this.state = "stopped";
    const released = outcomes.filter((o) => o === "released").length;
    this.logger.info({ finished: outcomes.length - released, released }, "worker stopped");
    return { finished: outcomes.length - released, released };
  }

  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = this.fillLanes().finally(() => {
      this.pumping = null;
      if (this.state !== "running") return;
      if (this.pollTimer) clearTimeout(this.pollTimer);
      this.pollTimer = setTimeout(() => void this.pump(), this.options.config.pollIntervalMs);
    });
    return this.pumping;
  }

  private async fillLanes(): Promise<void> {
    do {
      this.pumpAgain = false;
      // Lanes fill in config order: the fresh lane gets the newest job before the backlog lane claims.
      for (const lane of this.lanes) {
        try {
          await this.fill(lane);
        } catch (err) {
          this.options.queue.events.emit("worker:error", { error: err, context: `claiming for lane ${lane.name}` });
          this.logger.error({ err: describeError(err), lane: lane.name }, "claim failed; retrying at the next poll");
          return;
        }
      }
    } while (this.pumpAgain && this.state === "running");
  }

  private async fill(lane: LaneState): Promise<void> {
    while (this.state === "running" && lane.running.size < lane.slots) {
      const kinds = lane.kinds.filter((k) => this.room(k) > 0);
      if (kinds.length === 0) return;
      const limit = Math.min(lane.slots - lane.running.size, ...kinds.map((k) => this.room(k)));
      const { jobs } = await this.options.queue.claim({
        kinds,
        workerId: this.id,
        limit,
        order: lane.order,
        leaseMs: this.options.config.leaseMs,
      });
      for (const job of jobs) this.launch(job, lane);
      if (jobs.length < limit) return;
    }
  }

  private room(kind: string): number {
    return (this.settings.limits.get(kind) ?? Infinity) - (this.perKind.get(kind) ?? 0);
  }

  private launch(job: Job, lane: LaneState): void {
    const task = this.options.tasks.get(job.kind);
    const logger = this.logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts, lane: lane.name });
    const controller = new AbortController();
    const claimedAt = job.startedAt ?? 0;
    const readyAt = Math.max(job.runAt, job.createdAt);
    const waitedMs = claimedAt - readyAt;
    // A miss is a job that became due while this newest-first lane was busy and still waited past the
    // target. Older jobs it picks up when idle were passed over for newer ones: that is backlog, not triage.
    const triageMissed =
      lane.order === "newest" && readyAt > lane.lastClaimAt && waitedMs > this.options.config.triageTargetMs;
    lane.lastClaimAt = Math.max(lane.lastClaimAt, claimedAt);
    this.options.queue.events.emit("job:started", { job, lane: lane.name, waitedMs, triageMissed });
    if (triageMissed)
      logger.warn(
        { waitedMs, targetMs: this.options.config.triageTargetMs },
        "triage target missed: a new job waited longer than jobs.triageTargetMs",
      );
    const run: Running = { job, lane, controller, done: Promise.resolve("lost") };
    this.running.set(job.id, run);
    lane.running.add(run);
    this.perKind.set(job.kind, (this.perKind.get(job.kind) ?? 0) + 1);
    run.done = runJob({
      queue: this.options.queue,
      // Claims only name registered kinds, so a missing task cannot happen; fail loudly if it does.
      task: task ?? { run: async () => Promise.reject(new Error(`no task registered for ${job.kind}`)) },
      job,
      workerId: this.id,
      controller,
      heartbeatMs: this.options.config.heartbeatMs,
      leaseMs: this.options.config.leaseMs,
      timeoutMs: this.settings.timeouts.get(job.kind) ?? this.options.config.timeoutMs,
      logger,
    }).then((outcome) => {
      this.running.delete(job.id);
      lane.running.delete(run);
      this.perKind.set(job.kind, (this.perKind.get(job.kind) ?? 1) - 1);
      logger.debug({ outcome }, "job settled");
      this.wake();
      return outcome;
    });
  }
}
