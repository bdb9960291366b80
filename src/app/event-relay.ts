import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { databaseFile } from "../config/paths.js";
import { PostgresEventRelay } from "../events/relay/index.js";
import type { Infrastructure } from "./infrastructure.js";

/**
 * With the queue on PostgreSQL (store.url), the nodes also relay their domain
 * events to each other, so SSE clients on any node hear every node. Only
 * `parley serve` stores other nodes' events (`receive`); a `parley worker`
 * beside it shares its database and only sends. Null without store.url.
 */
export function startEventRelay(infra: Infrastructure, o: { receive: boolean }): PostgresEventRelay | null {
  const { url, schema } = infra.config.store;
  if (!url) return null;
  return new PostgresEventRelay(infra.bus, {
    url,
    schema,
    origin: nodeOrigin(infra),
    receive: o.receive,
    logger: infra.logger,
  });
}

/**
 * Which node an event comes from: its host and database file. A `parley worker` and `parley serve` on one
 * database are one node (the server already reads the worker's events from the database they share).
 */
export function nodeOrigin(infra: Infrastructure): string {
  return createHash("sha256")
    .update(`${hostname()}\n${databaseFile(infra.config)}`)
    .digest("hex")
    .slice(0, 16);
}
