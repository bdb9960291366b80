import type { Database } from "better-sqlite3";
import type { Playground } from "../agent/playground/playground.js";
import type { AgentRegistry } from "../agent/registry.js";
import type { Calls } from "../calls/calls.js";
import type { ParleyConfig } from "../config/index.js";
import type { EngineHost } from "../engines/host/engine-host.js";
import type { EventBus } from "../events/bus.js";
import type { JobQueue } from "../jobs/index.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Registry } from "../lib/metrics.js";
import type { OutboundPolicy } from "../lib/outbound/index.js";
import type { Knowledge } from "../knowledge/index.js";
import type { Notify } from "../notify/notify.js";
import type { AudioStore } from "../store/audio-store.js";
import type { ApiKeysRepo } from "../store/repos/api-keys-repo.js";
import type { SqlStore } from "../store/sql/port.js";
import type { Voicemail } from "../voicemail/voicemail.js";
import type { Webhooks } from "../webhooks/index.js";

/**
 * What the HTTP API is given: the feature facades (a route reaches a feature only through them) and the shared
 * pieces routes read directly (their tables, the event stream, the job queue, the API keys). Declared here so
 * api/ never imports app/; app/ passes its infrastructure and features. Each route file takes the `Pick` of this
 * it uses, so it sees nothing else.
 */
export interface ApiDeps {
  voicemail: Voicemail;
  notify: Notify;
  calls: Calls;
  webhooks: Webhooks;
  agents: AgentRegistry;
  /** Chat with an agent as a caller would, without a phone (the console's playground and /v1/agents/{name}/chat). */
  playground: Playground;
  config: ParleyConfig;
  logger: Logger;
  clock: Clock;
  registry: Registry;
  db: Database;
  queue: JobQueue;
  bus: EventBus;
  audio: AudioStore;
  engines: EngineHost;
  apiKeys: ApiKeysRepo;
  /** The store the nodes share (PostgreSQL with store.url, else the node's SQLite file): console operators, sessions, voicemails, calls. */
  sql: SqlStore;
  /** The agents' knowledge bases (documents, chunks, search). */
  knowledge: Knowledge;
  /** Where webhooks may send requests (config webhooks.*): an endpoint's URL is checked against it. */
  outbound: { webhooks: OutboundPolicy };
}
