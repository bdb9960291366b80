import { join } from "node:path";
import { createSqliteJobQueue, defaultTaskRegistry, Worker } from "../../jobs/index.js";
import { createLogger } from "../../lib/logger.js";
import { openDatabase } from "../../store/index.js";
import { parseFlags, configFromFlags } from "../flags.js";
import type { Command } from "../types.js";

const USAGE = `Usage: parley worker [options]

Runs the job worker alone, against the database of the data directory
(<data-dir>/parley.db), for when the queue should not share a process with
the HTTP API. It runs the task kinds registered in this build; today that is
only the built-in 'noop' and 'sleep' (harmless, for tests and benchmarks).
Lanes, concurrency, leases and retries come from the 'jobs' config section.
Logs are JSON lines on stderr.

SIGTERM or SIGINT stops it gracefully: no new jobs are claimed, in-flight jobs
get jobs.shutdownGraceMs to finish, the rest are handed back to the queue
without counting the attempt. A second signal exits at once; those jobs run
again when their lease (jobs.leaseMs) expires.

Options:
  --config FILE     config file (default: ./parley.yaml when present)
  --data-dir DIR    where the database lives (default ./data)
`;

export const workerCommand: Command = {
  name: "worker",
  summary: "run the job worker alone (the task kinds registered in this build)",
  usage: USAGE,
  async run(args, ctx) {
    const { values } = parseFlags(args, { config: { type: "string" }, "data-dir": { type: "string" } }, false);
    const { config, source } = configFromFlags(ctx, values);
    const logger = createLogger(config.log);
    const file = join(config.dataDir, "parley.db");
    const db = openDatabase(file, { logger });
    try {
      const queue = createSqliteJobQueue(db, config.jobs, { logger });
      const tasks = defaultTaskRegistry();
      const worker = new Worker({ queue, tasks, config: config.jobs, logger });
      logger.info({ config: source, database: file }, "starting parley worker");
      worker.start();
      ctx.stderr.write(`parley worker: ${worker.id} running ${tasks.kinds().join(", ")} from ${file}\n`);
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      const report = await worker.stop({ graceMs: config.jobs.shutdownGraceMs });
      ctx.stderr.write(`parley worker: stopped (${report.finished} finished, ${report.released} handed back)\n`);
      return 0;
    } finally {
      db.close();
      logger.flush();
    }
  },
};
