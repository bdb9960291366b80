import { Writable } from "node:stream";
import { main } from "../../src/cli/main.js";

/** A writable that keeps what was written, for a CLI's stdout or stderr. */
class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Runs `parley <argv>` in process with captured streams and no environment (or the one given), as the bin would. */
export async function runCliInProcess(
  argv: string[],
  cwd = "/nonexistent-parley-cwd",
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, env, cwd, signal: new AbortController().signal });
  return { code, out: stdout.text, err: stderr.text };
}
