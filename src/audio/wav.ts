/**
 * WAV in and out. `parseWav` validates the header, enforces limits from the
 * header arithmetic, then decodes to mono float; see wav-header.ts for what
 * counts as malformed and how truncated files are treated.
 */
import { decodeWavSamples } from "./wav-decode.js";
import type { DecodedWav } from "./wav-format.js";
import { type WavLimits, readWavHeader } from "./wav-header.js";

export { readWavHeader, type WavLimits } from "./wav-header.js";
export { decodeWavSamples } from "./wav-decode.js";
export {
  encodeWav,
  patchWavHeader,
  wavHeader,
  WAV_HEADER_BYTES,
  type EncodeWavOptions,
  type WavHeaderOptions,
} from "./wav-encode.js";
export { MAX_WAV_RATE, MIN_WAV_RATE, type DecodedWav, type WavEncoding, type WavHeader } from "./wav-format.js";

/**
 * Parses a WAV file of any supported kind into mono float samples.
 * @example
 * const wav = parseWav(await readFile(path), { maxDurationMs: 600_000 });
 * const pcm16k = resample(wav.samples, wav.sampleRate, 16_000);
 */
export function parseWav(bytes: Uint8Array, limits: WavLimits = {}): DecodedWav {
  const header = readWavHeader(bytes, limits);
  return {
    samples: decodeWavSamples(bytes, header),
    sampleRate: header.sampleRate,
    channels: header.channels,
    durationMs: header.durationMs,
    format: header.encoding,
    warnings: header.warnings,
  };
}
