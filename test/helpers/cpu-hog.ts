import { spawn, type ChildProcess } from "node:child_process";

/**
 * Processes that keep CPU cores busy (a tight loop each), standing in for
 * the other work on a loaded box. Stopped by their own pids.
 */
export class CpuHog {
  private constructor(private readonly children: ChildProcess[]) {}

  static start(processes: number): CpuHog {
    const children = Array.from({ length: processes }, () =>
      spawn(process.execPath, ["-e", "let x = 0; for (;;) x = (x + Math.sqrt(x + 1)) % 1e9;"], { stdio: "ignore" }),
    );
    return new CpuHog(children);
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid ?? -1);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once("exit", () => resolve());
            c.kill("SIGKILL");
          }),
      ),
    );
  }
}
