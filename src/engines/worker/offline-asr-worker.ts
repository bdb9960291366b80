import { getPriority, setPriority } from "node:os";
import type { CallContext, WorkerEngine } from "./engine-api.js";
import { UnknownOperationError } from "./engine-api.js";
import { loadSherpa } from "./sherpa.js";

export interface OfflineAsrWorkerConfig {
  /** sherpa-onnx OfflineRecognizerConfig (a Whisper model's `language` is changed per request, see run). */
  sherpa: Record<string, unknown>;
  sampleRate: number;
}

/**
 * Batch work yields the CPU to live calls: on Linux a thread has its own nice
 * value, so lowering this worker thread's (before the model starts its own
 * threads, which inherit it) lets the kernel run live ASR, TTS, VAD and the
 * LLM first whenever they want a core, and voicemail takes what is left.
 */
const BATCH_NICE = 10;

/** Whole-recording recognition (voicemail). */
export function loadOfflineAsr(raw: unknown): WorkerEngine {
  const config = raw as OfflineAsrWorkerConfig;
  try {
    // Relative to the process: a server an operator already runs at nice 5 gets its batch ASR at 15, not 10.
    setPriority(Math.min(19, getPriority() + BATCH_NICE)); // pid 0: this thread only, on Linux
  } catch {
    // not permitted (some containers): batch ASR then competes on equal terms
  }
  const recognizer = new (loadSherpa().OfflineRecognizer)(config.sherpa);
  const modelConfig = config.sherpa.modelConfig as { whisper?: { language: string } } | undefined;
  let language = modelConfig?.whisper?.language;
  /** Whisper decodes in the language it is set to; sherpa-onnx lets it change between streams (SetConfig). */
  const useLanguage = (wanted: string | undefined) => {
    if (!modelConfig?.whisper || wanted === undefined || wanted === language) return;
    recognizer.setConfig({
      ...config.sherpa,
      modelConfig: { ...modelConfig, whisper: { ...modelConfig.whisper, language: wanted } },
    });
    language = wanted;
  };
  return {
    sampleRate: config.sampleRate,
    async run(op: string, args: unknown, ctx: CallContext) {
      if (op !== "transcribe") throw new UnknownOperationError(op);
      const {
        samples,
        sampleRate,
        language: wanted,
      } = args as {
        samples: Float32Array;
        sampleRate: number;
        language?: string;
      };
      useLanguage(wanted);
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
