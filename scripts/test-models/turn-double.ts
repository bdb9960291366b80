/**
 * The load double of Smart Turn v3.2 (CPU, int8): the tiny rule's verdict
 * (turn-rule.ts) plus the real network's compute, joined through a
 * data-dependent zero (onnx-load.ts), so it decides exactly as `tiny-turn`
 * while costing what Smart Turn costs.
 *
 * The network (pipecat-ai/smart-turn `train.py`, SmartTurnV3Model on
 * openai/whisper-tiny with max_source_positions = 400; HF WhisperEncoder):
 *  - conv1 80->384, k3, pad 1, GELU over 800 frames; conv2 384->384, k3,
 *    stride 2, GELU -> 400 positions; + sinusoidal positions [400, 384];
 *  - 4 pre-norm layers: LayerNorm, self-attention (q, k, v, out 384x384,
 *    6 heads of 64, no k bias, q scaled by 1/8), residual; LayerNorm, MLP
 *    384->1536 GELU ->384, residual; a final LayerNorm;
 *  - attention pooling: Linear 384->256, tanh, Linear 256->1, softmax over
 *    the 400 positions, weighted sum;
 *  - classifier: Linear 384->256, LayerNorm, GELU, Linear 256->64, GELU,
 *    Linear 64->1, sigmoid.
 * About 3.6 G multiply-accumulates per call (conv 0.25 G, 4 layers 0.83 G
 * each), int8 as the CPU file is quantized (qdq-layers.ts), 7.7 M weights.
 */
import { z } from "zod";
import type { GeneratedFile } from "./generated-file.js";
import { GraphBuilder } from "./onnx-graph.js";
import { addThroughZero } from "./onnx-load.js";
import { attr } from "./onnx-writer.js";
import { QdqLayers } from "./qdq-layers.js";
import { smartTurnSlot, TURN_FRAMES, TURN_MELS, TURN_OPSET, turnRuleArgs, turnRuleProbability } from "./turn-rule.js";

export const turnDoubleArgs = z
  .object({
    standIn: z.enum(["smart-turn-v3.2-cpu"]),
    /** The same rule as tiny-turn's (its default: 1,500 ms of speech). */
    minVoicedMs: turnRuleArgs.shape.minVoicedMs,
  })
  .strict();
export type TurnDoubleArgs = z.infer<typeof turnDoubleArgs>;

/** Whisper tiny's encoder with Smart Turn's 400 positions (8 s). */
const WIDTH = 384;
const HEADS = 6;
const HEAD = WIDTH / HEADS;
const LAYERS = 4;
const MLP = 4 * WIDTH;
const POSITIONS = TURN_FRAMES / 2;
/** Static activation ranges (the calibration's role): normalised activations, attention scores, MLP hidden. */
const RANGE = 6;
const SCORE_RANGE = 8;

export function buildTurnDouble(args: TurnDoubleArgs): GeneratedFile[] {
  const g = new GraphBuilder("smart_turn_double");
  const features = smartTurnSlot(g);
  const q = new QdqLayers(g, args.standIn);
  const extra = smartTurnNetwork(g, q, features);
  addThroughZero(g, turnRuleProbability(g, features, { minVoicedMs: args.minVoicedMs }), features, extra, "logits");
  const metadata = {
    comment: `Parley load double of ${args.standIn}: its encoder and head, random int8 weights, and tiny-turn's verdict`,
  };
  return [{ name: "model.onnx", data: g.toBytes("parley/scripts/test-models", metadata, TURN_OPSET) }];
}

