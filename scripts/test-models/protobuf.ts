/**
 * The few protobuf wire-format primitives the ONNX writer needs (proto3,
 * little-endian). Messages are built bottom-up as byte arrays and concatenated,
 * which is all a writer of small, fully known messages needs: no schema
 * compiler, no dependency, and the output is byte-for-byte deterministic.
 */

/** Wire types used here (the others, groups and fixed64, never occur in ONNX). */
const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** An encoded protobuf fragment: a field, several fields, or a whole message. */
export type ProtoBytes = Uint8Array;

/** Base-128 varint; negative numbers take the 10-byte two's-complement form, as protobuf does for int64. */
export function varint(value: number | bigint): ProtoBytes {
  let n = BigInt(value);
  if (n < 0n) n += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) byte |= 0x80;
    out.push(byte);
  } while (n > 0n);
  return Uint8Array.from(out);
}

function tag(field: number, wireType: number): ProtoBytes {
  return varint((field << 3) | wireType);
}

/** Concatenates fragments (fields, or lists of fields) into one message body. */
export function message(...parts: (ProtoBytes | ProtoBytes[])[]): ProtoBytes {
  return Buffer.concat(parts.flat());
}

/** An integer field (int32, int64, enum, bool). */
export function intField(field: number, value: number | bigint): ProtoBytes {
  return message(tag(field, WIRE_VARINT), varint(value));
}

/** A 32-bit float field. */
export function floatField(field: number, value: number): ProtoBytes {
  const bytes = Buffer.alloc(4);
  bytes.writeFloatLE(value);
  return message(tag(field, WIRE_FIXED32), bytes);
}

/** A length-delimited field: a string (UTF-8), raw bytes or an embedded message. */
export function bytesField(field: number, value: string | ProtoBytes): ProtoBytes {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return message(tag(field, WIRE_LEN), varint(bytes.length), bytes);
}
