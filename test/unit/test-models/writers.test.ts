/** The protobuf, ONNX and GGUF encoders, byte by byte. */
import { describe, expect, it } from "vitest";
import { encodeGguf, floatTensor, gguf } from "../../../scripts/test-models/gguf-writer.js";
import { attr, DataType, encodeNode, encodeTensor } from "../../../scripts/test-models/onnx-writer.js";
import { bytesField, floatField, intField, varint } from "../../../scripts/test-models/protobuf.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("protobuf", () => {
  it("encodes varints as protobuf does, negatives as 10-byte two's complement", () => {
    expect(hex(varint(0))).toBe("00");
    expect(hex(varint(1))).toBe("01");
    expect(hex(varint(300))).toBe("ac02");
    expect(hex(varint(-1))).toBe("ffffffffffffffffff01");
    expect(hex(varint(2n ** 40n))).toBe("808080808020");
  });

  it("encodes tagged fields", () => {
    expect(hex(intField(1, 150))).toBe("089601");
    expect(hex(bytesField(2, "testing"))).toBe("120774657374696e67");
    expect(hex(floatField(2, 1))).toBe("150000803f");
  });
});

describe("onnx", () => {
  it("encodes a tensor with dims, type, name and raw little-endian data", () => {
    const bytes = encodeTensor({ name: "t", dataType: DataType.INT64, dims: [2], data: BigInt64Array.from([1n, -1n]) });
    // dims=2 | data_type=7 | name="t" | raw_data (16 bytes)
    expect(hex(bytes)).toBe("0802" + "1007" + "420174" + "4a10" + "0100000000000000" + "ffffffffffffffff");
  });

  it("writes attributes in name order, so object key order never changes the bytes", () => {
    const a = encodeNode({
      opType: "Op",
      name: "n",
      inputs: ["x"],
      outputs: ["y"],
      attributes: { b: attr.int(1), a: attr.ints([2, 3]) },
    });
    const b = encodeNode({
      opType: "Op",
      name: "n",
      inputs: ["x"],
      outputs: ["y"],
      attributes: { a: attr.ints([2, 3]), b: attr.int(1) },
    });
    expect(hex(a)).toBe(hex(b));
    expect(hex(a).indexOf(hex(bytesField(1, "a")))).toBeLessThan(hex(a).indexOf(hex(bytesField(1, "b"))));
  });
});

describe("gguf", () => {
  it("writes the v3 header, typed metadata and aligned tensor data", () => {
    const file = Buffer.from(
      encodeGguf(
        [
          ["k", gguf.u32(7)],
          ["s", gguf.strings(["a", "bc"])],
        ],
        [floatTensor("w", [3], Float32Array.from([1, 2, 3]))],
      ),
    );
    expect(file.subarray(0, 4).toString("ascii")).toBe("GGUF");
    expect(file.readUInt32LE(4)).toBe(3);
    expect(file.readBigUInt64LE(8)).toBe(1n); // tensors
    expect(file.readBigUInt64LE(16)).toBe(2n); // metadata entries
    // key "k": u64 length 1, "k", type u32 (4), value 7
    expect(file.readBigUInt64LE(24)).toBe(1n);
    expect(file.readUInt32LE(33)).toBe(4);
    expect(file.readUInt32LE(37)).toBe(7);
    // The data section starts on a 32-byte boundary and holds the floats.
    const dataStart = file.length - 32;
    expect(dataStart % 32).toBe(0);
    expect(file.readFloatLE(dataStart + 8)).toBe(3);
  });

  it("refuses a tensor whose data does not match its dims", () => {
    expect(() => encodeGguf([], [floatTensor("w", [2, 2], new Float32Array(3))])).toThrow(/3 values for dims \[2, 2\]/);
  });
});
