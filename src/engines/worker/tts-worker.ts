import type { WorkPriority } from "../types.js";
import type { CallContext, WorkerEngineLoader } from "./engine-api.js";
import { UnknownOperationError } from "./engine-api.js";
import { PriorityGate } from "./priority-gate.js";
import { loadSherpa } from "./sherpa.js";

export interface TtsWorkerConfig {
  /** sherpa-onnx OfflineTtsConfig. */
  sherpa: Record<string, unknown>;
  /** Sentences rendered at once (each on sherpa's own threads); the rest wait, live ones first. */
  concurrency: number;
}

/**
 * Synthesises one sentence per call. Chunks are emitted as the model makes
 * them (models that stream call onProgress several times); a cancelled call
 * tells the model to stop at its next progress callback. Sentences wait their
 * turn by priority: a caller's next sentence goes before any queued
 * notification render, and a sentence a caller waits for in silence (a
 * reply's first words) before one that queues behind audio still playing.
 */
export const loadTts: WorkerEngineLoader = (raw, stats) => {
  const config = raw as TtsWorkerConfig;
  const tts = new (loadSherpa().OfflineTts)(config.sherpa);
  const gate = new PriorityGate(config.concurrency);
  return {
    sampleRate: tts.sampleRate,
    async run(op: string, args: unknown, ctx: CallContext) {
      if (op !== "synthesize") throw new UnknownOperationError(op);
      const { text, sid, speed, priority, urgent } = args as {
        text: string;
        sid: number;
        speed: number;
        priority?: WorkPriority;
        urgent?: boolean;
      };
      const { waitedMs, done } = await gate.enter(priority ?? "live", ctx.signal, urgent === true);
      if ((priority ?? "live") === "live") stats.sample(waitedMs);
      try {
        let emitted = 0;
        const emit = (samples: Float32Array) => {
          const copy = samples.slice(); // the native buffer may be reused
          emitted += copy.length;
          ctx.emit(copy, [copy.buffer]);
        };
        const audio = await tts.generateAsync({
          text,
          sid,
          speed,
          enableExternalBuffer: false,
          onProgress: (info) => {
            if (ctx.signal.aborted) return 0;
            if (info.samples.length > 0) emit(info.samples);
            return 1;
          },
        });
        if (!ctx.signal.aborted && audio.samples.length > emitted) emit(audio.samples.subarray(emitted));
        return { sampleRate: tts.sampleRate, samples: emitted, waitedMs };
      } finally {
        done();
      }
    },
  };
};
