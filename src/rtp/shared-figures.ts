/**
 * Figures one thread writes and another reads, in one SharedArrayBuffer:
 * named counters (float64) and ms histograms. The media worker updates a
 * session's figures every tick and the main thread reads them whenever it
 * likes (`RtpSession.stats()`, `/metrics`) without a message or a copy, so
 * statistics are never older than a tick and cost nothing to ask for.
 *
 * The writer bumps a generation (Atomics) after each batch of writes and the
 * reader loads it before reading: that orders the plain writes before the
 * reads. A reader may still see a batch in progress; these are diagnostics.
 */
import { MsHistogram } from "./histogram.js";

const GEN_BYTES = 8;

export class SharedFigures<C extends string, H extends string> {
  readonly buffer: SharedArrayBuffer;
  private readonly gen: Int32Array;
  /** The counters, in the order they were named (hot paths write by index: see `slots`). */
  readonly values: Float64Array;
  private readonly index = new Map<string, number>();
  private readonly histograms = new Map<string, MsHistogram>();

  /** Fresh figures (all zero) or, given `buffer`, a view of figures another thread created. */
  constructor(counters: readonly C[], histograms: readonly H[], buffer?: SharedArrayBuffer) {
    const histBytes = MsHistogram.bytesFor();
    const size = GEN_BYTES + counters.length * 8 + histograms.length * histBytes;
    if (buffer !== undefined && buffer.byteLength !== size)
      throw new RangeError(`shared figures of ${buffer.byteLength} bytes, expected ${size}`);
    this.buffer = buffer ?? new SharedArrayBuffer(size);
    this.gen = new Int32Array(this.buffer, 0, 1);
    this.values = new Float64Array(this.buffer, GEN_BYTES, counters.length);
    counters.forEach((name, i) => this.index.set(name, i));
    histograms.forEach((name, i) => {
      const h = new MsHistogram(0.1, 200, this.buffer, GEN_BYTES + counters.length * 8 + i * histBytes);
      if (buffer === undefined) h.reset();
      this.histograms.set(name, h);
    });
  }

  /** Index of each counter in `values`. */
  static slots<N extends string>(counters: readonly N[]): Record<N, number> {
    return Object.fromEntries(counters.map((name, i) => [name, i])) as Record<N, number>;
  }

  set(name: C, value: number): void {
    this.values[this.index.get(name)!] = value;
  }

  get(name: C): number {
    return this.values[this.index.get(name)!]!;
  }

  histogram(name: H): MsHistogram {
    return this.histograms.get(name)!;
  }

  /** Writer: the writes so far are complete. */
  publish(): void {
    Atomics.add(this.gen, 0, 1);
  }

  /** Reader: see every batch published so far. */
  sync(): void {
    Atomics.load(this.gen, 0);
  }
}
