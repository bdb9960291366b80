import { createApiKey } from "../../api/auth/api-keys.js";
import { systemClock } from "../../lib/clock.js";
import { isoTime, withIsoTimes } from "../../lib/iso-time.js";
import { databaseFile } from "../../config/paths.js";
import { openDatabase } from "../../store/index.js";
import { ApiKeysRepo, type ApiKeyRecord } from "../../store/repos/api-keys-repo.js";
import { openSqlStore } from "../../store/sql/index.js";
import { configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext, type Command } from "../types.js";

const USAGE = `Usage: parley keys <create|list|revoke> [options]

Manages the API keys that /v1 requires (Authorization: Bearer <key>). Only a
hash of each key is stored: the key itself is printed once, by create. With
store.url in the config, the keys are on PostgreSQL, shared by every node.

  create [--name NAME]   make a key and print it (name default: "default")
  list                   every key: id, name, created, last used, revoked
  revoke <id>            stop a key working at once (its id is in list)

Options:
  --config FILE     config file (default: ./parley.yaml when present)
  --data-dir DIR    where the database lives (default ./data)
  --json            machine-readable output
`;

const NOT_AGAIN =
  "Store it now: it cannot be shown again (only its hash is kept). Use it as 'Authorization: Bearer <key>'.";

const flags = {
  config: { type: "string" },
  "data-dir": { type: "string" },
  json: { type: "boolean", default: false },
  name: { type: "string" },
} as const;

export const keysCommand: Command = {
  name: "keys",
  summary: "create, list and revoke API keys",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseFlags(args, flags);
    const [sub, ...rest] = positionals;
    if (sub !== "create" && sub !== "list" && sub !== "revoke") {
      throw new CliError(
        sub
          ? `unknown subcommand '${sub}'; use create, list or revoke`
          : "say create, list or revoke; see parley keys --help",
        2,
      );
    }
    if (values.name !== undefined && sub !== "create") throw new CliError("--name only applies to create", 2);
    if (sub === "revoke" ? rest.length !== 1 : rest.length > 0)
      throw new CliError(
        sub === "revoke" ? "say which key: parley keys revoke <id>" : `unexpected argument '${rest[0]}'`,
        2,
      );
    const { config } = configFromFlags(ctx, values);
    const db = openDatabase(databaseFile(config));
    // With store.url the keys are on PostgreSQL, shared by every node: a key made here works on all of them.
    const sql = openSqlStore(db, config.store);
    try {
      await sql.open();
      const repo = new ApiKeysRepo(sql);
      if (sub === "create") return await create(ctx, repo, values.name ?? "default", values.json);
      if (sub === "list") return await list(ctx, repo, values.json);
      return await revoke(ctx, repo, rest[0] as string, values.json);
    } finally {
      await sql.close();
      db.close();
    }
  },
};

async function create(ctx: CliContext, repo: ApiKeysRepo, name: string, json: boolean): Promise<number> {
  if (name.trim() === "" || name.length > 100) throw new CliError("--name must be 1..100 characters", 2);
  const key = await createApiKey(repo, name, systemClock);
  if (json) printJson(ctx, { ...key, createdAt: isoTime(key.createdAt), note: NOT_AGAIN });
  else ctx.stdout.write(`Created API key ${key.id} (${key.name}):\n\n  ${key.key}\n\n${NOT_AGAIN}\n`);
  return 0;
}

async function list(ctx: CliContext, repo: ApiKeysRepo, json: boolean): Promise<number> {
  // The hash is of no use to anyone reading the list, and stays in the database.
  const keys = (await repo.list()).map((k) => ({
    id: k.id,
    name: k.name,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
  }));
  if (json)
    printJson(
      ctx,
      keys.map((k) => withIsoTimes(k, ["createdAt", "lastUsedAt", "revokedAt"])),
    );
  else if (keys.length === 0) ctx.stdout.write("no API keys; create one with: parley keys create --name NAME\n");
  else
    printTable(ctx, keys, [
      { header: "ID", value: (k) => k.id },
      { header: "NAME", value: (k) => k.name },
      { header: "CREATED", value: (k) => iso(k.createdAt) },
      { header: "LAST USED", value: (k) => iso(k.lastUsedAt) },
      { header: "REVOKED", value: (k) => iso(k.revokedAt) },
    ]);
  return 0;
}

async function revoke(ctx: CliContext, repo: ApiKeysRepo, id: string, json: boolean): Promise<number> {
  const key: ApiKeyRecord | null = await repo.get(id);
  if (!key) throw new CliError(`no API key with id '${id}'; see parley keys list`);
  if (key.revokedAt !== null)
    throw new CliError(`key ${id} (${key.name}) was already revoked at ${iso(key.revokedAt)}`);
  const now = systemClock.now();
  await repo.revoke(id, now);
  if (json) printJson(ctx, { id, name: key.name, revokedAt: isoTime(now) });
  else ctx.stdout.write(`revoked key ${id} (${key.name})\n`);
  return 0;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
