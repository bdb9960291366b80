import { readFile } from "node:fs/promises";
import { basename } from "node:path";

export type BenchKind = "engines" | "calls" | "batch" | "notify";
const KINDS: readonly BenchKind[] = ["engines", "calls", "batch", "notify"];

/** One input file, parsed and recognised by its `bench` field (every `parley bench ... --json` report has one). */
export interface LoadedReport {
  file: string;
  /** The file name, for captions. */
  name: string;
  kind: BenchKind | null;
  data: Record<string, unknown>;
  /** Why the file is not used, when it is not. */
  problem: string | null;
}

/** Reads each file; a missing, malformed or unknown file is kept with its problem so the report can say so. */
export async function loadReports(files: string[]): Promise<LoadedReport[]> {
  return Promise.all(files.map(loadOne));
}

async function loadOne(file: string): Promise<LoadedReport> {
  const base = { file, name: basename(file), kind: null, data: {} };
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    return { ...base, problem: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ...base, problem: "not JSON (write reports with --json)" };
  }
  return classify(file, json);
}

/** Which bench produced a parsed report. */
export function classify(file: string, json: unknown): LoadedReport {
  const base = { file, name: basename(file) };
  if (!json || typeof json !== "object" || Array.isArray(json))
    return { ...base, kind: null, data: {}, problem: "not a bench report (expected a JSON object)" };
  const data = json as Record<string, unknown>;
  const kind = KINDS.find((k) => k === data.bench) ?? null;
  if (!kind)
    return {
      ...base,
      kind: null,
      data,
      problem: `unknown bench '${String(data.bench ?? "(no bench field)")}'; known: ${KINDS.join(", ")}`,
    };
  return { ...base, kind, data, problem: null };
}

/** A number at a dotted path, or null when it is absent or not a finite number (older or partial reports). */
export function num(o: unknown, path: string): number | null {
  let v: unknown = o;
  for (const key of path.split(".")) {
    if (!v || typeof v !== "object") return null;
    v = (v as Record<string, unknown>)[key];
  }
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** An array at a key, or empty. */
export function list(o: unknown, key: string): Record<string, unknown>[] {
  const v = o && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined;
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === "object") as Record<string, unknown>[]) : [];
}
