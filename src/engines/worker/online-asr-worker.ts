import type { CallContext, WorkerEngine } from "./engine-api.js";
import { UnknownOperationError } from "./engine-api.js";
import { loadSherpa } from "./sherpa.js";

export interface OnlineAsrWorkerConfig {
  /** sherpa-onnx OnlineRecognizerConfig. */
  sherpa: Record<string, unknown>;
  sampleRate: number;
}

/** Streaming recognition: one recognizer per model, one stream per session, endpoint rules from config. */
export function loadOnlineAsr(raw: unknown): WorkerEngine {
  const config = raw as OnlineAsrWorkerConfig;
  const recognizer = new (loadSherpa().OnlineRecognizer)(config.sherpa);
  return {
    sampleRate: config.sampleRate,
    async run(op: string, _args: unknown, ctx: CallContext) {
      if (op !== "stream") throw new UnknownOperationError(op);
      const stream = recognizer.createStream();
      let audioMs = 0;
      let last = "";
      const decode = () => {
        while (recognizer.isReady(stream)) recognizer.decode(stream);
        const text = recognizer.getResult(stream).text.trim();
        if (text !== last && text) ctx.emit({ type: "partial", text, audioMs });
        last = text;
        if (recognizer.isEndpoint(stream)) {
          if (text) ctx.emit({ type: "final", text, audioMs });
          ctx.emit({ type: "endpoint", audioMs });
          recognizer.reset(stream);
          last = "";
        }
      };
      for await (const chunk of ctx.input) {
        const { samples, sampleRate } = chunk as { samples: Float32Array; sampleRate: number };
        stream.acceptWaveform({ samples, sampleRate });
        audioMs += (samples.length * 1000) / sampleRate;
        decode();
      }
      if (ctx.signal.aborted) return null;
      stream.inputFinished();
      while (recognizer.isReady(stream)) recognizer.decode(stream);
      const text = recognizer.getResult(stream).text.trim();
      if (text) ctx.emit({ type: "final", text, audioMs });
      ctx.emit({ type: "endpoint", audioMs });
      return null;
    },
  };
}
