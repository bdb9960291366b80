import { once } from "../../lib/once.js";
import { BatchHolds } from "./batch-holds.js";

/**
 * The live calls connected to one LLM (LlmEngine.liveCall). A caller's turn
 * can end at any moment, and its reply then waits for the decode step under
 * way: while any call is connected, the batch scheduler keeps batch work's
 * steps short (batchBesideCallsTokens), not only while a reply runs; and
 * from a caller's pause to their reply's first words (holds) it takes none.
 */
export class LiveCalls {
  private count = 0;
  /** Holds on batch work while a caller's turn may be ending (LlmEngine.holdBatch). */
  readonly holds: BatchHolds;

  constructor(holdMaxMs: number) {
    this.holds = new BatchHolds(holdMaxMs);
  }

  get connected(): number {
    return this.count;
  }

  /** A call is connected; the returned function, called once or more, says it is gone. */
  open(): () => void {
    this.count++;
    return once(() => this.count--);
  }
}
