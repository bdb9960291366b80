import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** Feeds a file's bytes into a running hash (used to continue hashing a resumed download). */
export async function hashInto(hash: Hash, path: string, signal?: AbortSignal): Promise<number> {
  let size = 0;
  for await (const chunk of createReadStream(path, { signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return size;
}

/** sha256 (hex) and size of a file, streamed: model files are gigabytes. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  const size = await hashInto(hash, path, signal);
  return { sha256: hash.digest("hex"), size };
}

/** Every regular file below `root`, as sorted '/'-separated paths relative to it. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}
