import { createHash } from "node:crypto";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./files/index.js";
import type { SqlExecutor, SqlStore } from "./sql/port.js";

export interface AudioBlob {
  sha256: string;
  path: string;
  bytes: number;
  contentType: string;
  durationMs: number;
  createdAt: number;
}

interface Row {
  sha256: string;
  path: string;
  bytes: number;
  content_type: string;
  duration_ms: number;
  created_at: number;
}

const toBlob = (r: Row): AudioBlob => ({
  sha256: r.sha256,
  path: r.path,
  bytes: r.bytes,
  contentType: r.content_type,
  durationMs: r.duration_ms,
  createdAt: r.created_at,
});

/**
 * Recordings stored once by the SHA-256 of their bytes, under
 * <files.dir>/audio/ab/abcdef...; the file name comes from the hash, never from
 * anything a caller sent, so two nodes sharing the folder that store the same
 * message write the same name with the same bytes and cannot clash. A file is
 * written to a temporary name and renamed, so a crash never leaves a half file
 * under a real name (and a failed write, a full disk, leaves no temporary file
 * either; `sweepTempFiles` at start removes what a crash left).
 */
export class AudioStore {
  constructor(
    private readonly sql: SqlStore,
    private readonly root: string,
  ) {}

  static hash(bytes: Uint8Array): string {
    return createHash("sha256").update(bytes).digest("hex");
  }

  async get(sha256: string): Promise<AudioBlob | null> {
    const r = await this.sql.get<Row>("SELECT * FROM audio_blobs WHERE sha256 = ?", [sha256]);
    return r ? toBlob(r) : null;
  }

  /** Writes the file (if new); the caller records the row inside its own transaction with `record`. */
  async writeFile(sha256: string, bytes: Uint8Array, extension: string): Promise<string> {
    const dir = join(this.root, sha256.slice(0, 2));
    const path = join(dir, `${sha256}.${extension}`);
    // Already there (another upload, another node): kept when whole. A file of another size is not what its name
    // says (written by something that did not write atomically): replaced, atomically, by the right bytes.
    const existing = await stat(path).catch(() => null);
    if (existing?.size === bytes.length) return path;
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(path, bytes);
    return path;
  }

  async record(blob: AudioBlob, on: SqlExecutor = this.sql): Promise<void> {
    // Both engines accept ON CONFLICT DO NOTHING: the same recording recorded twice (two nodes, two uploads) is one row.
    await on.run(
      `INSERT INTO audio_blobs (sha256, path, bytes, content_type, duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (sha256) DO NOTHING`,
      [blob.sha256, blob.path, blob.bytes, blob.contentType, blob.durationMs, blob.createdAt],
    );
  }

  /** Removes the row (inside the caller's transaction) ... */
  async forget(sha256: string, on: SqlExecutor = this.sql): Promise<void> {
    await on.run("DELETE FROM audio_blobs WHERE sha256 = ?", [sha256]);
  }

  /** ... and then the file. */
  async removeFile(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}
