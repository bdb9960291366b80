import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { createApp } from "../api/app.js";
import { createApiKey } from "../api/auth/api-keys.js";
import type { ParleyConfig } from "../config/index.js";
import { Worker } from "../jobs/index.js";
import { sleep } from "../lib/abort.js";
import { ModelError } from "../lib/errors.js";
import { silentLogger } from "../lib/logger.js";
import { createMetricsRegistry } from "../lib/metrics.js";
import { modelsDirOf } from "../models/paths.js";
import { resolveProfileModels } from "../app/resolve-models.js";
import { createInfrastructure, openStores, type Infrastructure } from "../app/infrastructure.js";
import { createFeatures, type Features } from "../app/features.js";
import { registerAppTasks } from "../app/tasks.js";
import { VOICEMAIL_JOB } from "../voicemail/ingest.js";
import { padded, speakMessages, type SpokenMessage } from "./batch-voicemails.js";
import { benchQueue, type QueueBenchReport } from "./queue-bench.js";
import { machineFacts, percentile, round } from "./stats.js";
import { VoicemailStatsRepo } from "../store/repos/voicemail-stats-repo.js";
import { VoicemailsRepo } from "../store/repos/voicemails-repo.js";

export interface BatchBenchOptions {
  /** The configuration to measure (profile, engines, jobs lanes); its data dir is not touched. */
  config: ParleyConfig;
  cwd: string;
  /** Voicemails through the whole pipeline (default 20). */
  count?: number;
  /** Messages queued ahead of the fresh arrivals in the triage run (default 200). */
  backlog?: number;
  /** Fresh arrivals timed behind that backlog (default 10). */
  fresh?: number;
  /** Jobs per phase of the queue-alone measurement (default 5000). */
  queueJobs?: number;
  log?: (line: string) => void;
  /** SIGTERM/SIGINT: stop between steps (the temporary data dir is removed). */
  signal?: AbortSignal;
}

export interface BatchBenchReport {
  bench: "batch";
  profile: string;
  machine: Record<string, unknown>;
  engineLoadMs: number;
  throughput: {
    voicemails: number;
    audioMinutes: number;
    wallSeconds: number;
    cpuSeconds: number;
    voicemailsPerMinute: number;
    /** Minutes of recorded audio processed per minute of CPU (all threads of the process). */
    audioMinutesPerCpuMinute: number;
    /** Mean run time of one voicemail.process job. */
    meanJobMs: number;
    statuses: Record<string, number>;
  };
  triage: {
    backlog: number;
    arrivals: number;
    /** From the start of the upload to the message's results being saved. */
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
    /** Fewest messages still waiting when a fresh one arrived: above 0, every arrival met a backlog. */
    minBacklogAtArrival: number;
    targetMs: number;
    withinTarget: boolean;
    /** What a first-in-first-out queue would have made the slowest arrival wait, from the backlog and the mean job time. */
    fifoEstimateMs: number;
  };
  queue: QueueBenchReport;
}

/**
 * `parley bench batch`: flite-spoken voicemails of varied length through the
 * whole pipeline (API upload, queue, decode, VAD, batch ASR, LLM extraction,
 * routing) on a temporary data dir with the profile's installed models, then
 * fresh arrivals timed behind a backlog, then the queue alone.
 */
