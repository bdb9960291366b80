/**
 * Streaming sample-rate conversion with a polyphase windowed-sinc FIR.
 *
 * State carries the last `taps - 1` input samples across calls, so feeding
 * many small chunks gives exactly the samples one big call gives, with no
 * click at chunk boundaries. The output is delayed by `delaySamples` output
 * samples (the filter's group delay, an integer); `flush()` pushes the tail
 * out. `resample()` is the one-shot form for whole files: it removes that
 * delay so the output lines up with the input.
 *
 * Fast paths: equal rates copy; 2x up has one phase that is a plain copy;
 * 2x down is a half-band filter (every other tap is zero, and the rest are
 * folded by symmetry); other ratios reduce to up/down by their gcd.
 */
import { ParleyError } from "../lib/errors.js";
import { type FilterBank, type ResampleQuality, filterBank, gcd } from "./resample-filter.js";

export type { ResampleQuality } from "./resample-filter.js";

export interface ResamplerOptions {
  /** "medium" (80 dB stopband, passband to 88% of the lower Nyquist) unless told. */
  quality?: ResampleQuality;
}

const MIN_RATE = 1000;
const MAX_RATE = 384_000;

/** A stateful rate converter for one stream (one call leg, one file). */
export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly bank: FilterBank;
  private readonly up: number;
  private readonly down: number;
  private readonly stepN: number;
  private readonly stepP: number;
  /** Input history; buf[0] is absolute input index `base`. */
  private buf: Float32Array;
  private len = 0;
  private base = 0;
  /** Newest input index and phase (0..up-1) of the next output. */
  private n = 0;
  private p = 0;

  constructor(fromRate: number, toRate: number, options: ResamplerOptions = {}) {
    for (const [name, rate] of [
      ["fromRate", fromRate],
      ["toRate", toRate],
    ] as const) {
      if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) {
        throw new ParleyError(
          "audio_invalid",
          `Resampler: ${name} must be an integer in ${MIN_RATE}..${MAX_RATE} Hz, got ${rate}`,
          {
            status: 400,
          },
        );
      }
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    const g = gcd(fromRate, toRate);
    this.up = toRate / g;
    this.down = fromRate / g;
    this.bank = filterBank(this.up, this.down, options.quality ?? "medium");
    this.stepN = Math.floor(this.down / this.up);
    this.stepP = this.down % this.up;
    this.buf = new Float32Array(this.bank.taps * 2 + 1024);
    this.reset();
  }

  /** Group delay in output samples: what entered at time t comes out at t + delaySamples / toRate. */
  get delaySamples(): number {
    return this.fromRate === this.toRate ? 0 : this.bank.delayOut;
  }

  /** Group delay in milliseconds. */
  get delayMs(): number {
    return (this.delaySamples * 1000) / this.toRate;
  }

  /** Forgets all state, as if newly constructed. */
  reset(): void {
    const history = this.bank.taps - 1;
    this.buf.fill(0, 0, history);
    this.len = history;
    this.base = -history;
    this.n = 0;
    this.p = 0;
  }

  /** Exactly how many samples the next `process` of `inputLength` samples will return. */
  outputLength(inputLength: number): number {
    if (this.fromRate === this.toRate) return inputLength;
    const last = this.base + this.len - 1 + inputLength;
    const count = Math.ceil(((last - this.n + 1) * this.up - this.p) / this.down);
    return Math.max(0, count);
  }

  /** Converts a chunk; returns a new array with every output sample now computable. */
  process(chunk: Float32Array): Float32Array {
    const out = new Float32Array(this.outputLength(chunk.length));
    this.processInto(chunk, out, 0);
    return out;
  }

  /** Converts a chunk into `out` at `offset` (size it with `outputLength`); returns samples written. */
  processInto(chunk: Float32Array, out: Float32Array, offset = 0): number {
    const count = this.outputLength(chunk.length);
    if (offset < 0 || offset + count > out.length) {
      throw new RangeError(`Resampler: output holds ${out.length - offset} from offset ${offset}, need ${count}`);
    }
    if (this.fromRate === this.toRate) {
      out.set(chunk, offset);
      return count;
    }
    this.append(chunk);
    if (this.bank.halfband !== null) this.runHalfbandDown(out, offset, count);
    else if (this.bank.interpolated) this.runInterpolated(out, offset, count);
    else this.runPolyphase(out, offset, count);
    this.compact();
    return count;
  }

  /** Emits the tail still inside the filter (input padded with silence) and resets the stream. */
  flush(): Float32Array {
    if (this.fromRate === this.toRate) return new Float32Array(0);
    const out = this.process(new Float32Array(this.bank.taps - 1));
    this.reset();
    return out;
  }

  private append(chunk: Float32Array): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      const grown = new Float32Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len = need;
  }

  /** Drops input no future output needs; keeps the window of the next output. */
  private compact(): void {
    const keepFrom = Math.min(this.n - this.bank.taps + 1 - this.base, this.len);
    if (keepFrom <= 0) return;
    this.buf.copyWithin(0, keepFrom, this.len);
    this.len -= keepFrom;
    this.base += keepFrom;
  }

  private runPolyphase(out: Float32Array, offset: number, count: number): void {
    const { rows, identity, taps } = this.bank;
    const buf = this.buf;
    const { up, stepN, stepP } = this;
    // Locals instead of fields in the loop: this is the per-sample hot path of every live call.
    let n = this.n;
    let p = this.p;
    for (let k = 0; k < count; k++) {
      const start = n - taps + 1 - this.base;
      const copyAt = identity[p]!;
      out[offset + k] = copyAt >= 0 ? buf[start + copyAt]! : dot(rows, p * taps, buf, start, taps);
      n += stepN;
      p += stepP;
      if (p >= up) {
        p -= up;
        n++;
      }
    }
    this.n = n;
    this.p = p;
  }

  private runInterpolated(out: Float32Array, offset: number, count: number): void {
    const { rows, taps, phases } = this.bank;
    const buf = this.buf;
    const { up, stepN, stepP } = this;
    const scale = phases / up;
    let n = this.n;
    let p = this.p;
    for (let k = 0; k < count; k++) {
      const start = n - taps + 1 - this.base;
      const pos = p * scale;
      const row = Math.floor(pos);
      const a0 = dot(rows, row * taps, buf, start, taps);
      const a1 = dot(rows, (row + 1) * taps, buf, start, taps);
      out[offset + k] = a0 + (pos - row) * (a1 - a0);
      n += stepN;
      p += stepP;
      if (p >= up) {
        p -= up;
        n++;
      }
    }
    this.n = n;
    this.p = p;
  }

  private runHalfbandDown(out: Float32Array, offset: number, count: number): void {
    const { taps } = this.bank;
    const { centre, folded } = this.bank.halfband!;
    const buf = this.buf;
    const m = folded.length;
    let c = this.n - taps + 1 - this.base + centre;
    for (let k = 0; k < count; k++, c += 2) {
      // Two accumulators halve the floating-point add dependency chain.
      let a0 = 0.5 * buf[c]!;
      let a1 = 0;
      let i = 0;
      for (; i + 1 < m; i += 2) {
        const d = 2 * i + 1;
        a0 += folded[i]! * (buf[c - d]! + buf[c + d]!);
        a1 += folded[i + 1]! * (buf[c - d - 2]! + buf[c + d + 2]!);
      }
      if (i < m) a0 += folded[i]! * (buf[c - 2 * i - 1]! + buf[c + 2 * i + 1]!);
      out[offset + k] = a0 + a1;
    }
    this.n += 2 * count;
  }
}

