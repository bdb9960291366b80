/**
 * A scripted offline recogniser in sherpa-onnx's zipformer-CTC slot
 * (`OfflineRecognizer`, `modelConfig.zipformerCtc`), the batch twin of
 * tone-asr-streaming: the audio is cut into 300 ms chunks from its first
 * sample, as the T-one stream cuts it, and every chunk whose mean |sample| is
 * above LOUD_MEAN_ABS emits the next script word. The model only sees 80-dim
 * log-mel frames, so it estimates each frame's mean |sample| from their total
 * energy (fbank-calibration.ts) and averages 30 frames per chunk. Same audio,
 * same words, except for chunks right at the threshold.
 *
 * The zipformer-CTC contract (sherpa-onnx/csrc/offline-zipformer-ctc-model.cc,
 * offline-recognizer-ctc-impl.h): no metadata is required;
 *   inputs   features float [N, T, 80], features_length int64 [N]
 *   outputs  log_probs float [N, T', V] (V must be static: sherpa reads the
 *            vocabulary size from this shape), log_probs_length int64 [N]
 *   greedy CTC over log_probs; sherpa assumes subsampling 4 (40 ms per output
 *   frame) for timestamps, so we emit T' = ceil(T / 4) frames and put each
 *   word on the first output frame of its chunk.
 *
 * Engine config (sherpa-onnx-node 1.13.x):
 *   new OfflineRecognizer({
 *     featConfig: { sampleRate: 16000, featureDim: 80 },  // the calibration assumes these sherpa defaults
 *     modelConfig: { zipformerCtc: { model: "model.onnx" }, tokens: "tokens.txt", numThreads: 1, provider: "cpu" },
 *     decodingMethod: "greedy_search" })
 * No modelType is needed: a non-empty zipformerCtc.model selects the slot.
 * Input at other rates (8 kHz) is resampled to 16 kHz by sherpa.
 */
import type { z } from "zod";
import { buildCtcScript, CHUNK_MS, LOUD_MEAN_ABS, NOT_CHOSEN, tokensTxt, wordsArgs } from "./ctc-script.js";
import { FBANK, meanAbsLogOffset, preemphasisLogGains } from "./fbank-calibration.js";
import type { GeneratedFile } from "./generated-file.js";
import { GraphBuilder } from "./onnx-graph.js";
import { padOutput, type LoadPad } from "./onnx-stages.js";
import { attr, DataType } from "./onnx-writer.js";
import { TINY_DEFAULTS } from "./tiny-defaults.js";

export const toneAsrBatchArgs = wordsArgs;
export type ToneAsrBatchArgs = z.infer<typeof toneAsrBatchArgs>;

const FRAMES_PER_CHUNK = CHUNK_MS / FBANK.frameShiftMs; // 30
const SUBSAMPLING = 4;

