import { once } from "../../lib/once.js";

/**
 * The live calls connected to one LLM (LlmEngine.liveCall). A caller's turn
 * can end at any moment, and its reply then waits for the decode step under
 * way: while any call is connected, the batch scheduler keeps batch work's
 * steps short (batchBesideCallsTokens), not only while a reply runs.
 */
export class LiveCalls {
  private count = 0;

  get connected(): number {
    return this.count;
  }

  /** A call is connected; the returned function, called once or more, says it is gone. */
  open(): () => void {
    this.count++;
    return once(() => this.count--);
  }
}
