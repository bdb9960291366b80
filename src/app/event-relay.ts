import { PostgresEventRelay } from "../events/relay/index.js";
import type { Infrastructure } from "./infrastructure.js";

/**
 * With the store on PostgreSQL (store.url), the nodes share one event log and
 * wake each other's SSE streams when they store an event, so SSE clients on
 * any node hear every node at once. Only `parley serve` listens (`receive`);
 * a `parley worker` has no streams and only sends. Null without store.url.
 */
export function startEventRelay(infra: Infrastructure, o: { receive: boolean }): PostgresEventRelay | null {
  const { url, schema } = infra.config.store;
  if (!url) return null;
  return new PostgresEventRelay(infra.bus, {
    url,
    schema,
    receive: o.receive,
    logger: infra.logger,
  });
}
