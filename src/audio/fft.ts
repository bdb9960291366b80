/**
 * A small mixed-radix FFT for the sizes speech features use (Whisper's 400
 * points = 4·4·5·5, powers of two for everything else): recursive
 * decimation in time over the size's prime factors, as KISS FFT does, with
 * a generic butterfly for any radix. Sizes with a large prime factor still
 * work, at O(n·p) for that factor.
 *
 * Plans are immutable and keep their twiddles, so one plan serves every
 * frame of a spectrogram; `realPower` uses one complex transform for two
 * real frames at a time, halving the work.
 */
export class Fft {
  readonly size: number;
  /** Radix of each stage, outermost first; their product is `size`. */
  private readonly radices: number[];
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;
  /** Work buffers for the generic butterfly (largest radix). */
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.size = size;
    this.radices = factorize(size);
    this.twRe = new Float64Array(size);
    this.twIm = new Float64Array(size);
    for (let k = 0; k < size; k++) {
      const angle = (-2 * Math.PI * k) / size;
      this.twRe[k] = Math.cos(angle);
      this.twIm[k] = Math.sin(angle);
    }
    const largest = Math.max(1, ...this.radices);
    this.scratchRe = new Float64Array(largest);
    this.scratchIm = new Float64Array(largest);
  }

  /** Forward transform X[k] = Σ x[n]·e^(-2πikn/N) of (inRe, inIm) into (outRe, outIm); inputs are not modified. */
  transform(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    if (inRe.length < this.size || inIm.length < this.size || outRe.length < this.size || outIm.length < this.size) {
      throw new RangeError(`FFT of size ${this.size}: every buffer needs at least ${this.size} values`);
    }
    this.work(outRe, outIm, 0, inRe, inIm, 0, 1, 0);
  }

  private work(
    outRe: Float64Array,
    outIm: Float64Array,
    out: number,
    inRe: Float64Array,
    inIm: Float64Array,
    at: number,
    stride: number,
    stage: number,
  ): void {
    const p = this.radices[stage] ?? 1;
    const m = this.size / (stride * p);
    if (m === 1) {
      for (let q = 0; q < p; q++) {
        outRe[out + q] = inRe[at + q * stride]!;
        outIm[out + q] = inIm[at + q * stride]!;
      }
    } else {
      for (let q = 0; q < p; q++)
        this.work(outRe, outIm, out + q * m, inRe, inIm, at + q * stride, stride * p, stage + 1);
    }
    this.butterfly(outRe, outIm, out, stride, p, m);
  }

  /** Combines p interleaved sub-transforms of length m (stride = how far apart this stage's twiddles are). */
  private butterfly(re: Float64Array, im: Float64Array, out: number, stride: number, p: number, m: number): void {
    const n = this.size;
    const sRe = this.scratchRe;
    const sIm = this.scratchIm;
    if (p === 2) return this.radix2(re, im, out, stride, m);
    if (p === 4) return this.radix4(re, im, out, stride, m);
    if (p === 5) return this.radix5(re, im, out, stride, m);
    for (let u = 0; u < m; u++) {
      for (let q = 0; q < p; q++) {
        sRe[q] = re[out + u + q * m]!;
        sIm[q] = im[out + u + q * m]!;
      }
      for (let q1 = 0; q1 < p; q1++) {
        const k = u + q1 * m;
        let accRe = sRe[0]!;
        let accIm = sIm[0]!;
        const step = (stride * k) % n;
        let t = 0;
        for (let q = 1; q < p; q++) {
          t += step;
          if (t >= n) t -= n;
          accRe += sRe[q]! * this.twRe[t]! - sIm[q]! * this.twIm[t]!;
          accIm += sRe[q]! * this.twIm[t]! + sIm[q]! * this.twRe[t]!;
        }
        re[out + k] = accRe;
        im[out + k] = accIm;
      }
    }
  }

  private radix2(re: Float64Array, im: Float64Array, out: number, stride: number, m: number): void {
    const { twRe, twIm } = this;
    for (let u = 0; u < m; u++) {
      const a = out + u;
      const b = a + m;
      const t = u * stride;
      const xr = re[b]! * twRe[t]! - im[b]! * twIm[t]!;
      const xi = re[b]! * twIm[t]! + im[b]! * twRe[t]!;
      re[b] = re[a]! - xr;
      im[b] = im[a]! - xi;
      re[a] = re[a]! + xr;
      im[a] = im[a]! + xi;
    }
  }

  /** KISS FFT's forward radix-4 butterfly: three twiddle products per four outputs. */
  private radix4(re: Float64Array, im: Float64Array, out: number, stride: number, m: number): void {
    const { twRe, twIm } = this;
    for (let u = 0; u < m; u++) {
      const i0 = out + u;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const i3 = i2 + m;
      const t1 = u * stride;
      const t2 = 2 * t1;
      const t3 = 3 * t1;
      const s0r = re[i1]! * twRe[t1]! - im[i1]! * twIm[t1]!;
      const s0i = re[i1]! * twIm[t1]! + im[i1]! * twRe[t1]!;
      const s1r = re[i2]! * twRe[t2]! - im[i2]! * twIm[t2]!;
      const s1i = re[i2]! * twIm[t2]! + im[i2]! * twRe[t2]!;
      const s2r = re[i3]! * twRe[t3]! - im[i3]! * twIm[t3]!;
      const s2i = re[i3]! * twIm[t3]! + im[i3]! * twRe[t3]!;
      const s5r = re[i0]! - s1r;
      const s5i = im[i0]! - s1i;
      const f0r = re[i0]! + s1r;
      const f0i = im[i0]! + s1i;
      const s3r = s0r + s2r;
      const s3i = s0i + s2i;
      const s4r = s0r - s2r;
      const s4i = s0i - s2i;
      re[i2] = f0r - s3r;
      im[i2] = f0i - s3i;
      re[i0] = f0r + s3r;
      im[i0] = f0i + s3i;
      re[i1] = s5r + s4i;
      im[i1] = s5i - s4r;
      re[i3] = s5r - s4i;
      im[i3] = s5i + s4r;
    }
  }

  /** KISS FFT's radix-5 butterfly, using the symmetry of the fifth roots of unity. */
  private radix5(re: Float64Array, im: Float64Array, out: number, stride: number, m: number): void {
    const { twRe, twIm } = this;
    const yaR = twRe[stride * m]!;
    const yaI = twIm[stride * m]!;
    const ybR = twRe[2 * stride * m]!;
    const ybI = twIm[2 * stride * m]!;
    for (let u = 0; u < m; u++) {
      const i0 = out + u;
      const i1 = i0 + m;
      const i2 = i1 + m;
      const i3 = i2 + m;
      const i4 = i3 + m;
      const t1 = u * stride;
      const t2 = 2 * t1;
      const t3 = 3 * t1;
      const t4 = 4 * t1;
      const s0r = re[i0]!;
      const s0i = im[i0]!;
      const s1r = re[i1]! * twRe[t1]! - im[i1]! * twIm[t1]!;
      const s1i = re[i1]! * twIm[t1]! + im[i1]! * twRe[t1]!;
      const s2r = re[i2]! * twRe[t2]! - im[i2]! * twIm[t2]!;
      const s2i = re[i2]! * twIm[t2]! + im[i2]! * twRe[t2]!;
      const s3r = re[i3]! * twRe[t3]! - im[i3]! * twIm[t3]!;
      const s3i = re[i3]! * twIm[t3]! + im[i3]! * twRe[t3]!;
      const s4r = re[i4]! * twRe[t4]! - im[i4]! * twIm[t4]!;
      const s4i = re[i4]! * twIm[t4]! + im[i4]! * twRe[t4]!;
      const s7r = s1r + s4r;
      const s7i = s1i + s4i;
      const s10r = s1r - s4r;
      const s10i = s1i - s4i;
      const s8r = s2r + s3r;
      const s8i = s2i + s3i;
      const s9r = s2r - s3r;
      const s9i = s2i - s3i;
      re[i0] = s0r + s7r + s8r;
      im[i0] = s0i + s7i + s8i;
      const s5r = s0r + s7r * yaR + s8r * ybR;
      const s5i = s0i + s7i * yaR + s8i * ybR;
      const s6r = s10i * yaI + s9i * ybI;
      const s6i = -(s10r * yaI) - s9r * ybI;
      re[i1] = s5r - s6r;
      im[i1] = s5i - s6i;
      re[i4] = s5r + s6r;
      im[i4] = s5i + s6i;
      const s11r = s0r + s7r * ybR + s8r * yaR;
      const s11i = s0i + s7i * ybR + s8i * yaR;
      const s12r = -(s10i * ybI) + s9i * yaI;
      const s12i = s10r * ybI - s9r * yaI;
      re[i2] = s11r + s12r;
      im[i2] = s11i + s12i;
      re[i3] = s11r - s12r;
      im[i3] = s11i - s12i;
    }
  }
}

