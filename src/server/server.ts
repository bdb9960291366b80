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
import { setupTracing, type TracingHandle } from "../lib/tracing.js";
import { CallManager } from "../calls/call-manager.js";
import { PortPool } from "../rtp/index.js";
import { createSipPort, type SipPort } from "../sip/index.js";
import { requeueUnfinished } from "../voicemail/ingest.js";
import { startMainThreadStalls } from "./main-thread-stalls.js";

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
  ) {}

  static async start(options: StartOptions): Promise<ParleyServer> {
    const { config, logger } = options;
    const registry = createMetricsRegistry();
    const tracing = setupTracing(config.tracing, packageVersion());
    const models = await resolveProfileModels(config, options.cwd);
    const services = createServices({ config, logger, registry, models, ...(options.clock ? { clock: options.clock } : {}) });
    registerAppTasks(services);
    attachJobMetrics(registry, services.queue);
    let sip: SipPort | null = null;
    if (config.sip.enabled) {
      try {
        sip = await createSipPort(config.sip, { logger, registry, ...(options.clock ? { clock: options.clock } : {}) });
      } catch (err) {
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
        // Not ready while draining: a balancer stops sending us work (SIP says the same with 503s).
        ready: () => services.engines.ready && !server?.draining,
        details: () => ({ profile: models.profile, engines: services.engines.status() }),
      },
    });
    let http: ServerType;
    try {
      http = await listen(app, config.http.host, config.http.port);
    } catch (err) {
      await sip?.close();
      services.db.close();
      throw err;
    }
    const worker = config.jobs.runInServe ? new Worker({ queue: services.queue, tasks: services.tasks, config: config.jobs, logger }) : null;
    server = new ParleyServer(services, app, http, worker, sip, tracing, startMainThreadStalls(config.diagnostics.stallMainThread, logger));
    logger.info({ ...server.address, profile: models.profile, worker: worker !== null }, "http listening");
    if (sip && services.calls) {
      services.calls.start();
      logger.info({ driver: sip.driver, ...sip.local }, "sip listening");
    }
    await requeueUnfinished(services);
    worker?.start();
    void services.engines.start().then(() => {
      if (services.engines.ready) logger.info({ profile: models.profile }, "all engines loaded: ready");
    });
    return server;
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
      if (calls.inUse > 0) logger.info({ calls: calls.inUse, drainMs }, "draining: calls in progress may finish; new calls get 503");
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
    // Calls first: each says goodbye (BYE) and writes its record while the engines are still there.
    await this.services.calls?.stop();
    await this.sip?.close();
    if (this.worker) {
      const report = await this.worker.stop({ graceMs: this.services.config.jobs.shutdownGraceMs });
      logger.info(report, "worker stopped");
    }
    await this.services.engines.stop();
    this.services.db.close();
    await this.tracing.shutdown();
    logger.info("stopped");
  }
}

function listen(app: Hono, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    server.once("error", reject);
  });
}
