import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Hono } from "hono";
import type { ParleyConfig } from "../config/index.js";
import { createApp } from "../api/app.js";
import { createMetricsRegistry, type Registry } from "../lib/metrics.js";
import type { Logger } from "../lib/logger.js";
import { EngineHost } from "./engine-host.js";
import { resolveProfileModels, type ProfileModels } from "./resolve-models.js";

export interface StartOptions {
  config: ParleyConfig;
  logger: Logger;
  cwd: string;
}

/**
 * A running Parley: the HTTP API plus the engines of one profile. The HTTP
 * server comes up first so health checks answer while models load.
 */
export class ParleyServer {
  private constructor(
    readonly config: ParleyConfig,
    readonly app: Hono,
    readonly engines: EngineHost,
    readonly models: ProfileModels,
    readonly registry: Registry,
    private readonly http: ServerType,
    private readonly logger: Logger,
  ) {}

  static async start(options: StartOptions): Promise<ParleyServer> {
    const { config, logger } = options;
    const registry = createMetricsRegistry();
    const models = await resolveProfileModels(config, options.cwd);
    const engines = new EngineHost(models.refs, models.missing, config, logger, registry);
    const app = createApp({
      logger,
      registry,
      readiness: {
        ready: () => engines.ready,
        details: () => ({ profile: models.profile, engines: engines.status() }),
      },
    });
    const http = await listen(app, config.http.host, config.http.port);
    const server = new ParleyServer(config, app, engines, models, registry, http, logger);
    const addr = server.address;
    logger.info({ host: addr.host, port: addr.port, profile: models.profile }, "http listening");
    void engines.start().then(() => {
      if (engines.ready) logger.info({ profile: models.profile }, "all engines loaded: ready");
    });
    return server;
  }

  get address(): { host: string; port: number } {
    const a = this.http.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** Graceful stop: no new connections, in-flight requests finish, engines are released. */
  async stop(): Promise<void> {
    this.logger.info("shutting down");
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      // Idle keep-alive sockets would hold close() open forever.
      (this.http as { closeIdleConnections?: () => void }).closeIdleConnections?.();
    });
    await this.engines.stop();
    this.logger.info("stopped");
  }
}

function listen(app: Hono, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, () => resolve(server));
    server.once("error", reject);
  });
}
