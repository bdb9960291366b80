import type { z } from "zod";

/**
 * Turns zod issues on a catalog document into sentences that name what a
 * person editing the file needs: the model id (not its array index) and the
 * field, e.g. `model 'qwen-x': files[0].sha256: must be 64 lowercase hex digits`.
 */
export function describeCatalogIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  return issues.slice(0, 5).map((i) => describeIssue(i, raw)).join("; ") + (issues.length > 5 ? `; and ${issues.length - 5} more` : "");
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  const [top, key, ...rest] = path;
  const message = issue.code === "unrecognized_keys" ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(", ")}` : issue.message;
  if (top === "models" && typeof key === "number") {
    const field = fieldPath(rest);
    return `model ${modelLabel(raw, key)}: ${field ? `${field}: ` : ""}${message}`;
  }
  if (top === "profiles" && typeof key === "string") {
    const field = fieldPath(rest);
    return `profile '${key}': ${field ? `${field}: ` : ""}${message}`;
  }
  const field = fieldPath(path);
  return `${field || "(top level)"}: ${message}`;
}

/** `files[0].sha256` from ["files", 0, "sha256"]. */
function fieldPath(parts: readonly (string | number)[]): string {
  return parts.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

function modelLabel(raw: unknown, index: number): string {
  const models = (raw as { models?: unknown } | null)?.models;
  const entry = Array.isArray(models) ? (models[index] as { id?: unknown } | undefined) : undefined;
  return typeof entry?.id === "string" && entry.id.length > 0 ? `'${entry.id}'` : `#${index + 1} (no valid id)`;
}
