/**
 * The live queueing delay of an engine worker, shared with its host through a
 * SharedArrayBuffer: the worker measures how long live work waited before it
 * started (it alone sees its queue), the host reads the figure whenever call
 * admission or /metrics ask, with no message in between.
 *
 * Both threads stamp time as `performance.timeOrigin + performance.now()`
 * (high-resolution epoch ms), so ages compare across threads.
 */
import { DecayingAverage } from "../../lib/decaying-average.js";

const HALF_LIFE_MS = 5000;
/** [0] the average at its last sample (ms), [1] when that was (epoch ms). */
const SLOTS = 2;

export const epochNow = (): number => performance.timeOrigin + performance.now();

export function createLiveStatsBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(SLOTS * Float64Array.BYTES_PER_ELEMENT);
}

/** Worker side: one per loaded engine. */
export class LiveStatsWriter {
  private readonly view: Float64Array;
  private readonly average = new DecayingAverage(HALF_LIFE_MS, epochNow);

  constructor(buffer: SharedArrayBuffer | undefined) {
    // Without a buffer (an engine loaded outside a host, e.g. in a test) the figures are kept and not shared.
    this.view = new Float64Array(buffer ?? new ArrayBuffer(SLOTS * Float64Array.BYTES_PER_ELEMENT));
  }

  /** Live work waited `ms` before the engine started on it. */
  sample(ms: number): void {
    this.average.sample(Math.max(0, ms));
    this.view[0] = this.average.current;
    this.view[1] = epochNow();
  }
}

/** Host side: the current figure, faded for the time since the worker's last sample. */
export function readLiveDelay(buffer: SharedArrayBuffer): number {
  const view = new Float64Array(buffer);
  const at = view[1]!;
  if (at === 0) return 0;
  const age = Math.max(0, epochNow() - at);
  return view[0]! * Math.pow(0.5, age / HALF_LIFE_MS);
}