/** Builds model.onnx and tokens.txt for the given script; with `pad`, the load double (same output, the real model's compute). */
export function buildToneAsrBatch(args: ToneAsrBatchArgs, pad?: LoadPad): GeneratedFile[] {
  const words = args.words ?? TINY_DEFAULTS.batchAsrWords;
  const script = buildCtcScript(words);
  const vocab = script.tokens.length;
  const g = new GraphBuilder("scripted_batch_ctc");

  const features = g.input("features", DataType.FLOAT, ["N", "T", FBANK.bins]);
  const lengths = g.input("features_length", DataType.INT64, ["N"]);
  g.output("log_probs", DataType.FLOAT, ["N", "T_out", vocab]);
  g.output("log_probs_length", DataType.INT64, ["N"]);

  // Per frame: mean |sample| estimate = exp(0.5 · log Σ_bins energy / preemphasis gain + c).
  const flattened = g.op("Sub", [features, g.float([FBANK.bins], preemphasisLogGains(), "preemphasis_log_gain")]);
  const logPower = g.op("ReduceLogSumExp", [flattened], { axes: attr.ints([2]), keepdims: attr.int(0) }); // [N,T]
  const frameMeanAbs = g.op("Exp", [
    g.op("Add", [g.op("Mul", [logPower, g.float([], [0.5])]), g.float([], [meanAbsLogOffset()], "mean_abs_offset")]),
  ]);

  // Per 300 ms chunk: average of its frames (a short last chunk averages what it has).
  const pooled = g.op("AveragePool", [g.op("Unsqueeze", [frameMeanAbs, g.int64([1], [1])])], {
    kernel_shape: attr.ints([FRAMES_PER_CHUNK]),
    strides: attr.ints([FRAMES_PER_CHUNK]),
    ceil_mode: attr.int(1),
  }); // [N,1,C]
  const loud = g.op(
    "Cast",
    [g.op("Greater", [g.op("Squeeze", [pooled, g.int64([1], [1])]), g.float([], [LOUD_MEAN_ABS], "loud_mean_abs")])],
    {
      to: attr.int(DataType.FLOAT),
    },
  ); // [N,C]

  // The k-th loud chunk says word k; past the end of the script, blank (id 0).
  const spoken = g.op("CumSum", [loud, g.int64([], [1])]);
  const position = g.op("Min", [
    g.op("Max", [g.op("Sub", [spoken, g.float([], [1])]), g.float([], [0])]),
    g.float([], [script.wordIds.length]),
  ]);
  const wordTable = g.float([script.wordIds.length + 1], [...script.wordIds, 0], "word_ids");
  const chunkToken = g.op("Mul", [
    loud,
    g.op("Gather", [wordTable, g.op("Cast", [position], { to: attr.int(DataType.INT64) })], { axis: attr.int(0) }),
  ]); // [N,C]

  // Output frame j (40 ms) belongs to chunk floor(4j / 30); the word goes on a chunk's first output frame.
  const frames = g.op("Gather", [g.op("Shape", [features]), g.int64([], [1])]);
  const four = g.int64([], [SUBSAMPLING]);
  const perChunk = g.int64([], [FRAMES_PER_CHUNK]);
  const outFrames = g.op("Div", [g.op("Add", [frames, g.int64([], [SUBSAMPLING - 1])]), four]);
  const j4 = g.op("Mul", [g.op("Range", [g.int64([], [0]), outFrames, g.int64([], [1])]), four]);
  const chunkOfFrame = g.op("Div", [j4, perChunk]);
  // floor((4j - 4) / 30) computed as floor((4j + 26) / 30) - 1 so integer division never sees a negative number.
  const chunkOfPrevious = g.op("Sub", [
    g.op("Div", [g.op("Add", [j4, g.int64([], [FRAMES_PER_CHUNK - SUBSAMPLING])]), perChunk]),
    g.int64([], [1]),
  ]);
  const startsChunk = g.op("Cast", [g.op("Not", [g.op("Equal", [chunkOfFrame, chunkOfPrevious])])], {
    to: attr.int(DataType.FLOAT),
  });
  const frameToken = g.op("Mul", [g.op("Gather", [chunkToken, chunkOfFrame], { axis: attr.int(1) }), startsChunk]); // [N,T_out]

  // One-hot log-probs: 0 for the chosen token, NOT_CHOSEN elsewhere.
  const ids = g.float(
    [vocab],
    Array.from({ length: vocab }, (_, v) => v),
    "token_ids",
  );
  const chosen = g.op("Equal", [g.op("Unsqueeze", [frameToken, g.int64([1], [2])]), ids]);
  if (!pad) g.op("Where", [chosen, g.float([], [0]), g.float([], [NOT_CHOSEN])], {}, "log_probs");
  else {
    // Whisper encodes whole 30 s windows (3,000 frames of 10 ms) and decodes tokens per second of audio.
    const windows = g.op("Div", [g.op("Add", [frames, g.int64([], [2999])]), g.int64([], [3000])]);
    const seconds = g.op("Div", [g.op("Cast", [frames], { to: attr.int(DataType.FLOAT) }), g.float([], [100])]);
    const scripted = g.op("Where", [chosen, g.float([], [0]), g.float([], [NOT_CHOSEN])]);
    padOutput(g, pad, { window: windows, second: seconds }, features, scripted, "log_probs");
  }
  g.op("Div", [g.op("Add", [lengths, g.int64([], [SUBSAMPLING - 1])]), four], {}, "log_probs_length");

  const metadata = { comment: "Parley scripted test double: one script word per loud 300 ms chunk" };
  return [
    { name: "model.onnx", data: g.toBytes("parley/scripts/test-models", metadata) },
    { name: "tokens.txt", data: tokensTxt(script.tokens) },
  ];
}
