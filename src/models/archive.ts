import { createReadStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { posix } from "node:path";
import type { Duplex } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { x as untar, type ReadEntry } from "tar";
import bz2 from "unbzip2-stream";
import { AbortError, ModelError } from "../lib/errors.js";

export type ArchiveFormat = "tar.bz2" | "tar.gz" | "tar";

const allowedTypes = new Set(["File", "OldFile", "ContiguousFile", "Directory", "SymbolicLink", "Link"]);

/**
 * Extracts a model archive into `dest`, streaming (archives are hundreds of
 * megabytes: never buffered whole). `strip` drops leading path components, as
 * release tarballs wrap everything in one folder. An entry that would land
 * outside `dest`, or a link pointing outside it, rejects the whole archive.
 */
export async function extractArchive(file: string, format: ArchiveFormat, dest: string, strip: number, signal?: AbortSignal): Promise<void> {
  await mkdir(dest, { recursive: true });
  let unsafe: string | null = null;
  const unpack = untar({
    cwd: dest,
    strip,
    strict: true,
    // Running as root must not hand files to whatever uid the archive names.
    preserveOwner: false,
    filter: (path: string, entry: ReadEntry | import("node:fs").Stats) => {
      const problem = unsafeEntry(path, entry as ReadEntry, strip);
      if (problem && !unsafe) {
        unsafe = problem;
        unpack.abort(new ModelError("archive_unsafe", `${file}: ${problem}; the archive was rejected`));
      }
      return problem === null && allowedTypes.has((entry as ReadEntry).type);
    },
  });
  const stages: NodeJS.ReadWriteStream[] = format === "tar.bz2" ? [bz2() as unknown as Duplex] : format === "tar.gz" ? [createGunzip()] : [];
  try {
    await pipeline([createReadStream(file), ...stages, unpack as unknown as NodeJS.WritableStream], { signal });
  } catch (err) {
    if (signal?.aborted) throw new AbortError(signal.reason);
    if (err instanceof ModelError) throw err;
    throw new ModelError("archive_invalid", `${file}: cannot extract ${format} archive: ${(err as Error).message}`, { cause: err });
  }
  if (unsafe) throw new ModelError("archive_unsafe", `${file}: ${unsafe}; the archive was rejected`);
}

/** Why an entry is unsafe, or null. Paths are checked after `strip`, as they will be written. */
export function unsafeEntry(path: string, entry: { type: string; linkpath?: string | undefined }, strip: number): string | null {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (path.startsWith("/") || /^[a-zA-Z]:/.test(path)) return `entry '${path}' has an absolute path`;
  const stripped = parts.slice(strip).join("/");
  if (stripped === "") return null;
  if (escapes(stripped)) return `entry '${path}' would land outside the model folder`;
  if (entry.type === "SymbolicLink" && entry.linkpath !== undefined) {
    if (entry.linkpath.startsWith("/") || escapes(posix.join(posix.dirname(stripped), entry.linkpath))) return `link '${path}' points outside the model folder`;
  }
  if (entry.type === "Link" && entry.linkpath !== undefined) {
    const target = entry.linkpath.split("/").slice(strip).join("/");
    if (entry.linkpath.startsWith("/") || escapes(target)) return `hard link '${path}' points outside the model folder`;
  }
  return null;
}

function escapes(relPath: string): boolean {
  const n = posix.normalize(relPath);
  return n === ".." || n.startsWith("../") || n.startsWith("/");
}
