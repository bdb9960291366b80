import { open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { tempPathFor } from "./temp-names.js";

/**
 * Writes `bytes` to `path` all or nothing: into a temporary file beside it,
 * flushed to stable storage, then one rename. Readers (on this node or on any
 * node sharing the folder) see the old file or the whole new one, never a
 * part. On any failure (a full disk above all) the temporary file is removed
 * before the error is rethrown, so a failed write leaves nothing.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    // "wx": never write into someone else's file, even if a name were ever reused.
    const fh = await open(tmp, "wx", 0o644);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await publishTemp(tmp, path);
}

/**
 * Publishes a temporary file a writer has finished (a recording streamed to
 * `tempPathFor(path)`): flushes it, renames it to its final name, and flushes
 * the directory so the new name survives a crash. On failure the temporary
 * file is removed and the error rethrown.
 */
export async function publishTemp(tmp: string, path: string): Promise<void> {
  try {
    const fh = await open(tmp, "r+");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** Drops a temporary file a writer gave up on. */
export async function discardTemp(tmp: string): Promise<void> {
  await rm(tmp, { force: true });
}

/**
 * fsync of the directory makes the rename durable on local disks. Some file
 * systems refuse to open or sync a directory (EISDIR, EINVAL, EPERM); on those
 * (NFS among them) the rename is already committed by the server when it
 * returns, so the refusal is not an error.
 */
async function syncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EINVAL" && code !== "EPERM" && code !== "EBADF") throw err;
  } finally {
    await fh?.close();
  }
}
