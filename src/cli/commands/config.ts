import { stringify } from "yaml";
import { validate } from "../../config/index.js";
import { configChecks } from "../agent-checks.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson } from "../output.js";
import { CliError, type Command } from "../types.js";

const SECRET = /(password|secret|token|key)$/i;

/** Replaces secret values so a printed config can be pasted into a ticket. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        SECRET.test(k) && typeof v === "string" && v ? "[redacted]" : redact(v),
      ]),
    );
  }
  return value;
}

export const configCommand: Command = {
  name: "config",
  summary: "check or print the configuration (file + PARLEY_* env + flags)",
  usage: `Usage: parley config <check|print> [--config FILE] [--data-dir DIR] [--profile NAME] [--json] [--defaults]

  check    validate the configuration, the agent files, and that the HTTP, SIP and RTP ports are
           free; exits 1 naming the field (or agent file) and the reason
  print    print the effective configuration as YAML (--json for JSON); secrets are redacted
           --defaults prints the built-in defaults instead, a starting point for parley.yaml`,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    const { values } = parseFlags(rest, { ...commonOptions, defaults: { type: "boolean", default: false } }, false);
    if (sub === "check") {
      const { config, source } = configFromFlags(ctx, values);
      const checks = await configChecks(config);
      const failed = checks.filter((r) => r.status === "fail");
      if (values.json) {
        printJson(ctx, { ok: failed.length === 0, source, checks });
      } else {
        ctx.stdout.write(`configuration is valid (${source ?? "defaults and environment only"})\n`);
        for (const r of checks)
          ctx.stdout.write(
            `${r.status === "ok" ? "ok  " : r.status === "warn" ? "WARN" : "FAIL"} ${r.group}: ${r.name}: ${r.detail}${r.fix ? ` -> ${r.fix}` : ""}\n`,
          );
      }
      return failed.length === 0 ? 0 : 1;
    }
    if (sub === "print") {
      const config = values.defaults ? validate({}) : configFromFlags(ctx, values).config;
      const shown = redact(config);
      if (values.json) printJson(ctx, shown);
      else ctx.stdout.write(stringify(shown));
      return 0;
    }
    throw new CliError(
      sub ? `unknown subcommand '${sub}'; use check or print` : "say check or print; see parley config --help",
      2,
    );
  },
};
