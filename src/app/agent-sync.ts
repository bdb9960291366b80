import { WakeConnection } from "../jobs/postgres/wake-listener.js";
import { describeError } from "../lib/errors.js";
import type { Infrastructure } from "./infrastructure.js";

/** The NOTIFY channel on which the nodes of one installation (`store.schema`) say an API agent changed. */
export const agentsChannel = (schema: string): string => `parley_agents.${schema}`.slice(0, 63);

export interface AgentSync {
  /** Resolves once this node listens (tests wait for it). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * With `store.url`, the nodes share their API agents, and each keeps them in memory (a live call looks its agent
 * up synchronously). So a node that saves or deletes one says so on a NOTIFY channel, and every node reloads the
 * agents when it hears that, or when its listening connection comes back (what was said meanwhile is lost).
 * Null without `store.url`: the SQLite database has one server, whose registry is the one that saves.
 */
export function startAgentSync(infra: Infrastructure): AgentSync | null {
  const { url, schema } = infra.config.store;
  if (!url) return null;
  const { agents, sql, logger } = infra;
  const channel = agentsChannel(schema);
  let reloading: Promise<void> | null = null;
  let again = false;
  // One reload at a time; notifications during one lead to one more, so the last change is always read.
  const reload = (): void => {
    if (reloading) {
      again = true;
      return;
    }
    reloading = agents
      .reload()
      .catch((err: unknown) => logger.warn({ err: describeError(err) }, "agents: reloading after a change failed"))
      .finally(() => {
        reloading = null;
        if (again) {
          again = false;
          reload();
        }
      });
  };
  const listener = new WakeConnection({ connectionString: url, application_name: "parley-agents" }, channel, logger, {
    name: "agent changes",
    whileDown: "agents changed on other nodes are read when it is back",
  });
  const unsubscribe = listener.subscribe(() => reload());
  // A change made between the start's read and the LISTEN would otherwise wait for the next one.
  const listening = listener.ready().then(() => reload());
  const detach = agents.onChange((change) => {
    if (change.origin !== "local") return;
    sql
      .run("SELECT pg_notify(?, ?)", [channel, change.name])
      .catch((err: unknown) =>
        logger.warn({ err: describeError(err), agent: change.name }, "agents: telling the other nodes failed"),
      );
  });
  return {
    ready: () => listener.ready(),
    async close() {
      detach();
      unsubscribe();
      await listener.close();
      await listening;
      await reloading;
    },
  };
}
