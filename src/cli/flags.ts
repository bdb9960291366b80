import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadConfig, type LoadedConfig } from "../config/index.js";
import { CliError, type CliContext } from "./types.js";

/** Flags every command that touches the server's state understands. */
export const commonOptions = {
  config: { type: "string" },
  "data-dir": { type: "string" },
  profile: { type: "string" },
  json: { type: "boolean", default: false },
} as const satisfies ParseArgsConfig["options"];

/**
 * Parses a command's arguments with node's own parser; unknown flags are an
 * error with the command's name in it, never silently ignored.
 */
export function parseFlags<const O extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

/** Loads the configuration with the common flags applied on top (flags beat env beat file). */
export function configFromFlags(
  ctx: CliContext,
  values: { config?: string | undefined; "data-dir"?: string | undefined; profile?: string | undefined },
  extra: Record<string, unknown> = {},
): LoadedConfig {
  const overrides: Record<string, unknown> = { ...extra };
  if (values["data-dir"]) overrides.dataDir = values["data-dir"];
  if (values.profile) overrides.profile = values.profile;
  const loaded = loadConfig({ file: values.config, env: ctx.env, cwd: ctx.cwd, overrides });
  for (const w of loaded.warnings) ctx.stderr.write(`parley: warning: ${w}\n`);
  return loaded;
}
