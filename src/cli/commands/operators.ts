import { OperatorStore } from "../../api/console/auth/operators.js";
import { ParleyError } from "../../lib/errors.js";
import { configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { firstLine, promptHidden } from "../password-input.js";
import { CliError, type CliContext, type Command } from "../types.js";

const USAGE = `Usage: parley operators <add|list|remove> [options]

Operator accounts of the web console (/console). They live in
<dataDir>/operators.json (0600), passwords hashed with scrypt. An API key
(parley keys create) also signs in to the console.

  add <name> [--password-stdin]   create an account; the password (10+ characters)
                                  is asked twice without echo, or read from the
                                  first line of stdin with --password-stdin
  list                            every account and when it was made
  remove <name>                   delete an account; its console sessions end at once

Options:
  --config FILE     config file (default: ./parley.yaml when present)
  --data-dir DIR    where operators.json lives (default ./data)
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
      const store = OperatorStore.forDataDir(configFromFlags(ctx, values).config.dataDir);
      try {
        if (sub === "list") return list(ctx, store, values.json);
        const name = rest[0] as string;
        if (sub === "remove") return remove(ctx, store, name, values.json);
        const password = values["password-stdin"] ? await firstLine(source.stdin) : await ask(ctx, source.stdin);
        const op = await store.add(name, password, new Date());
        if (values.json) printJson(ctx, { name: op.name, createdAt: op.createdAt, file: store.file });
        else ctx.stdout.write(`added operator ${op.name}; sign in at /console\n`);
        return 0;
      } catch (err) {
        if (err instanceof ParleyError) throw new CliError(err.message, err.status === 409 ? 1 : 2);
        throw err;
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

function list(ctx: CliContext, store: OperatorStore, json: boolean): number {
  const ops = store.list().map((o) => ({ name: o.name, createdAt: o.createdAt }));
  if (json) printJson(ctx, ops);
  else if (ops.length === 0) ctx.stdout.write("no operators; add one with: parley operators add NAME\n");
  else
    printTable(ctx, ops, [
      { header: "NAME", value: (o) => o.name },
      { header: "CREATED", value: (o) => o.createdAt },
    ]);
  return 0;
}

function remove(ctx: CliContext, store: OperatorStore, name: string, json: boolean): number {
  if (!store.remove(name)) throw new CliError(`no operator named '${name}'; see parley operators list`);
  if (json) printJson(ctx, { name, removed: true });
  else ctx.stdout.write(`removed operator ${name}\n`);
  return 0;
}
