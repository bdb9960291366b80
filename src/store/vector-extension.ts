import type { Database } from "better-sqlite3";
import { getLoadablePath } from "sqlite-vec";

/** Whether a connection can compare vectors in SQL (sqlite-vec), or why not. */
export type VectorSupport = { loaded: true; version: string } | { loaded: false; reason: string };

const loaded = new WeakMap<Database, VectorSupport>();

/**
 * Loads sqlite-vec (the npm package's prebuilt vec0 library for this
 * platform) into one connection, once. A platform without a prebuilt library
 * (or a build of SQLite that refuses extensions) gets the reason instead:
 * the knowledge base then compares vectors in JavaScript, with the same
 * results, and says so in its stats.
 */
export function loadVectorExtension(db: Database): VectorSupport {
  const known = loaded.get(db);
  if (known) return known;
  let support: VectorSupport;
  try {
    db.loadExtension(getLoadablePath());
    const row = db.prepare("SELECT vec_version() AS v").get() as { v: string };
    support = { loaded: true, version: row.v };
  } catch (err) {
    support = { loaded: false, reason: (err as Error).message.split("\n")[0] ?? "sqlite-vec did not load" };
  }
  loaded.set(db, support);
  return support;
}
