import type { TransferListItem } from "node:worker_threads";
import type { Channel } from "../../lib/channel.js";

/** What a worker-side engine gets for one call. */
export interface CallContext {
  signal: AbortSignal;
  emit(data: unknown, transfer?: TransferListItem[]): void;
  /** Input pushed by the host for sessions; closed when the host sends "end". */
  input: Channel<unknown>;
}

/** A model loaded inside a worker thread, answering named operations. */
export interface WorkerEngine {
  readonly sampleRate: number;
  run(op: string, args: unknown, ctx: CallContext): Promise<unknown>;
}

export class UnknownOperationError extends Error {
  readonly code = "engine_unknown_op";
  constructor(op: string) {
    super(`unknown engine operation '${op}'`);
  }
}
