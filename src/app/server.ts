import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Hono } from "hono";
import type { ParleyConfig } from "../config/index.js";
import { createApp } from "../api/app.js";
import { attachJobMetrics, Worker } from "../jobs/index.js";
import type { Clock } from "../lib/clock.js";
import { createMetricsRegistry } from "../lib/metrics.js";
import type { Logger } from "../lib/logger.js";
import { describeError } from "../lib/errors.js";
import { packageVersion } from "../models/paths.js";
import { resolveProfileModels } from "./resolve-models.js";
import { startEventRelay } from "./event-relay.js";
import { startAgentSync, type AgentSync } from "./agent-sync.js";
import { createInfrastructure, openStores, type Infrastructure } from "./infrastructure.js";
import { createFeatures, type Features } from "./features.js";
import { registerAppTasks } from "./tasks.js";
import { audioDir, recordingsDir, ttsCacheDir } from "../config/paths.js";
import { STALE_TEMP_MS, sweepTempFiles } from "../store/files/index.js";
import { setupTracing, type TracingHandle } from "../lib/tracing.js";
import { keepMediaThreads, PortPool, releaseMediaThreads } from "../rtp/index.js";
import { commandHelperPid, startCommandHelper, stopCommandHelper } from "../lib/commands/helper.js";
import { createSipPort, type SipPort } from "../sip/index.js";
import { startMainThreadStalls } from "./main-thread-stalls.js";
import { startIntakes, type Intakes } from "./intakes.js";
import type { PostgresEventRelay } from "../events/relay/index.js";

export interface StartOptions {
  config: ParleyConfig;
  logger: Logger;
  cwd: string;
  clock?: Clock;
}

/**
 * A running Parley: the HTTP API, the job worker (unless jobs.runInServe is
 * off) and the engines of one profile. HTTP comes up first so health checks
 * answer while models load.
 */
export class ParleyServer {
  private draining = false;
  /** Stops the phrase warm-up (a stop during start-up). */
  private readonly warmup = new AbortController();
  /** Sweeps the files folder now and then: a node back within minutes of a crash left temporaries too young to sweep at start. */
  private sweeper: NodeJS.Timeout | null = null;

  private constructor(
    readonly infra: Infrastructure,
    readonly features: Features,
    readonly app: Hono,
    private readonly http: ServerType,
    private readonly worker: Worker | null,
    private readonly sip: SipPort | null,
    private readonly tracing: TracingHandle,
    private readonly stopStalls: () => void,
    private readonly intakes: Intakes,
    private readonly relay: PostgresEventRelay | null,
    private readonly agentSync: AgentSync | null,
  ) {}

