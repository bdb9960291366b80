import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../lib/errors.js";
import { readEnvConfig } from "./env.js";
import { configSchema, type ParleyConfig } from "./schema.js";

export interface LoadConfigOptions {
  /** An explicit config file (`--config`); it must exist. */
  file?: string | undefined;
  /** Environment to read PARLEY_* from; defaults to process.env. Tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /** Highest-priority values, e.g. from CLI flags. */
  overrides?: Record<string, unknown>;
  /**
   * The working directory: where the default `parley.yaml` is looked for, and what relative paths from the
   * environment, flags and defaults are resolved against. Relative paths written in a config file are resolved
   * against that file's folder, wherever Parley is started from.
   */
  cwd?: string;
}

export interface LoadedConfig {
  config: ParleyConfig;
  /** The file that was read, if any. */
  source: string | null;
  /** Things worth telling the operator that did not stop the load (PARLEY_ variables that name no setting). */
  warnings: string[];
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

  const fromFile = existsSync(file) ? resolveFilePaths(readYamlFile(file), dirname(file)) : {};
  const fromEnv = readEnvConfig(env, configSchema);
  const merged = deepMerge(deepMerge(fromFile, fromEnv.values), options.overrides ?? {});
  const config = validate(merged, existsSync(file) ? file : "configuration", fromEnv.origins);
  config.dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(cwd, config.dataDir);
  if (config.models.dir && !isAbsolute(config.models.dir)) config.models.dir = resolve(cwd, config.models.dir);
  if (config.files.dir && !isAbsolute(config.files.dir)) config.files.dir = resolve(cwd, config.files.dir);
  if (!isAbsolute(config.agents.dir)) config.agents.dir = resolve(cwd, config.agents.dir);
  for (const folder of config.intake.folders) folder.path = resolve(cwd, folder.path);
  const tls = config.intake.smtp?.tls;
  if (tls) Object.assign(tls, { key: resolve(cwd, tls.key), cert: resolve(cwd, tls.cert) });
  const warnings = fromEnv.ignored.map(
    (name) =>
      `ignoring ${name}: it names no setting (settings map as PARLEY_HTTP__PORT -> http.port, see README "Configuration")`,
  );
  return { config, source: existsSync(file) ? file : null, warnings };
}

/** The values the PARLEY_* variables of `env` give, by config path (unknown variables left out). */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  return readEnvConfig(env, configSchema).values;
}

/** Validates an already-assembled object (used by tests and the API). */
export function validate(
  input: unknown,
  sourceName = "configuration",
  origins: ReadonlyMap<string, string> = new Map(),
): ParleyConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(`${sourceName}: ${formatIssues(result.error.issues, origins)}`, {
    details: { issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
  });
}

function formatIssues(issues: z.core.$ZodIssue[], origins: ReadonlyMap<string, string>): string {
  // A value from the environment is named by its variable: that is what the operator has to change.
  const from = (path: string) => {
    for (let p = path; p; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "")
      if (origins.has(p)) return ` (from ${origins.get(p)})`;
    return "";
  };
  return issues
    .map((i) => {
      const path = i.path.join(".");
      if (i.code === "unrecognized_keys") {
        const where = path ? `${path}.` : "";
        return i.keys.map((k) => `${where}${k}: unknown field`).join("; ");
      }
      return `${path || "(root)"}: ${i.message}${from(path)}`;
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
  if (typeof value !== "object" || Array.isArray(value))
    throw new ConfigError(`${file}: the top level must be a mapping`);
  return value as Record<string, unknown>;
}

/**
 * The path settings of a config file, made absolute against the file's folder: `agents.dir: ./agents` beside
 * /etc/parley/parley.yaml means /etc/parley/agents whether `parley serve` starts in / or in /home/ops.
 */
function resolveFilePaths(fromFile: Record<string, unknown>, base: string): Record<string, unknown> {
  const abs = (v: unknown) => (typeof v === "string" && v.length > 0 && !isAbsolute(v) ? resolve(base, v) : v);
  const out: Record<string, unknown> = { ...fromFile, dataDir: abs(fromFile.dataDir) };
  if (out.dataDir === undefined) delete out.dataDir;
  for (const section of ["agents", "models", "files"] as const) {
    const s = fromFile[section];
    if (!isPlainObject(s)) continue;
    const copy: Record<string, unknown> = { ...s };
    if (copy.dir !== undefined) copy.dir = abs(copy.dir);
    if (section === "models" && Array.isArray(copy.extraCatalogs)) copy.extraCatalogs = copy.extraCatalogs.map(abs);
    out[section] = copy;
  }
  if (isPlainObject(fromFile.intake)) out.intake = resolveIntakePaths(fromFile.intake, abs);
  return out;
}

/** The intake's folders and TLS files written in parley.yaml are relative to that file, like dataDir. */
function resolveIntakePaths(intake: Record<string, unknown>, abs: (v: unknown) => unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...intake };
  if (Array.isArray(copy.folders))
    copy.folders = copy.folders.map((f: unknown) => (isPlainObject(f) ? { ...f, path: abs(f.path) } : f));
  if (isPlainObject(copy.smtp) && isPlainObject(copy.smtp.tls)) {
    const tls = copy.smtp.tls;
    copy.smtp = { ...copy.smtp, tls: { ...tls, key: abs(tls.key), cert: abs(tls.cert) } };
  }
  return copy;
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
