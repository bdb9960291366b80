import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Hono } from "hono";
import type { ParleyConfig } from "../config/index.js";
import { createApp } from "../api/app.js";
import { attachJobMetrics, Worker } from "../jobs/index.js";
import type { Clock } from "../lib/clock.js";
import { createMetricsRegistry } from "../lib/metrics.js";
import type { Logger } from "../lib/logger.js";
import { packageVersion } from "../models/paths.js";
import { resolveProfileModels } from "./resolve-models.js";
import { createServices, type Services } from "./services.js";
import { registerAppTasks } from "./tasks.js";
import { audioDir, ttsCacheDir } from "../config/paths.js";
import { sweepTempFiles } from "../store/temp-files.js";
import { setupTracing, type TracingHandle } from "../lib/tracing.js";
import { CallManager } from "../calls/call-manager.js";
import { PortPool } from "../rtp/index.js";
import { createSipPort, type SipPort } from "../sip/index.js";
import { requeueUnfinished } from "../voicemail/ingest.js";
import { startMainThreadStalls } from "./main-thread-stalls.js";
import { startIntakes, type Intakes } from "./intakes.js";

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

  private constructor(
    readonly services: Services,
    readonly app: Hono,
    private readonly http: ServerType,
    private readonly worker: Worker | null,
    private readonly sip: SipPort | null,
    private readonly tracing: TracingHandle,
    private readonly stopStalls: () => void,
    private readonly intakes: Intakes,
  ) {}

  static async start(options: StartOptions): Promise<ParleyServer> {
    const { config, logger } = options;
    const registry = createMetricsRegistry();
    const tracing = setupTracing(config.tracing, packageVersion());
    const models = await resolveProfileModels(config, options.cwd);
    const services = createServices({
      config,
      logger,
      registry,
      models,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    try {
      // With store.url, the queue is on PostgreSQL: a start fails here, with the reason, when it cannot be reached.
      await services.queue.open();
    } catch (err) {
      await services.queue.close();
      services.db.close();
      throw err;
    }
    registerAppTasks(services);
    attachJobMetrics(registry, services.queue);
    let sip: SipPort | null = null;
    if (config.sip.enabled) {
      try {
        sip = await createSipPort(config.sip, { logger, registry, ...(options.clock ? { clock: options.clock } : {}) });
      } catch (err) {
        await services.queue.close();
        services.db.close();
        throw err;
      }
      services.calls = new CallManager(services, sip, new PortPool(config.rtp.ports));
    }
    let server: ParleyServer | null = null;
    const app = createApp({
      services,
      version: packageVersion(),
      readiness: {
        // Not ready while draining (a balancer stops sending us work; SIP says the same with 503s) or with no agent.
        ready: () => services.engines.ready && !server?.draining && agentsReady(services),
        details: () => ({
          profile: models.profile,
          engines: services.engines.status(),
          agents: agentsStatus(services),
        }),
      },
    });
    let http: ServerType;
    try {
      http = await listen(app, config.http.host, config.http.port);
    } catch (err) {
      await sip?.close();
      await services.queue.close();
      services.db.close();
      throw err;
    }
    let intakes: Intakes;
    try {
      intakes = await startIntakes(services, sip);
    } catch (err) {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await sip?.close();
      services.db.close();
      throw err;
    }
    const worker = config.jobs.runInServe
      ? new Worker({ queue: services.queue, tasks: services.tasks, config: config.jobs, logger })
      : null;
    server = new ParleyServer(
      services,
      app,
      http,
      worker,
      sip,
      tracing,
      startMainThreadStalls(config.diagnostics.stallMainThread, logger),
      intakes,
    );
    logger.info({ ...server.address, profile: models.profile, worker: worker !== null }, "http listening");
    if (sip && services.calls) {
      services.calls.start();
      logger.info({ driver: sip.driver, ...sip.local }, "sip listening");
    }
    await requeueUnfinished(services);
    await removeLeftoverTempFiles(services);
    warnAboutAgents(services);
    worker?.start();
    void services.engines.start().then(() => {
      if (services.engines.ready) logger.info({ profile: models.profile }, "all engines loaded: ready");
      // After the call engines: the embedding model and the agents' documents do not compete with them for the CPU.
      return services.knowledgeHost.start({ cwd: options.cwd, agents: () => services.agents.list() });
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
    const { logger } = this.services;
    const calls = this.services.calls;
    if (calls) {
      this.draining = true;
      const drainMs = this.services.config.calls.drainMs;
      if (calls.inUse > 0)
        logger.info({ calls: calls.inUse, drainMs }, "draining: calls in progress may finish; new calls get 503");
      const left = await calls.drain(drainMs);
      if (left > 0) logger.info({ calls: left }, "drain time is up: hanging up the calls still in progress");
    }
    logger.info("shutting down");
    this.stopStalls();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    // Idle keep-alive sockets (and SSE clients) would hold close() open.
    (this.http as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    (this.http as { closeAllConnections?: () => void }).closeAllConnections?.();
    await closed;
    // No new voicemail from the PBX while the rest stops (a mail in progress finishes or gets 451).
    await this.intakes.close();
    // Calls first: each says goodbye (BYE) and writes its record while the engines are still there.
    await this.services.calls?.stop();
    await this.sip?.close();
    if (this.worker) {
      const report = await this.worker.stop({ graceMs: this.services.config.jobs.shutdownGraceMs });
      logger.info(report, "worker stopped");
    }
    await this.services.engines.stop();
    await this.services.knowledgeHost.stop();
    await this.services.queue.close();
    this.services.db.close();
    await this.tracing.shutdown();
    logger.info("stopped");
  }
}

/** Ready needs at least one agent (file or API) unless agents.allowNone: without one every request fails. */
function agentsReady(services: Services): boolean {
  return services.config.agents.allowNone || services.agents.list().length > 0;
}

function agentsStatus(services: Services): {
  count: number;
  dir: string;
  default: string;
  defaultExists: boolean;
  ready: boolean;
} {
  const { dir, default: name } = services.config.agents;
  return {
    count: services.agents.list().length,
    dir,
    default: name,
    defaultExists: services.agents.find(name) !== null,
    ready: agentsReady(services),
  };
}

/** Said loudly at start: zero agents is the trap of a server started from another folder (issue 10, item 20). */
function warnAboutAgents(services: Services): void {
  const s = agentsStatus(services);
  if (s.count === 0) {
    services.logger.error(
      { agentsDir: s.dir, allowNone: services.config.agents.allowNone },
      `no agents: ${s.dir} holds no *.yaml and the database has none; every upload, call and notification will fail. ` +
        (services.config.agents.allowNone
          ? "agents.allowNone is set, so /readyz does not wait for one"
          : "/readyz answers 503 until an agent exists (set agents.dir, or agents.allowNone: true to serve without)"),
    );
  } else if (!s.defaultExists) {
    services.logger.warn(
      { default: s.default, agents: s.count },
      `agents.default '${s.default}' does not exist: messages to mailboxes no agent claims will be refused`,
    );
  }
}

/** Temporary files a crash left in the data dir (half-written uploads, renders): they only take space. */
async function removeLeftoverTempFiles(services: Services): Promise<void> {
  for (const dir of [audioDir(services.config), ttsCacheDir(services.config)]) {
    const removed = await sweepTempFiles(dir, Date.now()).catch((err: unknown) => {
      services.logger.warn({ dir, err: (err as Error).message }, "could not sweep temporary files");
      return 0;
    });
    if (removed > 0) services.logger.info({ dir, removed }, "removed temporary files left by an earlier run");
  }
}

function listen(app: Hono, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    server.once("error", reject);
  });
}
