import { spawn } from "node:child_process";
import { cpSync, existsSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
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

/**
 * `parley models pull <profile>` into the data dir given in `args` (`--data-dir`).
 *
 * The tiny profile is the same 25 MB every time, and generating it costs seconds of CPU on each file that serves it.
 * The first file of a run pulls it for real into the run's own folder (global-setup.ts), and every file copies that
 * store into its data dir: the same bytes the command writes, made by this run's build, never by an older one.
 * `parley models pull` itself is tested in e2e/serve.test.ts and integration/models.
 */
export async function pullModels(args: string[], profile = "tiny"): Promise<void> {
  const dataDir = args[args.indexOf("--data-dir") + 1];
  if (!args.includes("--data-dir") || !dataDir) throw new Error("pullModels needs --data-dir in its arguments");
  if (profile !== "tiny") return pullInto(profile, args);
  cpSync(await tinyStore(), join(dataDir, "models"), { recursive: true });
}

async function pullInto(profile: string, args: string[]): Promise<void> {
  const pulled = await runParley(["models", "pull", profile, ...args]);
  if (pulled.code !== 0) throw new Error(`models pull ${profile} failed (${pulled.code}): ${pulled.stderr}`);
}

/** The run's pulled tiny store (`<runCache>/tiny/models`), pulled by whichever file asks first. */
async function tinyStore(): Promise<string> {
  const done = join(inject("runCache"), "tiny");
  if (!existsSync(done)) {
    const tmp = `${done}.tmp-${process.pid}`;
    await pullInto("tiny", ["--data-dir", tmp]);
    try {
      renameSync(tmp, done);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another file's pull finished first: the same bytes
    }
  }
  return join(done, "models");
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
