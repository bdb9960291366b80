import type { Database, Statement } from "better-sqlite3";

/** A recording a watched folder took (or refused for good). */
export interface IntakeFileRecord {
  sha256: string;
  folder: string;
  path: string;
  size: number;
  mtimeMs: number;
  status: "handed" | "rejected";
  error: string | null;
  takenAt: number;
}

/** Where a known recording sits now. */
export interface IntakeFileSeen {
  path: string;
  size: number;
  mtimeMs: number;
}

type Row = Record<string, unknown>;
const toRecord = (r: Row): IntakeFileRecord => ({
  sha256: r.sha256 as string,
  folder: r.folder as string,
  path: r.path as string,
  size: r.size as number,
  mtimeMs: r.mtime_ms as number,
  status: r.status as IntakeFileRecord["status"],
  error: r.error as string | null,
  takenAt: r.taken_at as number,
});

/** The `intake_files` and `intake_folders` tables: what the folder intake has taken, and since when it watches. */
export class IntakeFilesRepo {
  private readonly s: Record<"get" | "insert" | "seen" | "known" | "baseline" | "setBaseline", Statement>;

  /**
   * `scrub` masks what is written of a recording's path and refusal (a PBX may name files after the caller's
   * number; docs/privacy.md): the content hash, not the path, is what makes a recording known, so a masked path
   * only costs a scan reading that file again after a restart.
   */
  constructor(
    db: Database,
    private readonly scrub: (text: string) => string = (text) => text,
  ) {
    this.s = {
      get: db.prepare("SELECT * FROM intake_files WHERE sha256 = ?"),
      insert:
        db.prepare(`INSERT OR IGNORE INTO intake_files (sha256, folder, path, size, mtime_ms, status, error, taken_at)
        VALUES (@sha256, @folder, @path, @size, @mtimeMs, @status, @error, @takenAt)`),
      seen: db.prepare(
        "UPDATE intake_files SET path = @path, size = @size, mtime_ms = @mtimeMs WHERE sha256 = @sha256",
      ),
      known: db.prepare("SELECT path, size, mtime_ms FROM intake_files WHERE folder = ?"),
      baseline: db.prepare("SELECT baseline_ms FROM intake_folders WHERE folder = ?"),
      setBaseline: db.prepare(
        "INSERT OR IGNORE INTO intake_folders (folder, baseline_ms, created_at) VALUES (?, ?, ?)",
      ),
    };
  }

  get(sha256: string): IntakeFileRecord | null {
    const r = this.s.get.get(sha256) as Row | undefined;
    return r ? toRecord(r) : null;
  }

  /** Records a recording as taken; false when it was already (the first record stands). */
  record(r: IntakeFileRecord): boolean {
    return (
      this.s.insert.run({
        ...r,
        path: this.scrub(r.path),
        error: r.error === null ? null : this.scrub(r.error),
        mtimeMs: Math.trunc(r.mtimeMs),
      }).changes > 0
    );
  }

  /** A known recording seen at another path (renumbered, moved between folders). */
  seenAt(sha256: string, at: IntakeFileSeen): void {
    this.s.seen.run({ sha256, path: this.scrub(at.path), size: at.size, mtimeMs: Math.trunc(at.mtimeMs) });
  }

  /** Where this folder's known recordings were last seen. */
  known(folder: string): IntakeFileSeen[] {
    return (this.s.known.all(folder) as Row[]).map((r) => ({
      path: r.path as string,
      size: r.size as number,
      mtimeMs: r.mtime_ms as number,
    }));
  }

  /** The folder's baseline, if one was fixed. */
  storedBaseline(folder: string): number | null {
    return (this.s.baseline.get(folder) as { baseline_ms: number } | undefined)?.baseline_ms ?? null;
  }

  /** The folder's baseline (ms since the epoch), set to `proposed` the first time it is asked for. */
  baseline(folder: string, proposed: number, now: number): number {
    this.s.setBaseline.run(folder, Math.trunc(proposed), now);
    return (this.s.baseline.get(folder) as { baseline_ms: number }).baseline_ms;
  }
}
