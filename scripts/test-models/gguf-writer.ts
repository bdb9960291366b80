/**
 * A typed GGUF v3 writer (the llama.cpp model file format): header, typed
 * key/value metadata, tensor infos, then aligned tensor data. Only F32
 * tensors: the test models are small and F32 keeps every weight exact.
 * Format reference: ggml/docs/gguf.md.
 */

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
  data: Float32Array;
}

const GGML_TYPE_F32 = 0;
const DEFAULT_ALIGNMENT = 32;

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

/** Encodes a complete .gguf file. `general.alignment` is written when it differs from the default. */
export function encodeGguf(metadata: readonly (readonly [string, GgufValue])[], tensors: readonly GgufTensor[], alignment = DEFAULT_ALIGNMENT): Uint8Array {
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
    const elements = t.dims.reduce((a, b) => a * b, 1);
    if (elements !== t.data.length) throw new Error(`tensor ${t.name}: ${t.data.length} values for dims [${t.dims.join(", ")}]`);
    sink.string(t.name);
    sink.u32(t.dims.length);
    for (const d of t.dims) sink.u64(d);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offset += Math.ceil(t.data.byteLength / alignment) * alignment;
  }
  sink.padTo(alignment);
  for (const t of tensors) {
    sink.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    sink.padTo(alignment);
  }
  return sink.concat();
}
