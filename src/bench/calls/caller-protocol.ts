import type { PriorityOutcome } from "../../rtp/media/thread-priority.js";
import type { EndpointMeasure, RunOptions } from "./caller-endpoint.js";

/** Messages to the bench's caller thread (caller-thread-entry.ts). */
export type ToCaller =
  | { t: "open"; id: number }
  | { t: "run"; id: number; remote: { address: string; port: number }; speech: Int16Array; options: RunOptions }
  | { t: "stop"; id: number }
  | { t: "close"; id: number }
  /** The thread's worst event-loop delay since the last ask (ms), then a fresh count. */
  | { t: "loop" };

/** Messages from it. */
export type FromCaller =
  | { t: "ready"; priority: PriorityOutcome }
  | { t: "opened"; id: number; port: number }
  | { t: "measured"; id: number; measure: EndpointMeasure }
  | { t: "failed"; id: number; error: string }
  | { t: "loop"; maxMs: number };
