import type { Worker } from "node:worker_threads";
import { spawnWorker } from "../../lib/spawn-worker.js";
import type { PriorityOutcome } from "../../rtp/media/thread-priority.js";
import type { EndpointMeasure, RunOptions } from "./caller-endpoint.js";
import type { FromCaller, ToCaller } from "./caller-protocol.js";

type Waiter = { resolve: (m: FromCaller) => void; reject: (err: Error) => void };

/**
 * The bench's side of its caller thread (caller-thread-entry.ts): opens an
 * RTP endpoint per call there, runs it once the call is up, and reads the
 * thread's worst event-loop delay for the report.
 */
export class CallerThread {
  private nextId = 1;
  private readonly waiting = new Map<string, Waiter>();

  private constructor(
    private readonly worker: Worker,
    /** The scheduling it got: realtime where the bench may (root or CAP_SYS_NICE), else what it fell back to. */
    readonly priority: PriorityOutcome,
  ) {
    worker.on("message", (m: FromCaller) => {
      if (m.t === "failed")
        return this.answer([`opened:${m.id}`, `measured:${m.id}`], (w) => w.reject(new Error(m.error)));
      if (m.t === "loop") return this.answer(["loop"], (w) => w.resolve(m));
      if (m.t === "opened" || m.t === "measured") this.answer([`${m.t}:${m.id}`], (w) => w.resolve(m));
    });
    worker.on("error", (err) => this.failAll(err));
    worker.on("exit", () => this.failAll(new Error("the bench caller thread exited")));
  }

  static async start(): Promise<CallerThread> {
    const worker = spawnWorker(import.meta.url, "./caller-thread-entry", { name: "parley-bench-caller" });
    const ready = await new Promise<FromCaller>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    if (ready.t !== "ready") throw new Error(`the bench caller thread said ${ready.t} first`);
    return new CallerThread(worker, ready.priority);
  }

  /** A new RTP endpoint on 127.0.0.1; returns its id and port (for the SDP offer). */
  async open(): Promise<{ id: number; port: number }> {
    const id = this.nextId++;
    const m = await this.ask({ t: "open", id }, `opened:${id}`);
    return { id, port: (m as Extract<FromCaller, { t: "opened" }>).port };
  }

  /** The call is up: the endpoint sends, says `speech` after the greeting, and measures the answer. */
  async run(
    id: number,
    remote: { address: string; port: number },
    speech: Int16Array,
    options: RunOptions,
  ): Promise<EndpointMeasure> {
    const m = await this.ask({ t: "run", id, remote, speech, options }, `measured:${id}`);
    return (m as Extract<FromCaller, { t: "measured" }>).measure;
  }

  stop(id: number): void {
    this.worker.postMessage({ t: "stop", id } satisfies ToCaller);
  }

  close(id: number): void {
    this.worker.postMessage({ t: "close", id } satisfies ToCaller);
  }

  /** The caller thread's worst event-loop delay since the last call (ms). */
  async loopDelayMaxMs(): Promise<number> {
    const m = await this.ask({ t: "loop" }, "loop");
    return (m as Extract<FromCaller, { t: "loop" }>).maxMs;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private ask(message: ToCaller, key: string): Promise<FromCaller> {
    return new Promise((resolve, reject) => {
      this.waiting.set(key, { resolve, reject });
      this.worker.postMessage(message);
    });
  }

  /** Answers the first of `keys` that someone waits on (a failure answers an endpoint's open or its run). */
  private answer(keys: string[], settle: (w: Waiter) => void): void {
    for (const key of keys) {
      const w = this.waiting.get(key);
      if (!w) continue;
      this.waiting.delete(key);
      settle(w);
      return;
    }
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
