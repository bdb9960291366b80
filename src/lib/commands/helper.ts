/**
 * Commands a server runs (ffmpeg for uploads) start from a helper process,
 * not from the server itself.
 *
 * Why: Node starts a command with fork(). After a fork, the first write to
 * every page of the forking process faults once (copy-on-write), and a server
 * holds its models and their working memory. On `load-small`, the TTS
 * sentence after one fork took about 20,000 page faults and 300 ms more; the
 * fork itself held the forking thread for about 30 ms. A live call in progress
 * felt both. The helper is started before the engines load (the one fork of
 * the server that matters is then cheap), and forks for every command after.
 *
 * Without a helper (the CLI, tests, or a helper that died), commands run from
 * this process, as before.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { AbortError } from "../errors.js";
import type { FromHelper, ToHelper } from "./protocol.js";
import { type CommandResult, type RunOptions, runLocal } from "./run-local.js";

interface Pending {
  /** The helper it was sent to. */
  child: ChildProcess;
  resolve: (r: CommandResult) => void;
  reject: (err: unknown) => void;
}

class CommandHelper {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** The helper's process id, while it runs (tests, diagnostics). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the helper (once); resolves when it runs. */
  async start(): Promise<void> {
    if (this.child) return;
    const fromSource = import.meta.url.endsWith(".ts");
    const entry = fileURLToPath(new URL(`./helper-entry.${fromSource ? "ts" : "js"}`, import.meta.url));
    const child = fork(entry, [], {
      execArgv: fromSource ? ["--import", "tsx"] : [],
      serialization: "advanced", // Uint8Array and Buffer cross as they are
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", reject);
    });
    child.on("message", (m: FromHelper) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      this.holdOpen();
      p?.resolve({ ...m.result, stdout: Buffer.from(m.result.stdout) });
    });
    child.once("exit", () => {
      if (this.child === child) this.child = null;
      // Commands in flight lost their process: they fail (the caller's error handling says why); later ones run here.
      for (const [id, p] of this.pending) {
        if (p.child !== child) continue; // a helper started since (after a stop) has its own
        this.pending.delete(id);
        p.reject(new Error("the command helper process exited"));
      }
    });
    child.unref();
    this.child = child;
    this.holdOpen();
  }

  /** The helper keeps this process alive only while a command of it runs. */
  private holdOpen(): void {
    const channel = this.child?.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (this.pending.size > 0) channel?.ref?.();
    else channel?.unref?.();
  }

  stop(): void {
    this.child?.disconnect();
    this.child = null;
  }

  run(file: string, args: readonly string[], o: RunOptions): Promise<CommandResult> {
    const child = this.child;
    if (!child?.connected) return runLocal(file, args, o);
    if (o.signal?.aborted) return Promise.reject(new AbortError(o.signal.reason));
    const id = this.nextId++;
    return new Promise<CommandResult>((resolve, reject) => {
      const onAbort = () => child.send({ t: "kill", id } satisfies ToHelper);
      o.signal?.addEventListener("abort", onAbort, { once: true });
      const settle = () => o.signal?.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        child,
        resolve: (r) => (settle(), resolve(r)),
        reject: (e) => (settle(), reject(e)),
      });
      this.holdOpen();
      child.send({ t: "run", id, file, args: [...args], input: o.input ?? null } satisfies ToHelper);
    });
  }
}

const helper = new CommandHelper();

/** Starts the helper process: a server, before its engines load. */
export function startCommandHelper(): Promise<void> {
  return helper.start();
}

export function stopCommandHelper(): void {
  helper.stop();
}

/** The helper's process id while it runs; null otherwise. */
export function commandHelperPid(): number | null {
  return helper.pid;
}

/** Runs a command: through the helper when it runs, from this process otherwise. */
export function runCommand(file: string, args: readonly string[], o: RunOptions = {}): Promise<CommandResult> {
  return helper.run(file, args, o);
}
