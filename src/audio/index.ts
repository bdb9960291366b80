/** The audio layer: frames, G.711, resampling, WAV, levels, tones. Pure: buffers in, buffers out. */
export {
  type Frame,
  concatFloat32,
  concatFrames,
  concatInt16,
  float32ToInt16,
  frameDurationMs,
  int16ToFloat32,
  msToSamples,
  samplesToMs,
  sliceFrame,
} from "./frame.js";
export { Framer, type FramerOptions } from "./framer.js";
export {
  type G711Law,
  alawDecodeSample,
  alawEncodeSample,
  decodeAlaw,
  decodeAlawInto,
  decodeMulaw,
  decodeMulawInto,
  encodeAlaw,
  encodeAlawInto,
  encodeMulaw,
  encodeMulawInto,
  g711DecodeInto,
  g711EncodeInto,
  g711SilenceCode,
  mulawDecodeSample,
  mulawEncodeSample,
} from "./g711.js";
export { type ResampleQuality, type ResamplerOptions, Resampler, resample } from "./resample.js";
export {
  type DecodedWav,
  type EncodeWavOptions,
  type WavEncoding,
  type WavHeader,
  type WavHeaderOptions,
  type WavLimits,
  MAX_WAV_RATE,
  MIN_WAV_RATE,
  WAV_HEADER_BYTES,
  decodeWavSamples,
  encodeWav,
  parseWav,
  patchWavHeader,
  readWavHeader,
  wavHeader,
} from "./wav.js";
export {
  type Samples,
  type SilenceOptions,
  SILENCE_FLOOR_DBFS,
  fromDbfs,
  isSilence,
  peak,
  peakDbfs,
  rms,
  rmsDbfs,
  toDbfs,
} from "./levels.js";
export {
  type DtmfSequenceOptions,
  type ToneOptions,
  DTMF_FREQUENCIES,
  dtmf,
  dtmfSequence,
  silence,
  sine,
  tone,
} from "./tones.js";
export { decodeUpload, type DecodeOptions } from "./decode-upload.js";
export {
  type SilenceSpansOptions,
  type SilencedWav,
  type TimeSpan,
  frameRanges,
  silenceWavSpans,
  silenceWavSpansInPlace,
} from "./silence-spans.js";
