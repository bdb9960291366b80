import type { Database } from "better-sqlite3";
import type { PrivacyPolicy } from "../agent/privacy-policy.js";
import type { AgentRegistry } from "../agent/registry.js";
import type { ParleyConfig } from "../config/index.js";
import type { EventBus } from "../events/bus.js";
import type { JobQueue } from "../jobs/index.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Registry } from "../lib/metrics.js";
import type { OutboundDialer } from "./dialer.js";
import type { TtsCache } from "../engines/tts/cache/index.js";
import type { SqlStore } from "../store/sql/port.js";

/** What the notify feature (notifications, campaigns, callbacks, compliance) uses, and nothing more: app/ gives it these. */
export interface NotifyDeps {
  config: ParleyConfig;
  logger: Logger;
  clock: Clock;
  registry: Registry;
  db: Database;
  /**
   * The store the nodes share (PostgreSQL with store.url): the outbound tables (campaigns, notifications, attempts,
   * templates, callbacks), the do-not-call list with its audit, and a callback's voicemail.
   */
  sql: SqlStore;
  queue: JobQueue;
  bus: EventBus;
  agents: AgentRegistry;
  /** Masks the recipients' variables and the message text under the agent's privacy rules before they are stored. */
  privacy: PrivacyPolicy;
  /** Places the calls (the calls feature, wired by app/). */
  dialer: OutboundDialer;
  /** Rendered speech for notifications, content-addressed under `<dataDir>/tts-cache`. */
  ttsCache: TtsCache;
}
