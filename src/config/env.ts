import { parse as parseYamlScalar } from "yaml";

/**
 * Maps PARLEY_* environment variables onto config paths:
 * `__` separates nesting levels, `_` separates words of a camelCase key.
 *   PARLEY_DATA_DIR=/var/lib/parley      -> dataDir
 *   PARLEY_HTTP__PORT=9000               -> http.port
 *   PARLEY_ENGINES__LLM__THREADS=4       -> engines.llm.threads
 * Values are read as YAML scalars, so numbers and booleans get their types.
 * PARLEY_CONFIG (the file path) is not a config field and is skipped here.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("PARLEY_") || raw === undefined || name === "PARLEY_CONFIG") continue;
    const path = name.slice("PARLEY_".length).split("__").map(camelCase);
    if (path.some((p) => p.length === 0)) continue;
    setPath(out, path, parseScalar(raw));
  }
  return out;
}

function camelCase(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function parseScalar(raw: string): unknown {
  try {
    const v: unknown = parseYamlScalar(raw);
    // Only scalars and flow lists; anything else stays the raw string.
    return v === null || typeof v === "object" && !Array.isArray(v) ? raw : v;
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
