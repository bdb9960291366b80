import type { TransferListItem, Worker } from "node:worker_threads";
import { spawnWorker } from "../../lib/spawn-worker.js";
import { Channel } from "../../lib/channel.js";
import { AbortError, ParleyError } from "../../lib/errors.js";
import { assertOnnxIntact, onnxPathsIn } from "../onnx-check.js";
import { createLiveStatsBuffer, epochNow, readLiveDelay } from "./live-stats.js";
import type { HostMessage, SerializedError, WorkerEngineKind, WorkerMessage } from "./protocol.js";

interface PendingCall {
  onEvent: ((event: unknown) => void) | null;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

/** An open call that takes pushed input: a VAD or ASR stream. */
export interface WorkerSession<Event> {
  events: Channel<Event>;
  push(data: unknown, transfer?: TransferListItem[]): void;
  end(): void;
  cancel(): void;
  done: Promise<unknown>;
}

/**
 * The main-thread side of one engine worker. Sherpa-onnx decodes
 * synchronously, so each loaded model lives in its own worker thread: the
 * event loop (and with it RTP pacing) never waits on a decode.
 */
export class EngineWorker {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  private failure: Error | null = null;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    readonly sampleRate: number,
    private readonly stats: SharedArrayBuffer,
  ) {
    worker.on("message", (m: WorkerMessage) => this.onMessage(m));
    worker.on("error", (err) =>
      this.failAll(new ParleyError("engine_crashed", `engine worker failed: ${err.message}`, { cause: err })),
    );
    worker.on("exit", (code) => {
      this.exited = true;
      this.failAll(new ParleyError("engine_stopped", `engine worker exited (code ${code})`));
    });
  }

  /** Starts a worker and loads the model in it; rejects with the loader's error message. */
  static async start(kind: WorkerEngineKind, config: unknown, modelId: string): Promise<EngineWorker> {
    // A damaged ONNX file would abort the process from native code: check it first.
    for (const path of onnxPathsIn(config)) await assertOnnxIntact(path, modelId);
    const worker = spawnWorker(import.meta.url, "./entry");
    const stats = createLiveStatsBuffer();
    const sampleRate = await new Promise<number>((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.t === "loaded") resolve(m.sampleRate);
        else if (m.t === "load-error")
          reject(new ParleyError("model_load_failed", `model ${modelId}: ${m.error.message}`, { status: 503 }));
        else return;
        worker.off("message", onMessage);
        worker.off("error", reject);
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
      worker.postMessage({ t: "load", kind, config, stats } satisfies HostMessage);
    }).catch(async (err: unknown) => {
      await worker.terminate();
      throw err;
    });
    return new EngineWorker(worker, sampleRate, stats);
  }

  /** How long live work currently waits in this worker before it starts (ms; fades when idle). */
  get liveQueueDelayMs(): number {
    return readLiveDelay(this.stats);
  }

  /** A one-shot request; `onEvent` receives anything streamed before the result. */
  call<R>(
    op: string,
    args: unknown,
    options: { signal: AbortSignal; onEvent?: (e: unknown) => void; transfer?: TransferListItem[] },
  ): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    if (options.signal.aborted) return Promise.reject(new AbortError(options.signal.reason));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const onAbort = () => {
        this.post({ t: "cancel", id });
        this.pending.delete(id);
        reject(new AbortError(options.signal.reason));
      };
      options.signal.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        onEvent: options.onEvent ?? null,
        resolve: (r) => {
          options.signal.removeEventListener("abort", onAbort);
          resolve(r as R);
        },
        reject: (e) => {
          options.signal.removeEventListener("abort", onAbort);
          reject(e);
        },
      });
      this.post({ t: "call", id, op, args }, options.transfer);
    });
  }

  /** Opens a session: input is pushed, events arrive on a channel until the worker finishes it. */
  open<Event>(op: string, args: unknown, signal: AbortSignal): WorkerSession<Event> {
    const id = this.nextId++;
    const events = new Channel<Event>();
    let settled = false;
    let cancelled: () => void = () => undefined;
    const done = new Promise<unknown>((resolve, reject) => {
      cancelled = () => resolve(null);
      this.pending.set(id, {
        onEvent: (e) => events.push(e as Event),
        resolve: (r) => {
          settled = true;
          events.close();
          resolve(r);
        },
        reject: (e) => {
          settled = true;
          events.fail(e);
          reject(e);
        },
      });
    });
    done.catch(() => undefined); // the events channel carries the error to the consumer
    const cancel = () => {
      if (settled) return;
      settled = true;
      this.pending.delete(id);
      this.post({ t: "cancel", id });
      events.close();
      cancelled(); // `done` settles on every path (callers count open sessions by it)
    };
    if (this.failure) events.fail(this.failure);
    else this.post({ t: "call", id, op, args });
    if (signal.aborted) cancel();
    else {
      signal.addEventListener("abort", cancel, { once: true });
      // A signal that outlives the session (one per bench run, say) must not collect a listener per session.
      void done.finally(() => signal.removeEventListener("abort", cancel)).catch(() => undefined);
    }
    return {
      events,
      done,
      cancel,
      push: (data, transfer) => {
        if (!settled) this.post({ t: "push", id, data, at: epochNow() }, transfer);
      },
      end: () => {
        if (!settled) this.post({ t: "end", id });
      },
    };
  }

  /** Asks the worker to release its model and end; forces it after a grace period. */
  async terminate(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage({ t: "dispose" } satisfies HostMessage);
    this.failAll(new ParleyError("engine_disposed", "engine was disposed"));
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private post(message: HostMessage, transfer?: TransferListItem[]): void {
    if (this.failure) return;
    this.worker.postMessage(message, transfer);
  }

  private onMessage(m: WorkerMessage): void {
    if (m.t === "loaded" || m.t === "load-error") return;
    const call = this.pending.get(m.id);
    if (!call) return; // cancelled: late events are dropped, nothing is emitted after an abort
    if (m.t === "event") {
      call.onEvent?.(m.data);
    } else if (m.t === "done") {
      this.pending.delete(m.id);
      call.resolve(m.result);
    } else {
      this.pending.delete(m.id);
      call.reject(toError(m.error, "engine_error"));
    }
  }

  private failAll(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }
}

function toError(e: SerializedError, fallbackCode: string): ParleyError {
  return new ParleyError(e.code ?? fallbackCode, e.message, { status: 500 });
}
