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
  // Keyed by the minimum silence in ms: 0 for the configured detector, else an early-silence one (`pauseMs`).
  const idle = new Map<number, SherpaVad[]>([[0, [new sherpa.Vad(config.sherpa, 60)]]]); // fails now if unusable
  const create = (pauseMs = 0) =>
    idle.get(pauseMs)?.pop() ??
    new sherpa.Vad(pauseMs ? earlySilenceConfig(config.sherpa, pauseMs) : config.sherpa, 60);
  const release = (vad: SherpaVad, pauseMs = 0) => {
    vad.reset();
    const pool = idle.get(pauseMs) ?? [];
    pool.push(vad);
    idle.set(pauseMs, pool);
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
        const o = (args as { inputRate?: number; pauseMs?: number } | null) ?? {};
        const pauseMs = o.pauseMs ?? 0;
        const early = pauseMs > 0 ? create(pauseMs) : null;
        // Telephone audio arrives at 8 kHz; upsampling here keeps that work off the main thread.
        const inputRate = o.inputRate ?? rate;
        const resampler = inputRate === rate ? null : new Resampler(inputRate, rate);
        let total = 0;
        let speaking = false;
        let earlyPaused = false;
        for await (const chunk of ctx.input) {
          stats.sample(epochNow() - chunk.at);
          const samples = resampler ? resampler.process(chunk.data as Float32Array) : (chunk.data as Float32Array);
          for (let i = 0; i < samples.length; i += WINDOW) {
            const piece = samples.subarray(i, i + WINDOW);
            vad.acceptWaveform(piece);
            total += piece.length;
            if (early) {
              // Reported before the main detector's events for the same window: a pause precedes its speech-end.
              early.acceptWaveform(piece);
              if (earlyPaused && early.isDetected()) {
                ctx.emit({ type: "resume", atMs: ms(total) });
                earlyPaused = false;
              }
              while (!early.isEmpty()) {
                const seg = early.front(false);
                ctx.emit({ type: "pause", endMs: ms(seg.start + seg.samples.length), atMs: ms(total) });
                early.pop();
                earlyPaused = true;
              }
            }
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
        if (early) release(early, pauseMs);
        return null;
      }
      throw new UnknownOperationError(op);
    },
  };
};

/**
 * The early-silence detector: the same silero, `pauseMs` of minimum silence, and a short minimum speech so that
 * the caller going on is heard again within about 100 ms (its "resume" only ever cancels a pending question to
 * the turn model, so a noise taken for speech costs nothing but that question).
 */
function earlySilenceConfig(sherpa: Record<string, unknown>, pauseMs: number): Record<string, unknown> {
  const silero = sherpa["sileroVad"] as Record<string, unknown>;
  const minSpeech = Math.min(Number(silero["minSpeechDuration"] ?? 0.25), EARLY_MIN_SPEECH_S);
  return { ...sherpa, sileroVad: { ...silero, minSilenceDuration: pauseMs / 1000, minSpeechDuration: minSpeech } };
}

const EARLY_MIN_SPEECH_S = 0.064;
