import type { Database } from "better-sqlite3";
import type { ParleyConfig } from "../config/index.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { OutboundPolicy } from "../lib/outbound/index.js";
import { AgentsRepo } from "../store/repos/agents-repo.js";
import { AgentRegistry } from "./registry.js";

/** What the agents need: where the files are (config agents.*), the database for API-made agents, the tool policy. */
export interface AgentsDeps {
  config: Pick<ParleyConfig, "agents">;
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Where agents' HTTP tools may send requests (config tools.*). */
  toolPolicy: OutboundPolicy;
}

/**
 * The agents facade: the agent files of `agents.dir` and those made through the API, by name and by mailbox.
 * Every feature that talks (calls, voicemail, notify) receives it from app/.
 */
export function createAgents(deps: AgentsDeps): AgentRegistry {
  const { dir, default: defaultName } = deps.config.agents;
  return new AgentRegistry(dir, defaultName, new AgentsRepo(deps.db), deps.clock, deps.logger, {
    toolPolicy: deps.toolPolicy,
  });
}