/** Dot product of `taps` coefficients from `rows[r]` with `buf[s]`, four accumulators wide. */
function dot(rows: Float32Array, r: number, buf: Float32Array, s: number, taps: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = 0;
  for (; i + 3 < taps; i += 4) {
    a0 += rows[r + i]! * buf[s + i]!;
    a1 += rows[r + i + 1]! * buf[s + i + 1]!;
    a2 += rows[r + i + 2]! * buf[s + i + 2]!;
    a3 += rows[r + i + 3]! * buf[s + i + 3]!;
  }
  for (; i < taps; i++) a0 += rows[r + i]! * buf[s + i]!;
  return a0 + a1 + a2 + a3;
}

/** Converts a whole signal at once, with the filter delay removed: output length is ceil(n * to / from). */
export function resample(
  input: Float32Array,
  fromRate: number,
  toRate: number,
  options: ResamplerOptions = {},
): Float32Array {
  if (fromRate === toRate) return input.slice();
  const r = new Resampler(fromRate, toRate, options);
  const g = gcd(fromRate, toRate);
  const wanted = Math.ceil((input.length * (toRate / g)) / (fromRate / g));
  const head = r.process(input);
  const tail = r.flush();
  const out = new Float32Array(wanted);
  const delay = r.delaySamples;
  // Copy [delay, delay + wanted) of head ++ tail; anything past the end stays zero.
  const fromHead = head.subarray(Math.min(delay, head.length), Math.min(delay + wanted, head.length));
  out.set(fromHead, 0);
  const tailStart = Math.max(0, delay - head.length);
  out.set(
    tail.subarray(Math.min(tailStart, tail.length), Math.min(tailStart + wanted - fromHead.length, tail.length)),
    fromHead.length,
  );
  return out;
}
