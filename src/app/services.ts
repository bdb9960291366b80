import { execFileSync } from "node:child_process";
import type { Database } from "better-sqlite3";
import type { CallManager } from "../calls/call-manager.js";
import type { ParleyConfig } from "../config/index.js";
import { AgentRegistry } from "../agent/registry.js";
import { ToolSet } from "../agent/tools/index.js";
import { EventBus } from "../events/bus.js";
import { createJobQueue, defaultTaskRegistry, type JobQueue } from "../jobs/index.js";
import type { TaskRegistry } from "../jobs/tasks/registry.js";
import { offsetClock, systemClock, type Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { OutboundPolicy } from "../lib/outbound/index.js";
import type { Registry } from "../lib/metrics.js";
import { openDatabase } from "../store/index.js";
import { AudioStore } from "../store/audio-store.js";
import { AgentsRepo } from "../store/repos/agents-repo.js";
import { ApiKeysRepo } from "../store/repos/api-keys-repo.js";
import { EventsRepo } from "../store/repos/events-repo.js";
import { doNotCallGuard } from "../notify/compliance/dial-guard.js";
import type { CallbackTimer } from "../notify/callbacks/policy.js";
import { TtsCache } from "../notify/tts-cache.js";
import { EngineHost } from "../engines/host/engine-host.js";
import { ingestVoicemail } from "../voicemail/ingest.js";
import type { CallerMessage } from "../calls/deps.js";
import { dialTarget } from "../calls/dial-target.js";
import { deliverNotification } from "../calls/outbound/deliver.js";
import type { OutboundDialer } from "../notify/dialer.js";
import { deliverTo } from "../webhooks/index.js";
import { audioDir, databaseFile, ttsCacheDir } from "../config/paths.js";
import type { ProfileModels } from "./resolve-models.js";
import type { KnowledgeSearch } from "../agent/tools/index.js";
import type { Knowledge } from "../knowledge/index.js";
import { createKnowledgeHost, type KnowledgeHost } from "./knowledge.js";

/**
 * Everything a running Parley shares: one database, one queue, one event bus,
 * the agents, the engines. `parley serve` and `parley worker` build the same
 * services; tasks and API routes receive them instead of reaching for globals.
 */
export interface Services {
  config: ParleyConfig;
  logger: Logger;
  clock: Clock;
  registry: Registry;
  db: Database;
  queue: JobQueue;
  bus: EventBus;
  agents: AgentRegistry;
  audio: AudioStore;
  engines: EngineHost;
  tasks: TaskRegistry;
  apiKeys: ApiKeysRepo;
  /** Path of ffmpeg, or null when it is off or not installed. */
  ffmpeg: string | null;
  /** Live calls, when this process runs SIP (`parley serve` with sip.enabled); null otherwise. */
  calls: CallManager | null;
  /** Rendered speech for notifications, content-addressed under `<dataDir>/tts-cache`. */
  ttsCache: TtsCache;
  /** Checked right before every outbound dial, whatever asked for it; a guard throws (a ParleyError) to forbid the call. */
  dialGuards: ((to: string) => void)[];
  /** When a callback someone asked for can be placed (notify.callbacks, the daily cap): for routing and live calls. */
  callbackTimer: CallbackTimer;
  /** Where webhooks and agents' HTTP tools may send requests (config webhooks.* and tools.*). */
  outbound: { webhooks: OutboundPolicy; tools: OutboundPolicy };
  /** A message left on a live call goes to the voicemail feature (calls/ does not import voicemail/). */
  onMessage: (msg: CallerMessage) => Promise<{ voicemailId: number }>;
  /** How notify places its calls: through the live calls above (calls/ and notify/ do not import each other). */
  dialer: OutboundDialer;
  /** A voicemail routing rule's webhook (voicemail/ does not import webhooks/). */
  deliverWebhook: (endpointName: string, eventId: number) => Promise<unknown>;
  /** The agents' knowledge bases (documents, chunks, search); `knowledgeHost` loads its embedding model. */
  knowledge: Knowledge;
  knowledgeHost: KnowledgeHost;
  /** Retrieval as a port: live calls' search_knowledge tool and voicemail extraction's context. */
  searchKnowledge: KnowledgeSearch;
}

export interface CreateServicesOptions {
  config: ParleyConfig;
  logger: Logger;
  registry: Registry;
  models: ProfileModels;
  clock?: Clock;
}

/** Opens the database (migrating it), and wires queue, events, agents and engines. Engines load later (`engines.start()`). */
export function createServices(o: CreateServicesOptions): Services {
  // A configured start time (tests, demos) moves "now" there and lets it run; an injected clock wins.
  const startAt = o.config.clock.startAt;
  const clock = o.clock ?? (startAt ? offsetClock(Date.parse(startAt)) : systemClock);
  const db = openDatabase(databaseFile(o.config), { logger: o.logger, clock });
  try {
    // store.url: postgres://... moves the queue (only the queue, for now) to PostgreSQL, shared by every node.
    const queue = createJobQueue(db, o.config, { logger: o.logger, clock });
    const bus = new EventBus(new EventsRepo(db), clock, o.logger);
    // A job that used up its attempts is an event operators and webhooks hear about.
    queue.events.on("job:dead", ({ job, error }) => {
      if (job.kind === "webhook.deliver") return; // a dead webhook announcing itself by webhook would loop
      bus.publish("job.dead", `job:${job.id}`, {
        jobId: job.id,
        kind: job.kind,
        error: error.message,
        attempts: job.attempts,
      });
    });
    const outbound = {
      webhooks: new OutboundPolicy({ ...o.config.webhooks, setting: "webhooks.allowHosts" }),
      tools: new OutboundPolicy({ ...o.config.tools, setting: "tools.allowHosts" }),
    };
    const agents = new AgentRegistry(
      o.config.agents.dir,
      o.config.agents.default,
      new AgentsRepo(db),
      clock,
      o.logger,
      { toolPolicy: outbound.tools },
    );
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
    );
    const ttsCache = new TtsCache(
      db,
      ttsCacheDir(o.config),
      {
        modelId: () => engines.status().find((s) => s.role === "tts")?.modelId ?? null,
        engine: async (signal) => (await engines.whenReady(signal)).tts,
      },
      clock,
      o.registry,
    );
    const knowledgeHost = createKnowledgeHost({ db, config: o.config, clock, logger: o.logger });
    const services: Services = {
      config: o.config,
      logger: o.logger,
      clock,
      registry: o.registry,
      db,
      queue,
      bus,
      agents,
      audio: new AudioStore(db, audioDir(o.config)),
      engines,
      tasks: defaultTaskRegistry(),
      apiKeys: new ApiKeysRepo(db),
      ffmpeg: findFfmpeg(o.config.voicemail.ffmpeg),
      calls: null,
      ttsCache,
      dialGuards: [],
      outbound,
      // Until the notify feature sets its policy (registerAppTasks): callbacks go when asked.
      callbackTimer: (_to, requested) => ({ at: requested, delay: null, why: null, timeZone: null, atLocal: null }),
      onMessage: async (msg) => ({ voicemailId: (await ingestVoicemail(services, msg)).voicemail.id }),
      deliverWebhook: (endpointName, eventId) => deliverTo(services, endpointName, eventId),
      knowledge: knowledgeHost.knowledge,
      knowledgeHost,
      searchKnowledge: (agent, query, options) => knowledgeHost.knowledge.search(agent, query, options),
      dialer: {
        available: () => services.calls !== null,
        deliver: (call) => deliverNotification(services, call),
        dialLive: async (call) => {
          if (!services.calls) throw new Error("no SIP in this process"); // callers check available() first
          const { callId } = await services.calls.dial({ ...call, to: dialTarget(services.config, call.to) });
          return { callId };
        },
      },
    };
    services.dialGuards.push(doNotCallGuard(services));
    return services;
  } catch (err) {
    db.close();
    throw err;
  }
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
