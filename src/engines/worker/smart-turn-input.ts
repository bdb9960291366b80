/**
 * What Smart Turn reads, exactly as its reference inference does
 * (pipecat-ai/smart-turn `inference.py`, pipecat's `LocalSmartTurnAnalyzerV3`):
 * the last 8 s of 16 kHz audio, zero-padded at the *start* when shorter, as
 * Whisper log-mel features with `chunk_length=8` and `do_normalize=True`.
 * Contract of the ONNX file: input `input_features` float32 [batch, 80, 800],
 * output [batch, 1] = P(complete) after a sigmoid; complete when > 0.5.
 */
import { WhisperLogMel, WHISPER_MELS, WHISPER_SAMPLE_RATE } from "../../audio/whisper-log-mel.js";

export const SMART_TURN_SECONDS = 8;
export const SMART_TURN_RATE = WHISPER_SAMPLE_RATE;
export const SMART_TURN_INPUT = "input_features";
export const SMART_TURN_SHAPE = [WHISPER_MELS, SMART_TURN_SECONDS * 100] as const;
/** The reference implementations' cut: P(complete) above it is a finished turn. */
export const SMART_TURN_THRESHOLD = 0.5;

/** The last `samples` of `audio`, or all of it after leading zeros (never modifies `audio`). */
export function lastWindow(audio: Float32Array, samples: number): Float32Array {
  if (audio.length === samples) return audio;
  if (audio.length > samples) return audio.subarray(audio.length - samples);
  const out = new Float32Array(samples);
  out.set(audio, samples - audio.length);
  return out;
}

/** Features for one prediction; keep one per worker (it holds the FFT plan and filterbank). */
export class SmartTurnFeatures {
  private readonly extractor = new WhisperLogMel({ seconds: SMART_TURN_SECONDS, normalize: true });

  /** [80 × 800] features of the end of `audio` (16 kHz). */
  compute(audio: Float32Array): Float32Array {
    return this.extractor.compute(lastWindow(audio, SMART_TURN_SECONDS * SMART_TURN_RATE));
  }
}
