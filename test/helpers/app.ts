import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { createApp } from "../../src/api/app.js";
import { createApiKey } from "../../src/api/auth/api-keys.js";
import { validate, type ParleyConfigInput } from "../../src/config/index.js";
import { Worker } from "../../src/jobs/index.js";
import type { Clock } from "../../src/lib/clock.js";
import { createLogger, silentLogger, type Logger } from "../../src/lib/logger.js";
import { createMetricsRegistry } from "../../src/lib/metrics.js";
import { createServices, type Services } from "../../src/server/services.js";
import { registerAppTasks } from "../../src/server/tasks.js";
import { repoRoot } from "./paths.js";

export interface TestAppOptions {
  /** Merged over the test defaults below (fast polls and retries, a temp dataDir, the repo's agents/). */
  config?: ParleyConfigInput;
  clock?: Clock;
  /** Register every task kind of the build and the webhook fan-out, as `parley serve` does (default true). */
  registerTasks?: boolean;
  /** Log to stderr at this level instead of discarding logs (debugging a test). */
  logLevel?: string;
}

export interface TestApp {
  /** The real /v1 app: call `app.request()` on it. */
  app: Hono;
  services: Services;
  /** A working API key (Authorization: Bearer <key>). */
  key: string;
  /** The temp data dir (database, audio), removed by close(). */
  dataDir: string;
  /** `app.request()` with the key's Authorization header added (pass `headers` to add more or override it). */
  request: (path: string, init?: RequestInit) => Promise<Response>;
  /** Starts a job worker in this process on the app's queue and tasks; close() stops it. */
  startWorker: () => Worker;
  /** Stops workers, closes the database and deletes the data dir. */
  close: () => Promise<void>;
}

/**
 * A real Parley app over a real database in a temp dir, with models not
 * loaded (the tiny profile with an empty model set): everything but
 * inference works. Jobs poll every 20 ms and retry after 10-50 ms so tests
 * that run a worker are quick.
 *
 * @example
 * const t = await createTestApp({ config: { webhooks: { maxAttempts: 2 } } });
 * const res = await t.request("/v1/jobs");
 * await t.close();
 */
export async function createTestApp(o: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-app-"));
  const input = o.config ?? {};
  const config = validate({
    profile: "tiny",
    ...input,
    dataDir,
    log: { level: o.logLevel ?? "silent" },
    agents: { dir: join(repoRoot, "agents"), ...input.agents },
    jobs: { pollIntervalMs: 20, retryBaseMs: 10, retryMaxMs: 50, retryJitter: 0, shutdownGraceMs: 2000, ...input.jobs },
  });
  const logger: Logger = o.logLevel ? createLogger(config.log) : silentLogger();
  const services = createServices({ config, logger, registry: createMetricsRegistry(), models: { profile: "tiny", refs: {}, missing: [] }, ...(o.clock ? { clock: o.clock } : {}) });
  if (o.registerTasks ?? true) registerAppTasks(services);
  const app = createApp({ services, version: "test", readiness: { ready: () => true, details: () => ({ profile: "tiny" }) } });
  const { key } = createApiKey(services.apiKeys, "test", services.clock);
  const workers: Worker[] = [];
  return {
    app,
    services,
    key,
    dataDir,
    request: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has("authorization")) headers.set("authorization", `Bearer ${key}`);
      return Promise.resolve(app.request(path, { ...init, headers }));
    },
    startWorker: () => {
      const worker = new Worker({ queue: services.queue, tasks: services.tasks, config: config.jobs, logger, cpus: 2 });
      workers.push(worker);
      worker.start();
      return worker;
    },
    close: async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop({ graceMs: 0 })));
      await services.engines.stop();
      services.db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