/** The network's sigmoid output [batch, 1]. */
function smartTurnNetwork(g: GraphBuilder, q: QdqLayers, features: string): string {
  const gelu = (x: string) =>
    g.op("Mul", [
      g.op("Mul", [x, g.float([], [0.5])]),
      g.op("Add", [g.op("Erf", [g.op("Div", [x, g.float([], [Math.SQRT2])])]), g.float([], [1])]),
    ]);
  const norm = (x: string, width: number) =>
    g.op(
      "LayerNormalization",
      [
        x,
        g.float([width], new Array<number>(width).fill(1), "ln_scale"),
        g.float(
          [width],
          Array.from({ length: width }, () => q.small()),
          "ln_bias",
        ),
      ],
      { axis: attr.int(-1), epsilon: attr.float(1e-5) },
    );
  const featureScale = 4 / 255;

  // Features lie in about [-1.5, 2.5]: uint8 at 4/255 with zero point 96.
  let x = q.conv1d(q.quantized(features, featureScale, 96), {
    cin: TURN_MELS,
    cout: WIDTH,
    kernel: 3,
    stride: 1,
    inScale: featureScale,
    outRange: RANGE,
  });
  x = q.activation(gelu(x), RANGE);
  x = q.conv1d(x, { cin: WIDTH, cout: WIDTH, kernel: 3, stride: 2, inScale: (2 * RANGE) / 255, outRange: RANGE });
  x = g.op("Transpose", [gelu(x)], { perm: attr.ints([0, 2, 1]) }); // [batch, 400, 384]
  let h = g.op("Add", [x, g.float([POSITIONS, WIDTH], sinusoids(POSITIONS, WIDTH), "positions")]);

  const heads = (t: string, perm: number[]) =>
    g.op("Transpose", [g.op("Reshape", [t, g.int64([4], [0, POSITIONS, HEADS, HEAD])])], { perm: attr.ints(perm) });
  for (let layer = 0; layer < LAYERS; layer++) {
    const a = q.activation(norm(h, WIDTH), RANGE);
    const query = q.activation(
      g.op("Mul", [q.matmul(a, WIDTH, WIDTH, { outRange: RANGE }), g.float([], [1 / Math.sqrt(HEAD)])]),
      RANGE,
    );
    const key = q.matmul(a, WIDTH, WIDTH, { outRange: RANGE, bias: false });
    const value = q.matmul(a, WIDTH, WIDTH, { outRange: RANGE });
    const scores = q.matmulActivations(
      heads(query, [0, 2, 1, 3]),
      q.activation(heads(key, [0, 2, 3, 1]), RANGE),
      SCORE_RANGE,
    ); // [b, 6, 400, 400]
    const weights = q.unit(g.op("Softmax", [scores], { axis: attr.int(-1) }));
    const mixed = q.matmulActivations(weights, q.activation(heads(value, [0, 2, 1, 3]), RANGE), RANGE); // [b, 6, 400, 64]
    const merged = g.op("Reshape", [
      g.op("Transpose", [mixed], { perm: attr.ints([0, 2, 1, 3]) }),
      g.int64([3], [0, POSITIONS, WIDTH]),
    ]);
    h = g.op("Add", [h, q.matmul(q.activation(merged, RANGE), WIDTH, WIDTH, { outRange: RANGE })]);
    const m = q.activation(norm(h, WIDTH), RANGE);
    const hidden = q.activation(gelu(q.matmul(m, WIDTH, MLP, { outRange: RANGE })), RANGE);
    h = g.op("Add", [h, q.matmul(hidden, MLP, WIDTH, { outRange: RANGE })]);
  }
  const encoded = q.activation(norm(h, WIDTH), RANGE);

  // Attention pooling over the 400 positions, then the classifier.
  const score = q.matmul(q.activation(g.op("Tanh", [q.matmul(encoded, WIDTH, 256, { outRange: RANGE })]), 1), 256, 1, {
    outRange: RANGE,
  });
  const pool = g.op("Softmax", [score], { axis: attr.int(1) }); // [batch, 400, 1]
  const pooled = q.activation(
    g.op("ReduceSum", [g.op("Mul", [encoded, pool]), g.int64([1], [1])], { keepdims: attr.int(0) }),
    RANGE,
  ); // [batch, 384]
  let c = q.activation(gelu(norm(q.matmul(pooled, WIDTH, 256, { outRange: RANGE }), 256)), RANGE);
  c = q.activation(gelu(q.matmul(c, 256, 64, { outRange: RANGE })), RANGE);
  return g.op("Sigmoid", [q.matmul(c, 64, 1, { outRange: RANGE })]); // [batch, 1]
}

/** Whisper's sinusoidal position table (timescales up to 10,000), [positions, width] row-major. */
function sinusoids(positions: number, width: number): number[] {
  const half = width / 2;
  const increment = Math.log(10000) / (half - 1);
  const out: number[] = [];
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) out.push(Math.sin(p * Math.exp(-increment * i)));
    for (let i = 0; i < half; i++) out.push(Math.cos(p * Math.exp(-increment * i)));
  }
  return out;
}
