/**
 * Layers written the way onnxruntime's static quantizer writes them in QDQ
 * format (`quantize_static(quant_format=QDQ, activation_type=QUInt8,
 * weight_type=QInt8, per_channel=True)`, Smart Turn's CPU recipe): each
 * Conv and MatMul reads activations through QuantizeLinear/DequantizeLinear
 * (uint8, one static scale per tensor) and weights through
 * DequantizeLinear (int8, one scale per output channel), and its output
 * through another Q/DQ pair; Conv biases are int32 at scale x·w. At load,
 * onnxruntime fuses each group into its integer kernels (QLinearConv,
 * QLinearMatMul) exactly as it does for a quantized export, so the work per
 * call is the real model's. Weights are random (a seeded xorshift), scaled
 * so activations keep their size; the static ranges clamp the rest.
 */
import { seededRandom } from "./ggml-types.js";
import type { GraphBuilder } from "./onnx-graph.js";
import { attr, DataType } from "./onnx-writer.js";

/** Uniform int8 in [-127, 127] has a standard deviation of about 73. */
const INT8_STD = 73.3;

export class QdqLayers {
  private readonly random: () => number;

  constructor(
    private readonly g: GraphBuilder,
    seed: string,
  ) {
    this.random = seededRandom(seed);
  }

  /** An activation after Q/DQ with a static range [-range, range] (uint8, zero point 128). */
  activation(x: string, range: number): string {
    return this.qdq(x, (2 * range) / 255, 128);
  }

  /** A tensor in [0, 1] (softmax, sigmoid) after Q/DQ (uint8, zero point 0). */
  unit(x: string): string {
    return this.qdq(x, 1 / 255, 0);
  }

  /** x [.., k] × W [k, n] (+ bias, in float as the export leaves it), output through Q/DQ of `outRange`. */
  matmul(x: string, k: number, n: number, o: { outRange: number; bias?: boolean }): string {
    const w = this.weight([k, n], 1, k);
    const y = this.activation(this.g.op("MatMul", [x, w.dequantized]), o.outRange);
    return o.bias === false
      ? y
      : this.g.op("Add", [
          y,
          this.g.float(
            [n],
            Array.from({ length: n }, () => this.small()),
            "bias",
          ),
        ]);
  }

  /** Two activations multiplied (attention scores, weighted values), output through Q/DQ. */
  matmulActivations(a: string, b: string, outRange: number): string {
    return this.activation(this.g.op("MatMul", [a, b]), outRange);
  }

  /** A 1-D convolution [batch, cin, t] -> [batch, cout, t / stride], padding k/2, int32 bias at scale x·w. */
  conv1d(
    x: string,
    o: { cin: number; cout: number; kernel: number; stride: number; inScale: number; outRange: number },
  ): string {
    const w = this.weight([o.cout, o.cin, o.kernel], 0, o.cin * o.kernel);
    const bias = new Int32Array(o.cout).map(() => Math.round(this.small() / (o.inScale * w.scales[0]!)));
    const biasScales = this.g.float(
      [o.cout],
      [...w.scales].map((s) => s * o.inScale),
      "bias_scale",
    );
    const dqBias = this.g.op(
      "DequantizeLinear",
      [
        this.g.tensor(DataType.INT32, [o.cout], bias, "bias32"),
        biasScales,
        this.g.tensor(DataType.INT32, [o.cout], new Int32Array(o.cout), "bias_zp"),
      ],
      { axis: attr.int(0) },
    );
    const pad = o.kernel >> 1;
    const y = this.g.op("Conv", [x, w.dequantized, dqBias], {
      kernel_shape: attr.ints([o.kernel]),
      strides: attr.ints([o.stride]),
      pads: attr.ints([pad, pad]),
      dilations: attr.ints([1]),
      group: attr.int(1),
    });
    return this.activation(y, o.outRange);
  }

  /** Random int8 weights with per-channel scales along `axis`, through DequantizeLinear. */
  private weight(dims: readonly number[], axis: number, fanIn: number): { dequantized: string; scales: Float32Array } {
    const count = dims.reduce((a, b) => a * b, 1);
    const values = new Int8Array(count);
    for (let i = 0; i < count; i++) values[i] = (this.random() % 255) - 127;
    const channels = dims[axis]!;
    const scales = new Float32Array(channels).fill(1 / (INT8_STD * Math.sqrt(fanIn)));
    const w = this.g.tensor(DataType.INT8, dims, values, "w8");
    const scale = this.g.tensor(DataType.FLOAT, [channels], scales, "w8_scale");
    const zero = this.g.tensor(DataType.INT8, [channels], new Int8Array(channels), "w8_zp");
    return { dequantized: this.g.op("DequantizeLinear", [w, scale, zero], { axis: attr.int(axis) }), scales };
  }

  /** A tensor after Q/DQ with a given static scale and uint8 zero point. */
  quantized(x: string, scale: number, zeroPoint: number): string {
    return this.qdq(x, scale, zeroPoint);
  }

  private qdq(x: string, scale: number, zeroPoint: number): string {
    const s = this.g.float([], [scale], "act_scale");
    const z = this.g.tensor(DataType.UINT8, [], Uint8Array.of(zeroPoint), "act_zp");
    return this.g.op("DequantizeLinear", [this.g.op("QuantizeLinear", [x, s, z]), s, z]);
  }

  /** A small float (biases, norm parameters): uniform in [-0.05, 0.05]. */
  small(): number {
    return ((this.random() / 0xffffffff) * 2 - 1) * 0.05;
  }
}
