import { Operators } from "../../api/console/auth/operators.js";
import { databaseFile } from "../../config/paths.js";
import { ParleyError } from "../../lib/errors.js";
import { isoTime } from "../../lib/iso-time.js";
import { openDatabase } from "../../store/index.js";
import { openSqlStore } from "../../store/sql/index.js";
import { configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { firstLine, promptHidden } from "../password-input.js";
import { CliError, type CliContext, type Command } from "../types.js";

const USAGE = `Usage: parley operators <add|list|remove> [options]

Operator accounts of the web console (/console), passwords hashed with
scrypt. They live in the store: the node's database, or with store.url the
PostgreSQL database every node shares (an account added here signs in on all
of them). An API key (parley keys create) also signs in to the console.

  add <name> [--password-stdin]   create an account; the password (10+ characters)
                                  is asked twice without echo, or read from the
                                  first line of stdin with --password-stdin
  list                            every account and when it was made
  remove <name>                   delete an account; its console sessions end at once

Options:
  --config FILE     config file (default: ./parley.yaml when present)
  --data-dir DIR    the node's data directory (default ./data)
  --json            machine-readable output
`;

const flags = {
  config: { type: "string" },
  "data-dir": { type: "string" },
  json: { type: "boolean", default: false },
  "password-stdin": { type: "boolean", default: false },
} as const;

/** Where the password comes from; tests pass a stream instead of a terminal. */
export interface PasswordSource {
  stdin: NodeJS.ReadStream;
}

export function operatorsCommand(source: PasswordSource = { stdin: process.stdin }): Command {
  return {
    name: "operators",
    summary: "add, list and remove console operator accounts",
    usage: USAGE,
    async run(args, ctx) {
      const { values, positionals } = parseFlags(args, flags);
      const [sub, ...rest] = positionals;
      if (sub !== "add" && sub !== "list" && sub !== "remove") {
        throw new CliError(
          sub
            ? `unknown subcommand '${sub}'; use add, list or remove`
            : "say add, list or remove; see parley operators --help",
          2,
        );
      }
      if (values["password-stdin"] && sub !== "add") throw new CliError("--password-stdin only applies to add", 2);
      if (sub === "list" ? rest.length > 0 : rest.length !== 1)
        throw new CliError(
          sub === "list" ? `unexpected argument '${rest[0]}'` : `say which operator: parley operators ${sub} <name>`,
          2,
        );
      const { config } = configFromFlags(ctx, values);
      const db = openDatabase(databaseFile(config));
      const sql = openSqlStore(db, config.store);
      try {
        await sql.open();
        const store = new Operators(sql, config.dataDir);
        if (sub === "list") return await list(ctx, store, values.json);
        const name = rest[0] as string;
        if (sub === "remove") return await remove(ctx, store, name, values.json);
        const password = values["password-stdin"] ? await firstLine(source.stdin) : await ask(ctx, source.stdin);
        const op = await store.add(name, password, Date.now());
        if (values.json) printJson(ctx, { name: op.name, createdAt: isoTime(op.createdAt), store: store.where });
        else ctx.stdout.write(`added operator ${op.name}; sign in at /console\n`);
        return 0;
      } catch (err) {
        if (err instanceof ParleyError) throw new CliError(err.message, err.status === 409 ? 1 : 2);
        throw err;
      } finally {
        await sql.close();
        db.close();
      }
    },
  };
}

async function ask(ctx: CliContext, stdin: NodeJS.ReadStream): Promise<string> {
  if (!stdin.isTTY) throw new CliError("no terminal to ask for the password on: pipe it in with --password-stdin", 2);
  const first = await promptHidden("Password: ", stdin, ctx.stderr);
  const again = await promptHidden("Again: ", stdin, ctx.stderr);
  if (first !== again) throw new CliError("the two passwords differ", 2);
  return first;
}

async function list(ctx: CliContext, store: Operators, json: boolean): Promise<number> {
  const ops = (await store.list()).map((o) => ({ name: o.name, createdAt: isoTime(o.createdAt) }));
  if (json) printJson(ctx, ops);
  else if (ops.length === 0) ctx.stdout.write("no operators; add one with: parley operators add NAME\n");
  else
    printTable(ctx, ops, [
      { header: "NAME", value: (o) => o.name },
      { header: "CREATED", value: (o) => o.createdAt },
    ]);
  return 0;
}

async function remove(ctx: CliContext, store: Operators, name: string, json: boolean): Promise<number> {
  if (!(await store.remove(name))) throw new CliError(`no operator named '${name}'; see parley operators list`);
  if (json) printJson(ctx, { name, removed: true });
  else ctx.stdout.write(`removed operator ${name}\n`);
  return 0;
}
