import type { CallContext, WorkerEngine } from "./engine-api.js";
import { UnknownOperationError } from "./engine-api.js";
import { loadSherpa } from "./sherpa.js";

export interface OfflineAsrWorkerConfig {
  /** sherpa-onnx OfflineRecognizerConfig. */
  sherpa: Record<string, unknown>;
  sampleRate: number;
}

/** Whole-recording recognition (voicemail). */
export function loadOfflineAsr(raw: unknown): WorkerEngine {
  const config = raw as OfflineAsrWorkerConfig;
  const recognizer = new (loadSherpa().OfflineRecognizer)(config.sherpa);
  return {
    sampleRate: config.sampleRate,
    async run(op: string, args: unknown, ctx: CallContext) {
      if (op !== "transcribe") throw new UnknownOperationError(op);
      const { samples, sampleRate } = args as { samples: Float32Array; sampleRate: number };
      const stream = recognizer.createStream();
      stream.acceptWaveform({ samples, sampleRate });
      if (ctx.signal.aborted) return null;
      recognizer.decode(stream);
      const r = recognizer.getResult(stream);
      return {
        text: r.text.trim(),
        tokens: (r.tokens ?? []).map((t, i) => ({ text: t, startMs: Math.round((r.timestamps?.[i] ?? 0) * 1000) })),
        durationMs: Math.round((samples.length * 1000) / sampleRate),
        ...(r.lang ? { language: r.lang.replace(/[<|>]/g, "") } : {}),
      };
    },
  };
}
