import type { CallContext, WorkerEngineLoader } from "./engine-api.js";
import { UnknownOperationError } from "./engine-api.js";
import { loadSherpa } from "./sherpa.js";
import { StreamBatcher } from "./stream-batcher.js";

export interface OnlineAsrWorkerConfig {
  /** sherpa-onnx OnlineRecognizerConfig. */
  sherpa: Record<string, unknown>;
  sampleRate: number;
}

/**
 * Streaming recognition: one recognizer per model, one stream per call, all
 * streams decoded together in batches (stream-batcher.ts), endpoint rules
 * from config. A finalize (the caller's turn is over) pads the stream with
 * silence, so the last word comes out now rather than with the next chunk of
 * audio, and ends the utterance there.
 */
export const loadOnlineAsr: WorkerEngineLoader = (raw, stats) => {
  const config = raw as OnlineAsrWorkerConfig;
  const recognizer = new (loadSherpa().OnlineRecognizer)(config.sherpa);
  const batcher = new StreamBatcher(recognizer, stats);
  return {
    sampleRate: config.sampleRate,
    async run(op: string, _args: unknown, ctx: CallContext) {
      if (op !== "stream") throw new UnknownOperationError(op);
      let last = "";
      const entry = batcher.open(() => {
        if (ctx.signal.aborted) return;
        const text = recognizer.getResult(entry.stream).text.trim();
        if (text !== last && text) ctx.emit({ type: "partial", text, audioMs: entry.audioMs });
        last = text;
        const finalized = entry.finalized;
        entry.finalized = false;
        if (finalized || recognizer.isEndpoint(entry.stream)) {
          if (text) ctx.emit({ type: "final", text, audioMs: entry.audioMs });
          ctx.emit({ type: "endpoint", audioMs: entry.audioMs });
          recognizer.reset(entry.stream);
          last = "";
        }
      });
      try {
        for await (const chunk of ctx.input) {
          const data = chunk.data as { samples: Float32Array; sampleRate: number } | { finalize: true };
          if ("finalize" in data) entry.finalize(chunk.at);
          else entry.accept(data.samples, data.sampleRate, chunk.at);
        }
      } finally {
        batcher.close(entry);
      }
      if (ctx.signal.aborted) return null;
      // The end of the call's audio: what is still queued is decoded at once, outside the batches.
      while (entry.queue.length > 0) {
        entry.feedNext();
        while (recognizer.isReady(entry.stream)) recognizer.decode(entry.stream);
        entry.onDecoded();
      }
      entry.stream.inputFinished();
      while (recognizer.isReady(entry.stream)) recognizer.decode(entry.stream);
      const text = recognizer.getResult(entry.stream).text.trim();
      if (text) ctx.emit({ type: "final", text, audioMs: entry.audioMs });
      ctx.emit({ type: "endpoint", audioMs: entry.audioMs });
      return null;
    },
  };
};