export async function benchBatch(o: BatchBenchOptions): Promise<BatchBenchReport> {
  const log = o.log ?? (() => {});
  const count = o.count ?? 20;
  const models = await resolveProfileModels(o.config, o.cwd);
  if (models.missing.length > 0) {
    // One line: the CLI prints the first line of an error.
    const ids = models.missing.map((m) => m.modelId).join(", ");
    throw new ModelError(
      "model_missing",
      `profile '${models.profile}' is missing ${ids}; get them with: parley models pull ${models.profile} (or parley models import <bundle>)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "parley-bench-batch-"));
  try {
    log(`speaking ${count} voicemails with flite`);
    const messages = await speakMessages(count, dir);
    // The user's models and settings, on a throwaway database and audio store.
    const config: ParleyConfig = {
      ...o.config,
      dataDir: join(dir, "data"),
      models: { ...o.config.models, dir: modelsDirOf(o.config) },
      log: { level: "silent" },
    };
    const services = createInfrastructure({
      config,
      logger: silentLogger(),
      registry: createMetricsRegistry(),
      models,
    });
    try {
      await openStores(services);
      const features = createFeatures(services);
      registerAppTasks(services, features);
      log(`loading the ${models.profile} profile's engines`);
      const loadStarted = performance.now();
      await services.engines.start();
      if (!services.engines.ready)
        throw new ModelError(
          "engines_unavailable",
          `engines failed to load: ${JSON.stringify(services.engines.status())}`,
        );
      const engineLoadMs = round(performance.now() - loadStarted, 0);
      const key = (await createApiKey(services.apiKeys, "bench", services.clock)).key;
      const run = new PipelineRun(services, features, key, o.signal);
      const throughput = await run.throughput(messages, log);
      const triage = await run.triage(messages, o.backlog ?? 200, o.fresh ?? 10, throughput.meanJobMs, log);
      o.signal?.throwIfAborted();
      log("the queue alone");
      const queue = await benchQueue({ jobs: o.queueJobs ?? 5000, log });
      return {
        bench: "batch",
        profile: models.profile,
        machine: machineFacts(),
        engineLoadMs,
        throughput,
        triage,
        queue,
      };
    } finally {
      await services.engines.stop();
      await services.sql.close();
      services.db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The app and a worker on one set of services; uploads go through the HTTP API, as a PBX integration's would. */
class PipelineRun {
  private readonly app: Hono;
  /** When each message's results were saved (the voicemail.processed event), by id. */
  private readonly doneAt = new Map<number, number>();
  private readonly jobMs: number[] = [];

  constructor(
    private readonly services: Infrastructure,
    features: Features,
    private readonly key: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.app = createApp({
      deps: { ...services, ...features },
      version: "bench",
      readiness: { ready: () => true, details: () => ({}) },
    });
    services.bus.subscribe((e) => {
      if (e.type === "voicemail.processed")
        this.doneAt.set((e.data as { voicemailId: number }).voicemailId, performance.now());
    });
    services.queue.events.on(
      "job:succeeded",
      ({ job, durationMs }) => job.kind === VOICEMAIL_JOB && this.jobMs.push(durationMs),
    );
  }

  async throughput(messages: SpokenMessage[], log: (l: string) => void): Promise<BatchBenchReport["throughput"]> {
    log(`${messages.length} voicemails through the pipeline`);
    const worker = this.worker();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const ids: number[] = [];
    try {
      for (const m of messages) ids.push(await this.upload(m.bytes, { mailbox: "100" }));
      await this.settled(ids);
    } catch (err) {
      await worker.stop({ graceMs: 0 });
      throw err;
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    await worker.stop({ graceMs: 0 });
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const audioMs = messages.reduce((n, m) => n + m.durationMs, 0);
    const statuses: Record<string, number> = {};
    // The voicemails are where the repositories are: the node's SQLite file, or PostgreSQL with store.url.
    for (const r of await new VoicemailStatsRepo(this.services.sql).counts())
      statuses[r.status] = (statuses[r.status] ?? 0) + r.count;
    const meanJobMs = round(this.jobMs.reduce((a, b) => a + b, 0) / Math.max(1, this.jobMs.length), 0);
    log(`${messages.length} voicemails in ${round(wallMs / 1000, 1)} s (${round(cpuMs / 1000, 1)} s CPU)`);
    return {
      voicemails: messages.length,
      audioMinutes: round(audioMs / 60_000, 2),
      wallSeconds: round(wallMs / 1000, 2),
      cpuSeconds: round(cpuMs / 1000, 2),
      voicemailsPerMinute: round(messages.length / (wallMs / 60_000), 1),
      audioMinutesPerCpuMinute: round(audioMs / cpuMs, 2),
      meanJobMs,
      statuses,
    };
  }

  /** A backlog queued first, then fresh messages one after another, each timed from upload to results. */
  async triage(
    messages: SpokenMessage[],
    backlog: number,
    fresh: number,
    meanJobMs: number,
    log: (l: string) => void,
  ): Promise<BatchBenchReport["triage"]> {
    log(`queueing a backlog of ${backlog} voicemails`);
    for (let i = 0; i < backlog; i++)
      await this.upload(padded(messages[i % messages.length] as SpokenMessage, 10 + i), { mailbox: "100" });
    const worker = this.worker();
    const times: number[] = [];
    const waiting: number[] = [];
    try {
      await sleep(Math.min(2000, meanJobMs * 2), this.signal); // let the backlog get going, as a new message would find it
      for (let i = 0; i < fresh; i++) {
        waiting.push(await this.pending());
        const started = performance.now();
        // Fresh audio: padded past anything in the backlog, so it is never a duplicate.
        const id = await this.upload(padded(messages[(i * 7) % messages.length] as SpokenMessage, 10 + backlog + i), {
          mailbox: "frontdesk",
        });
        await this.settled([id]);
        times.push((this.doneAt.get(id) ?? performance.now()) - started);
        await sleep(200, this.signal);
      }
    } finally {
      await worker.stop({ graceMs: 0 }); // the rest of the backlog is handed back, not waited for
    }
    const targetMs = this.services.config.jobs.triageTargetMs;
    const slots = worker.settings.lanes.filter((l) => l.order !== "newest").reduce((n, l) => n + l.slots, 0) || 1;
    const p95 = percentile(times, 95);
    log(`triage behind a backlog of ${backlog}: p50 ${round(percentile(times, 50), 0)} ms, p95 ${round(p95, 0)} ms`);
    return {
      backlog,
      arrivals: fresh,
      p50Ms: round(percentile(times, 50), 0),
      p95Ms: round(p95, 0),
      maxMs: round(Math.max(...times), 0),
      minBacklogAtArrival: Math.min(...waiting),
      targetMs,
      withinTarget: Math.max(...times) <= targetMs,
      fifoEstimateMs: round((Math.max(...waiting) * meanJobMs) / slots, 0),
    };
  }

  private worker(): Worker {
    const w = new Worker({
      queue: this.services.queue,
      tasks: this.services.tasks,
      config: this.services.config.jobs,
      logger: this.services.logger,
    });
    w.start();
    return w;
  }

  private async pending(): Promise<number> {
    const counts = await new VoicemailStatsRepo(this.services.sql).counts();
    return counts.filter((c) => c.status === "queued" || c.status === "processing").reduce((n, c) => n + c.count, 0);
  }

  private async upload(bytes: Uint8Array, fields: Record<string, string>): Promise<number> {
    const res = await this.app.request(`/v1/voicemails?${new URLSearchParams(fields)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.key}`, "content-type": "audio/wav" },
      body: bytes,
    });
    const body = (await res.json()) as { voicemail?: { id: number }; error?: { message: string } };
    if (res.status !== 201 || !body.voicemail)
      throw new Error(`upload answered ${res.status}: ${body.error?.message ?? "no voicemail"}`);
    return body.voicemail.id;
  }

  /** Until every id has its results (or failed); a job's own timeout bounds each, this bounds the lot. */
  private async settled(ids: number[], timeoutMs = 60 * 60_000): Promise<void> {
    const repo = new VoicemailsRepo(this.services.sql);
    const waiting = async () => {
      for (const id of ids) if (["queued", "processing"].includes((await repo.get(id))?.status ?? "")) return true;
      return false;
    };
    const deadline = performance.now() + timeoutMs;
    while (await waiting()) {
      if (performance.now() > deadline) throw new Error(`voicemails still unprocessed after ${timeoutMs / 60_000} min`);
      await sleep(10, this.signal);
    }
  }
}
