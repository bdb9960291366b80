import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import type { Gap } from "../../src/bench/wire/rtp-timing.js";

/**
 * A witness of whole-machine stalls: one tiny process per CPU, pinned to it
 * and running at realtime priority where allowed, that wakes every 5 ms and
 * notes every wake-up late by more than `thresholdMs`. When a virtual CPU
 * is descheduled by its host (or the kernel holds a CPU), every thread on it
 * stops, even a realtime one: a gap in our stream that a probe saw at the
 * same moment is the machine's, not ours.
 */
const SCRIPT = `
const threshold = Number(process.argv[1]);
const stalls = [];
let last = performance.now();
const tick = () => {
  const now = performance.now();
  if (now - last - 5 > threshold) stalls.push({ atMs: performance.timeOrigin + last, ms: now - last });
  last = now;
  setTimeout(tick, 5);
};
setTimeout(tick, 5);
process.on("SIGTERM", () => { process.stdout.write(JSON.stringify(stalls)); process.exit(0); });
`;

export class MachineProbe {
  private constructor(
    private readonly children: { child: ChildProcess; out: string[] }[],
    readonly mode: string,
  ) {}

  static start(thresholdMs = 30): MachineProbe {
    const cpus = availableParallelism();
    const realtime = canRun("chrt", ["-f", "1", "true"]);
    const pinned = canRun("taskset", ["-c", "0", "true"]);
    const children = Array.from({ length: cpus }, (_, cpu) => {
      const node = [process.execPath, "-e", SCRIPT, String(thresholdMs)];
      const pin = pinned ? ["taskset", "-c", String(cpu)] : [];
      const rt = realtime ? ["chrt", "-f", "5"] : []; // below the media thread's SCHED_RR 10: it never waits for a probe
      const argv = [...rt, ...pin, ...node];
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "pipe", "ignore"] });
      const out: string[] = [];
      child.stdout!.on("data", (d: Buffer) => out.push(d.toString()));
      return { child, out };
    });
    return new MachineProbe(
      children,
      `${cpus} probe(s), ${pinned ? "one pinned per CPU" : "not pinned (no taskset)"}, ${realtime ? "SCHED_FIFO" : "normal priority (chrt refused)"}`,
    );
  }

  /** Stops the probes; the stalls they saw, by start time (wall clock ms, as pcap times are). */
  async stop(): Promise<Gap[]> {
    const all = await Promise.all(
      this.children.map(
        ({ child, out }) =>
          new Promise<Gap[]>((resolve) => {
            if (child.exitCode !== null) return resolve([]);
            child.once("exit", () => {
              try {
                resolve(JSON.parse(out.join("")) as Gap[]);
              } catch {
                resolve([]);
              }
            });
            child.kill("SIGTERM");
          }),
      ),
    );
    return all.flat().sort((a, b) => a.atMs - b.atMs);
  }
}

function canRun(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
