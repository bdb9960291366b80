import type { Database } from "better-sqlite3";
import type { PrivacyPolicy } from "../../agent/privacy-policy.js";
import type { AgentRegistry } from "../../agent/registry.js";
import type { ParleyConfig } from "../../config/index.js";
import type { EventBus } from "../../events/bus.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { CallManager } from "../call-manager.js";
import type { TtsCache } from "../../engines/tts/cache/index.js";
import type { SqlStore } from "../../store/sql/port.js";

/** What placing a notification or survey call uses: the live calls (null where this process runs no SIP) and a few shared pieces. */
export interface PlacingDeps {
  config: ParleyConfig;
  logger: Logger;
  clock: Clock;
  db: Database;
  /** The call log: the node's database, or PostgreSQL shared by the nodes. */
  sql: SqlStore;
  bus: EventBus;
  agents: AgentRegistry;
  /** Masks what a survey caller said before it is published. */
  privacy: PrivacyPolicy;
  calls: CallManager | null;
  /** Fixed phrases (a survey's introduction and prompts) play from it. */
  ttsCache: TtsCache;
}
