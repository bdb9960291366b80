/**
 * A minimal, typed ONNX ModelProto writer: just the messages a small
 * inference graph needs (tensors, value infos, nodes with attributes, one
 * graph, metadata). Field numbers follow onnx/onnx.proto; everything else in
 * that schema is left out on purpose.
 */
import { bytesField, floatField, intField, message, type ProtoBytes } from "./protobuf.js";

/** TensorProto.DataType values used by the test models. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** A dimension: a fixed size, or a symbolic name (batch, time) resolved at run time. */
export type Dim = number | string;

/** Constant tensor data; the typed array decides the bytes, `dataType` what ONNX calls them. */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint16Array | Uint8Array | Int8Array;

export interface TensorSpec {
  name: string;
  dataType: DataType;
  dims: readonly number[];
  data: TensorData;
}

export interface ValueInfoSpec {
  name: string;
  elemType: DataType;
  dims: readonly Dim[];
}

/** Node attribute values, tagged so the ONNX attribute type is never guessed from a JS number. */
export type AttrValue =
  | { kind: "int"; value: number }
  | { kind: "ints"; value: readonly number[] }
  | { kind: "float"; value: number }
  | { kind: "string"; value: string }
  | { kind: "graph"; value: GraphSpec };

export const attr = {
  int: (value: number): AttrValue => ({ kind: "int", value }),
  ints: (value: readonly number[]): AttrValue => ({ kind: "ints", value }),
  float: (value: number): AttrValue => ({ kind: "float", value }),
  string: (value: string): AttrValue => ({ kind: "string", value }),
  graph: (value: GraphSpec): AttrValue => ({ kind: "graph", value }),
};

export interface NodeSpec {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttrValue>>;
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorSpec[];
  inputs: readonly ValueInfoSpec[];
  outputs: readonly ValueInfoSpec[];
}

export interface ModelSpec {
  graph: GraphSpec;
  producerName: string;
  /** Default-domain opset; 13 keeps ReduceMean/ReduceLogSumExp axes as attributes. */
  opsetVersion?: number;
  /** metadata_props: sherpa-onnx reads model facts (sample rate, model type...) from here. */
  metadata?: Readonly<Record<string, string>>;
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_GRAPH = 5;
const ATTR_INTS = 7;

/** IR version 7 is the oldest that knows opset 13 (8 for opsets 14 to 17); any onnxruntime of the last years reads them. */
const irVersionFor = (opset: number) => (opset <= 13 ? 7 : 8);

function rawBytes(data: TensorData): ProtoBytes {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** TensorProto{dims=1, data_type=2, name=8, raw_data=9}. */
export function encodeTensor(t: TensorSpec): ProtoBytes {
  return message(
    t.dims.map((d) => intField(1, d)),
    intField(2, t.dataType),
    bytesField(8, t.name),
    bytesField(9, rawBytes(t.data)),
  );
}

/** ValueInfoProto{name, type: TypeProto{tensor_type: {elem_type, shape: {dim: [{dim_value | dim_param}]}}}}. */
export function encodeValueInfo(v: ValueInfoSpec): ProtoBytes {
  const dims = v.dims.map((d) => bytesField(1, typeof d === "number" ? intField(1, d) : bytesField(2, d)));
  const tensorType = message(intField(1, v.elemType), bytesField(2, message(dims)));
  return message(bytesField(1, v.name), bytesField(2, bytesField(1, tensorType)));
}

function encodeAttribute(name: string, value: AttrValue): ProtoBytes {
  switch (value.kind) {
    case "int":
      return message(bytesField(1, name), intField(3, value.value), intField(20, ATTR_INT));
    case "ints":
      return message(
        bytesField(1, name),
        value.value.map((v) => intField(8, v)),
        intField(20, ATTR_INTS),
      );
    case "float":
      return message(bytesField(1, name), floatField(2, value.value), intField(20, ATTR_FLOAT));
    case "string":
      return message(bytesField(1, name), bytesField(4, value.value), intField(20, ATTR_STRING));
    case "graph":
      return message(bytesField(1, name), bytesField(6, encodeGraph(value.value)), intField(20, ATTR_GRAPH));
  }
}

/** NodeProto{input=1, output=2, name=3, op_type=4, attribute=5}. */
export function encodeNode(n: NodeSpec): ProtoBytes {
  // Sorted attribute names keep the bytes independent of object key order.
  const attributes = Object.keys(n.attributes ?? {})
    .sort()
    .map((key) => {
      const value = n.attributes?.[key];
      if (value === undefined) throw new Error(`attribute ${key} of ${n.name} is undefined`);
      return bytesField(5, encodeAttribute(key, value));
    });
  return message(
    n.inputs.map((i) => bytesField(1, i)),
    n.outputs.map((o) => bytesField(2, o)),
    bytesField(3, n.name),
    bytesField(4, n.opType),
    attributes,
  );
}

/** GraphProto{node=1, name=2, initializer=5, input=11, output=12}. */
export function encodeGraph(g: GraphSpec): ProtoBytes {
  return message(
    g.nodes.map((n) => bytesField(1, encodeNode(n))),
    bytesField(2, g.name),
    g.initializers.map((t) => bytesField(5, encodeTensor(t))),
    g.inputs.map((v) => bytesField(11, encodeValueInfo(v))),
    g.outputs.map((v) => bytesField(12, encodeValueInfo(v))),
  );
}

/** ModelProto{ir_version=1, producer_name=2, graph=7, opset_import=8, metadata_props=14}: the bytes of a .onnx file. */
export function encodeModel(m: ModelSpec): Uint8Array {
  const opsetVersion = m.opsetVersion ?? 13;
  const opset = message(bytesField(1, ""), intField(2, opsetVersion));
  const metadata = Object.entries(m.metadata ?? {}).map(([key, value]) =>
    bytesField(14, message(bytesField(1, key), bytesField(2, value))),
  );
  return message(
    intField(1, irVersionFor(opsetVersion)),
    bytesField(2, m.producerName),
    bytesField(7, encodeGraph(m.graph)),
    bytesField(8, opset),
    metadata,
  );
}
