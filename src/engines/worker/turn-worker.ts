import { createRequire } from "node:module";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { resample } from "../../audio/resample.js";
import { SMART_TURN_INPUT, SMART_TURN_RATE, SMART_TURN_SHAPE, SmartTurnFeatures } from "./smart-turn-input.js";
import type { CallContext, WorkerEngineLoader } from "./engine-api.js";
import { UnknownOperationError } from "./engine-api.js";
import { epochNow } from "./live-stats.js";

export interface TurnWorkerConfig {
  /** The .onnx file. */
  model: string;
  /** onnxruntime intra-op threads. */
  threads: number;
}

/** What the host sends per prediction: the turn's audio and when it sent it (epoch ms, for the queueing figure). */
export interface TurnPredictArgs {
  samples: Float32Array;
  sampleRate: number;
  at: number;
}

export interface TurnPredictResult {
  probability: number;
  modelMs: number;
}

interface OrtModule {
  InferenceSession: { create(path: string, options: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => Tensor;
}

/**
 * Smart Turn on onnxruntime-node, in a worker thread: onnxruntime-node's
 * `session.run` runs the graph synchronously on the calling thread (it only
 * defers the start with setImmediate), so on the main thread every
 * prediction would stall the event loop and RTP pacing with it.
 */
export const loadTurn: WorkerEngineLoader = async (raw, stats) => {
  const config = raw as TurnWorkerConfig;
  // Loaded here, not at the top: every engine worker shares entry.ts, and only this one needs onnxruntime.
  const ort = createRequire(import.meta.url)("onnxruntime-node") as OrtModule;
  const session = await ort.InferenceSession.create(config.model, {
    executionProviders: ["cpu"],
    intraOpNumThreads: config.threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const output = checkContract(session);
  const features = new SmartTurnFeatures();
  return {
    sampleRate: SMART_TURN_RATE,
    async run(op: string, args: unknown, ctx: CallContext): Promise<TurnPredictResult | null> {
      if (op !== "predict") throw new UnknownOperationError(op);
      const { samples, sampleRate, at } = args as TurnPredictArgs;
      stats.sample(epochNow() - at);
      const started = performance.now();
      const audio = sampleRate === SMART_TURN_RATE ? samples : resample(samples, sampleRate, SMART_TURN_RATE);
      const input = new ort.Tensor("float32", features.compute(audio), [1, ...SMART_TURN_SHAPE]);
      if (ctx.signal.aborted) return null;
      const result = await session.run({ [SMART_TURN_INPUT]: input });
      const probability = Number((result[output]?.data as Float32Array | undefined)?.[0]);
      if (!Number.isFinite(probability)) throw new Error(`the model's output '${output}' is not a number`);
      return { probability, modelMs: performance.now() - started };
    },
  };
};

/**
 * The file must take `input_features` [batch, 80, 800] float32 and give one
 * float per batch item; a different model in the turn slot fails at load
 * with what it has instead. Returns the output's name.
 */
function checkContract(session: InferenceSession): string {
  const input = session.inputMetadata.find((m) => m.name === SMART_TURN_INPUT);
  const have = session.inputMetadata
    .map((m) => (m.isTensor ? `${m.name} ${m.type} [${m.shape.join(", ")}]` : m.name))
    .join("; ");
  if (!input || !input.isTensor || input.type !== "float32") {
    throw new Error(
      `not a Smart Turn model: it needs a float32 input '${SMART_TURN_INPUT}' [batch, 80, 800]; it has ${have || "no inputs"}`,
    );
  }
  const [, mels, frames] = input.shape;
  if (input.shape.length !== 3 || mels !== SMART_TURN_SHAPE[0] || frames !== SMART_TURN_SHAPE[1]) {
    throw new Error(
      `not a Smart Turn model: '${SMART_TURN_INPUT}' must be [batch, 80, 800]; it is [${input.shape.join(", ")}]`,
    );
  }
  if (session.inputNames.length !== 1)
    throw new Error(
      `not a Smart Turn model: it takes ${session.inputNames.length} inputs (${have}); Smart Turn takes one`,
    );
  const output = session.outputMetadata[0];
  if (!output || !output.isTensor || output.type !== "float32")
    throw new Error("not a Smart Turn model: its first output must be a float32 tensor (P(complete))");
  return output.name;
}
