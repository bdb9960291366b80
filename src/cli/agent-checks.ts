import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { loadAgentDir } from "../agent/load.js";
import type { ParleyConfig } from "../config/index.js";
import { describeError } from "../lib/errors.js";
import { listenChecks } from "../doctor/ports.js";
import type { CheckResult } from "../doctor/types.js";
import { createPostgresSql } from "../store/sql/index.js";

/**
 * Names of agents created through the API, read from the store without changing it: the shared PostgreSQL store
 * with store.url (none when it is not migrated yet), else the node's database (none when it does not exist yet).
 */
async function storedAgentNames(config: ParleyConfig): Promise<string[]> {
  const { url, schema } = config.store;
  if (url) {
    const sql = createPostgresSql({ url, schema, poolSize: 1 });
    try {
      return (await sql.all<{ name: string }>("SELECT name FROM agents ORDER BY name")).map((r) => r.name);
    } catch (err) {
      if ((err as { code?: string }).code === "42P01") return []; // undefined_table: not migrated yet
      throw err;
    } finally {
      await sql.close();
    }
  }
  const file = join(config.dataDir, "parley.db");
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT name FROM agents ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } catch {
    return []; // not migrated yet: no API agents
  } finally {
    db.close();
  }
}

/**
 * The agent files parse, and there is at least one agent (files or
 * database) and the default one: without them every upload, call and
 * notification is refused, and /readyz stays 503.
 */
export async function agentChecks(config: ParleyConfig): Promise<CheckResult[]> {
  const { dir, default: defaultName, allowNone } = config.agents;
  let files: string[];
  try {
    files = loadAgentDir(dir).map((a) => a.name);
  } catch (err) {
    return [
      {
        group: "agents",
        name: "files",
        status: "fail",
        detail: describeError(err),
        fix: "fix the field named in the message (docs/agents.md describes each)",
      },
    ];
  }
  let stored: string[] = [];
  let storedNote = "";
  try {
    stored = await storedAgentNames(config);
  } catch (err) {
    storedNote = ` (${config.store.url ? "store" : "database"} not readable: ${describeError(err)})`;
  }
  const all = [...new Set([...files, ...stored])];
  const results: CheckResult[] = [];
  if (all.length === 0) {
    results.push({
      group: "agents",
      name: "files",
      status: allowNone ? "warn" : "fail",
      detail: `no agents: ${dir} ${existsSync(dir) ? "holds no *.yaml" : "does not exist"}, and the ${config.store.url ? "store" : "database"} has none${storedNote}`,
      fix: allowNone
        ? "create one with POST /v1/agents"
        : "set agents.dir (relative paths in parley.yaml are relative to the file), or agents.allowNone: true to create agents through the API",
    });
    return results;
  }
  results.push({
    group: "agents",
    name: "files",
    status: "ok",
    detail: `${files.length} in ${dir}${files.length ? ` (${files.join(", ")})` : ""}; ${stored.length} from the API${storedNote}`,
  });
  results.push(
    all.includes(defaultName)
      ? { group: "agents", name: "default", status: "ok", detail: `'${defaultName}' exists` }
      : {
          group: "agents",
          name: "default",
          status: "warn",
          detail: `agents.default '${defaultName}' does not exist: messages to mailboxes no agent claims are refused`,
          fix: `set agents.default to one of: ${all.join(", ")}`,
        },
  );
  return results;
}

/** What `parley config check` checks beyond the schema (and `parley doctor` too): agent files, and that the listen ports are free. */
export async function configChecks(config: ParleyConfig): Promise<CheckResult[]> {
  return [...(await agentChecks(config)), ...(await listenChecks(config))];
}