  static async start(options: StartOptions): Promise<ParleyServer> {
    const { config, logger } = options;
    const registry = createMetricsRegistry();
    const tracing = setupTracing(config.tracing, packageVersion());
    const models = await resolveProfileModels(config, options.cwd);
    const infra = createInfrastructure({
      config,
      logger,
      registry,
      models,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    try {
      // With store.url, the queue and the shared repositories are on PostgreSQL: a start fails here, with the
      // reason, when it cannot be reached. Then the agents made through the API are read.
      await openStores(infra);
    } catch (err) {
      await infra.queue.close();
      await infra.sql.close();
      infra.db.close();
      throw err;
    }
    const features = createFeatures(infra);
    registerAppTasks(infra, features);
    attachJobMetrics(registry, infra.queue);
    let sip: SipPort | null = null;
    if (config.sip.enabled) {
      try {
        sip = await createSipPort(config.sip, { logger, registry, ...(options.clock ? { clock: options.clock } : {}) });
      } catch (err) {
        await infra.queue.close();
        await infra.sql.close();
        infra.db.close();
        throw err;
      }
      features.calls.attach(sip, new PortPool(config.rtp.ports));
    }
    let server: ParleyServer | null = null;
    // Where calls are taken, ready waits for every agent's greeting in the TTS cache (GREETINGS_WAIT_MS at most):
    // else the first caller after a start hears silence while it is rendered (about a second on CPU voices).
    let greetingsCached = !features.calls.manager;
    // The rest of the fixed phrases render after the greetings, as batch work; readiness does not wait for them.
    let phrasesDone = !features.calls.manager;
    const app = createApp({
      deps: { ...infra, ...features },
      version: packageVersion(),
      readiness: {
        // Not ready while draining (a balancer stops sending us work; SIP says the same with 503s) or with no agent.
        ready: () => infra.engines.ready && greetingsCached && !server?.draining && agentsReady(infra),
        details: () => ({
          profile: models.profile,
          engines: infra.engines.status(),
          agents: agentsStatus(infra),
          ...(features.calls.manager
            ? { greetings: greetingsCached ? "cached" : "rendering", phrases: phrasesDone ? "done" : "rendering" }
            : {}),
        }),
      },
    });
    let http: ServerType;
    try {
      http = await listen(app, config.http.host, config.http.port);
    } catch (err) {
      await sip?.close();
      await infra.queue.close();
      await infra.sql.close();
      infra.db.close();
      throw err;
    }
    let intakes: Intakes;
    try {
      intakes = await startIntakes(infra, features.voicemail, sip);
    } catch (err) {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await sip?.close();
      await infra.queue.close();
      await infra.sql.close();
      infra.db.close();
      throw err;
    }
    const worker = config.jobs.runInServe
      ? new Worker({ queue: infra.queue, tasks: infra.tasks, config: config.jobs, logger })
      : null;
    // store.url: events published on other nodes reach this node's SSE clients, and ours reach theirs.
    const relay = startEventRelay(infra, { receive: true });
    // store.url: an agent saved or deleted on another node is reloaded here.
    const agentSync = startAgentSync(infra);
    server = new ParleyServer(
      infra,
      features,
      app,
      http,
      worker,
      sip,
      tracing,
      startMainThreadStalls(config.diagnostics.stallMainThread, logger),
      intakes,
      relay,
      agentSync,
    );
    logger.info({ ...server.address, profile: models.profile, worker: worker !== null }, "http listening");
    if (sip && features.calls.manager) {
      features.calls.manager.start();
      logger.info({ driver: sip.driver, ...sip.local }, "sip listening");
    }
    await features.voicemail.requeueUnfinished();
    await removeLeftoverTempFiles(infra);
    server.sweeper = setInterval(() => void removeLeftoverTempFiles(infra), SWEEP_EVERY_MS);
    server.sweeper.unref();
    warnAboutAgents(infra);
    worker?.start();
    const warmup = server.warmup.signal;
    // Before the engines load: commands (ffmpeg) start from a helper process, so this one never forks with the
    // models in memory (see lib/commands/helper.ts).
    await startCommandHelper().then(
      () => logger.info({ pid: commandHelperPid() }, "command helper started"),
      (err: unknown) =>
        logger.warn({ err: describeError(err) }, "command helper did not start: commands run from this process"),
    );
    if (sip) {
      // Before the engines load: a media thread started later forks the process (chrt) with the models in memory.
      await keepMediaThreads({
        threads: config.rtp.mediaThreads,
        priority: config.rtp.mediaThreadPriority,
        logger,
      }).catch((err: unknown) =>
        logger.warn({ err: describeError(err) }, "media threads did not start: the first call starts them"),
      );
    }
    void infra.engines.start().then(async () => {
      if (infra.engines.ready) logger.info({ profile: models.profile }, "all engines loaded: ready");
      // Where calls are taken, every agent's greeting and fixed phrases go into the TTS cache before the first caller.
      if (features.calls.manager && infra.engines.ready) {
        const cached = () => (greetingsCached = true);
        const cap = setTimeout(() => {
          if (!greetingsCached) logger.warn({ waitedMs: GREETINGS_WAIT_MS }, "ready before every greeting is cached");
          cached();
        }, GREETINGS_WAIT_MS);
        cap.unref();
        const report = await features.calls
          .warmPhrases(warmup, (soFar) => {
            logger.info(soFar, "greetings cached");
            cached();
          })
          .catch((err: unknown) => {
            logger.warn({ err: describeError(err) }, "phrase warm-up failed: the first calls render their phrases");
            return null;
          })
          .finally(() => {
            clearTimeout(cap);
            cached();
            phrasesDone = true;
          });
        if (report && !warmup.aborted) logger.info(report, "phrase warm-up done");
      }
      // After the call engines: the embedding model and the agents' documents do not compete with them for the CPU.
      return infra.knowledgeHost.start({ cwd: options.cwd, agents: () => infra.agents.list() });
    });
    return server;
  }

  /** Where the SMTP intake listens, when it runs. */
  get smtpAddress(): { host: string; port: number } | null {
    return this.intakes.smtp?.address ?? null;
  }

  /** Where SIP listens, when it runs. */
  get sipAddress(): { host: string; port: number } | null {
    return this.sip ? this.sip.local : null;
  }

  get address(): { host: string; port: number } {
    const a = this.http.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /**
   * Graceful stop. First the calls drain: new INVITEs and OPTIONS get 503 and /readyz 503, while calls in
   * progress go on for up to `calls.drainMs` (the API keeps answering meanwhile). Then the rest get a BYE, HTTP
   * closes, in-flight jobs finish or are handed back, engines are released and the database closed.
   */
  async stop(): Promise<void> {
    const { logger } = this.infra;
    const calls = this.features.calls.manager;
    if (calls) {
      this.draining = true;
      const drainMs = this.infra.config.calls.drainMs;
      if (calls.inUse > 0)
        logger.info({ calls: calls.inUse, drainMs }, "draining: calls in progress may finish; new calls get 503");
      const left = await calls.drain(drainMs);
      if (left > 0) logger.info({ calls: left }, "drain time is up: hanging up the calls still in progress");
    }
    logger.info("shutting down");
    this.warmup.abort();
    this.stopStalls();
    if (this.sweeper) clearInterval(this.sweeper);
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    // Idle keep-alive sockets (and SSE clients) would hold close() open.
    (this.http as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    (this.http as { closeAllConnections?: () => void }).closeAllConnections?.();
    await closed;
    // No new voicemail from the PBX while the rest stops (a mail in progress finishes or gets 451).
    await this.intakes.close();
    // Calls first: each says goodbye (BYE) and writes its record while the engines are still there.
    await calls?.stop();
    await this.sip?.close();
    if (this.sip) releaseMediaThreads();
    if (this.worker) {
      const report = await this.worker.stop({ graceMs: this.infra.config.jobs.shutdownGraceMs });
      logger.info(report, "worker stopped");
    }
    await this.infra.engines.stop();
    stopCommandHelper();
    await this.infra.knowledgeHost.stop();
    await this.relay?.close();
    await this.agentSync?.close();
    await this.infra.queue.close();
    await this.infra.sql.close();
    this.infra.db.close();
    await this.tracing.shutdown();
    logger.info("stopped");
  }
}

/** Ready needs at least one agent (file or API) unless agents.allowNone: without one every request fails. */
function agentsReady(infra: Infrastructure): boolean {
  return infra.config.agents.allowNone || infra.agents.list().length > 0;
}

function agentsStatus(infra: Infrastructure): {
  count: number;
  dir: string;
  default: string;
  defaultExists: boolean;
  ready: boolean;
} {
  const { dir, default: name } = infra.config.agents;
  return {
    count: infra.agents.list().length,
    dir,
    default: name,
    defaultExists: infra.agents.find(name) !== null,
    ready: agentsReady(infra),
  };
}

/** Said loudly at start: zero agents is the trap of a server started from another folder (issue 10, item 20). */
function warnAboutAgents(infra: Infrastructure): void {
  const s = agentsStatus(infra);
  if (s.count === 0) {
    infra.logger.error(
      { agentsDir: s.dir, allowNone: infra.config.agents.allowNone },
      `no agents: ${s.dir} holds no *.yaml and the database has none; every upload, call and notification will fail. ` +
        (infra.config.agents.allowNone
          ? "agents.allowNone is set, so /readyz does not wait for one"
          : "/readyz answers 503 until an agent exists (set agents.dir, or agents.allowNone: true to serve without)"),
    );
  } else if (!s.defaultExists) {
    infra.logger.warn(
      { default: s.default, agents: s.count },
      `agents.default '${s.default}' does not exist: messages to mailboxes no agent claims will be refused`,
    );
  }
}

const SWEEP_EVERY_MS = 3 * STALE_TEMP_MS;
/** Longest that readiness waits for the greetings once the engines are loaded (a site with many mailbox greetings). */
const GREETINGS_WAIT_MS = 60_000;

/**
 * Temporary files a crash left in the files folder (half-written uploads, renders, recordings of calls cut by a
 * crash), on this node or on another one sharing it: they only take space. Fresh ones may be in use (a call being
 * recorded right now on another node), so only those untouched for a while go. At start and every half hour.
 */
async function removeLeftoverTempFiles(infra: Infrastructure): Promise<void> {
  for (const dir of [audioDir(infra.config), recordingsDir(infra.config), ttsCacheDir(infra.config)]) {
    const removed = await sweepTempFiles(dir, Date.now()).catch((err: unknown) => {
      infra.logger.warn({ dir, err: (err as Error).message }, "could not sweep temporary files");
      return 0;
    });
    if (removed > 0) infra.logger.info({ dir, removed }, "removed temporary files left by an earlier run");
  }
}

function listen(app: Hono, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    server.once("error", reject);
  });
}
