import { execFileSync } from "node:child_process";
import type { Database } from "better-sqlite3";
import type { ParleyConfig } from "../config/index.js";
import { createAgents } from "../agent/agents.js";
import type { AgentRegistry } from "../agent/registry.js";
import { createPrivacyPolicy, type PrivacyPolicy } from "../agent/privacy-policy.js";
import { ToolSet } from "../agent/tools/index.js";
import { EventBus } from "../events/bus.js";
import { createJobQueue, defaultTaskRegistry, type JobQueue, type TaskRegistry } from "../jobs/index.js";
import { offsetClock, systemClock, type Clock } from "../lib/clock.js";
import { describeError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { OutboundPolicy } from "../lib/outbound/index.js";
import type { Registry } from "../lib/metrics.js";
import { openDatabase } from "../store/index.js";
import { AudioStore } from "../store/audio-store.js";
import { ApiKeysRepo } from "../store/repos/api-keys-repo.js";
import { openSqlStore, type SqlStore } from "../store/sql/index.js";
import { EventsRepo } from "../store/repos/events-repo.js";
import { EngineHost } from "../engines/host/engine-host.js";
import { audioDir, databaseFile, ttsCacheDir } from "../config/paths.js";
import { TtsCache } from "../engines/tts/cache/index.js";
import type { ProfileModels } from "./resolve-models.js";
import type { Knowledge } from "../knowledge/index.js";
import { createKnowledgeHost, type KnowledgeHost } from "./knowledge.js";

/**
 * What every part of a running Parley shares and no feature owns: one database, one queue and task registry,
 * one event bus, the engines, the agents. `parley serve` and `parley worker` build the same; app/ hands each
 * feature the pieces it declares (features.ts), never this whole object.
 */
export interface Infrastructure {
  config: ParleyConfig;
  logger: Logger;
  clock: Clock;
  registry: Registry;
  db: Database;
  /**
   * The repositories shared by the nodes (API keys, agents, voicemails, calls): on PostgreSQL with `store.url`, else on `db`.
   * `sql.open()` waits until it is usable; `sql.close()` releases its connections.
   */
  sql: SqlStore;
  queue: JobQueue;
  /** The job kinds this process runs: the builtin ones, then every feature's (registerAppTasks). */
  tasks: TaskRegistry;
  bus: EventBus;
  agents: AgentRegistry;
  /** What personal data is masked before anything is stored (config privacy + each agent's override). */
  privacy: PrivacyPolicy;
  audio: AudioStore;
  engines: EngineHost;
  apiKeys: ApiKeysRepo;
  /** Path of ffmpeg, or null when it is off or not installed. */
  ffmpeg: string | null;
  /** Where webhooks and agents' HTTP tools may send requests (config webhooks.* and tools.*). */
  outbound: { webhooks: OutboundPolicy; tools: OutboundPolicy };
  /** The agents' knowledge bases (documents, chunks, search); `knowledgeHost` loads its embedding model. */
  knowledge: Knowledge;
  knowledgeHost: KnowledgeHost;
  /** Rendered speech, content-addressed under `<dataDir>/tts-cache`: notifications and live calls' fixed phrases. */
  ttsCache: TtsCache;
}

export interface CreateInfrastructureOptions {
  config: ParleyConfig;
  logger: Logger;
  registry: Registry;
  models: ProfileModels;
  clock?: Clock;
}

/** Opens the database (migrating it), and wires queue, events, agents and engines. Engines load later (`engines.start()`). */
export function createInfrastructure(o: CreateInfrastructureOptions): Infrastructure {
  // A configured start time (tests, demos) moves "now" there and lets it run; an injected clock wins.
  const startAt = o.config.clock.startAt;
  const clock = o.clock ?? (startAt ? offsetClock(Date.parse(startAt)) : systemClock);
  const db = openDatabase(databaseFile(o.config), { logger: o.logger, clock });
  // store.url: the repositories on the SQL port (keys, agents) are on PostgreSQL, shared by every node.
  const sql = openSqlStore(db, o.config.store, { logger: o.logger, clock });
  try {
    // store.url: postgres://... moves the queue to PostgreSQL too, shared by every node.
    const queue = createJobQueue(db, o.config, { logger: o.logger, clock });
    // Per agent where the payload names one; the agents are looked up when an event is published.
    const privacy = createPrivacyPolicy(o.config.privacy, (name) => agents.find(name)?.agent.privacy);
    const bus = new EventBus(new EventsRepo(sql), clock, o.logger, (data) => privacy.scrub(agentOf(data), data));
    // A job that used up its attempts is an event operators and webhooks hear about.
    queue.events.on("job:dead", ({ job, error }) => {
      if (job.kind === "webhook.deliver") return; // a dead webhook announcing itself by webhook would loop
      bus
        .publish("job.dead", `job:${job.id}`, {
          jobId: job.id,
          kind: job.kind,
          error: error.message,
          attempts: job.attempts,
        })
        .catch((err: unknown) =>
          o.logger.error({ err: describeError(err), jobId: job.id }, "could not publish job.dead"),
        );
    });
    const outbound = {
      webhooks: new OutboundPolicy({ ...o.config.webhooks, setting: "webhooks.allowHosts" }),
      tools: new OutboundPolicy({ ...o.config.tools, setting: "tools.allowHosts" }),
    };
    const agents = createAgents({ config: o.config, sql, clock, logger: o.logger, toolPolicy: outbound.tools });
    const engines = new EngineHost(
      o.models.refs,
      o.models.missing,
      o.config,
      o.logger,
      o.registry,
      () =>
        agents.list().map(({ agent: a }) => ({
          messages: [{ role: "system" as const, content: a.systemPrompt }],
          tools: new ToolSet(a).specs,
        })),
      o.models.turn ?? null,
      o.models.languages,
    );
    const knowledgeHost = createKnowledgeHost({ sql, db, config: o.config, clock, logger: o.logger });
    // An agent saved through the API gets its `knowledge:` list indexed now, not at the next start.
    agents.onChange((change) => void knowledgeHost.sync(change));
    return {
      config: o.config,
      logger: o.logger,
      clock,
      registry: o.registry,
      db,
      sql,
      queue,
      tasks: defaultTaskRegistry(),
      bus,
      agents,
      privacy,
      audio: new AudioStore(sql, audioDir(o.config)),
      engines,
      apiKeys: new ApiKeysRepo(sql),
      ffmpeg: findFfmpeg(o.config.voicemail.ffmpeg),
      outbound,
      knowledge: knowledgeHost.knowledge,
      knowledgeHost,
      ttsCache: new TtsCache(
        sql,
        ttsCacheDir(o.config),
        {
          modelId: () => engines.status().find((s) => s.role === "tts" && !s.language)?.modelId ?? null,
          engine: async (signal) => (await engines.whenReady(signal)).tts,
        },
        clock,
        o.registry,
        o.config.engines.tts.openingsMb * 1024 * 1024,
      ),
    };
  } catch (err) {
    void sql.close();
    db.close();
    throw err;
  }
}

/**
 * Waits until the queue and the store are usable (with store.url, PostgreSQL: connected and migrated; a failure
 * names the reason), then reads the agents made through the API. Before anything looks an agent up.
 */
export async function openStores(infra: Pick<Infrastructure, "queue" | "sql" | "agents">): Promise<void> {
  await infra.queue.open();
  await infra.sql.open();
  await infra.agents.reload();
}

function agentOf(data: unknown): string | null {
  const agent = (data as { agent?: unknown } | null)?.agent;
  return typeof agent === "string" ? agent : null;
}

function findFfmpeg(setting: string): string | null {
  if (setting === "off") return null;
  const candidate = setting === "auto" ? "ffmpeg" : setting;
  try {
    execFileSync(candidate, ["-version"], { stdio: "ignore", timeout: 5000 });
    return candidate;
  } catch {
    return null;
  }
}
