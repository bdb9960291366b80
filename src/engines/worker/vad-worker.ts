import type { CallContext, WorkerEngineLoader } from "./engine-api.js";
import { epochNow } from "./live-stats.js";
import { UnknownOperationError } from "./engine-api.js";
import { loadSherpa, type SherpaVad } from "./sherpa.js";
import { Resampler } from "../../audio/resample.js";

/**
 * sherpa-onnx's detector keeps only the last segment that completes within one
 * acceptWaveform call, so audio goes in one model window at a time.
 */
const WINDOW = 512;
/**
 * A whole recording (voicemail) is read this many windows at a time, then the
 * worker lets waiting live audio through: about 2 s of audio, a few ms of work.
 */
const SEGMENT_SLICE_WINDOWS = 64;

export interface VadWorkerConfig {
  /** sherpa-onnx VadConfig (sileroVad model, threshold, durations, sampleRate, numThreads). */
  sherpa: Record<string, unknown>;
  sampleRate: number;
}

/** Silero VAD on sherpa-onnx: one detector per stream, since detectors keep state. */
export const loadVad: WorkerEngineLoader = (raw, stats) => {
  const config = raw as VadWorkerConfig;
  const sherpa = loadSherpa();
  // Creating a detector loads the model again (about 50 ms): finished streams give theirs back, reset.
  const idle: SherpaVad[] = [new sherpa.Vad(config.sherpa, 60)]; // also fails at load time if the model is unusable
  const create = () => idle.pop() ?? new sherpa.Vad(config.sherpa, 60);
  const release = (vad: SherpaVad) => {
    vad.reset();
    idle.push(vad);
  };
  const rate = config.sampleRate;
  const ms = (samples: number) => Math.round((samples * 1000) / rate);

  /** Reports segments that ended; `at` is how many samples the detector has read (when it decided). */
  const drain = (vad: SherpaVad, at: number, emit: (e: unknown) => void) => {
    while (!vad.isEmpty()) {
      const seg = vad.front(false);
      emit({ type: "speech-end", startMs: ms(seg.start), endMs: ms(seg.start + seg.samples.length), atMs: ms(at) });
      vad.pop();
    }
  };

  return {
    sampleRate: rate,
    async run(op: string, args: unknown, ctx: CallContext) {
      if (op === "segments") {
        const vad = create();
        const segments: { startMs: number; endMs: number }[] = [];
        const collect = (e: unknown) => {
          const { startMs, endMs } = e as { startMs: number; endMs: number };
          segments.push({ startMs, endMs });
        };
        const samples = (args as { samples: Float32Array }).samples;
        for (let i = 0; i < samples.length && !ctx.signal.aborted; i += WINDOW) {
          vad.acceptWaveform(samples.subarray(i, i + WINDOW));
          drain(vad, i + WINDOW, collect);
          // Batch work: let live streams' audio through between slices.
          if ((i / WINDOW) % SEGMENT_SLICE_WINDOWS === SEGMENT_SLICE_WINDOWS - 1)
            await new Promise((r) => setImmediate(r));
        }
        vad.flush();
        drain(vad, samples.length, collect);
        release(vad);
        return segments;
      }
      if (op === "stream") {
        const vad = create();
        // Telephone audio arrives at 8 kHz; upsampling here keeps that work off the main thread.
        const inputRate = (args as { inputRate?: number } | null)?.inputRate ?? rate;
        const resampler = inputRate === rate ? null : new Resampler(inputRate, rate);
        let total = 0;
        let speaking = false;
        for await (const chunk of ctx.input) {
          stats.sample(epochNow() - chunk.at);
          const samples = resampler ? resampler.process(chunk.data as Float32Array) : (chunk.data as Float32Array);
          for (let i = 0; i < samples.length; i += WINDOW) {
            const piece = samples.subarray(i, i + WINDOW);
            vad.acceptWaveform(piece);
            total += piece.length;
            const detected = vad.isDetected();
            if (detected && !speaking) ctx.emit({ type: "speech-start", atMs: ms(total) });
            speaking = detected;
            drain(vad, total, ctx.emit);
          }
        }
        if (!ctx.signal.aborted) {
          vad.flush();
          drain(vad, total, ctx.emit);
        }
        release(vad);
        return null;
      }
      throw new UnknownOperationError(op);
    },
  };
};
