import { Worker } from "../../jobs/index.js";
import { setupTracing } from "../../lib/tracing.js";
import { packageVersion } from "../../models/paths.js";
import { appLogger } from "../../app/logger.js";
import { createMetricsRegistry } from "../../lib/metrics.js";
import { databaseFile } from "../../config/paths.js";
import { resolveProfileModels } from "../../app/resolve-models.js";
import { startEventRelay } from "../../app/event-relay.js";
import { startAgentSync, type AgentSync } from "../../app/agent-sync.js";
import { createInfrastructure, openStores } from "../../app/infrastructure.js";
import type { PostgresEventRelay } from "../../events/relay/index.js";
import { createFeatures } from "../../app/features.js";
import { registerAppTasks } from "../../app/tasks.js";
import { parseFlags, configFromFlags } from "../flags.js";
import type { Command } from "../types.js";
import type { ParleyConfig } from "../../config/index.js";
import { redactUrl } from "../../config/sections/store.js";

/** Where this worker's jobs come from, for its start line (no password). */
function queueLocation(config: ParleyConfig): string {
  const { url, schema } = config.store;
  return url ? `${redactUrl(url)} (schema ${schema})` : databaseFile(config);
}

const USAGE = `Usage: parley worker [options]

Runs the job worker alone, against the queue in the database of the data
directory (<data-dir>/parley.db), or on PostgreSQL when store.url is set
(several workers on several machines then share one queue), for when the queue should not share a process with
the HTTP API. It runs every task kind of this build (voicemail processing,
webhook deliveries, ...) and loads the profile's engines for the tasks that
need them (they wait until the engines are ready).
Lanes, concurrency, leases and retries come from the 'jobs' config section.
Logs are JSON lines on stderr.

SIGTERM or SIGINT stops it gracefully: no new jobs are claimed, in-flight jobs
get jobs.shutdownGraceMs to finish, the rest are handed back to the queue
without counting the attempt. A second signal exits at once; those jobs run
again when their lease (jobs.leaseMs) expires.

Options:
  --config FILE     config file (default: ./parley.yaml when present)
  --data-dir DIR    where the database lives (default ./data)
  --profile NAME    model profile for inference tasks (default: the configured one)
`;

export const workerCommand: Command = {
  name: "worker",
  summary: "run the job worker alone (the task kinds registered in this build)",
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseFlags(
      args,
      { config: { type: "string" }, "data-dir": { type: "string" }, profile: { type: "string" } },
      false,
    );
    const { config, source } = configFromFlags(ctx, values);
    const logger = appLogger(config);
    const models = await resolveProfileModels(config, ctx.cwd, {
      onInstall: (id) => logger.info({ model: id }, "model generated on demand (nothing to download)"),
    });
    const tracing = setupTracing(config.tracing, packageVersion());
    const infra = createInfrastructure({ config, logger, registry: createMetricsRegistry(), models });
    let relay: PostgresEventRelay | null = null;
    let agentSync: AgentSync | null = null;
    try {
      // With store.url, the queue and the shared repositories are on PostgreSQL: fail here, with the reason, when
      // it cannot be reached. With it, agents changed by any node are reloaded here.
      await openStores(infra);
      agentSync = startAgentSync(infra);
      // store.url: the events this worker publishes (a voicemail processed) reach SSE clients on every node.
      relay = startEventRelay(infra, { receive: false });
      const features = createFeatures(infra);
      registerAppTasks(infra, features);
      await features.voicemail.requeueUnfinished();
      const worker = new Worker({ queue: infra.queue, tasks: infra.tasks, config: config.jobs, logger });
      logger.info(
        {
          config: source,
          database: databaseFile(config),
          queue: queueLocation(config),
          profile: models.profile,
          missingModels: models.missing.map((m) => m.modelId),
        },
        "starting parley worker",
      );
      worker.start();
      // Inference tasks wait for the engines; the rest (webhooks) run at once.
      // Voicemail extraction searches the knowledge base: hybrid once the embedding model is up. The server indexes the
      // agents' documents; a worker beside it only reads them.
      void infra.engines
        .start()
        .then(() => infra.knowledgeHost.start({ cwd: ctx.cwd, agents: () => infra.agents.list(), index: false }));
      ctx.stderr.write(
        `parley worker: ${worker.id} running ${infra.tasks.kinds().join(", ")} from ${queueLocation(config)}\n`,
      );
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      const report = await worker.stop({ graceMs: config.jobs.shutdownGraceMs });
      ctx.stderr.write(`parley worker: stopped (${report.finished} finished, ${report.released} handed back)\n`);
      return 0;
    } finally {
      await infra.engines.stop();
      await infra.knowledgeHost.stop();
      await relay?.close();
      await agentSync?.close();
      await infra.queue.close();
      await infra.sql.close();
      infra.db.close();
      await tracing.shutdown();
      logger.flush();
    }
  },
};
