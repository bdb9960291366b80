import { spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "../integration/sip/helpers.js";
import { runParley, startParley, waitForStatus, type RunningParley } from "./parley-process.js";
import { repoRoot } from "./paths.js";

/**
 * The CLI steps an end-to-end test takes before `parley serve`, each the real `parley` binary against a data
 * directory: pull a profile's models, add an operator, create an API key. Each throws with the command's stderr when
 * it fails, so a broken step names itself instead of surfacing later as a server that will not start.
 */

/** `--config <dir>/parley.yaml --data-dir <dir>`, or only the data dir when the test writes no config. */
export function dirArgs(dir: string, withConfig = true): string[] {
  return withConfig ? ["--config", join(dir, "parley.yaml"), "--data-dir", dir] : ["--data-dir", dir];
}

/** `parley models pull <profile>` into the data dir. */
export async function pullModels(args: string[], profile = "tiny"): Promise<void> {
  const pulled = await runParley(["models", "pull", profile, ...args]);
  if (pulled.code !== 0) throw new Error(`models pull ${profile} failed (${pulled.code}): ${pulled.stderr}`);
}

/** `parley keys create --json`; returns the key. */
export async function createKey(args: string[]): Promise<string> {
  const created = await runParley(["keys", "create", "--json", ...args]);
  if (created.code !== 0) throw new Error(`keys create failed (${created.code}): ${created.stderr}`);
  return (JSON.parse(created.stdout) as { key: string }).key;
}

/** Runs the built `parley` with stdin: `operators add --password-stdin` reads the password there. */
export function parleyWithStdin(args: string[], input: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "parley.js"), ...args], {
      cwd: repoRoot,
      stdio: ["pipe", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code));
    child.stdin.end(input);
  });
}

/** `parley operators add <name> --password-stdin`. */
export async function addOperator(args: string[], operator: { name: string; password: string }): Promise<void> {
  const code = await parleyWithStdin(
    ["operators", "add", operator.name, "--password-stdin", ...args],
    `${operator.password}\n`,
  );
  if (code !== 0) throw new Error(`operators add failed (${code})`);
}

export interface ServeOptions {
  profile?: string;
  /** The SIP port (a free one when not given). */
  sipPort?: number;
  /** More `parley serve` flags (--smtp ...). */
  extra?: string[];
  env?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
  /** How long `serve` may take to listen; a loaded 2-core machine can take over a minute. */
  startTimeoutMs?: number;
}

export interface Served {
  server: RunningParley;
  sipPort: number;
  /** `127.0.0.1:<sipPort>`, what SIPp dials. */
  sip: string;
}

/**
 * `parley serve --profile <profile> <args> --http 127.0.0.1:0 --sip 127.0.0.1:<port>`, resolved once /readyz says
 * 200 (the engines are loaded). A server that does not get ready is stopped before the error is thrown.
 */
export async function serveOnLoopback(args: string[], options: ServeOptions = {}): Promise<Served> {
  const sipPort = options.sipPort ?? (await freePort());
  const server = await startParley(
    [
      "--profile",
      options.profile ?? "tiny",
      ...args,
      "--http",
      "127.0.0.1:0",
      "--sip",
      `127.0.0.1:${sipPort}`,
      ...(options.extra ?? []),
    ],
    { env: options.env, nodeArgs: options.nodeArgs, timeoutMs: options.startTimeoutMs },
  );
  try {
    await waitForStatus(`${server.baseUrl}/readyz`, 200, 90_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { server, sipPort, sip: `127.0.0.1:${sipPort}` };
}
