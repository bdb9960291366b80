/**
 * Cost-only compute for the ONNX load doubles: layers with random weights
 * that ONNX Runtime must run in full, whose result reaches the model's output
 * only through a data-dependent zero, so the scripted output of the tiny twin
 * is unchanged bit for bit.
 *
 * Why ONNX Runtime cannot remove it: every layer starts from a graph input
 * (or a shape computed from one), so constant folding has nothing to fold;
 * and the result reaches the output as Where(max|input| > 1e30, out + r, out):
 * the condition is false for any real audio or token ids, but only at run
 * time, and Where needs both branches computed. The load-double tests measure
 * the cost against the tiny twin to check it is really spent.
 *
 * int8 layers are written as ONNX Runtime's dynamic quantization writes them
 * (DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul by the two scales),
 * so they take the same fused int8 kernels as the real int8 models.
 */
import { GraphBuilder } from "./onnx-graph.js";
import { attr, DataType } from "./onnx-writer.js";
import { seededRandom } from "./ggml-types.js";

/** Appends dense layers to `g`: [rows, k] -> [rows, m], int8 or float32 weights. */
export class ComputePad {
  private readonly random: () => number;

  constructor(
    private readonly g: GraphBuilder,
    seed: string,
    readonly int8: boolean,
    /** The graph that holds the weights (the parent of a Loop body); `g` itself by default. */
    private readonly weights: GraphBuilder = g,
  ) {
    this.random = seededRandom(seed);
  }

  /** One projection, ReLU after it unless `linear`. Weights keep activations of the same scale, so nothing overflows. */
  dense(x: string, k: number, m: number, linear = false): string {
    const y = this.int8 ? this.int8MatMul(x, k, m) : this.g.op("MatMul", [x, this.floatWeight(k, m)]);
    return linear ? y : this.g.op("Relu", [y]);
  }

  /** A chain of projections through `widths` (first = input width). */
  chain(x: string, widths: readonly number[]): string {
    let y = x;
    for (let i = 1; i < widths.length; i++) y = this.dense(y, widths[i - 1]!, widths[i]!);
    return y;
  }

  /**
   * Attention over `ctx` remembered positions: scores q·Kᵀ and the weighted
   * sum of V, as float32 matmuls (both operands are activations in the real
   * model, so dynamically quantized models keep these in float too). The
   * remembered keys and values are constants here: their cost in the real
   * model is the projection of each new frame, counted in the chains.
   */
  scores(q: string, width: number, ctx: number): string {
    const keys = this.floatWeight(width, ctx);
    const values = this.floatWeight(ctx, width);
    const weights = this.g.op("Softmax", [this.g.op("MatMul", [q, keys])], { axis: attr.int(-1) });
    return this.g.op("MatMul", [weights, values]);
  }

  private int8MatMul(x: string, k: number, m: number): string {
    const weights = new Int8Array(k * m);
    for (let i = 0; i < weights.length; i++) weights[i] = (this.random() % 255) - 127;
    const w = this.weights.tensor(DataType.INT8, [k, m], weights, "w8");
    // Uniform int8 has a standard deviation of ~73: this scale keeps each output near its inputs' scale.
    const wScale = this.weights.float([], [1 / (73 * Math.sqrt(k))], "w8_scale");
    const [xq, xScale, xZero] = this.g.ops("DynamicQuantizeLinear", [x], 3) as [string, string, string];
    const product = this.g.op("MatMulInteger", [xq, w, xZero]);
    return this.g.op("Mul", [
      this.g.op("Cast", [product], { to: attr.int(DataType.FLOAT) }),
      this.g.op("Mul", [xScale, wScale]),
    ]);
  }

  private floatWeight(k: number, m: number): string {
    const values = new Float32Array(k * m);
    const scale = Math.sqrt(3 / k); // uniform [-a, a] with variance 1/k
    for (let i = 0; i < values.length; i++) values[i] = ((this.random() / 0xffffffff) * 2 - 1) * scale;
    return this.weights.tensor(DataType.FLOAT, [k, m], values, "w32");
  }
}

/** A [rows, width] float tensor whose row count is `rows` (an int64 [1] tensor) and whose values come from `source` (any float tensor). */
export function rowsFrom(g: GraphBuilder, source: string, rows: string, width: number): string {
  const level = g.op("ReduceMean", [g.op("Abs", [source])], { keepdims: attr.int(0) }); // a scalar from the input
  const row = g.op("Add", [
    g.op("Mul", [
      level,
      g.float(
        [1, width],
        Array.from({ length: width }, (_, i) => ((i % 7) - 3) / 3000),
        "row_pattern",
      ),
    ]),
    g.float([], [0.01]),
  ]);
  return g.op("Expand", [row, g.op("Concat", [rows, g.int64([1], [width])], { axis: attr.int(0) })]);
}

/** Row count `round(units * perUnit)` as an int64 [1] tensor, from an int64 scalar or [1] count of units (frames, characters). */
export function scaledCount(g: GraphBuilder, units: string, perUnit: number, minimum = 1): string {
  const scaled = g.op("Mul", [g.op("Cast", [units], { to: attr.int(DataType.FLOAT) }), g.float([], [perUnit])]);
  const rounded = g.op("Max", [g.op("Round", [scaled]), g.float([], [minimum])]);
  return g.op("Reshape", [g.op("Cast", [rounded], { to: attr.int(DataType.INT64) }), g.int64([1], [1])]);
}

/** A float scalar summarising `x`, bounded so the zero gate never meets inf or NaN. */
export function summary(g: GraphBuilder, x: string): string {
  return g.op("Tanh", [g.op("ReduceMean", [x], { keepdims: attr.int(0) })]);
}

/**
 * Joins `extra` (a scalar) to `output` through a condition only known at run
 * time: Where(max|probe| > 1e30, output + extra, output), with `probe` the
 * model's input. Where computes both branches and, the condition being false
 * for any real input, returns `output` bit for bit (even its -0.0 samples).
 * Writes the result to `out` (the graph output's name).
 */
export function addThroughZero(g: GraphBuilder, output: string, probe: string, extra: string, out: string): string {
  const impossible = g.op("Greater", [
    g.op("ReduceMax", [g.op("Abs", [probe])], { keepdims: attr.int(0) }),
    g.float([], [1e30], "never"),
  ]);
  return g.op("Where", [impossible, g.op("Add", [output, extra]), output], {}, out);
}
