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
import { createInfrastructure, openStores, type Infrastructure } from "../../src/app/infrastructure.js";
import { createFeatures, type Features } from "../../src/app/features.js";
import { registerAppTasks } from "../../src/app/tasks.js";
import { appLogger } from "../../src/app/logger.js";
import type { ModelRef } from "../../src/engines/model-ref.js";
import type { LanguageRefs } from "../../src/engines/host/engine-host.js";
import type { ModelRole } from "../../src/models/catalog-schema.js";
import { generatedModel, sileroRef } from "./models.js";
import { repoRoot } from "./paths.js";
import { scratchSchema, testPostgresUrl } from "./postgres.js";

export interface TestAppOptions {
  /** Merged over the test defaults below (fast polls and retries, a temp dataDir, the repo's agents/). */
  config?: ParleyConfigInput;
  clock?: Clock;
  /** Register every task kind of the build and the webhook fan-out, as `parley serve` does (default true). */
  registerTasks?: boolean;
  /** Log to stderr at this level instead of discarding logs (debugging a test). */
  logLevel?: string;
  /** Write the app's log lines here (at `logLevel`, default debug), through the logger `parley serve` builds (privacy.redact.logs). */
  logTo?: NodeJS.WritableStream;
  /** The app's logger (a test that reads log lines); wins over logLevel. */
  logger?: Logger;
  /**
   * Load engines: "tiny" generates the tiny profile's models (cached) and
   * starts them before the app is returned; `llm` and `asrStreaming` swap in
   * variants of the scripted models. Default: no engines (API-only tests).
   */
  engines?:
    | "tiny"
    | {
        profile: "tiny";
        llm?: ModelRef;
        asrStreaming?: ModelRef;
        asrBatch?: ModelRef;
        /** Models for agents of a language (a profile's `languages` entries), by base subtag. */
        languages?: LanguageRefs;
      };
}

export interface TestApp {
  /** The real /v1 app: call `app.request()` on it. */
  app: Hono;
  /** The shared pieces (database, queue, bus, engines, agents...). */
  services: Infrastructure;
  /** The feature facades, as app/ wires them (`features.calls.attach(sip, ports)` to run SIP). */
  features: Features;
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
 * A real Parley app over a real database in a temp dir. By default no models
 * are loaded (the tiny profile with an empty model set): everything but
 * inference works; `engines: "tiny"` loads the tiny test models. Jobs poll every 20 ms and retry after 10-50 ms so tests
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
  const onPostgres = postgresStore(input);
  const config = validate({
    profile: "tiny",
    ...input,
    ...(onPostgres ? { store: { url: testPostgresUrl, schema: onPostgres.schema, poolSize: 2, ...input.store } } : {}),
    dataDir,
    log: { level: o.logLevel ?? (o.logTo ? "debug" : "silent") },
    agents: { dir: join(repoRoot, "agents"), ...input.agents },
    // One llama.cpp thread: two test files may run side by side on a 2-core machine.
    engines: { ...input.engines, llm: { threads: 1, parallel: 2, ...input.engines?.llm } },
    jobs: { pollIntervalMs: 20, retryBaseMs: 10, retryMaxMs: 50, retryJitter: 0, shutdownGraceMs: 2000, ...input.jobs },
  });
  const logger: Logger =
    o.logger ?? (o.logTo ? appLogger(config, o.logTo) : o.logLevel ? createLogger(config.log) : silentLogger());
  const refs = o.engines ? await tinyRefs(typeof o.engines === "object" ? o.engines : {}) : {};
  const services = createInfrastructure({
    config,
    logger,
    registry: createMetricsRegistry(),
    models: {
      profile: "tiny",
      refs,
      missing: [],
      ...(typeof o.engines === "object" && o.engines.languages ? { languages: o.engines.languages } : {}),
    },
    ...(o.clock ? { clock: o.clock } : {}),
  });
  await openStores(services);
  const features = createFeatures(services);
  if (o.registerTasks ?? true) registerAppTasks(services, features);
  if (o.engines) {
    await services.engines.start();
    if (!services.engines.ready) {
      const status = JSON.stringify(services.engines.status());
      await services.engines.stop();
      services.db.close();
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`tiny engines failed to load: ${status}`);
    }
  }
  const app = createApp({
    deps: { ...services, ...features },
    version: "test",
    readiness: { ready: () => true, details: () => ({ profile: "tiny" }) },
  });
  const { key } = await createApiKey(services.apiKeys, "test", services.clock);
  const workers: Worker[] = [];
  return {
    app,
    services,
    features,
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
      await services.knowledgeHost.stop();
      await services.queue.close();
      await services.sql.close();
      services.db.close();
      rmSync(dataDir, { recursive: true, force: true });
      await onPostgres?.drop();
    },
  };
}

/**
 * PARLEY_TEST_STORE=postgres runs the app's store and queue on PostgreSQL (a scratch schema of its own, dropped by
 * close()), so the suites that build apps here run on both engines. A test that names its own `store.url` keeps it.
 */
function postgresStore(input: ParleyConfigInput): ReturnType<typeof scratchSchema> | null {
  if (process.env["PARLEY_TEST_STORE"] !== "postgres" || input.store?.url) return null;
  return scratchSchema();
}

/** The tiny profile's five models (generated once, cached under .cache/test-models). */
async function tinyRefs(swap: {
  llm?: ModelRef;
  asrStreaming?: ModelRef;
  asrBatch?: ModelRef;
}): Promise<Partial<Record<ModelRole, ModelRef>>> {
  return {
    vad: sileroRef(),
    asrStreaming: swap.asrStreaming ?? (await generatedModel("tiny-asr-streaming")),
    asrBatch: swap.asrBatch ?? (await generatedModel("tiny-asr-batch")),
    llm: swap.llm ?? (await generatedModel("tiny-llm")),
    tts: await generatedModel("tiny-tts"),
  };
}
