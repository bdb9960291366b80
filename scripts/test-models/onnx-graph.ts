/**
 * A small builder over the ONNX writer so a generator reads like the
 * computation it encodes (`const e = g.op("Exp", [x])`) instead of a list of
 * hand-named protobuf messages. Names are generated in call order, so the same
 * builder calls always give the same bytes.
 */
import {
  DataType,
  encodeModel,
  type AttrValue,
  type Dim,
  type GraphSpec,
  type NodeSpec,
  type TensorData,
  type TensorSpec,
  type ValueInfoSpec,
} from "./onnx-writer.js";

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private readonly inputs: ValueInfoSpec[] = [];
  private readonly outputs: ValueInfoSpec[] = [];
  private counter = 0;

  /** `prefix` keeps the generated names of a subgraph (a Loop body) apart from its parent's. */
  constructor(
    private readonly name: string,
    private readonly prefix = "",
  ) {}

  /** Declares a graph input and returns its name for use in ops. */
  input(name: string, elemType: DataType, dims: readonly Dim[]): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  /** Declares a graph output; some op must write it (pass the name as that op's `out`). */
  output(name: string, elemType: DataType, dims: readonly Dim[]): string {
    this.outputs.push({ name, elemType, dims });
    return name;
  }

  /** A float32 constant (scalar when dims is []). */
  float(dims: readonly number[], values: readonly number[], label = "c"): string {
    return this.constant(label, DataType.FLOAT, dims, Float32Array.from(values));
  }

  /** An int64 constant, for shapes, axes and indices. */
  int64(dims: readonly number[], values: readonly number[], label = "i"): string {
    return this.constant(label, DataType.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** Adds one node with a single output and returns the output's name (generated unless `out` is given). */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttrValue>> = {},
    out?: string,
  ): string {
    const output = out ?? `${this.prefix}${opType.toLowerCase()}_${this.counter}`;
    this.nodes.push({ opType, name: `${this.prefix}${opType}_${this.counter}`, inputs, outputs: [output], attributes });
    this.counter += 1;
    return output;
  }

  /** Adds one node with `count` outputs (DynamicQuantizeLinear, LSTM, Loop) and returns their names. */
  ops(
    opType: string,
    inputs: readonly string[],
    count: number,
    attributes: Readonly<Record<string, AttrValue>> = {},
  ): string[] {
    const id = this.counter;
    this.counter += 1;
    const outputs = Array.from({ length: count }, (_, i) => `${this.prefix}${opType.toLowerCase()}_${id}_${i}`);
    this.nodes.push({ opType, name: `${this.prefix}${opType}_${id}`, inputs, outputs, attributes });
    return outputs;
  }

  /** A constant of any type (int8 weights, bools...) from raw typed data. */
  tensor(dataType: DataType, dims: readonly number[], data: TensorData, label = "t"): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected)
      throw new Error(`constant ${label}: ${data.length} values for dims [${dims.join(", ")}]`);
    const name = `${this.prefix}${label}_${this.counter}`;
    this.counter += 1;
    this.initializers.push({ name, dataType, dims, data });
    return name;
  }

  /** The finished graph, ready for `encodeModel`. */
  build(): GraphSpec {
    return {
      name: this.name,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs: this.outputs,
    };
  }

  /** Encodes the graph as a complete .onnx file (default-domain opset 13 unless told). */
  toBytes(producerName: string, metadata: Readonly<Record<string, string>>, opsetVersion?: number): Uint8Array {
    return encodeModel({
      graph: this.build(),
      producerName,
      metadata,
      ...(opsetVersion !== undefined ? { opsetVersion } : {}),
    });
  }

  private constant(
    label: string,
    dataType: DataType,
    dims: readonly number[],
    data: Float32Array | BigInt64Array,
  ): string {
    return this.tensor(dataType, dims, data, label);
  }
}
