/**
 * A typed GGUF v3 writer (the llama.cpp model file format): header, typed
 * key/value metadata, tensor infos, then aligned tensor data. Tensors carry a
 * ggml type (ggml-types.ts: F32, F16, Q8_0, Q6_K from floats; also Q4_0,
 * Q5_0, Q4_K as random or zero blocks) and are encoded lazily, a range of
 * rows at a time, so `writeGgufFile` streams a 1 GB model to disk without
 * holding it in memory. Format reference: ggml/docs/gguf.md.
 */
import { open } from "node:fs/promises";
import { GgmlType, quantizeRow, randomRows, rowBytes, seededRandom, type GgmlTypeName } from "./ggml-types.js";

/** GGUF metadata value types (gguf_type). */
const GgufType = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;

type NumberType = "u32" | "i32" | "f32";

export type GgufValue =
  | { type: NumberType; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "array"; itemType: NumberType; values: readonly number[] }
  | { type: "array"; itemType: "string"; values: readonly string[] };

/** Constructors, so metadata reads `["llama.block_count", gguf.u32(1)]`. */
export const gguf = {
  u32: (value: number): GgufValue => ({ type: "u32", value }),
  i32: (value: number): GgufValue => ({ type: "i32", value }),
  f32: (value: number): GgufValue => ({ type: "f32", value }),
  bool: (value: boolean): GgufValue => ({ type: "bool", value }),
  string: (value: string): GgufValue => ({ type: "string", value }),
  numbers: (itemType: NumberType, values: readonly number[]): GgufValue => ({ type: "array", itemType, values }),
  strings: (values: readonly string[]): GgufValue => ({ type: "array", itemType: "string", values }),
};

export interface GgufTensor {
  name: string;
  /** ggml order: ne[0] first, the fastest-varying (row length) dimension. */
  dims: readonly number[];
  type: GgmlTypeName;
  /** Encodes rows [first, first + count) (a row is dims[0] values) into `out`, which holds exactly those rows. */
  encode(first: number, count: number, out: Uint8Array): void;
}

const DEFAULT_ALIGNMENT = 32;
/** Rows encoded per write while streaming: bounded memory whatever the tensor size. */
const CHUNK_BYTES = 8 << 20;

const rowsOf = (dims: readonly number[]): number => dims.slice(1).reduce((a, b) => a * b, 1);
const bytesOf = (t: Pick<GgufTensor, "dims" | "type">): number => rowBytes(t.type, t.dims[0] ?? 1) * rowsOf(t.dims);

/** A tensor from float values held in memory (the tiny models, norms, biases). */
export function floatTensor(
  name: string,
  dims: readonly number[],
  data: Float32Array,
  type: GgmlTypeName = "F32",
): GgufTensor {
  const elements = dims.reduce((a, b) => a * b, 1);
  if (elements !== data.length) throw new Error(`tensor ${name}: ${data.length} values for dims [${dims.join(", ")}]`);
  return rowTensor(name, dims, type, (row, out) => out.set(data.subarray(row * out.length, (row + 1) * out.length)));
}

/** A tensor whose rows a function fills (into a zeroed buffer), quantized row by row: large sparse matrices never exist as floats. */
export function rowTensor(
  name: string,
  dims: readonly number[],
  type: GgmlTypeName,
  fillRow: (row: number, out: Float32Array) => void,
): GgufTensor {
  const length = dims[0] ?? 1;
  const perRow = rowBytes(type, length);
  return {
    name,
    dims,
    type,
    encode(first, count, out) {
      const values = new Float32Array(length);
      for (let r = 0; r < count; r++) {
        values.fill(0);
        fillRow(first + r, values);
        quantizeRow(type, values, out.subarray(r * perRow, (r + 1) * perRow));
      }
    },
  };
}

/** Random weights of small magnitude (see randomRows), seeded by the tensor name: the same bytes every time. */
export function randomTensor(name: string, dims: readonly number[], type: GgmlTypeName, scale: number): GgufTensor {
  const perRow = rowBytes(type, dims[0] ?? 1);
  let random = seededRandom(name);
  let next = 0;
  return {
    name,
    dims,
    type,
    encode(first, count, out) {
      if (first !== next) {
        // Rows are normally asked for in order; restart the stream for any other order.
        random = seededRandom(name);
        const skip = new Uint8Array(perRow);
        for (let r = 0; r < first; r++) randomRows(type, skip, random, scale);
      }
      randomRows(type, out.subarray(0, count * perRow), random, scale);
      next = first + count;
    },
  };
}

