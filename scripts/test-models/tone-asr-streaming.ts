/**
 * A scripted streaming recogniser in sherpa-onnx's T-one CTC slot
 * (`OnlineRecognizer`, `modelConfig.toneCtc`). It is a deterministic test
 * double, not a recogniser: every 300 ms chunk whose mean |sample| is above
 * LOUD_MEAN_ABS emits the next word of the script; quiet chunks emit only
 * blanks, so sherpa's trailing-silence endpointing works as with real speech.
 *
 * The T-one contract (sherpa-onnx/csrc/online-t-one-ctc-model.cc):
 *   inputs   signal int32 [N, 2400, 1]  300 ms at 8 kHz, scaled to int16 range by sherpa
 *            state  float16 [N, D]      D = metadata state_dim, zeros at stream start
 *   outputs  logprobs float [N, 10, V]  10 output frames per chunk, V read from this shape
 *            next_state float16 [N, D]
 *   metadata frame_length_ms, state_dim, sample_rate
 * We keep the number of words emitted so far in state[:, 0].
 *
 * Engine config (sherpa-onnx-node 1.13.x):
 *   new OnlineRecognizer({
 *     featConfig: { sampleRate: 16000, featureDim: 80 },   // ignored by T-one; it resamples to 8 kHz itself
 *     modelConfig: { toneCtc: { model: "model.onnx" }, tokens: "tokens.txt", numThreads: 1, provider: "cpu" },
 *     decodingMethod: "greedy_search", enableEndpoint: true, ... })
 * Decoding runs one chunk behind the audio (sherpa waits for a second chunk).
 * Endpointing: sherpa counts each T-one chunk as one 10 ms frame, so the
 * utterance never "contains speech" for rule 2 (or reaches rule 3's length);
 * endpoints come from rule 1, where each silent chunk adds 10 blank frames
 * read as 0.4 s of trailing silence (rule1MinTrailingSilence 1.2 ends an
 * utterance about 1.5 s after its last loud chunk).
 * sherpa re-initialises the model state on `reset()`, so after an endpoint the
 * script starts again from its first word.
 */
import type { z } from "zod";
import { buildCtcScript, CHUNK_MS, LOUD_MEAN_ABS, NOT_CHOSEN, tokensTxt, wordsArgs } from "./ctc-script.js";
import { GraphBuilder } from "./onnx-graph.js";
import { padOutput, type LoadPad } from "./onnx-stages.js";
import { attr, DataType } from "./onnx-writer.js";
import type { GeneratedFile } from "./generated-file.js";
import { TINY_DEFAULTS } from "./tiny-defaults.js";

export const toneAsrStreamingArgs = wordsArgs;
export type ToneAsrStreamingArgs = z.infer<typeof toneAsrStreamingArgs>;

const SAMPLE_RATE = 8000;
const CHUNK_SAMPLES = (SAMPLE_RATE * CHUNK_MS) / 1000;
const FRAMES_PER_CHUNK = 10;
/** T-one's real state is large; ours needs one slot, the rest are carried unchanged. */
const STATE_DIM = 8;

/** Builds model.onnx and tokens.txt for the given script; with `pad`, the load double (same output, the real model's compute). */
export function buildToneAsrStreaming(args: ToneAsrStreamingArgs, pad?: LoadPad): GeneratedFile[] {
  const words = args.words ?? TINY_DEFAULTS.streamingAsrWords;
  const script = buildCtcScript(words);
  const vocab = script.tokens.length;
  const g = new GraphBuilder("scripted_tone_ctc");

  const signal = g.input("signal", DataType.INT32, ["N", CHUNK_SAMPLES, 1]);
  const state = g.input("state", DataType.FLOAT16, ["N", STATE_DIM]);
  g.output("logprobs", DataType.FLOAT, ["N", FRAMES_PER_CHUNK, vocab]);
  g.output("next_state", DataType.FLOAT16, ["N", STATE_DIM]);

  // Is this chunk speech? Mean |sample| over the 300 ms.
  const magnitude = g.op("Abs", [g.op("Cast", [signal], { to: attr.int(DataType.FLOAT) })]);
  const energy = g.op("ReduceMean", [magnitude], { axes: attr.ints([1, 2]), keepdims: attr.int(1) }); // [N,1,1]
  const loud = g.op("Cast", [g.op("Greater", [energy, g.float([], [LOUD_MEAN_ABS], "loud_mean_abs")])], {
    to: attr.int(DataType.FLOAT),
  });

  // Row `k` of the table is the log-probs that emit word k; the last row (script done) emits blank.
  const rows: number[] = [];
  const rowFor = (tokenId: number): number[] =>
    Array.from({ length: vocab }, (_, v) => (v === tokenId ? 0 : NOT_CHOSEN));
  for (const id of script.wordIds) rows.push(...rowFor(id));
  rows.push(...rowFor(0));
  const table = g.float([script.wordIds.length + 1, vocab], rows, "script_table");
  const blank = g.float([1, 1, vocab], rowFor(0), "blank_row");

  const stateF = g.op("Cast", [state], { to: attr.int(DataType.FLOAT) });
  const one = g.int64([1], [1]);
  const emitted = g.op("Slice", [stateF, g.int64([1], [0]), one, one]); // [N,1]
  const position = g.op("Min", [emitted, g.float([], [script.wordIds.length], "script_end")]);
  const row = g.op("Gather", [table, g.op("Cast", [position], { to: attr.int(DataType.INT64) })], {
    axis: attr.int(0),
  }); // [N,1,V]

  // The word goes on the chunk's first output frame; all other frames are blank.
  const firstFrame = g.float(
    [1, FRAMES_PER_CHUNK, 1],
    Array.from({ length: FRAMES_PER_CHUNK }, (_, i) => (i === 0 ? 1 : 0)),
    "first_frame",
  );
  const emit = g.op("Mul", [loud, firstFrame]); // [N,10,1]
  const wordPart = g.op("Mul", [emit, row]);
  const blankPart = g.op("Mul", [g.op("Sub", [g.float([], [1]), emit]), blank]);
  if (!pad) g.op("Add", [wordPart, blankPart], {}, "logprobs");
  else {
    const chunks = g.op("Slice", [g.op("Shape", [signal]), g.int64([1], [0]), g.int64([1], [1])]); // N chunks per call
    padOutput(g, pad, { chunk: chunks }, magnitude, g.op("Add", [wordPart, blankPart]), "logprobs");
  }

  // next_state = [emitted + loud, state[:, 1:]]
  const advanced = g.op("Add", [emitted, g.op("Squeeze", [loud, g.int64([1], [2])])]);
  const rest = g.op("Slice", [stateF, one, g.int64([1], [STATE_DIM]), one]);
  g.op(
    "Cast",
    [g.op("Concat", [advanced, rest], { axis: attr.int(1) })],
    { to: attr.int(DataType.FLOAT16) },
    "next_state",
  );

  const metadata = {
    frame_length_ms: String(CHUNK_MS),
    state_dim: String(STATE_DIM),
    sample_rate: String(SAMPLE_RATE),
    comment: "Parley scripted test double: one script word per loud 300 ms chunk",
  };
  return [
    { name: "model.onnx", data: g.toBytes("parley/scripts/test-models", metadata) },
    { name: "tokens.txt", data: tokensTxt(script.tokens) },
  ];
}