/** Radices for the recursion: fours first (cheap), then the remaining primes in order. */
function factorize(n: number): number[] {
  const radices: number[] = [];
  let rest = n;
  while (rest % 4 === 0 && rest > 4) {
    radices.push(4);
    rest /= 4;
  }
  for (let p = 2; rest > 1; p++) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
    if (p * p > rest && rest > 1) {
      radices.push(rest);
      rest = 1;
    }
  }
  return radices;
}

/**
 * Power spectra |X[k]|², k = 0..N/2, of real frames, two frames per complex
 * transform: with z = a + i·b, A[k] = (Z[k] + conj Z[N-k]) / 2 and
 * B[k] = (Z[k] - conj Z[N-k]) / 2i.
 */
export class RealPowerSpectrum {
  readonly bins: number;
  private readonly fft: Fft;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  private readonly fRe: Float64Array;
  private readonly fIm: Float64Array;

  constructor(readonly size: number) {
    this.fft = new Fft(size);
    this.bins = Math.floor(size / 2) + 1;
    this.zRe = new Float64Array(size);
    this.zIm = new Float64Array(size);
    this.fRe = new Float64Array(size);
    this.fIm = new Float64Array(size);
  }

  /** Power spectra of frame `a` and (optionally) frame `b`, each `size` long, into `outA` / `outB` (`bins` long). */
  pair(a: Float64Array, b: Float64Array | null, outA: Float64Array, outB: Float64Array | null): void {
    const n = this.size;
    this.zRe.set(a.subarray(0, n));
    if (b) this.zIm.set(b.subarray(0, n));
    else this.zIm.fill(0);
    this.fft.transform(this.zRe, this.zIm, this.fRe, this.fIm);
    for (let k = 0; k < this.bins; k++) {
      const j = k === 0 ? 0 : n - k;
      const zr = this.fRe[k]!;
      const zi = this.fIm[k]!;
      const cr = this.fRe[j]!;
      const ci = -this.fIm[j]!; // conj Z[N-k]
      const ar = (zr + cr) / 2;
      const ai = (zi + ci) / 2;
      outA[k] = ar * ar + ai * ai;
      if (outB) {
        // (Z - conj) / 2i = ((zi - ci) - i(zr - cr)) / 2
        const br = (zi - ci) / 2;
        const bi = -(zr - cr) / 2;
        outB[k] = br * br + bi * bi;
      }
    }
  }
}
