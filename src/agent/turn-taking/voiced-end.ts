/**
 * Where the caller's voice really stopped. Silero decides that speech has
 * ended some way past the last voiced frame (its probability falls slowly
 * through soft endings), so silence is counted from the last frame loud
 * enough to be voice, when that is at most MAX_EARLIER_MS before the VAD's
 * segment end. A frame is voice when it is within VOICED_BELOW_PEAK_DB of
 * the utterance's loudest frame and above the floor.
 *
 * Live calls (src/agent/conversation/listener.ts) and `parley bench turns`
 * share it.
 */
import { rmsDbfs } from "../../audio/index.js";

export const MAX_EARLIER_MS = 240;
export const VOICED_BELOW_PEAK_DB = 30;
export const VOICED_FLOOR_DB = -55;

export class VoicedEndTracker {
  private audioMs = 0;
  private peakDb = -120;
  private lastVoicedMs = 0;

  /** A frame of caller audio, in order. */
  push(samples: Float32Array, sampleRate: number): void {
    const level = rmsDbfs(samples);
    this.audioMs += (samples.length * 1000) / sampleRate;
    this.peakDb = Math.max(this.peakDb, level);
    if (level > Math.max(VOICED_FLOOR_DB, this.peakDb - VOICED_BELOW_PEAK_DB)) this.lastVoicedMs = this.audioMs;
  }

  /** The VAD heard speech start: the loudness reference starts again. */
  speechStarted(): void {
    this.peakDb = -120;
  }

  /** The last voiced moment for a VAD segment ending at `vadEndMs` (audio ms). */
  voicedEnd(vadEndMs: number): number {
    return this.lastVoicedMs < vadEndMs && this.lastVoicedMs >= vadEndMs - MAX_EARLIER_MS
      ? this.lastVoicedMs
      : vadEndMs;
  }

  /** The end of the last voiced frame (audio ms). */
  get lastVoicedAtMs(): number {
    return this.lastVoicedMs;
  }

  get positionMs(): number {
    return this.audioMs;
  }
}
