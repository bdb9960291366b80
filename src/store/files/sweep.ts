import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isTempName } from "./temp-names.js";

/**
 * How old a temporary file must be before a sweep removes it. A writer in
 * progress keeps touching its file (a call recording appends every 20 ms), so
 * only files nobody wrote for this long are left over from a crash, on this
 * node or another one sharing the folder.
 */
export const STALE_TEMP_MS = 10 * 60_000;

/**
 * Removes temporary files a crash (or a full disk) left under `dir`, at any
 * depth, if last written more than `olderThanMs` ago: another process or
 * another node may be writing one right now. Returns how many went.
 */
export async function sweepTempFiles(dir: string, now: number, olderThanMs = STALE_TEMP_MS): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
  for (const e of entries) {
    if (!e.isFile() || !isTempName(e.name)) continue;
    const file = join(e.parentPath, e.name);
    const s = await stat(file).catch(() => null);
    if (s && s.mtimeMs <= now - olderThanMs) {
      // Another node's sweep may have taken it first: force.
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
