import { readFile } from "node:fs/promises";
import { basename, isAbsolute, relative, resolve } from "node:path";
import type { Database } from "better-sqlite3";
import type { AgentChange, AgentEntry } from "../agent/registry.js";
import type { ParleyConfig } from "../config/index.js";
import { createEngine } from "../engines/factory.js";
import type { ModelRef } from "../engines/model-ref.js";
import type { EmbedEngine } from "../engines/types.js";
import { createKnowledge, type Knowledge } from "../knowledge/index.js";
import type { Clock } from "../lib/clock.js";
import { describeError, isAbortError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { SqlStore } from "../store/sql/index.js";
import { catalogForConfig, isLocalModel, ModelStore, pullModel } from "../models/index.js";

/**
 * The running server's knowledge base. Searches and uploads work at once
 * (BM25 alone); when the profile's embedding model has loaded, the same
 * facade becomes hybrid, the agents' YAML documents are indexed (only those
 * whose bytes changed) and chunks lacking a vector of the model are embedded.
 * An agent saved through the API is indexed the same way when it is saved
 * (`sync`), and a path taken out of its list deletes that document.
 */
export interface KnowledgeHost {
  readonly knowledge: Knowledge;
  /** Loads the embedding model, then indexes the agents' `knowledge:` documents. Never throws: it logs. */
  start(o: StartOptions): Promise<void>;
  /**
   * Brings one agent's knowledge base in step with its `knowledge:` list (an agent saved or deleted through the
   * API): indexes the listed files whose bytes changed, deletes the documents of the entries the previous
   * definition listed and this one does not, embeds what lacks a vector. Runs after the syncs queued before it;
   * never throws: it logs.
   */
  sync(change: AgentChange): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  cwd: string;
  agents: () => AgentEntry[];
  /** Index the agents' `knowledge:` files and embed what lacks vectors (default true; a `parley worker` only searches). */
  index?: boolean;
}

export function createKnowledgeHost(deps: {
  /** Where the knowledge base is (PostgreSQL with store.url: shared by the nodes). */
  sql: SqlStore;
  /** The node's SQLite database: sqlite-vec is loaded on it when `sql` is that database. */
  db: Database;
  config: ParleyConfig;
  clock: Clock;
  logger: Logger;
}): KnowledgeHost {
  const { config, logger } = deps;
  const base = {
    sql: deps.sql,
    ...(deps.sql.dialect === "sqlite" ? { sqlite: deps.db } : {}),
    clock: deps.clock,
    logger,
    settings: config.knowledge,
  };
  let current = createKnowledge({ ...base, embedder: null });
  let embedder: EmbedEngine | null = null;
  const stopping = new AbortController();
  let started: Promise<void> | null = null;
  // A `parley worker` (index: false) leaves indexing to the server beside it, also for agents other nodes changed.
  let indexing = true;
  // One sync at a time, in order: two saves of one agent in quick succession must not interleave their writes.
  let syncing: Promise<void> = Promise.resolve();
  const queued = (work: () => Promise<void>): Promise<void> => {
    syncing = syncing.then(work, work);
    return syncing;
  };
  const knowledge: Knowledge = {
    addDocument: (agent, input, options) => current.addDocument(agent, input, options),
    removeDocument: (agent, name) => current.removeDocument(agent, name),
    removeDocuments: (agent, names) => current.removeDocuments(agent, names),
    listDocuments: (agent) => current.listDocuments(agent),
    getDocument: (agent, name) => current.getDocument(agent, name),
    search: (agent, query, options) => current.search(agent, query, options),
    reindex: (agent, options) => current.reindex(agent, options),
    status: (agent) => current.status(agent),
  };
  return {
    knowledge,
    start(o) {
      if (o.index === false) indexing = false;
      started ??= run(o);
      return started;
    },
    sync(change) {
      if (!indexing && change.origin === "store") return Promise.resolve();
      const entry = change.entry ?? { agent: { name: change.name, knowledge: [] }, source: "api" as const };
      return queued(() =>
        syncAgent(entry, change.previous?.knowledge ?? []).catch((err: unknown) => {
          if (!isAbortError(err))
            logger.error({ agent: change.name, err: describeError(err) }, "knowledge: the agent's list was not synced");
        }),
      );
    },
    async stop() {
      stopping.abort();
      await started; // an upload in flight is cancelled and rolled back before the database closes
      await syncing;
      await embedder?.dispose();
    },
  };

  async function run(o: StartOptions): Promise<void> {
    try {
      const { id, ref } = await embedModel(config, o.cwd);
      if (id && !ref)
        logger.warn(
          { model: id },
          `knowledge: embedding model ${id} is not installed (parley models pull ${id}); search is BM25 only`,
        );
      if (ref && !stopping.signal.aborted) {
        embedder = await createEngine("embed", ref, config);
        current = createKnowledge({ ...base, embedder });
        logger.info({ model: ref.model.id, dimensions: embedder.dimensions }, "knowledge: embedding model loaded");
      } else if (!id) logger.info({ profile: config.profile }, "knowledge: no embedding model; search is BM25 only");
    } catch (err) {
      logger.error({ err: describeError(err) }, "knowledge: embedding model failed to load; search is BM25 only");
    }
    if (o.index === false) return;
    for (const entry of o.agents()) {
      if (stopping.signal.aborted) return;
      await queued(() => syncAgent(entry, []));
    }
  }

  /** Indexes the agent's listed files, then deletes the documents of `before`'s entries it no longer lists. */
  async function syncAgent(
    { agent, source }: { agent: Pick<AgentEntry["agent"], "name" | "knowledge">; source: AgentEntry["source"] },
    before: readonly string[],
  ): Promise<void> {
    for (const path of agent.knowledge) {
      if (stopping.signal.aborted) return;
      await indexFile(knowledge, agent.name, path, source, config.agents.dir, logger, stopping.signal);
    }
    // After the listed files are in, so a path that moved swaps its document without a moment with neither. A
    // document keeps the file's name: an entry dropped whose name another entry still gives stays.
    const kept = new Set(agent.knowledge.map((p) => basename(p)));
    const dropped = [...new Set(before.map((p) => basename(p)))].filter((name) => !kept.has(name));
    if (dropped.length > 0) await knowledge.removeDocuments(agent.name, dropped);
    if (embedder && !stopping.signal.aborted)
      await knowledge.reindex(agent.name, { signal: stopping.signal }).catch((err: unknown) => {
        if (!isAbortError(err))
          logger.warn({ agent: agent.name, err: describeError(err) }, "knowledge: embedding chunks failed");
      });
  }
}

/**
 * One `knowledge:` entry of an agent: a path relative to the agents directory. An agent made through the API may
 * only name files inside that directory (an API key must not make the server read, and serve back, any file).
 */
async function indexFile(
  knowledge: Knowledge,
  agent: string,
  path: string,
  source: AgentEntry["source"],
  agentsDir: string,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  const file = isAbsolute(path) ? path : resolve(agentsDir, path);
  const inside = relative(resolve(agentsDir), file);
  if (source === "api" && (inside.startsWith("..") || isAbsolute(inside))) {
    logger.warn({ agent, path }, "knowledge: an API agent may only list documents inside agents.dir; skipped");
    return;
  }
  try {
    const r = await knowledge.addDocument(agent, { name: basename(file), data: await readFile(file) }, { signal });
    if (r.outcome !== "unchanged")
      logger.info({ agent, path, outcome: r.outcome, chunks: r.document.chunkCount }, "knowledge: document indexed");
  } catch (err) {
    if (isAbortError(err)) return;
    logger.error({ agent, path, err: describeError(err) }, "knowledge: document listed by the agent was not indexed");
  }
}

/** The profile's embedding model, installed on demand when it needs no download (the tiny double); null: none. */
async function embedModel(config: ParleyConfig, cwd: string): Promise<{ id: string | null; ref: ModelRef | null }> {
  const catalog = catalogForConfig(config, cwd);
  const model = catalog.resolveProfile(config.profile).models.embed;
  if (!model) return { id: null, ref: null };
  const store = ModelStore.forConfig(config);
  if (!(await store.get(model.id)) && isLocalModel(model))
    // A worker starting beside the server may generate it first: either way it is then in the store.
    await pullModel(model, { catalog, store }).catch(() => undefined);
  const installed = await store.get(model.id);
  return { id: model.id, ref: installed ? { model, dir: installed.dir } : null };
}
