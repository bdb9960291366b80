import type { ParleyConfig } from "../config/index.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { OutboundPolicy } from "../lib/outbound/index.js";
import { AgentsRepo } from "../store/repos/agents-repo.js";
import type { SqlStore } from "../store/sql/port.js";
import { AgentRegistry } from "./registry.js";

/** What the agents need: where the files are (config agents.*), the store for API-made agents, the tool policy. */
export interface AgentsDeps {
  config: Pick<ParleyConfig, "agents">;
  /** The SQL port (`infra.sql`): the node's database, or PostgreSQL shared by the nodes with `store.url`. */
  sql: SqlStore;
  clock: Clock;
  logger: Logger;
  /** Where agents' HTTP tools may send requests (config tools.*). */
  toolPolicy: OutboundPolicy;
}

/**
 * The agents facade: the agent files of `agents.dir` and those made through the API, by name and by mailbox.
 * Every feature that talks (calls, voicemail, notify) receives it from app/. The API agents are read by
 * `reload()`, which app/ awaits before anything looks one up.
 */
export function createAgents(deps: AgentsDeps): AgentRegistry {
  const { dir, default: defaultName } = deps.config.agents;
  return new AgentRegistry(dir, defaultName, new AgentsRepo(deps.sql), deps.clock, deps.logger, {
    toolPolicy: deps.toolPolicy,
  });
}
