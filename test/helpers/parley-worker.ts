import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

export interface SpawnedWorker {
  child: ChildProcess;
  pid: number;
  /** Everything it wrote to stderr so far (JSON log lines and its status lines). */
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL (kill -9): no shutdown path runs; resolves when the process is gone. */
  kill9: () => Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit. */
  stop: (timeoutMs?: number) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const BIN = join(repoRoot, "bin", "parley.js");

/**
 * `parley worker` as a real process (the built CLI), resolved once it says it
 * runs. PARLEY_* variables of the test's own environment are dropped, so the
 * config file is the only source of settings.
 */
export function spawnParleyWorker(args: string[], options: { startTimeoutMs?: number } = {}): Promise<SpawnedWorker> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PARLEY_")));
  const child = spawn(process.execPath, [BIN, "worker", ...args], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const worker: SpawnedWorker = {
    child,
    pid: child.pid ?? -1,
    stderr: () => err,
    exited,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stop: async (timeoutMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        const force = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.kill("SIGTERM");
        await exited.finally(() => clearTimeout(force));
      }
      return exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`parley worker did not start in time:\n${err}`));
    }, options.startTimeoutMs ?? 30_000);
    const onData = () => {
      if (!/parley worker: \S+ running/.test(err)) return;
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      resolve(worker);
    };
    child.stderr?.on("data", onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`parley worker exited (${code ?? signal}) before it started:\n${err}`));
    });
  });
}