/** All-zero weights: every block format decodes zero bytes (zero scales) as 0. */
export function zeroTensor(name: string, dims: readonly number[], type: GgmlTypeName): GgufTensor {
  return { name, dims, type, encode: (_first, _count, out) => out.fill(0) };
}

/** Collects little-endian fields into one buffer. */
class ByteSink {
  private readonly chunks: Uint8Array[] = [];
  size = 0;

  bytes(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.bytes(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.bytes(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.bytes(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.bytes(b);
  }
  string(s: string): void {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.bytes(b);
  }
  padTo(alignment: number): void {
    const rest = this.size % alignment;
    if (rest !== 0) this.bytes(new Uint8Array(alignment - rest));
  }
  concat(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

function writeNumber(sink: ByteSink, type: NumberType, v: number): void {
  if (type === "u32") sink.u32(v);
  else if (type === "i32") sink.i32(v);
  else sink.f32(v);
}

function writeValue(sink: ByteSink, v: GgufValue): void {
  sink.u32(GgufType[v.type]);
  switch (v.type) {
    case "bool":
      sink.bytes(Uint8Array.of(v.value ? 1 : 0));
      return;
    case "string":
      sink.string(v.value);
      return;
    case "array":
      sink.u32(GgufType[v.itemType]);
      sink.u64(v.values.length);
      if (v.itemType === "string") for (const s of v.values) sink.string(s);
      else for (const n of v.values) writeNumber(sink, v.itemType, n);
      return;
    default:
      writeNumber(sink, v.type, v.value);
  }
}

/** Header, metadata and tensor infos, padded to the alignment: everything before the tensor data. */
function encodeHeader(
  metadata: readonly (readonly [string, GgufValue])[],
  tensors: readonly GgufTensor[],
  alignment: number,
): Uint8Array {
  const kv: (readonly [string, GgufValue])[] = [...metadata];
  if (alignment !== DEFAULT_ALIGNMENT) kv.push(["general.alignment", gguf.u32(alignment)]);
  const sink = new ByteSink();
  sink.bytes(Buffer.from("GGUF", "ascii"));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(kv.length);
  for (const [key, value] of kv) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const t of tensors) {
    sink.string(t.name);
    sink.u32(t.dims.length);
    for (const d of t.dims) sink.u64(d);
    sink.u32(GgmlType[t.type]);
    sink.u64(offset);
    offset += Math.ceil(bytesOf(t) / alignment) * alignment;
  }
  sink.padTo(alignment);
  return sink.concat();
}

/** Each tensor's data in chunks of whole rows, then its padding. */
function* tensorChunks(tensors: readonly GgufTensor[], alignment: number): Generator<Uint8Array> {
  for (const t of tensors) {
    const perRow = rowBytes(t.type, t.dims[0] ?? 1);
    const rows = rowsOf(t.dims);
    const step = Math.max(1, Math.floor(CHUNK_BYTES / perRow));
    for (let first = 0; first < rows; first += step) {
      const count = Math.min(step, rows - first);
      const out = new Uint8Array(count * perRow);
      t.encode(first, count, out);
      yield out;
    }
    const rest = bytesOf(t) % alignment;
    if (rest !== 0) yield new Uint8Array(alignment - rest);
  }
}

/** Encodes a complete .gguf file in memory. `general.alignment` is written when it differs from the default. */
export function encodeGguf(
  metadata: readonly (readonly [string, GgufValue])[],
  tensors: readonly GgufTensor[],
  alignment = DEFAULT_ALIGNMENT,
): Uint8Array {
  return Buffer.concat([encodeHeader(metadata, tensors, alignment), ...tensorChunks(tensors, alignment)]);
}

/** Writes a .gguf file chunk by chunk: memory stays at a few MB whatever the model size. Returns the bytes written. */
export async function writeGgufFile(
  path: string,
  metadata: readonly (readonly [string, GgufValue])[],
  tensors: readonly GgufTensor[],
  alignment = DEFAULT_ALIGNMENT,
): Promise<number> {
  const file = await open(path, "w");
  let written = 0;
  try {
    const header = encodeHeader(metadata, tensors, alignment);
    await file.write(header);
    written += header.length;
    for (const chunk of tensorChunks(tensors, alignment)) {
      await file.write(chunk);
      written += chunk.length;
    }
  } finally {
    await file.close();
  }
  return written;
}
