import { parse as parseYamlScalar } from "yaml";
import type { z } from "zod";

/**
 * Maps PARLEY_* environment variables onto config paths:
 * `__` separates nesting levels, `_` separates words of a camelCase key.
 *   PARLEY_DATA_DIR=/var/lib/parley      -> dataDir
 *   PARLEY_HTTP__PORT=9000               -> http.port
 *   PARLEY_ENGINES__LLM__THREADS=4       -> engines.llm.threads
 * Values are read as YAML scalars, so numbers and booleans get their types.
 * PARLEY_CONFIG (the file path) and PARLEY_STOP_WITH_PARENT (a child process
 * that stops when its parent's pipe closes, src/cli/bin.ts) are not config
 * fields and are skipped here.
 *
 * Only variables that name a setting of the schema are read. Any other
 * PARLEY_ variable (a script's own PARLEY_KEY, say) is left alone and
 * reported by name in `ignored`, never an error: the environment is shared
 * with everything else on the machine.
 */
export interface EnvConfig {
  values: Record<string, unknown>;
  /** Dotted config path -> the variable it came from, to name it in errors. */
  origins: Map<string, string>;
  /** PARLEY_ variables that name no setting, sorted. */
  ignored: string[];
}

/** Variables that are about how Parley is run, not settings. */
const NOT_SETTINGS = new Set(["PARLEY_CONFIG", "PARLEY_STOP_WITH_PARENT"]);

export function readEnvConfig(env: NodeJS.ProcessEnv, schema: z.ZodType): EnvConfig {
  const out: EnvConfig = { values: {}, origins: new Map(), ignored: [] };
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("PARLEY_") || raw === undefined || NOT_SETTINGS.has(name)) continue;
    const path = name.slice("PARLEY_".length).split("__").map(camelCase);
    if (path.some((p) => p.length === 0) || !isSettingPath(schema, path)) {
      out.ignored.push(name);
      continue;
    }
    setPath(out.values, path, parseScalar(raw));
    out.origins.set(path.join("."), name);
  }
  out.ignored.sort();
  return out;
}

/** Whether `path` names a field of `schema` (any key below a record, e.g. notify.zones.44, counts). */
function isSettingPath(schema: z.ZodType, path: string[]): boolean {
  let node = unwrap(schema);
  for (const key of path) {
    const def = node._zod.def as { type: string; shape?: Record<string, z.ZodType>; valueType?: z.ZodType };
    if (def.type === "object" && def.shape && Object.hasOwn(def.shape, key)) node = unwrap(def.shape[key] as z.ZodType);
    else if (def.type === "record" && def.valueType) node = unwrap(def.valueType);
    else return false;
  }
  return true;
}

/** Looks through defaults, optionals and pipes to the schema that holds the fields. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (["default", "prefault", "optional", "nullable", "readonly", "catch"].includes(def.type) && def.innerType)
      s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else break;
  }
  return s;
}

function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseScalar(raw: string): unknown {
  try {
    const v: unknown = parseYamlScalar(raw);
    // Only scalars and flow lists; anything else stays the raw string.
    return v === null || (typeof v === "object" && !Array.isArray(v)) ? raw : v;
  } catch {
    return raw;
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}
