import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const BIN = join(repoRoot, "bin", "parley.js");

/** Runs the built `parley` command to completion (global setup builds dist/). */
export function runParley(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface RunningParley {
  child: ChildProcess;
  baseUrl: string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Starts `parley serve` and resolves once it prints its listening address; `nodeArgs` go to node itself (e.g. --trace-gc). */
export function startParley(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; nodeArgs?: string[] } = {},
): Promise<RunningParley> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, "serve", ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`parley serve did not start within the time limit:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(stderr);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({
          child,
          baseUrl: m[1],
          stderr: () => stderr,
          stop: (timeoutMs = 15_000) =>
            new Promise((res) => {
              // Already gone: exited, or killed by a signal (a test's SIGKILL), which leaves exitCode null.
              if (child.exitCode !== null || child.signalCode !== null) return res(child.exitCode);
              const kill = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
              child.once("exit", (code) => {
                clearTimeout(kill);
                res(code);
              });
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`parley serve exited (${code}) before listening:\n${stderr}`));
    });
  });
}

/** Polls a URL until it answers with the wanted status (bounded). */
export async function waitForStatus(url: string, status: number, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === status) return res;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never answered ${status}; last: ${last}`);
}
