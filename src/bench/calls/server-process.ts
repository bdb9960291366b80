import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../models/paths.js";

/** A `parley serve` child process the call benchmark talks to, with its CPU and memory readable from /proc. */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly http: string,
    readonly sip: { host: string; port: number },
  ) {}

  /**
   * Starts `parley serve` and waits until /readyz is 200 and, where `settled` is given, until it also says yes to
   * /readyz's body (the phrase warm-up done, say).
   */
  static async start(
    args: string[],
    env: NodeJS.ProcessEnv,
    settled: (ready: Record<string, unknown>) => boolean = () => true,
  ): Promise<ServerProcess> {
    const bin = join(packageRoot(), "bin", "parley.js");
    // Our stdin pipe keeps the server alive: if this process dies (a test timeout's SIGKILL), the server stops too.
    const child = spawn(process.execPath, [bin, "serve", ...args], {
      cwd: packageRoot(),
      env: { ...env, PARLEY_STOP_WITH_PARENT: "1" },
      stdio: ["pipe", "ignore", "pipe"],
    });
    let err = "";
    const started = await new Promise<{ http: string; host: string; port: number }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`parley serve did not start:\n${err.slice(-2000)}`)), 60_000);
      child.stderr!.on("data", (d: Buffer) => {
        err = (err + d.toString()).slice(-20_000);
        const m = /listening on (http:\/\/\S+) and sip:([\d.]+):(\d+)/.exec(err);
        if (m) {
          clearTimeout(t);
          resolve({ http: m[1]!, host: m[2]!, port: Number(m[3]) });
        }
      });
      child.once("exit", (code) => reject(new Error(`parley serve exited (${code}):\n${err.slice(-2000)}`)));
    });
    const server = new ServerProcess(child, started.http, { host: started.host, port: started.port });
    // Up to 3 minutes: the load profiles' engines (LLM, ASR, TTS and turn doubles at the real models' cost) take
    // over a minute to load on a busy 2-core box.
    for (let i = 0; i < 1800; i++) {
      const ok = await fetch(`${started.http}/readyz`).then(
        async (r) => r.ok && settled((await r.json()) as Record<string, unknown>),
        () => false,
      );
      if (ok) return server;
      await new Promise((r) => setTimeout(r, 100));
    }
    await server.stop();
    throw new Error("parley serve never became ready");
  }

  /** CPU seconds (user + system) the server has used so far (Linux /proc). */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux
  }

  rssMb(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  }

  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.http}/metrics`)).text();
    return text
      .split("\n")
      .filter((l) => l.startsWith(name) && !l.startsWith("#"))
      .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    const t = setTimeout(() => this.child.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(t);
  }
}
