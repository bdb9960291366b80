import type { CallContext, WorkerEngine } from "./engine-api.js";
import { UnknownOperationError } from "./engine-api.js";
import { loadSherpa } from "./sherpa.js";

export interface TtsWorkerConfig {
  /** sherpa-onnx OfflineTtsConfig. */
  sherpa: Record<string, unknown>;
}

/**
 * Synthesises one sentence per call. Chunks are emitted as the model makes
 * them (models that stream call onProgress several times); a cancelled call
 * tells the model to stop at its next progress callback.
 */
export function loadTts(raw: unknown): WorkerEngine {
  const config = raw as TtsWorkerConfig;
  const tts = new (loadSherpa().OfflineTts)(config.sherpa);
  return {
    sampleRate: tts.sampleRate,
    async run(op: string, args: unknown, ctx: CallContext) {
      if (op !== "synthesize") throw new UnknownOperationError(op);
      const { text, sid, speed } = args as { text: string; sid: number; speed: number };
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
      return { sampleRate: tts.sampleRate, samples: emitted };
    },
  };
}
