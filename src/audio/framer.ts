/**
 * Cuts a stream of arbitrarily sized PCM16 chunks (TTS output, resampler
 * output) into fixed-duration frames, the unit the RTP pacer sends every
 * 20 ms. The partial tail waits for the next chunk, so no sample is dropped
 * or duplicated at chunk boundaries, and pts advances by exact sample counts.
 */
import type { Frame } from "./frame.js";
import { msToSamples, samplesToMs } from "./frame.js";

export interface FramerOptions {
  sampleRate: number;
  /** Frame duration; 20 ms (160 samples at 8 kHz) unless told. */
  frameMs?: number;
  /** pts of the first frame. */
  startPtsMs?: number;
}

/** Regroups PCM16 chunks into frames of exactly `frameMs`. */
export class Framer {
  readonly sampleRate: number;
  readonly frameSamples: number;
  private readonly startPtsMs: number;
  private pending: Int16Array;
  private pendingLength = 0;
  private emitted = 0;

  constructor(options: FramerOptions) {
    this.sampleRate = options.sampleRate;
    this.frameSamples = msToSamples(options.frameMs ?? 20, options.sampleRate);
    if (this.frameSamples < 1) throw new RangeError("Framer: frame is shorter than one sample");
    this.startPtsMs = options.startPtsMs ?? 0;
    this.pending = new Int16Array(this.frameSamples);
  }

  /** Samples held back until the next full frame. */
  get buffered(): number {
    return this.pendingLength;
  }

  /** Adds samples and returns every frame that became complete (each frame owns its array). */
  push(pcm: Int16Array): Frame[] {
    const frames: Frame[] = [];
    const size = this.frameSamples;
    let at = 0;
    if (this.pendingLength > 0) {
      const take = Math.min(size - this.pendingLength, pcm.length);
      this.pending.set(pcm.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      at = take;
      if (this.pendingLength < size) return frames;
      frames.push(this.makeFrame(this.pending.slice()));
      this.pendingLength = 0;
    }
    for (; at + size <= pcm.length; at += size) frames.push(this.makeFrame(pcm.slice(at, at + size)));
    if (at < pcm.length) {
      this.pending.set(pcm.subarray(at), 0);
      this.pendingLength = pcm.length - at;
    }
    return frames;
  }

  /** Emits the held-back tail, zero-padded to a full frame (or nothing if none is held). */
  flush(): Frame[] {
    if (this.pendingLength === 0) return [];
    const pcm = new Int16Array(this.frameSamples);
    pcm.set(this.pending.subarray(0, this.pendingLength));
    this.pendingLength = 0;
    return [this.makeFrame(pcm)];
  }

  private makeFrame(pcm: Int16Array): Frame {
    const ptsMs = this.startPtsMs + samplesToMs(this.emitted, this.sampleRate);
    this.emitted += pcm.length;
    return { pcm, sampleRate: this.sampleRate, ptsMs };
  }
}
