import type { SqlStore } from "../sql/port.js";

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

interface Row {
  sha256: string;
  folder: string;
  path: string;
  size: number;
  mtime_ms: number;
  status: IntakeFileRecord["status"];
  error: string | null;
  taken_at: number;
}

const toRecord = (r: Row): IntakeFileRecord => ({
  sha256: r.sha256,
  folder: r.folder,
  path: r.path,
  size: r.size,
  mtimeMs: r.mtime_ms,
  status: r.status,
  error: r.error,
  takenAt: r.taken_at,
});

/**
 * The `intake_files`, `intake_folders` and `intake_claims` tables, on the SQL port: what the folder intake has
 * taken, since when it watches each folder, and which node is taking a recording now. With `store.url` the nodes
 * watching one shared spool read and write the same rows, so a recording taken by one is known to all, and the
 * claim (one row per recording, taken by one statement) lets exactly one node hand it on.
 */
export class IntakeFilesRepo {
  /**
   * `scrub` masks what is written of a recording's path and refusal (a PBX may name files after the caller's
   * number; docs/privacy.md): the content hash, not the path, is what makes a recording known, so a masked path
   * only costs a scan reading that file again after a restart.
   */
  constructor(
    private readonly sql: SqlStore,
    private readonly scrub: (text: string) => string = (text) => text,
  ) {}

  async get(sha256: string): Promise<IntakeFileRecord | null> {
    const r = await this.sql.get<Row>("SELECT * FROM intake_files WHERE sha256 = ?", [sha256]);
    return r ? toRecord(r) : null;
  }

  /**
   * Claims a recording for `owner` until `now + leaseMs`: true when no one holds it, or the holder's lease ran out
   * (a node that died mid hand-off). One statement, so of two nodes claiming together exactly one gets it: on
   * PostgreSQL the second insert waits for the first to commit, then finds its row unexpired and changes nothing.
   */
  async claim(sha256: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const { changes } = await this.sql.run(
      `INSERT INTO intake_claims (sha256, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (sha256) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE intake_claims.expires_at <= ?`,
      [sha256, owner, now + leaseMs, now],
    );
    return changes > 0;
  }

  /** Gives a claim up (a hand-off that failed for now, or a recording found already taken). */
  async release(sha256: string, owner: string): Promise<void> {
    await this.sql.run("DELETE FROM intake_claims WHERE sha256 = ? AND owner = ?", [sha256, owner]);
  }

  /**
   * Records a recording as taken and drops the claim on it, in one transaction; false when it was recorded already
   * (the first record stands).
   */
  async record(r: IntakeFileRecord, owner: string | null = null): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const { changes } = await tx.run(
        `INSERT INTO intake_files (sha256, folder, path, size, mtime_ms, status, error, taken_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
        [
          r.sha256,
          r.folder,
          this.scrub(r.path),
          r.size,
          Math.trunc(r.mtimeMs),
          r.status,
          r.error === null ? null : this.scrub(r.error),
          r.takenAt,
        ],
      );
      if (owner !== null) await tx.run("DELETE FROM intake_claims WHERE sha256 = ? AND owner = ?", [r.sha256, owner]);
      return changes > 0;
    });
  }

  /** A known recording seen at another path (renumbered, moved between folders). */
  async seenAt(sha256: string, at: IntakeFileSeen): Promise<void> {
    await this.sql.run("UPDATE intake_files SET path = ?, size = ?, mtime_ms = ? WHERE sha256 = ?", [
      this.scrub(at.path),
      at.size,
      Math.trunc(at.mtimeMs),
      sha256,
    ]);
  }

  /** Where this folder's known recordings were last seen. */
  async known(folder: string): Promise<IntakeFileSeen[]> {
    const rows = await this.sql.all<Pick<Row, "path" | "size" | "mtime_ms">>(
      "SELECT path, size, mtime_ms FROM intake_files WHERE folder = ?",
      [folder],
    );
    return rows.map((r) => ({ path: r.path, size: r.size, mtimeMs: r.mtime_ms }));
  }

  /** The folder's baseline, if one was fixed. */
  async storedBaseline(folder: string): Promise<number | null> {
    const r = await this.sql.get<{ baseline_ms: number }>("SELECT baseline_ms FROM intake_folders WHERE folder = ?", [
      folder,
    ]);
    return r?.baseline_ms ?? null;
  }

  /**
   * The folder's baseline (ms since the epoch), set to `proposed` the first time it is asked for: the first node
   * to watch a shared folder fixes it for all.
   */
  async baseline(folder: string, proposed: number, now: number): Promise<number> {
    await this.sql.run(
      "INSERT INTO intake_folders (folder, baseline_ms, created_at) VALUES (?, ?, ?) ON CONFLICT (folder) DO NOTHING",
      [folder, Math.trunc(proposed), now],
    );
    return (await this.storedBaseline(folder)) as number;
  }
}
