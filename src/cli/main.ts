import { commands } from "./commands/index.js";
import { CliError, type CliContext } from "./types.js";
import { describeError } from "../lib/errors.js";
import { packageRoot } from "../models/paths.js";

/** Entry point of the `parley` command: dispatches to one command module per verb. */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    ctx.stdout.write(helpText());
    return name ? 0 : 1;
  }
  if (name === "--version" || name === "-v") {
    ctx.stdout.write(`${await version()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    ctx.stderr.write(`parley: unknown command '${name}'; see parley --help\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    ctx.stdout.write(command.usage.endsWith("\n") ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, ctx);
  } catch (err) {
    // A CliError is written for the user in full; anything else gets its first line.
    const message = err instanceof CliError ? err.message : describeError(err);
    ctx.stderr.write(`parley ${name}: ${message}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `parley: self-hosted voice agents on local models\n\nUsage: parley <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nRun 'parley <command> --help' for a command's options.\n`;
}

async function version(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  // packageRoot() works from src/ (tsx) and from dist/src/ alike.
  const pkg = JSON.parse(await readFile(join(packageRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}
