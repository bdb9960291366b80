import type { TransferListItem } from "node:worker_threads";
import type { Channel } from "../../lib/channel.js";
import type { LiveStatsWriter } from "./live-stats.js";

/** One piece of pushed input and when the host sent it (epoch ms). */
export interface CallInput {
  data: unknown;
  at: number;
}

/** What a worker-side engine gets for one call. */
export interface CallContext {
  signal: AbortSignal;
  emit(data: unknown, transfer?: TransferListItem[]): void;
  /** Input pushed by the host for sessions; closed when the host sends "end". */
  input: Channel<CallInput>;
}

/** A model loaded inside a worker thread, answering named operations. */
export interface WorkerEngine {
  readonly sampleRate: number;
  run(op: string, args: unknown, ctx: CallContext): Promise<unknown>;
}

/** Loads a model in the worker (onnxruntime's loader is asynchronous); `stats` takes the live queueing delays the engine measures. */
export type WorkerEngineLoader = (config: unknown, stats: LiveStatsWriter) => WorkerEngine | Promise<WorkerEngine>;

export class UnknownOperationError extends Error {
  readonly code = "engine_unknown_op";
  constructor(op: string) {
    super(`unknown engine operation '${op}'`);
  }
}
