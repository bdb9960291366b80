import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../lib/errors.js";
import { configFromEnv } from "./env.js";
import { configSchema, type ParleyConfig } from "./schema.js";

export interface LoadConfigOptions {
  /** An explicit config file (`--config`); it must exist. */
  file?: string | undefined;
  /** Environment to read PARLEY_* from; defaults to process.env. Tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /** Highest-priority values, e.g. from CLI flags. */
  overrides?: Record<string, unknown>;
  /** Directory that relative paths and the default `parley.yaml` are resolved against. */
  cwd?: string;
}

export interface LoadedConfig {
  config: ParleyConfig;
  /** The file that was read, if any. */
  source: string | null;
}

/**
 * Loads configuration once at start: defaults < parley.yaml < PARLEY_* env < flags.
 * Throws ConfigError naming the source, the field and the reason.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env.PARLEY_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, "parley.yaml");
  if (explicit && !existsSync(file)) throw new ConfigError(`config file not found: ${file}`);

  const fromFile = existsSync(file) ? readYamlFile(file) : {};
  const fromEnv = configFromEnv(env);
  const merged = deepMerge(deepMerge(fromFile, fromEnv), options.overrides ?? {});
  const config = validate(merged, existsSync(file) ? file : "configuration");
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(cwd, config.dataDir);
  if (config.models.dir && !isAbsolute(config.models.dir)) config.models.dir = resolve(cwd, config.models.dir);
  if (!isAbsolute(config.agents.dir)) config.agents.dir = resolve(cwd, config.agents.dir);
  for (const folder of config.intake.folders) folder.path = resolve(cwd, folder.path);
  const tls = config.intake.smtp?.tls;
  if (tls) Object.assign(tls, { key: resolve(cwd, tls.key), cert: resolve(cwd, tls.cert) });
  return { config, source: existsSync(file) ? file : null };
}

/** Validates an already-assembled object (used by tests and the API). */
export function validate(input: unknown, sourceName = "configuration"): ParleyConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(`${sourceName}: ${formatIssues(result.error.issues)}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
  });
}

function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = i.path.join(".");
      if (i.code === "unrecognized_keys") {
        const where = path ? `${path}.` : "";
        return i.keys.map((k) => `${where}${k}: unknown field`).join("; ");
      }
      return `${path || "(root)"}: ${i.message}`;
    })
    .join("; ");
}

function readYamlFile(file: string): Record<string, unknown> {
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new ConfigError(`${file}: invalid YAML: ${e?.message.split("\n")[0] ?? "parse error"}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ConfigError(`${file}: the top level must be a mapping`);
  return value as Record<string, unknown>;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
