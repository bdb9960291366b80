import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread on `entry` (a path without extension, relative to
 * `from`, the caller's import.meta.url). Under the compiled build the entry
 * is plain JS. Under tsx/vitest (TypeScript sources) a plain worker cannot
 * load .ts, so a tiny bootstrap registers tsx's loader inside the worker
 * first.
 */
export function spawnWorker(from: string, entry: string, options: WorkerOptions = {}): Worker {
  const fromSource = from.endsWith(".ts");
  const url = new URL(`${entry}${fromSource ? ".ts" : ".js"}`, from);
  if (!fromSource) return new Worker(url, options);
  const bootstrap = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
