import { open } from "node:fs/promises";
import { ModelError } from "../lib/errors.js";

/**
 * A structural check of an ONNX file before it reaches onnxruntime. A
 * truncated or garbage file makes onnxruntime throw from native code where
 * sherpa-onnx does not catch it, which aborts the whole process (worker
 * threads included). Walking the ModelProto's top-level protobuf fields is
 * cheap (a few reads, whatever the file size) and catches both: every field
 * must have a valid tag and fit inside the file, and a graph must be there.
 */
const GRAPH_FIELD = 7;
const MAX_FIELD = 20; // ModelProto has fields 1..20; anything else is not ONNX

export async function assertOnnxIntact(path: string, modelId: string): Promise<void> {
  const fail = (why: string) =>
    new ModelError(
      "model_load_failed",
      `model ${modelId}: ${path} is not a usable ONNX file (${why}); re-install it with parley models pull or import`,
    );
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    throw new ModelError("model_load_failed", `model ${modelId}: cannot open ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    const size = (await handle.stat()).size;
    if (size < 16) throw fail("file is too small");
    const buf = Buffer.alloc(20);
    let offset = 0;
    let sawGraph = false;
    while (offset < size) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
      const tag = readVarint(buf, 0, bytesRead);
      if (!tag) throw fail(`bad field header at byte ${offset}`);
      const field = Number(tag.value >> 3n);
      const wire = Number(tag.value & 7n);
      if (field < 1 || field > MAX_FIELD) throw fail(`unexpected field ${field} at byte ${offset}`);
      let next: number;
      if (wire === 0) {
        const v = readVarint(buf, tag.bytes, bytesRead);
        if (!v) throw fail(`bad value at byte ${offset}`);
        next = offset + tag.bytes + v.bytes;
      } else if (wire === 2) {
        const len = readVarint(buf, tag.bytes, bytesRead);
        if (!len) throw fail(`bad length at byte ${offset}`);
        next = offset + tag.bytes + len.bytes + Number(len.value);
      } else if (wire === 5) next = offset + tag.bytes + 4;
      else if (wire === 1) next = offset + tag.bytes + 8;
      else throw fail(`invalid wire type ${wire} at byte ${offset}`);
      if (next > size) throw fail(`field ${field} runs past the end of the file (truncated?)`);
      if (field === GRAPH_FIELD) sawGraph = true;
      offset = next;
    }
    if (!sawGraph) throw fail("no graph");
  } finally {
    await handle.close();
  }
}

function readVarint(buf: Buffer, start: number, end: number): { value: bigint; bytes: number } | null {
  let value = 0n;
  for (let i = start, shift = 0n; i < end && i < start + 10; i++, shift += 7n) {
    const b = buf[i] as number;
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value, bytes: i - start + 1 };
  }
  return null;
}

/** Every `.onnx` path inside a sherpa-onnx config object. */
export function onnxPathsIn(config: unknown): string[] {
  if (typeof config === "string") return config.endsWith(".onnx") ? [config] : [];
  if (Array.isArray(config)) return config.flatMap(onnxPathsIn);
  if (config && typeof config === "object") return Object.values(config).flatMap(onnxPathsIn);
  return [];
}
