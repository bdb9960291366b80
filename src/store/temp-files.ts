import { randomBytes } from "node:crypto";
import { readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Temporary files are `<final name>.tmp-<hex>`, beside the file they become. */
const TEMP_NAME = /\.tmp-[0-9a-f]{8,}$/;

/**
 * Writes `bytes` to `path` all or nothing: into a temporary file beside it,
 * then one rename. On any failure (a full disk above all) the temporary file
 * is removed before the error is rethrown, so a failed write leaves nothing.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Removes temporary files a crash (or a full disk, before this module
 * cleaned up after itself) left under `dir`, at any depth. Only those last
 * written more than `olderThanMs` ago: another process (a `parley worker`)
 * may be writing one right now. Returns how many went.
 */
export async function sweepTempFiles(dir: string, now: number, olderThanMs = 10 * 60_000): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
  for (const e of entries) {
    if (!e.isFile() || !TEMP_NAME.test(e.name)) continue;
    const file = join(e.parentPath, e.name);
    const s = await stat(file).catch(() => null);
    if (s && s.mtimeMs <= now - olderThanMs) {
      await rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
