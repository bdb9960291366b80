/**
 * The `tiny` turn model: an ONNX graph in Smart Turn's slot whose verdict is
 * a simple rule on the same log-mel features the real model reads:
 *
 *   a caller who has spoken at least `minVoicedMs` (default 1,500 ms) within
 *   the 8 s window has finished; less is a pause.
 *
 * A 10 ms frame is voiced when its loudest mel band (the two lowest, which
 * carry the DC of the normalised zero padding, left out) is within 40 dB of
 * the window's loudest frame and above its quietest one by more than 10 dB
 * (a window of silence has no voiced frame). Probability:
 * sigmoid((voiced frames - minVoicedMs / 10) / 10), so each 100 ms of speech
 * moves it by a factor e; above 0.5 is complete.
 *
 * Not a turn model: it knows nothing of words or prosody. It makes the turn
 * engine, the end-of-turn rule and `parley bench turns` run end to end with
 * both verdicts reachable, in tests and CI.
 *
 * Smart Turn's contract (pipecat-ai/smart-turn train.py, export):
 *   input   input_features float [batch, 80, 800] (Whisper log-mel, 8 s)
 *   output  logits float [batch, 1]: P(complete), after a sigmoid
 */
import { z } from "zod";
import type { GeneratedFile } from "./generated-file.js";
import { GraphBuilder } from "./onnx-graph.js";
import { attr, DataType } from "./onnx-writer.js";

export const turnRuleArgs = z
  .object({
    /** Speech in the window, in ms, from which the caller counts as finished. */
    minVoicedMs: z.number().int().min(10).max(8000).default(1500),
  })
  .strict();
export type TurnRuleArgs = z.infer<typeof turnRuleArgs>;

export const TURN_MELS = 80;
export const TURN_FRAMES = 800;
/** Opset 17: LayerNormalization (the load double's encoder) with ReduceMax/ReduceMean still taking axes as attributes. */
export const TURN_OPSET = 17;
/** Feature units are log10(power) / 4: 1.0 is 40 dB, 0.25 is 10 dB. */
const VOICED_BELOW_PEAK = 1.0;
const VOICED_ABOVE_QUIETEST = 0.25;
const FIRST_BAND = 2;
const FRAMES_PER_E = 10;

/** Declares Smart Turn's input and output on `g`; returns the input's name. */
export function smartTurnSlot(g: GraphBuilder): string {
  const features = g.input("input_features", DataType.FLOAT, ["batch", TURN_MELS, TURN_FRAMES]);
  g.output("logits", DataType.FLOAT, ["batch", 1]);
  return features;
}

/** The rule's P(complete), [batch, 1], from `features` [batch, 80, 800]. */
export function turnRuleProbability(g: GraphBuilder, features: string, args: TurnRuleArgs): string {
  const bands = g.op("Slice", [features, g.int64([1], [FIRST_BAND]), g.int64([1], [TURN_MELS]), g.int64([1], [1])]);
  const level = g.op("ReduceMax", [bands], { axes: attr.ints([1]), keepdims: attr.int(0) }); // [batch, 800]
  const loudest = g.op("ReduceMax", [level], { axes: attr.ints([1]), keepdims: attr.int(1) }); // [batch, 1]
  const quietest = g.op("ReduceMin", [level], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const gate = g.op("Max", [
    g.op("Sub", [loudest, g.float([], [VOICED_BELOW_PEAK])]),
    g.op("Add", [quietest, g.float([], [VOICED_ABOVE_QUIETEST])]),
  ]);
  const voiced = g.op("Cast", [g.op("Greater", [level, gate])], { to: attr.int(DataType.FLOAT) });
  const frames = g.op("ReduceSum", [voiced, g.int64([1], [1])], { keepdims: attr.int(1) }); // [batch, 1]; opset 13+: axes as input
  const margin = g.op("Sub", [frames, g.float([], [args.minVoicedMs / 10], "min_voiced_frames")]);
  return g.op("Sigmoid", [g.op("Div", [margin, g.float([], [FRAMES_PER_E])])]);
}

/** Builds model.onnx. */
export function buildTurnRule(args: TurnRuleArgs): GeneratedFile[] {
  const g = new GraphBuilder("turn_rule");
  const features = smartTurnSlot(g);
  g.op("Identity", [turnRuleProbability(g, features, args)], {}, "logits");
  const metadata = {
    comment: `Parley test double in Smart Turn's slot: complete after ${args.minVoicedMs} ms of speech in the window`,
  };
  return [{ name: "model.onnx", data: g.toBytes("parley/scripts/test-models", metadata, TURN_OPSET) }];
}
