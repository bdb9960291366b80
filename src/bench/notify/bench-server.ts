import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParleyConfig } from "../../config/index.js";
import { Worker } from "../../jobs/index.js";
import { silentLogger } from "../../lib/logger.js";
import { createMetricsRegistry } from "../../lib/metrics.js";
import { PortPool } from "../../rtp/index.js";
import { missingModelsMessage, resolveProfileModels } from "../../app/resolve-models.js";
import { createInfrastructure, openStores, type Infrastructure } from "../../app/infrastructure.js";
import { createFeatures, type Features } from "../../app/features.js";
import { registerAppTasks } from "../../app/tasks.js";
import { createSipPort, type SipPort } from "../../sip/index.js";
import { ParleyError } from "../../lib/errors.js";
import { modelsDirOf } from "../../models/paths.js";

const OUTBOUND_KINDS = ["notify.deliver", "campaign.tick", "callback.place"];

/**
 * What `parley serve` runs, in this process and on a temp data dir: the
 * profile's engines, SIP on 127.0.0.1, the call manager and a worker with a
 * lane for outbound calls. In process so the bench can read the CPU used by
 * exactly the work it starts (process.cpuUsage covers the engine threads).
 */
export class BenchServer {
  private constructor(
    readonly infra: Infrastructure,
    readonly features: Features,
    private readonly sip: SipPort,
    private readonly worker: Worker,
    private readonly dataDir: string,
  ) {}

  static async start(base: ParleyConfig, cwd: string): Promise<BenchServer> {
    const dataDir = mkdtempSync(join(tmpdir(), "parley-bench-notify-"));
    const config: ParleyConfig = {
      ...base,
      dataDir,
      // The models stay where they are installed; only the database and the cache are temporary.
      models: { ...base.models, dir: modelsDirOf(base) },
      // Every attempt is measured, none retried or held back by the compliance rules.
      notify: {
        ...base.notify,
        maxAttemptsPerDay: 1000,
        retry: { ...base.notify.retry, busy: { retries: 0, afterMs: 0, maxAfterMs: 0 } },
      },
      calls: { ...base.calls, maxCalls: 200, recordAll: false },
      sip: { ...base.sip, listen: { host: "127.0.0.1", port: 0 }, rateLimit: { perSecond: 0, burst: 100 } },
      jobs: {
        ...base.jobs,
        lanes: [
          { name: "outbound", order: "priority", concurrency: 64, kinds: OUTBOUND_KINDS },
          { name: "work", order: "priority", concurrency: 2 },
        ],
      },
    };
    const models = await resolveProfileModels(config, cwd);
    if (models.missing.length) throw new ParleyError("models_missing", missingModelsMessage(models), { status: 503 });
    const services = createInfrastructure({
      config,
      logger: silentLogger(),
      registry: createMetricsRegistry({ defaults: false }),
      models,
    });
    await openStores(services);
    const features = createFeatures(services);
    registerAppTasks(services, features);
    await services.engines.start();
    if (!services.engines.ready) {
      await services.queue.close();
      await services.sql.close();
      services.db.close();
      throw new ParleyError(
        "engines_unavailable",
        `engines failed to load: ${JSON.stringify(services.engines.status())}`,
        { status: 503 },
      );
    }
    const sip = await createSipPort(config.sip, { logger: services.logger });
    features.calls.attach(sip, new PortPool(config.rtp.ports)).start();
    const worker = new Worker({
      queue: services.queue,
      tasks: services.tasks,
      config: config.jobs,
      logger: services.logger,
    });
    worker.start();
    return new BenchServer(services, features, sip, worker, dataDir);
  }

  async stop(): Promise<void> {
    await this.worker.stop({ graceMs: 5000 });
    await this.features.calls.manager?.stop();
    await this.sip.close();
    await this.infra.engines.stop();
    await this.infra.queue.close();
    await this.infra.sql.close();
    this.infra.db.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
