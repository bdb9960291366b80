import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, statfs } from "node:fs/promises";
import { join } from "node:path";
import type { ParleyConfig } from "../config/index.js";
import { describeError } from "../lib/errors.js";
import { writeFileAtomic } from "../store/files/index.js";
import type { CheckResult } from "./types.js";

/**
 * `files.dir`, when set (a folder shared by the nodes): it must take a write
 * the way Parley writes (temporary file, fsync, rename, directory fsync) and
 * read it back, which an NFS mount that is read-only, stale or mapped to
 * another user id does not. Nothing to check without it (dataDir's disk check
 * covers that folder).
 */
export async function filesDirCheck(config: ParleyConfig): Promise<CheckResult | null> {
  const dir = config.files.dir;
  if (!dir) return null;
  const probe = join(dir, `.parley-probe-${randomBytes(6).toString("hex")}`);
  const bytes = randomBytes(64);
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(probe, bytes);
    const back = await readFile(probe);
    if (!back.equals(bytes)) throw new Error("a file written there reads back different");
    const s = await statfs(dir);
    const gb = ((s.bavail * s.bsize) / 1024 ** 3).toFixed(1);
    return { group: "system", name: "files.dir", status: "ok", detail: `${dir}: writable, ${gb} GB free` };
  } catch (err) {
    return {
      group: "system",
      name: "files.dir",
      status: "fail",
      detail: `${dir}: ${describeError(err)}`,
      fix: "mount the shared folder read-write on this node, for the user Parley runs as (docs/scale-out.md)",
    };
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}
