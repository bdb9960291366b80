import { spawn } from "node:child_process";

/** What a command did: its exit, its whole stdout, the end of its stderr. */
export interface CommandResult {
  /** Exit code; null when it was killed or never ran. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last 2,000 characters of stderr. */
  stderr: string;
  /** Why it could not run at all (not found, not executable); null when it ran. */
  spawnError: string | null;
}

export interface RunOptions {
  /** Written to its stdin, which is then closed; stdin is empty without it. */
  input?: Uint8Array;
  /** Kills it (SIGTERM) when aborted. */
  signal?: AbortSignal;
}

/**
 * Runs `file` with `args` (no shell: nothing reaches a command line that is
 * not in `args`) from this process. A fork of a process holding models costs
 * it dearly (see helper.ts): a server runs its commands through its helper.
 */
export function runLocal(file: string, args: readonly string[], o: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"], ...(o.signal ? { signal: o.signal } : {}) });
    const out: Buffer[] = [];
    let err = "";
    let spawnError: string | null = null;
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on("error", (e) => (spawnError ??= e.message));
    child.on("close", (code, signal) =>
      // A command that never ran closes with a negative errno as its "code": it has none.
      resolve({
        code: spawnError !== null && (code ?? 0) < 0 ? null : code,
        signal,
        stdout: Buffer.concat(out),
        stderr: err,
        spawnError,
      }),
    );
    child.stdin.on("error", () => undefined); // it may stop reading early (a bad file); its exit code tells
    child.stdin.end(o.input ? Buffer.from(o.input.buffer, o.input.byteOffset, o.input.byteLength) : undefined);
  });
}
