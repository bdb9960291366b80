/**
 * Filter design for the resampler: a Kaiser-windowed sinc low-pass, cut into
 * polyphase rows. Pure numbers, no state; banks are cached per ratio and
 * quality because 50 calls at the same rates should share one table.
 *
 * The continuous prototype is h(tau) = 2fc/fin * sinc(2fc/fin * tau) * kaiser(tau),
 * tau in input samples. Output k sits at input time k*M/L; its taps are h
 * evaluated at (phase/L + j - delayIn), j = 0..taps-1, applied to x[n - j].
 * The delay is chosen as a whole number of OUTPUT samples, so latency
 * accounting and one-shot alignment are exact.
 */

/** Trade-off between CPU, latency and stopband rejection. */
export type ResampleQuality = "low" | "medium" | "high";

interface QualitySpec {
  /** Stopband attenuation, dB. */
  attenuationDb: number;
  /** Transition band width as a fraction of the lower Nyquist frequency. */
  transition: number;
}

export const QUALITY_SPECS: Readonly<Record<ResampleQuality, QualitySpec>> = {
  low: { attenuationDb: 60, transition: 0.2 },
  medium: { attenuationDb: 80, transition: 0.12 },
  high: { attenuationDb: 100, transition: 0.06 },
};

/** Above this many phases the table is sampled at INTERP_PHASES and interpolated. */
export const MAX_EXACT_PHASES = 1024;
/** Linear interpolation between 512 sub-phases keeps the error near -100 dB. */
export const INTERP_PHASES = 512;

export interface FilterBank {
  /** Up factor (toRate / gcd). */
  readonly up: number;
  /** Down factor (fromRate / gcd). */
  readonly down: number;
  /** Taps per row. */
  readonly taps: number;
  /** Number of phases the rows sample: `up`, or INTERP_PHASES when interpolated. */
  readonly phases: number;
  /** True when the output phase falls between rows and is linearly interpolated. */
  readonly interpolated: boolean;
  /** (phases + 1) rows of `taps`, each reversed so tap i multiplies x[n - taps + 1 + i]. */
  readonly rows: Float32Array;
  /** Per row: the tap index of a unit impulse (the row is a plain copy), or -1. */
  readonly identity: Int32Array;
  /** Group delay in output samples (integer by construction). */
  readonly delayOut: number;
  /** Group delay in input samples. */
  readonly delayIn: number;
  /** Half-band decimator by 2: centre tap index in the row and the folded odd taps. */
  readonly halfband: { centre: number; folded: Float32Array } | null;
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta < 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's beta for a given stopband attenuation. */
function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

const cache = new Map<string, FilterBank>();

/** Returns the (shared, read-only) filter bank converting by up/down at a quality. */
export function filterBank(up: number, down: number, quality: ResampleQuality): FilterBank {
  const key = `${up}/${down}/${quality}`;
  let bank = cache.get(key);
  if (bank === undefined) {
    const spec = QUALITY_SPECS[quality] as QualitySpec | undefined;
    if (spec === undefined) throw new RangeError(`unknown resample quality ${JSON.stringify(quality)}`);
    bank = design(up, down, spec);
    cache.set(key, bank);
  }
  return bank;
}

function design(up: number, down: number, spec: QualitySpec): FilterBank {
  // Everything is in units of input samples; the lower Nyquist is 0.5 * min(1, up/down).
  const lowNyq = 0.5 * Math.min(1, up / down);
  const width = spec.transition * lowNyq;
  const isHalfband = (up === 2 && down === 1) || (up === 1 && down === 2);
  // Half-band: transition centred on Nyquist, which zeroes every other tap (half the work).
  // Otherwise the stopband starts at Nyquist, so nothing aliases above the attenuation.
  const cutoff = isHalfband ? lowNyq : lowNyq - width / 2;
  const span = (spec.attenuationDb - 7.95) / (2.285 * 2 * Math.PI * width);
  const halfLen = span / 2;
  const beta = kaiserBeta(spec.attenuationDb);
  const i0Beta = besselI0(beta);

  const delayOut = Math.ceil((halfLen * up) / down);
  const delayIn = (delayOut * down) / up;
  const taps = Math.floor(delayIn + halfLen) + 1;
  const interpolated = up > MAX_EXACT_PHASES;
  const phases = interpolated ? INTERP_PHASES : up;

  const h = (tau: number): number => {
    const r = tau / halfLen;
    if (r <= -1 || r >= 1) return 0;
    const x = 2 * cutoff * tau;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    return 2 * cutoff * sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta);
  };

  const rows = new Float32Array((phases + 1) * taps);
  const identity = new Int32Array(phases + 1).fill(-1);
  const row = new Float64Array(taps);
  for (let p = 0; p <= phases; p++) {
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      row[j] = h(p / phases + j - delayIn);
      sum += row[j]!;
    }
    // Unit DC gain per phase: otherwise the phases disagree slightly and DC turns into a tone.
    let peakAt = 0;
    for (let j = 0; j < taps; j++) {
      row[j] = row[j]! / sum;
      if (Math.abs(row[j]!) > Math.abs(row[peakAt]!)) peakAt = j;
    }
    let isImpulse = Math.abs(row[peakAt]! - 1) < 1e-9;
    for (let j = 0; isImpulse && j < taps; j++) if (j !== peakAt && Math.abs(row[j]!) > 1e-9) isImpulse = false;
    for (let j = 0; j < taps; j++) {
      rows[p * taps + (taps - 1 - j)] = isImpulse ? (j === peakAt ? 1 : 0) : row[j]!;
    }
    if (isImpulse) identity[p] = taps - 1 - peakAt;
  }

  let halfband: FilterBank["halfband"] = null;
  if (up === 1 && down === 2) {
    const centre = taps - 1 - delayIn;
    const folded: number[] = [];
    for (let d = 1; centre - d >= 0 && centre + d < taps; d += 2) folded.push(rows[centre + d]!);
    halfband = { centre, folded: Float32Array.from(folded) };
  }
  return { up, down, taps, phases, interpolated, rows, identity, delayOut, delayIn, halfband };
}
